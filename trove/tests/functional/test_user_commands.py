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

"""Users, access and root on a real server with authentication.

Each security property is proven by logging in to the server as the user,
with a client of the test's own: what the user may write, read, and
whether it can log in at all.
"""

import logging
import secrets

import fixtures
import pymongo
from pymongo import errors as pymongo_errors

from trove.common import exception
from trove.tests.functional import base
from trove.tests import helpers
from trove.tests import logins

payloads = helpers.payloads
UNAUTHORIZED = 13
AUTHENTICATION_FAILED = 18
# The databases whose users a test may leave behind.
USER_DATABASES = ('shop', 'hr', 'gone', 'admin')


def new_password():
    return 'pw-%s' % secrets.token_urlsafe(12)


class UserTestCase(base.FunctionalTestCase):

    def setUp(self):
        super().setUp()
        if not self.server.auth:
            self.skipTest('users need a server with authentication')
        self.addCleanup(self.drop_test_users)
        self.admin.create_database(payloads('shop', 'hr'))

    def drop_test_users(self):
        if not self.server.running:
            # A private server, discarded already.
            return
        for database in USER_DATABASES:
            for info in self.root[database].command('usersInfo')['users']:
                if database != 'admin' or info['user'] == 'root':
                    self.root[database].command('dropUser', info['user'])

    def password(self):
        password = new_password()
        self.add_secret(password)
        return password

    def user(self, name='shop.alice', databases=('shop',), password=None):
        return {'_name': name, '_host': '%',
                '_password': password or self.password(),
                '_databases': payloads(*databases)}

    def login(self, name, password):
        # The server of the moment: a test may switch to a private one.
        return self.useFixture(logins.UserLogins(self.server)).client(
            name, password)

    def assert_refused(self, code, action, *args, **kwargs):
        error = self.assertRaises(pymongo_errors.OperationFailure, action,
                                  *args, **kwargs)
        self.assertEqual(code, error.code, str(error))

    def assert_cannot_log_in(self, name, password):
        client = self.login(name, password)
        self.assert_refused(AUTHENTICATION_FAILED, client.shop.x.find_one)

    def assert_can_write(self, client, database):
        client[database].probe.insert_one({'n': 1})
        self.assertEqual(1, self.root[database].probe.count_documents({}))
        self.root[database].probe.delete_many({})

    def assert_cannot_write(self, client, database):
        self.assert_refused(UNAUTHORIZED, client[database].probe.insert_one,
                            {'n': 1})
        self.assertEqual(0, self.root[database].probe.count_documents({}))

    def server_users(self, database):
        return sorted(info['user'] for info in
                      self.root[database].command('usersInfo')['users'])


class UserAccessTest(UserTestCase):

    def test_a_user_writes_its_databases_only_and_cannot_read_admin(self):
        alice = self.user()
        self.manager.create_user(None, [alice])

        client = self.login('shop.alice', alice['_password'])
        self.assert_can_write(client, 'shop')
        self.assert_cannot_write(client, 'hr')
        self.assert_refused(UNAUTHORIZED, client.admin.list_collection_names)
        self.assert_refused(UNAUTHORIZED, client.admin.command, 'usersInfo',
                            {'user': 'os_admin', 'db': 'admin'})

    def test_grant_then_revoke_access(self):
        alice = self.user()
        self.manager.create_user(None, [alice])
        client = self.login('shop.alice', alice['_password'])

        self.manager.grant_access(None, 'shop.alice', '%', ['hr'])
        self.assert_can_write(client, 'hr')
        self.assertEqual(payloads('hr', 'shop'),
                         self.manager.list_access(None, 'shop.alice', '%'))

        self.manager.revoke_access(None, 'shop.alice', '%', 'hr')
        # A new session: the test server, unlike mongod, keeps the roles a
        # session had at login until it reconnects.
        client = self.login('shop.alice', alice['_password'])
        self.assert_cannot_write(client, 'hr')
        self.assert_can_write(client, 'shop')
        self.assertEqual(payloads('shop'),
                         self.manager.list_access(None, 'shop.alice', '%'))
        self.assertRaises(exception.AccessNotFound,
                          self.manager.revoke_access, None, 'shop.alice',
                          '%', 'hr')

    def test_after_delete_the_user_cannot_log_in(self):
        alice = self.user()
        self.manager.create_user(None, [alice])
        self.assert_can_write(self.login('shop.alice', alice['_password']),
                              'shop')

        self.assertEqual({'deleted': 'shop.alice'},
                         self.manager.delete_user(None, alice))

        self.assert_cannot_log_in('shop.alice', alice['_password'])
        self.assertIsNone(self.manager.get_user(None, 'shop.alice', '%'))
        self.assertRaises(exception.UserNotFound, self.manager.delete_user,
                          None, alice)

    def test_after_a_password_change_only_the_new_one_works(self):
        alice = self.user()
        old = alice['_password']
        self.manager.create_user(None, [alice])
        new = self.password()

        self.manager.change_passwords(
            None, [{'name': 'shop.alice', 'host': '%', 'password': new}])

        self.assert_cannot_log_in('shop.alice', old)
        self.assert_can_write(self.login('shop.alice', new), 'shop')

    def test_update_attributes_changes_the_password(self):
        alice = self.user()
        self.manager.create_user(None, [alice])
        new = self.password()

        self.manager.update_attributes(None, 'shop.alice', '%',
                                       {'name': None, 'host': None,
                                        'password': new})

        self.assert_cannot_log_in('shop.alice', alice['_password'])
        self.assert_can_write(self.login('shop.alice', new), 'shop')

    def test_a_rename_is_refused_and_nothing_changes(self):
        alice = self.user()
        self.manager.create_user(None, [alice])
        error = self.assertRaises(
            exception.InvalidUserRequest, self.manager.update_attributes,
            None, 'shop.alice', '%', {'name': 'shop.bob',
                                      'password': self.password()})
        self.assertIn('cannot rename', str(error))
        self.assertEqual(['alice'], self.server_users('shop'))
        self.assert_can_write(self.login('shop.alice', alice['_password']),
                              'shop')

    def test_every_user_write_waits_for_the_journal(self):
        # pymongo's command events hide createUser and updateUser (they
        # carry a password): the documents are seen where they are sent.
        sent = []
        original = pymongo.database.Database.command

        def command(database, document, *args, **kwargs):
            if isinstance(document, dict):
                sent.append(dict(document))
            return original(database, document, *args, **kwargs)
        self.useFixture(fixtures.MockPatchObject(
            pymongo.database.Database, 'command', command))
        alice = self.user()
        self.manager.create_user(None, [alice])
        self.manager.grant_access(None, 'shop.alice', '%', ['hr'])
        self.manager.revoke_access(None, 'shop.alice', '%', 'hr')
        self.manager.change_passwords(None, [{
            'name': 'shop.alice', 'host': '%', 'password': self.password()}])
        self.manager.delete_user(None, alice)
        root = self.manager.enable_root(None)
        self.add_secret(root['_password'])

        writes = [document for document in sent
                  if next(iter(document)) in (
                      'createUser', 'updateUser', 'grantRolesToUser',
                      'revokeRolesFromUser', 'dropUser')]
        self.assertEqual(['createUser', 'grantRolesToUser',
                          'revokeRolesFromUser', 'updateUser', 'dropUser',
                          'createUser'],
                         [next(iter(document)) for document in writes])
        for document in writes:
            self.assertEqual({'w': 1, 'j': True}, document['writeConcern'])


class UserBatchTest(UserTestCase):

    def assert_nothing_changed(self, call, *args):
        before = {database: self.server_users(database)
                  for database in USER_DATABASES}
        error = self.assertRaises(exception.InvalidUserRequest, call, *args)
        self.assertIn('Nothing was changed', str(error))
        self.assertEqual(before, {database: self.server_users(database)
                                  for database in USER_DATABASES})
        return error

    def test_a_batch_is_created_whole_and_listed(self):
        self.manager.create_user(None, [self.user('shop.bob', ('hr',)),
                                        self.user('shop.alice'),
                                        self.user('hr.carol', ())])
        users, next_marker = self.manager.list_users(None)
        self.assertEqual([
            {'_name': 'hr.carol', '_host': '%', '_password': None,
             '_databases': []},
            {'_name': 'shop.alice', '_host': '%', '_password': None,
             '_databases': payloads('shop')},
            {'_name': 'shop.bob', '_host': '%', '_password': None,
             '_databases': payloads('hr')}], users)
        self.assertIsNone(next_marker)
        self.assertEqual(users[1], self.manager.get_user(None, 'shop.alice',
                                                         '%'))
        page, next_marker = self.manager.list_users(None, limit=1,
                                                    marker='hr.carol')
        self.assertEqual([users[1]], page)
        self.assertEqual('shop.alice', next_marker)

    def test_grant_or_create_naming_a_reserved_database_is_refused(self):
        self.manager.create_user(None, [self.user()])
        for database in ('admin', 'local', 'config', 'ADMIN'):
            error = self.assert_nothing_changed(
                self.manager.create_user, None,
                [self.user('shop.bob', ('shop', database))])
            self.assertIn(repr(database), str(error))
            self.assert_nothing_changed(
                self.manager.grant_access, None, 'shop.alice', '%',
                ['hr', database])
        info = self.root.shop.command('usersInfo', 'alice')['users'][0]
        self.assertEqual([{'role': 'readWrite', 'db': 'shop'}],
                         info['roles'])

    def test_access_to_a_case_twin_of_a_database_is_refused(self):
        self.manager.create_user(None, [self.user()])
        error = self.assert_nothing_changed(
            self.manager.grant_access, None, 'shop.alice', '%', ['HR'])
        self.assertIn("differs only in case from the existing database "
                      "'hr'", str(error))

    def test_one_bad_user_refuses_the_whole_batch(self):
        self.assert_nothing_changed(
            self.manager.create_user, None,
            [self.user('shop.alice'), self.user('admin.bob', ())])
        self.assert_nothing_changed(
            self.manager.create_user, None,
            [self.user('shop.alice'), self.user('shop.alice')])

    def test_an_existing_user_refuses_the_batch(self):
        self.manager.create_user(None, [self.user('shop.bob')])
        error = self.assertRaises(
            exception.UserAlreadyExists, self.manager.create_user, None,
            [self.user('shop.alice'), self.user('shop.bob')])
        self.assertIn('shop.bob', str(error))
        self.assertEqual(['bob'], self.server_users('shop'))

    def test_reserved_users_cannot_be_created_changed_or_dropped(self):
        for name in ('admin.os_admin', 'ADMIN.os_admin', 'admin.OS_ADMIN',
                     'admin.root'):
            self.assert_nothing_changed(self.manager.create_user, None,
                                        [self.user(name, ())])
            self.assert_nothing_changed(
                self.manager.change_passwords, None,
                [{'name': name, 'host': '%', 'password': self.password()}])
            self.assert_nothing_changed(
                self.manager.update_attributes, None, name, '%',
                {'password': self.password()})
            self.assert_nothing_changed(self.manager.delete_user, None,
                                        self.user(name, ()))
            self.assert_nothing_changed(self.manager.grant_access, None,
                                        name, '%', ['shop'])
            self.assertIsNone(self.manager.get_user(None, name, '%'))
        # os_admin still works with its own password.
        self.assertIn('shop', self.server.admin_client(
            serverSelectionTimeoutMS=3000).list_database_names())
        self.assertNotIn('root', self.server_users('admin'))

    def test_users_of_a_dropped_database_are_found_not_listed(self):
        self.admin.create_database(payloads('gone'))
        ghost = self.user('gone.ghost', ('gone',))
        self.manager.create_user(None, [ghost])
        self.manager.delete_database(None, {'_name': 'gone'})

        self.assertEqual([], [user['_name'] for user in
                              self.manager.list_users(None)[0]])
        self.assertEqual('gone.ghost', self.manager.get_user(
            None, 'gone.ghost', '%')['_name'])
        self.manager.delete_user(None, ghost)
        self.assertEqual([], self.server_users('gone'))


class RootTest(UserTestCase):

    def test_root_is_generated_works_and_is_reset(self):
        self.assertFalse(self.manager.is_root_enabled(None))

        root = self.manager.enable_root(None)
        password = root['_password']
        self.add_secret(password)
        self.assertEqual({'_name': 'admin.root', '_host': '%',
                          '_password': password, '_databases': []}, root)
        self.assertTrue(self.manager.is_root_enabled(None))
        client = self.login('admin.root', password)
        self.assertIn('os_admin', [info['user'] for info in client.admin
                                   .command('usersInfo')['users']])
        self.assert_can_write(client, 'hr')

        again = self.manager.enable_root(None)
        self.add_secret(again['_password'])
        self.assertNotEqual(password, again['_password'])
        self.assert_cannot_log_in('admin.root', password)
        self.assert_can_write(self.login('admin.root', again['_password']),
                              'shop')

    def test_root_with_a_password_of_the_caller(self):
        password = self.password()
        root = self.manager.enable_root_with_password(None, password)
        self.assertEqual(password, root['_password'])
        self.assert_can_write(self.login('admin.root', password), 'shop')
        self.assertIsNone(self.manager.get_user(None, 'admin.root', '%'))
        self.assertEqual([], self.manager.list_users(None)[0])


class UserDurabilityTest(UserTestCase):

    def test_user_changes_survive_a_crash_with_the_checkpoint(self):
        # SecantusDB loses user writes acknowledged with j: true at a
        # SIGKILL; checkpoint_after_ddl is what makes them durable there.
        server = self.use_private_server()
        self.conf.config(group='mongodb', checkpoint_after_ddl=True)
        self.admin.create_database(payloads('shop', 'hr'))
        alice, bob = self.user('shop.alice'), self.user('shop.bob')
        self.manager.create_user(None, [alice, bob])
        self.manager.grant_access(None, 'shop.alice', '%', ['hr'])
        new = self.password()
        self.manager.change_passwords(None, [{
            'name': 'shop.alice', 'host': '%', 'password': new}])
        self.manager.delete_user(None, bob)

        server.kill()
        server.start()
        self.root = server.root_client()
        self.addCleanup(self.root.close)

        self.assertEqual(['alice'], self.server_users('shop'))
        client = self.login('shop.alice', new)
        self.assert_can_write(client, 'hr')

    def test_no_password_reaches_pymongo_s_debug_log(self):
        pymongo_logger = logging.getLogger('pymongo')
        self.addCleanup(pymongo_logger.setLevel, pymongo_logger.level)
        pymongo_logger.setLevel(logging.DEBUG)
        alice = self.user()
        self.manager.create_user(None, [alice])
        self.manager.change_passwords(None, [{
            'name': 'shop.alice', 'host': '%', 'password': self.password()}])
        self.manager.update_attributes(None, 'shop.alice', '%',
                                       {'password': self.password()})
        root = self.manager.enable_root(None)
        self.add_secret(root['_password'])
        # Worth something only if pymongo logged the commands themselves.
        self.assert_logged('DEBUG', 'pymongo.command', 'createUser')
        self.assert_logged('DEBUG', 'pymongo.command', 'updateUser')
        # base.TestCase then looks for each password in every line logged.


class ReadWriteRolesUserTest(UserAccessTest):
    """os_admin that also holds readWriteAnyDatabase."""

    MODE = 'readwrite'
