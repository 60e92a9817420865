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

from pymongo import errors as pymongo_errors

from trove.common import exception
from trove.guestagent.datastore.experimental.mongodb import errors
from trove.guestagent.datastore.experimental.mongodb import service
from trove.tests import base

TARGET = service.ConnectionTarget('db1', 27017, 'os_admin', 'pw-secret-1',
                                  '/etc/creds.json', 3.0, 30.0)


class TranslatedTest(base.TestCase):

    def translate(self, failure):
        def fail():
            with errors.translated(TARGET, 'create', 'sales'):
                raise failure
        error = self.assertRaises(exception.MongoDBError, fail)
        self.assertIs(failure, error.__cause__)
        self.assertFalse('pw-secret-1' in str(error))
        return error

    def test_server_selection_timeout_names_host_and_port(self):
        error = self.translate(pymongo_errors.ServerSelectionTimeoutError(
            'db1:27017: [Errno 111] Connection refused (configured '
            'timeouts: socketTimeoutMS: 3000.0ms), Timeout: 3.0s, '
            'Topology Description: <...>'))
        self.assertIsInstance(error, exception.MongoDBConnectionError)
        self.assertIn('db1:27017 within 3.0 s', str(error))
        self.assertIn('Connection refused', str(error))
        self.assertNotIn('Topology', str(error))

    def test_lost_connection_is_a_connection_error(self):
        error = self.translate(pymongo_errors.AutoReconnect('reset'))
        self.assertIsInstance(error, exception.MongoDBConnectionError)

    def test_authentication_failure_names_user_and_file(self):
        error = self.translate(pymongo_errors.OperationFailure(
            'Authentication failed.', 18))
        self.assertIsInstance(error, exception.MongoDBAuthenticationError)
        self.assertIn('os_admin', str(error))
        self.assertIn('/etc/creds.json', str(error))

    def test_unauthorized_names_action_and_database(self):
        error = self.translate(pymongo_errors.OperationFailure(
            'x', 13, {'errmsg': 'not authorized on sales to execute command '
                      '(action: insert)', 'code': 13}))
        self.assertIsInstance(error, exception.MongoDBUnauthorized)
        self.assertIn('to insert on database sales', str(error))

    def test_unauthorized_from_an_older_server_names_the_command(self):
        error = self.translate(pymongo_errors.OperationFailure(
            'x', 13, {'errmsg': 'not authorized on sales to execute command '
                      '{ create: "trove_placeholder" }'}))
        self.assertIn('to create on database sales', str(error))

    def test_other_failures_keep_code_and_message(self):
        error = self.translate(pymongo_errors.OperationFailure(
            'x', 20, {'errmsg': 'Invalid namespace'}))
        self.assertIsInstance(error, exception.MongoDBOperationError)
        self.assertIn('Invalid namespace (code 20)', str(error))
        self.assertIn('create on sales', str(error))

    def test_any_other_pymongo_error(self):
        error = self.translate(pymongo_errors.InvalidName('bad'))
        self.assertIsInstance(error, exception.MongoDBOperationError)

    def test_non_pymongo_errors_pass_through(self):
        def fail():
            with errors.translated(TARGET, 'create', 'sales'):
                raise KeyError('x')
        self.assertRaises(KeyError, fail)
