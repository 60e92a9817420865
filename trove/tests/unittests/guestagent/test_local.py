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

"""The caller API's operations, done by a Manager in the test's process."""

import inspect
from unittest import mock

import fixtures

from trove.guestagent import api
from trove.guestagent.datastore.experimental.mongodb import connection
from trove.guestagent.datastore.experimental.mongodb import exceptions
from trove.guestagent.datastore.experimental.mongodb import service
from trove.guestagent import local
from trove.tests import base

SALES = {'_name': 'sales', '_character_set': None, '_collate': None}
ALICE = {'_name': 'shop.alice', '_host': '%', '_databases': []}
ROOT_PASSWORD = 'pw-local-unit-5d3e'


class LocalAPITest(base.TestCase):
    """MongoDB is a stand-in; the Manager is the agent's own."""

    def setUp(self):
        super().setUp()
        self.add_secret(ROOT_PASSWORD)
        self.admin = mock.Mock(spec=service.MongoDBAdmin)
        self.useFixture(fixtures.MockPatchObject(
            service, 'MongoDBAdmin', return_value=self.admin))
        self.api = local.LocalAPI()

    def test_operations_take_the_caller_api_s_arguments(self):
        # trove-mongodb calls either one the same way.
        operations = [name for name in vars(local.LocalAPI)
                      if not name.startswith('_') and name != 'close']
        self.assertEqual(12, len(operations))
        for name in operations:
            self.assertEqual(inspect.signature(getattr(api.API, name)),
                             inspect.signature(getattr(local.LocalAPI, name)),
                             name)

    def test_each_operation_reaches_mongodb_with_its_arguments(self):
        self.api.create_database([SALES])
        self.api.list_databases()
        self.api.list_databases(20, 'hr', True)
        self.api.delete_database(SALES)
        self.api.create_user([ALICE])
        self.api.delete_user(ALICE)
        self.api.get_user('shop.alice')
        self.api.list_users()
        self.api.list_users(5, 'hr.bob', False)
        self.api.grant_access('shop.alice', '%', ['hr', 'shop'])
        self.api.revoke_access('shop.alice', '%', 'hr')
        self.api.list_access('shop.alice')
        self.api.enable_root_with_password()
        self.api.is_root_enabled()
        self.assertEqual([
            mock.call.create_database([SALES]),
            mock.call.list_databases(None, None, False),
            mock.call.list_databases(20, 'hr', True),
            mock.call.delete_database(SALES),
            mock.call.create_users([ALICE]),
            mock.call.delete_user(ALICE),
            mock.call.get_user('shop.alice', '%'),
            mock.call.list_users(None, None, False),
            mock.call.list_users(5, 'hr.bob', False),
            mock.call.grant_access('shop.alice', '%', ['hr', 'shop']),
            mock.call.revoke_access('shop.alice', '%', 'hr'),
            mock.call.list_access('shop.alice', '%'),
            mock.call.enable_root(None),
            mock.call.is_root_enabled(),
        ], self.admin.mock_calls)

    def test_the_root_password_reaches_mongodb(self):
        self.api.enable_root_with_password(ROOT_PASSWORD)
        # Positions only: comparing the calls would print the password.
        self.assertEqual([0], [
            index for index, call in enumerate(self.admin.mock_calls)
            if call == mock.call.enable_root(ROOT_PASSWORD)])
        self.assertEqual(1, len(self.admin.mock_calls))

    def test_each_operation_returns_what_was_done(self):
        # Unlike the caller API's casts, a create or a delete answers.
        created = {'created': ['sales'], 'existed': []}
        self.admin.create_database.return_value = created
        self.assertIs(created, self.api.create_database([SALES]))
        deleted = {'deleted': 'shop.alice'}
        self.admin.delete_user.return_value = deleted
        self.assertIs(deleted, self.api.delete_user(ALICE))

    def test_the_manager_s_error_is_raised_as_it_is(self):
        error = exceptions.MongoDBUnreachable(
            host='db1', port=27017, timeout=3.0, operation='dropDatabase',
            reason='Connection refused')
        self.admin.delete_database.side_effect = error
        raised = self.assertRaises(exceptions.MongoDBUnreachable,
                                   self.api.delete_database, SALES)
        self.assertIs(error, raised)

    def test_close_closes_the_pooled_client(self):
        # No credentials file: pymongo makes the client without connecting.
        self.conf.config(group='mongodb', admin_credentials_file=(
            self.useFixture(fixtures.TempDir()).join('creds.json')))
        pool = connection.get_pool()
        with pool.acquire() as conn:
            before = conn.client
        self.api.close()
        with pool.acquire() as conn:
            self.assertIsNot(before, conn.client)
