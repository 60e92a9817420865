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

"""trove-mongodb's user and root commands, against a running agent.

The agent runs as its own process on the machine's RabbitMQ with the
instance's key, against SecantusDB with auth; each command runs as a
subprocess, and the server is checked by logging in as the user.
"""

import json
import secrets

from trove.tests.functional import agent_base
from trove.tests import helpers
from trove.tests import logins


class OperatorUserCommandTest(agent_base.AgentTestCase):

    GUEST_INFO = True

    def setUp(self):
        super().setUp()
        self.addCleanup(self.drop_users)
        self.root.shop.create_collection('orders')
        self.root.hr.create_collection('staff')
        self.can_write = self.useFixture(
            logins.UserLogins(self.server)).can_write

    def drop_users(self):
        for database in ('shop', 'hr', 'admin'):
            for info in self.root[database].command('usersInfo')['users']:
                if database != 'admin' or info['user'] == 'root':
                    self.root[database].command('dropUser', info['user'])

    def password(self):
        password = 'pw-%s' % secrets.token_urlsafe(12)
        self.add_secret(password)
        return password

    def cli(self, *args):
        completed = self.agent.cli(*args)
        output = completed.stdout + completed.stderr
        # assertNotIn would print the secret itself when it fails.
        self.assertEqual([], [index for index, secret in
                              enumerate(self._secrets + [self.key])
                              if secret in output], 'a secret was printed')
        return completed

    def ok(self, *args):
        completed = self.cli(*args)
        self.assertEqual(0, completed.returncode, completed.stderr)
        return completed.stdout

    def refused(self, args, fragments):
        completed = self.cli(*args)
        helpers.assert_one_error_line(self, completed.returncode,
                                      completed.stdout, completed.stderr,
                                      *fragments)

    def test_a_user_s_life_through_the_commands(self):
        password = self.password()
        guest = self.guest_id
        self.assertEqual('User shop.alice was created on instance %s.\n'
                         % guest, self.ok('user-create', guest, 'shop.alice',
                                          password, '--databases', 'shop'))
        self.assertTrue(self.can_write('shop.alice', password, 'shop'))
        self.assertFalse(self.can_write('shop.alice', password, 'hr'))

        self.assertEqual([{'Name': 'shop.alice', 'Host': '%',
                           'Databases': 'shop'}],
                         json.loads(self.ok('user-list', guest,
                                            '--format', 'json')))
        self.assertIn('| name      | shop.alice |',
                      self.ok('user-show', guest, 'shop.alice'))

        self.ok('user-grant-access', guest, 'shop.alice', 'hr')
        self.assertTrue(self.can_write('shop.alice', password, 'hr'))
        self.assertEqual([{'Name': 'hr'}, {'Name': 'shop'}],
                         json.loads(self.ok('user-show-access', guest,
                                            'shop.alice', '--format',
                                            'json')))
        self.ok('user-revoke-access', guest, 'shop.alice', 'hr')
        self.assertFalse(self.can_write('shop.alice', password, 'hr'))

        self.assertEqual('User shop.alice was deleted from instance %s.\n'
                         % guest, self.ok('user-delete', guest,
                                          'shop.alice'))
        self.assertFalse(self.can_write('shop.alice', password, 'shop'))
        self.refused(('user-show', guest, 'shop.alice'),
                     ("'shop.alice' does not exist",))

    def test_refusals_are_one_line_and_change_nothing(self):
        guest = self.guest_id
        self.ok('user-create', guest, 'shop.alice', self.password())
        for args, fragments in (
                (('user-create', guest, 'admin.os_admin', self.password()),
                 ('ignore_users',)),
                (('user-create', guest, 'ADMIN.root', self.password()),
                 ('ignore_users',)),
                (('user-create', guest, 'shop.bob', self.password(),
                  '--databases', 'shop', 'admin'),
                 ("'admin'", 'reserved')),
                (('user-grant-access', guest, 'shop.alice', 'local'),
                 ("'local'", 'reserved')),
                (('user-delete', guest, 'admin.os_admin'),
                 ('ignore_users',)),
                (('user-create', guest, 'shop.alice', self.password()),
                 ('shop.alice exist already', 'nothing was changed'))):
            self.refused(args, fragments)
        self.assertEqual(['alice'], [info['user'] for info in self.root.shop
                                     .command('usersInfo')['users']])
        self.assertEqual([], self.root.shop.command('usersInfo', 'alice')[
            'users'][0]['roles'])

    def test_root_enable_prints_the_generated_password_once(self):
        guest = self.guest_id
        self.assertIn('| is_root_enabled | False |',
                      self.ok('root-show', guest))
        shown = json.loads(self.ok('root-enable', guest, '--format',
                                   'json'))
        self.add_secret(shown['password'])
        self.assertEqual('admin.root', shown['name'])
        self.assertTrue(self.can_write('admin.root', shown['password'],
                                       'hr'))
        self.assertIn('| is_root_enabled | True  |',
                      self.ok('root-show', guest))

        password = self.password()
        self.assertEqual({'name': 'admin.root'}, json.loads(self.ok(
            'root-enable', guest, '--root_password', password, '--format',
            'json')))
        self.assertFalse(self.can_write('admin.root', shown['password'],
                                        'hr'))
        self.assertTrue(self.can_write('admin.root', password, 'hr'))
