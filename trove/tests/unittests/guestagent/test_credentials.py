#    Licensed under the Apache License, Version 2.0 (the "License"); you may
#    not use this file except in compliance with the License. You may obtain
#    a copy of the License at
#
#         http://www.apache.org/licenses/LICENSE-2.0
#
#    Unless required by applicable law or agreed to in writing, software
#    distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
#    WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
#    License for the specific language governing permissions and limitations
#    under the License.

import json
import os

import fixtures

from trove.guestagent.datastore.experimental.mongodb import credentials
from trove.guestagent.datastore.experimental.mongodb import exceptions
from trove.tests import base
from trove.tests import helpers


class LoadCredentialsTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                                 'os_admin.json')

    def write(self, content, mode=0o600):
        helpers.write_private(self.path, content)
        os.chmod(self.path, mode)

    def test_absent_file_means_no_credentials(self):
        self.assertIsNone(credentials.load_credentials(self.path))
        self.assertIsNone(credentials.file_identity(self.path))

    def test_reads_username_and_password(self):
        self.write(json.dumps({'username': 'os_admin', 'password': 'pw-1'}))
        creds = credentials.load_credentials(self.path)
        self.assertEqual(('os_admin', 'pw-1'), tuple(creds))

    def test_password_does_not_show_in_a_repr(self):
        self.write(json.dumps({'username': 'os_admin', 'password': 'pw-1'}))
        creds = credentials.load_credentials(self.path)
        self.assertFalse('pw-1' in repr(creds))

    def test_file_readable_by_group_or_others_is_refused(self):
        for mode in (0o640, 0o604, 0o644, 0o660, 0o602):
            self.write(json.dumps({'username': 'u', 'password': 'p'}), mode)
            error = self.assertRaises(exceptions.CredentialsFileError,
                                      credentials.load_credentials,
                                      self.path)
            self.assertIn(self.path, str(error))
            self.assertIn('%04o' % mode, str(error))

    def test_owner_only_modes_are_accepted(self):
        for mode in (0o600, 0o400):
            self.write(json.dumps({'username': 'u', 'password': 'p'}), mode)
            self.assertEqual('u',
                             credentials.load_credentials(self.path).username)

    def test_malformed_files_are_refused_without_quoting_them(self):
        for content in ('{not json secret-1', '["secret-1"]',
                        '{"username": "u"}', '{"username": "", '
                        '"password": "secret-1"}',
                        '{"username": "u", "password": 7}'):
            self.write(content)
            error = self.assertRaises(exceptions.CredentialsFileError,
                                      credentials.load_credentials,
                                      self.path)
            self.assertIn(self.path, str(error))
            self.assertFalse('secret-1' in str(error))

    def test_identity_changes_when_the_file_changes(self):
        self.write('{}')
        before = credentials.file_identity(self.path)
        os.chmod(self.path, 0o400)
        self.assertNotEqual(before, credentials.file_identity(self.path))
