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

"""database-create, database-list and database-delete on a real server.

Every test runs three times: with os_admin holding exactly the roles of the
MongoDB users spec, with readWriteAnyDatabase added, and without auth.
"""

import json
import logging
import os
import time

from pymongo import errors as pymongo_errors

from tools.harness import secantus
from trove.common import exception
from trove.guestagent.datastore.experimental.mongodb import exceptions
from trove.guestagent.datastore.experimental.mongodb import service
from trove.tests.functional import base
from trove.tests import helpers

payload = helpers.payload
payloads = helpers.payloads


class DatabaseCommandsMixin:

    # database-create

    def test_created_databases_are_listed(self):
        self.manager.create_database(None, payloads('sales', 'hr'))

        self.assertEqual(set(), {'sales', 'hr'} - self.server_names())
        schemas, next_marker = self.manager.list_databases(None)
        self.assertEqual(payloads('hr', 'sales'), schemas)
        self.assertIsNone(next_marker)

    def test_new_database_holds_only_the_placeholder(self):
        self.admin.create_database(payloads('sales'))

        self.assertEqual([service.PLACEHOLDER_COLLECTION],
                         self.root.sales.list_collection_names())
        self.assertEqual(0, self.root.sales[
            service.PLACEHOLDER_COLLECTION].count_documents({}))

    def test_every_create_and_drop_waits_for_the_journal(self):
        recorder = base.CommandRecorder()
        self.useFixture(base.AgentCommandListener(recorder))
        self.manager.create_database(None, payloads('sales', 'hr'))
        self.manager.create_database(None, payloads('sales', 'it'))
        self.manager.delete_database(None, payload('hr'))

        creates = recorder.named('create')
        drops = recorder.named('dropDatabase')
        self.assertEqual(['sales', 'hr', 'it'],
                         [command['$db'] for command in creates])
        self.assertEqual(['hr'], [command['$db'] for command in drops])
        for command in creates + drops:
            self.assertEqual({'w': 1, 'j': True}, command['writeConcern'])
        # Durable through the journal: no checkpoint of the whole server.
        self.assertEqual([], recorder.named('fsync'))

    def test_created_databases_survive_a_server_restart(self):
        server = self.use_private_server()
        self.admin.create_database(payloads('sales', 'hr'))

        server.restart()

        self.assertEqual((payloads('hr', 'sales'), None),
                         self.admin.list_databases())

    def test_create_leaves_an_existing_database_exactly_as_it_is(self):
        self.root.sales.orders.insert_many([{'n': 1}, {'n': 2}])
        before = list(self.root.sales.orders.find({}, {'_id': 0}))

        outcome = self.admin.create_database(payloads('sales', 'hr'))

        self.assertEqual({'created': ['hr'], 'existed': ['sales']}, outcome)
        self.assertEqual(['orders'], self.root.sales.list_collection_names())
        self.assertEqual(before,
                         list(self.root.sales.orders.find({}, {'_id': 0})))

    def test_creating_a_database_twice_is_harmless(self):
        self.admin.create_database(payloads('sales'))
        self.assertEqual({'created': [], 'existed': ['sales']},
                         self.admin.create_database(payloads('sales')))
        self.assertIn('sales', self.server_names())

    def test_63_byte_multibyte_name_is_accepted_by_the_server(self):
        name = '\u20ac' * 21  # 3 bytes each in UTF-8: 63 bytes
        self.admin.create_database(payloads(name))
        self.assertIn(name, self.server_names())

    def _assert_batch_refused(self, batch, *fragments):
        before = self.server_names()
        error = self.assertRaises(exception.InvalidDatabaseRequest,
                                  self.manager.create_database, None, batch)
        for fragment in fragments:
            self.assertIn(fragment, str(error))
        self.assertEqual(before, self.server_names())

    def test_a_bad_name_refuses_the_whole_batch(self):
        batch = payloads('good1') + [{'_name': 'bad.name'}] + payloads('ok')
        self._assert_batch_refused(batch, "'bad.name'", 'item 1')

    def test_a_malformed_payload_refuses_the_whole_batch(self):
        self._assert_batch_refused(payloads('good1') + [['sales']],
                                   'item 1', 'dict')
        self._assert_batch_refused(payloads('good1') + [{'name': 'x'}],
                                   '_name')
        self._assert_batch_refused({'_name': 'sales'}, 'list')

    def test_reserved_names_are_refused_in_any_case(self):
        for name in ('admin', 'LOCAL', 'Config'):
            self._assert_batch_refused(payloads('good1', name),
                                       'item 1', repr(name), 'reserved')

    def test_duplicates_and_case_twins_in_a_batch_are_refused(self):
        self._assert_batch_refused(payloads('sales', 'sales'),
                                   'listed more than once')
        self._assert_batch_refused(payloads('sales', 'Sales'),
                                   "'Sales' differs only in case")

    def test_case_twin_of_an_existing_database_is_refused(self):
        self.root.Sales.create_collection('orders')
        self._assert_batch_refused(payloads('hr', 'sales'),
                                   "'sales' differs only in case from the "
                                   "existing database 'Sales'")

    # database-list

    def test_list_hides_the_server_databases(self):
        self.admin.create_database(payloads('sales'))
        self.root.config.create_collection('settings')
        self.addCleanup(self.root.drop_database, 'config')
        self.assertIn('config', self.admin.list_database_names())
        names = [schema['_name'] for schema in self.admin.list_databases()[0]]
        self.assertEqual(['sales'], names)

    def test_pagination_walks_every_name_once(self):
        names = ['db%02d' % index for index in range(23)]
        self.admin.create_database(payloads(*reversed(names)))

        pages = helpers.walk(
            lambda marker: self.manager.list_databases(None, limit=5,
                                                       marker=marker),
            max_pages=10)
        self.assertEqual(payloads(*names), helpers.walked_items(pages))
        self.assertEqual(['db04', 'db09', 'db14', 'db19', None],
                         [marker for _page, marker in pages])

    def test_include_marker_starts_the_page_at_the_marker(self):
        self.admin.create_database(payloads('a1', 'b2', 'c3'))
        page, marker = self.admin.list_databases(limit=2, marker='b2',
                                                 include_marker=True)
        self.assertEqual((payloads('b2', 'c3'), None), (page, marker))

    # database-delete

    def test_delete_drops_the_database(self):
        self.admin.create_database(payloads('sales', 'hr'))
        self.root.sales.orders.insert_one({'n': 1})

        self.manager.delete_database(None, payload('sales'))

        self.assertNotIn('sales', self.server_names())
        self.assertIn('hr', self.server_names())
        self.assert_logged('DEBUG', "Dropped database 'sales'")

    def test_delete_names_the_users_left_behind(self):
        self.admin.create_database(payloads('shop'))
        self.root.shop.command('createUser', 'clerk', pwd='clerk-pw-1',
                               roles=[{'role': 'read', 'db': 'shop'}])
        self.addCleanup(self._drop_user, 'shop', 'clerk')

        self.assertEqual({'deleted': 'shop', 'users_kept': ['clerk']},
                         self.admin.delete_database(payload('shop')))

        self.assertNotIn('shop', self.server_names())
        self.assert_logged('WARNING', 'shop', "'clerk'", 'remain')

    def _drop_user(self, database, user):
        self.root[database].command('dropUser', user)

    def test_delete_of_a_missing_database_is_refused_and_changes_nothing(
            self):
        self.admin.create_database(payloads('sales'))
        for name in ('nosuch', 'SALES'):
            self.assertRaises(exception.DatabaseNotFound,
                              self.admin.delete_database, payload(name))
        self.assertEqual({'sales'}, self.server_names())

    def test_delete_refuses_reserved_databases_in_any_case(self):
        for name in ('admin', 'ADMIN', 'Local', 'config'):
            before = self.server_names()
            error = self.assertRaises(exception.InvalidDatabaseRequest,
                                      self.admin.delete_database,
                                      payload(name))
            self.assertIn(repr(name), str(error))
            self.assertIn('reserved', str(error))
            self.assertEqual(before, self.server_names())

    def test_delete_refuses_a_bad_payload(self):
        self.assertRaises(ValueError, self.admin.delete_database,
                          {'_name': '../admin'})
        self.assertRaises(ValueError, self.admin.delete_database, 'sales')

    # Connection

    def test_unreachable_server_fails_fast_with_a_clear_error(self):
        port = helpers.free_port()
        self.conf.config(group='mongodb', mongodb_port=port,
                         server_selection_timeout=1.0)
        started = time.monotonic()
        error = self.assertRaises(exceptions.MongoDBConnectionError,
                                  self.admin.list_databases)
        # Generous: the point is that it does not hang.
        self.assertLess(time.monotonic() - started, 10)
        self.assertIn('%s:%d' % (self.server.host, port), str(error))

    def test_a_reconfigured_server_is_used_at_once(self):
        self.admin.create_database(payloads('sales'))
        self.conf.config(group='mongodb', mongodb_port=helpers.free_port(),
                         server_selection_timeout=0.5)
        self.assertRaises(exceptions.MongoDBConnectionError,
                          self.admin.list_database_names)
        self.conf.config(group='mongodb', mongodb_port=self.server.port)
        self.assertIn('sales', self.admin.list_database_names())

    def test_admin_password_never_reaches_debug_logs(self):
        pymongo_logger = logging.getLogger('pymongo')
        self.addCleanup(pymongo_logger.setLevel, pymongo_logger.level)
        pymongo_logger.setLevel(logging.DEBUG)
        # With the checkpoint, so that every command the agent may send is
        # logged.
        self.conf.config(group='mongodb', checkpoint_after_ddl=True)
        self.admin.create_database(payloads('sales'))
        self.admin.list_databases()
        self.admin.delete_database(payload('sales'))
        # The check below is worth something only if pymongo logged, at
        # DEBUG and in this test, the connection it opened (authenticated,
        # where the server has auth) and every command the agent sent.
        self.assert_logged('DEBUG', 'pymongo.connection', 'Connection ready')
        self.assertEqual(
            {'listDatabases', 'create', 'fsync', 'listCollections',
             'usersInfo', 'dropDatabase'}, self.pymongo_commands_logged())
        # base.TestCase then looks for each password in every line logged.

    def pymongo_commands_logged(self):
        """The commands pymongo's DEBUG log says were started."""
        prefix = 'DEBUG pymongo.command '
        events = [json.loads(line[len(prefix):])
                  for line in self.logs.output.splitlines()
                  if line.startswith(prefix)]
        return {event['commandName'] for event in events
                if event['message'] == 'Command started'}


class SpecRolesTest(DatabaseCommandsMixin, base.FunctionalTestCase):
    """os_admin with exactly the roles of the MongoDB users spec."""

    MODE = 'spec'

    def test_os_admin_may_not_insert_documents(self):
        # The reason create uses an empty collection, not a document.
        client = self.server.admin_client()
        self.addCleanup(client.close)
        error = self.assertRaises(pymongo_errors.OperationFailure,
                                  client.sales.docs.insert_one, {'n': 1})
        self.assertEqual(13, error.code)

    def test_wrong_password_is_refused_with_a_clear_error(self):
        path = self.server.credentials_file + '.wrong'
        secantus.write_credentials(path, self.server.admin_user,
                                   'not-the-pw-1')
        self.add_secret('not-the-pw-1')
        self.conf.config(group='mongodb', admin_credentials_file=path)
        error = self.assertRaises(exceptions.MongoDBAuthenticationError,
                                  self.admin.list_database_names)
        self.assertIn(self.server.admin_user, str(error))
        self.assertIn(path, str(error))
        self.assertNotIn('not-the-pw-1', str(error))

    def test_missing_privilege_names_the_action_and_database(self):
        self.root.admin.command('createUser', 'reader', pwd='reader-pw-1',
                                roles=[{'role': 'clusterMonitor',
                                        'db': 'admin'}])
        self.addCleanup(self._drop_user, 'admin', 'reader')
        self.add_secret('reader-pw-1')
        path = self.server.credentials_file + '.reader'
        secantus.write_credentials(path, 'reader', 'reader-pw-1')
        self.conf.config(group='mongodb', admin_credentials_file=path)

        error = self.assertRaises(exception.DatabaseCreateError,
                                  self.admin.create_database,
                                  payloads('sales'))
        self.assertIsInstance(error.__cause__, exceptions.MongoDBUnauthorized)
        self.assertIn('reader', str(error))
        self.assertIn('on database sales', str(error))
        self.assertNotIn('sales', self.server_names())

    def test_readable_credentials_file_is_refused(self):
        os.chmod(self.server.credentials_file, 0o640)
        self.addCleanup(os.chmod, self.server.credentials_file, 0o600)
        error = self.assertRaises(exceptions.CredentialsFileError,
                                  self.admin.list_database_names)
        self.assertIn(self.server.credentials_file, str(error))
        self.assertIn('0640', str(error))


class ReadWriteRolesTest(DatabaseCommandsMixin, base.FunctionalTestCase):
    """os_admin that also holds readWriteAnyDatabase."""

    MODE = 'readwrite'


class NoAuthTest(DatabaseCommandsMixin, base.FunctionalTestCase):
    """A server without authentication and no credentials file."""

    MODE = 'noauth'

    def test_no_credentials_file_means_no_auth(self):
        if self.server.external:
            self.skipTest('the external server has its own auth settings')
        self.admin.create_database(payloads('sales'))
        self.assert_logged('INFO', 'No MongoDB credentials file')
