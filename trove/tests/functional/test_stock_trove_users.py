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

"""A stock Trove 26.0.0's guest API class drives users, access and root.

Trove's own ``trove.guestagent.api.API`` sends each request, encrypted
with the instance's key, to trove-guestagent as its own process; the
server is checked by logging in as the user. Trove 26's API refuses user
commands for MongoDB before it calls the guest; its guest API class, as
Trove 13's API used it, is what sends them.
"""

import secrets

import pymongo
from pymongo import errors as pymongo_errors

from trove.tests import helpers
from trove.tests import trove_instance
from trove.tests import upstream_trove

CLERK_PASSWORD = 'pw-clerk-%s' % secrets.token_urlsafe(12)
# Trove's API body for an initial user: it serializes it with its own
# DatastoreUser, as the taskmanager sends it in prepare.
CLERK = {'name': 'orders.clerk', 'password': CLERK_PASSWORD,
         'databases': [{'name': 'orders'}]}


class StockTroveUserTest(trove_instance.Trove26TestCase):

    TENANT = 'tenant-stock-users'
    INITIAL_DATABASES = ('orders', 'stock')
    PREPARE = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.trove.prepare(cls.instance_id,
                          databases=cls.INITIAL_DATABASES,
                          users=[CLERK])
        cls.trove.wait_for_settled_status(
            cls.instance_id, 'healthy',
            timeout=trove_instance.STATUS_TIMEOUT)

    def setUp(self):
        super().setUp()
        self.add_secret(CLERK_PASSWORD)
        self.addCleanup(self.drop_users)

    def drop_users(self):
        for database in self.INITIAL_DATABASES + ('admin',):
            for info in self.root[database].command('usersInfo')['users']:
                if (database, info['user']) in (('orders', 'clerk'),
                                                ('admin', 'os_admin'),
                                                ('admin', 'trove_test_root')):
                    continue
                self.root[database].command('dropUser', info['user'])

    def password(self):
        password = 'pw-%s' % secrets.token_urlsafe(12)
        self.add_secret(password)
        return password

    def api(self, method, **kwargs):
        return self.trove.api(self.instance_id, method, **kwargs)

    def can_write(self, name, password, database):
        db, _dot, user = name.partition('.')
        client = pymongo.MongoClient(
            self.server.host, self.server.port, directConnection=True,
            username=user, password=password, authSource=db,
            serverSelectionTimeoutMS=3000)
        try:
            client[database].probe.insert_one({})
        except pymongo_errors.OperationFailure:
            return False
        finally:
            client.close()
        return True

    def wait_until(self, check, what):
        helpers.poll(check, trove_instance.STATUS_TIMEOUT, what,
                     details=lambda: self.agent.log()[-3000:])

    def user_exists(self, database, user):
        return bool(self.root[database].command('usersInfo', user)['users'])

    def test_prepare_created_the_initial_user(self):
        self.assertTrue(self.can_write('orders.clerk', CLERK_PASSWORD,
                                       'orders'))
        self.assertFalse(self.can_write('orders.clerk', CLERK_PASSWORD,
                                        'stock'))
        self.assertEqual({'_name': 'orders.clerk', '_host': '%',
                          '_password': None,
                          '_databases': helpers.payloads('orders')},
                         self.api('get_user', username='orders.clerk',
                                  hostname='%'))

    def test_a_user_s_life_through_trove_s_guest_api(self):
        password = self.password()
        # As Trove serializes a user (its DatastoreUser adds _is_root).
        self.api('create_user', users=[{
            '_name': 'stock.alice', '_host': '%', '_password': password,
            '_databases': helpers.payloads('stock'), '_is_root': False}])
        self.wait_until(lambda: self.user_exists('stock', 'alice'),
                        'user stock.alice on the server')
        self.assertTrue(self.can_write('stock.alice', password, 'stock'))
        self.assertFalse(self.can_write('stock.alice', password, 'orders'))

        users, next_marker = self.api('list_users')
        self.assertEqual(['orders.clerk', 'stock.alice'],
                         [user['_name'] for user in users])
        self.assertIsNone(next_marker)
        # Trove's API looks a user up as a one-item page from its name.
        page, _next = self.api('list_users', limit=1, marker='stock.alice',
                               include_marker=True)
        self.assertEqual(['stock.alice'], [user['_name'] for user in page])

        self.api('grant_access', username='stock.alice', hostname='%',
                 databases=['orders'])
        self.assertTrue(self.can_write('stock.alice', password, 'orders'))
        self.assertEqual(helpers.payloads('orders', 'stock'),
                         self.api('list_access', username='stock.alice',
                                  hostname='%'))
        self.api('revoke_access', username='stock.alice', hostname='%',
                 database='orders')
        self.assertFalse(self.can_write('stock.alice', password, 'orders'))

        new = self.password()
        self.api('change_passwords', users=[
            {'name': 'stock.alice', 'host': '%', 'password': new}])
        self.wait_until(lambda: self.can_write('stock.alice', new, 'stock'),
                        'the new password working')
        self.assertFalse(self.can_write('stock.alice', password, 'stock'))

        newer = self.password()
        self.api('update_attributes', username='stock.alice', hostname='%',
                 user_attrs={'name': None, 'host': None, 'password': newer})
        self.wait_until(lambda: self.can_write('stock.alice', newer,
                                               'stock'),
                        'the password of update_attributes working')
        self.assertFalse(self.can_write('stock.alice', new, 'stock'))

        self.api('delete_user', user={'_name': 'stock.alice', '_host': '%',
                                      '_password': None, '_databases': []})
        self.wait_until(lambda: not self.user_exists('stock', 'alice'),
                        'user stock.alice gone')
        self.assertFalse(self.can_write('stock.alice', newer, 'stock'))
        self.assertIsNone(self.api('get_user', username='stock.alice',
                                   hostname='%'))

    def test_reserved_users_and_databases_are_refused(self):
        agent_mark = len(self.agent.log())
        self.api('create_user', users=[{
            '_name': 'ADMIN.os_admin', '_host': '%',
            '_password': self.password(), '_databases': []}])
        self.api('create_user', users=[{
            '_name': 'stock.bob', '_host': '%', '_password': self.password(),
            '_databases': helpers.payloads('stock', 'admin')}])
        error = self.assertRaises(
            upstream_trove.UpstreamCallError, self.api, 'grant_access',
            username='orders.clerk', hostname='%', databases=['config'])
        self.assertIn("'config'", error.message)
        self.assertIn('Nothing was changed', error.message)
        self.api('change_passwords', users=[
            {'name': 'admin.os_admin', 'host': '%',
             'password': self.password()}])
        self.api('delete_user', user={'_name': 'admin.root', '_host': '%',
                                      '_password': None, '_databases': []})
        self.wait_until(
            lambda: len(self.agent_errors_since(agent_mark)) >= 5,
            'five refusals in the agent log')
        self.assertFalse(self.user_exists('stock', 'bob'))
        self.assertFalse(self.user_exists('ADMIN', 'os_admin'))
        self.assertEqual([{'role': 'readWrite', 'db': 'orders'}],
                         self.root.orders.command('usersInfo', 'clerk')[
                             'users'][0]['roles'])
        # os_admin still logs in with its own password.
        self.assertIn('orders', self.server.admin_client(
            serverSelectionTimeoutMS=3000).list_database_names())

    def test_user_create_outcomes_reach_trove_s_conductor(self):
        mark = len(self.trove.conductor_log())
        password = self.password()
        created = self.trove.user_create(self.instance_id, [{
            '_name': 'stock.dave', '_host': '%', '_password': password,
            '_databases': helpers.payloads('stock')}])
        self.trove.wait_for_conductor_log(
            'dbaas.user_create.end', created['request_id'], since=mark)
        self.assertTrue(self.can_write('stock.dave', password, 'stock'))

        refused = self.trove.user_create(self.instance_id, [
            {'_name': 'stock.erin', '_host': '%',
             '_password': self.password(), '_databases': []},
            {'_name': 'ADMIN.os_admin', '_host': '%',
             '_password': self.password(), '_databases': []}])
        message = self.refusal_fault(refused['request_id'],
                                     'dbaas.user_create.error', mark)
        self.assertIn("'ADMIN.os_admin'", message)
        self.assertIn('ignore_users', message)
        # The whole batch was refused, before any change.
        self.assertFalse(self.user_exists('stock', 'erin'))

    def test_root_is_enabled_with_a_generated_password(self):
        self.assertFalse(self.api('is_root_enabled'))
        root = self.api('enable_root')
        self.add_secret(root['_password'])
        self.assertEqual('admin.root', root['_name'])
        self.assertTrue(self.can_write('admin.root', root['_password'],
                                       'stock'))
        self.assertTrue(self.api('is_root_enabled'))
        password = self.password()
        again = self.api('enable_root_with_password',
                         root_password=password)
        self.assertEqual(password, again['_password'])
        self.assertFalse(self.can_write('admin.root', root['_password'],
                                        'stock'))
        self.assertTrue(self.can_write('admin.root', password, 'stock'))
