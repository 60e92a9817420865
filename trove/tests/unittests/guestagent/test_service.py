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
import threading
from unittest import mock

import fixtures
from pymongo import errors as pymongo_errors

from trove.common import exception
from trove.guestagent.datastore.experimental.mongodb import service
from trove.tests import base
from trove.tests import helpers

payloads = helpers.payloads


class FakeConnection:
    """Hands out one mock client, as the pooled holder would."""

    def __init__(self, existing=()):
        self.target = service.ConnectionTarget(
            'db1', 27017, 'os_admin', 'pw-secret-1', '/etc/creds.json', 3.0,
            30.0)
        self.client = mock.MagicMock(name='MongoClient')
        self.existing = list(existing)
        self.client.list_database_names.return_value = self.existing
        self.databases = {}
        self.client.__getitem__.side_effect = self._database

    def _database(self, name):
        if name not in self.databases:
            database = mock.MagicMock(name=name)
            # A database exists while it holds a collection.
            database.list_collection_names.return_value = (
                ['orders'] if name in self.existing else [])
            self.databases[name] = database
        return self.databases[name]

    def flushes(self):
        return self.client.admin.command.call_args_list.count(
            mock.call('fsync'))

    def get(self):
        return self.target, self.client

    def created(self):
        return [name for name, database in self.databases.items()
                if database.command.called
                and database.command.call_args[0][0] == 'create']


class ObservedLock(object):
    """A lock that tells when a thread has to wait for it."""

    def __init__(self):
        self._lock = threading.Lock()
        self.contended = threading.Event()

    def __enter__(self):
        if not self._lock.acquire(blocking=False):
            self.contended.set()
            self._lock.acquire()
        return self

    def __exit__(self, *exc_info):
        self._lock.release()


class CreateDatabaseTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.connection = FakeConnection(existing=['admin', 'local', 'old'])
        self.admin = service.MongoDBAdmin(self.connection)

    def test_creates_the_placeholder_collection_in_each_new_database(self):
        self.assertEqual(['sales', 'hr'],
                         self.admin.create_database(payloads('sales', 'hr')))
        for name in ('sales', 'hr'):
            self.connection.databases[name].command.assert_called_once_with(
                'create', service.PLACEHOLDER_COLLECTION)

    def test_lists_once_and_leaves_existing_databases_untouched(self):
        self.assertEqual(['new'],
                         self.admin.create_database(payloads('old', 'new')))
        self.connection.client.list_database_names.assert_called_once_with()
        self.assertNotIn('old', self.connection.databases)
        self.assert_logged('INFO', "['old']", 'left unchanged')

    def test_refused_batch_touches_nothing_on_the_server(self):
        for batch in (payloads('ok') + [{'_name': 'a.b'}],
                      payloads('ok', 'admin'),
                      payloads('ok', 'ADMIN'),
                      payloads('ok', 'ok'),
                      payloads('ok', 'OK'),
                      payloads('ok') + [None],
                      {'_name': 'ok'},
                      'ok'):
            self.assertRaises(exception.InvalidDatabaseRequest,
                              self.admin.create_database, batch)
        self.assertFalse(self.connection.client.list_database_names.called)
        self.assertEqual({}, self.connection.databases)

    def test_case_twin_of_an_existing_database_is_refused_before_writes(self):
        error = self.assertRaises(exception.InvalidDatabaseRequest,
                                  self.admin.create_database,
                                  payloads('new', 'OLD'))
        self.assertIn("'OLD' differs only in case from the existing "
                      "database 'old'", str(error))
        self.assertEqual([], self.connection.created())

    def test_every_problem_is_named_up_to_a_limit(self):
        error = self.assertRaises(
            exception.InvalidDatabaseRequest, self.admin.create_database,
            [{'_name': 'bad.%d' % index} for index in range(15)])
        self.assertIn('item 0', str(error))
        self.assertIn('item 9', str(error))
        self.assertNotIn('item 10', str(error))
        self.assertIn('and 5 more', str(error))

    def test_empty_batch_does_nothing(self):
        self.assertEqual([], self.admin.create_database([]))
        self.assertFalse(self.connection.client.list_database_names.called)

    def test_collection_created_meanwhile_counts_as_created(self):
        self.connection._database('sales').command.side_effect = (
            pymongo_errors.OperationFailure('exists', 48))
        self.assertEqual(['sales'],
                         self.admin.create_database(payloads('sales')))

    def test_created_databases_are_flushed_to_disk_before_success(self):
        flushed_after = []
        self.connection.client.admin.command.side_effect = (
            lambda *args: flushed_after.append(self.connection.created()))
        self.admin.create_database(payloads('sales', 'hr'))
        self.assertEqual([['sales', 'hr']], flushed_after)
        self.connection.client.admin.command.assert_called_once_with(
            'fsync')

    def test_nothing_created_means_nothing_to_flush(self):
        self.assertEqual([], self.admin.create_database(payloads('old')))
        self.assertEqual(0, self.connection.flushes())

    def test_lost_connection_midway_leaves_the_database_in_doubt(self):
        self.connection._database('b').command.side_effect = (
            pymongo_errors.AutoReconnect('connection reset'))
        error = self.assertRaises(exception.DatabaseCreateError,
                                  self.admin.create_database,
                                  payloads('a', 'b', 'c'))
        self.assertIsInstance(error.__cause__,
                              exception.MongoDBConnectionError)
        # The server may have applied 'b' and died before it answered.
        self.assertIn("Created: ['a']. The server did not confirm that "
                      "these are on disk", str(error))
        self.assertIn("'b' may or may not have been created", str(error))
        self.assertIn("Not created: ['c']", str(error))
        self.assertEqual({'created': ['a'], 'on_disk': False,
                          'uncertain': 'b', 'not_created': ['c']},
                         {key: error.kwargs[key] for key in (
                             'created', 'on_disk', 'uncertain',
                             'not_created')})
        self.assertNotIn('c', self.connection.databases)
        # Flushing would only wait for a server that is gone.
        self.assertEqual(0, self.connection.flushes())

    def test_no_server_midway_means_the_command_never_went_out(self):
        self.connection._database('b').command.side_effect = (
            pymongo_errors.ServerSelectionTimeoutError('no server'))
        error = self.assertRaises(exception.DatabaseCreateError,
                                  self.admin.create_database,
                                  payloads('a', 'b', 'c'))
        self.assertIsNone(error.kwargs['uncertain'])
        self.assertEqual(['b', 'c'], error.kwargs['not_created'])
        self.assertNotIn('may or may not', str(error))
        self.assertEqual(0, self.connection.flushes())

    def test_refusal_midway_flushes_what_was_created(self):
        self.connection._database('b').command.side_effect = (
            pymongo_errors.OperationFailure('refused', 2))
        error = self.assertRaises(exception.DatabaseCreateError,
                                  self.admin.create_database,
                                  payloads('a', 'b', 'c'))
        self.assertEqual(1, self.connection.flushes())
        self.assertTrue(error.kwargs['on_disk'])
        self.assertIn("Created: ['a']. Not created: ['b', 'c']", str(error))

    def test_refusal_midway_with_a_failing_flush_says_so(self):
        self.connection._database('b').command.side_effect = (
            pymongo_errors.OperationFailure('refused', 2))
        self.connection.client.admin.command.side_effect = (
            pymongo_errors.AutoReconnect('connection reset'))
        error = self.assertRaises(exception.DatabaseCreateError,
                                  self.admin.create_database,
                                  payloads('a', 'b'))
        self.assertFalse(error.kwargs['on_disk'])
        self.assertIn('did not confirm', str(error))
        self.assert_logged('WARNING', 'Could not flush')

    def test_failed_flush_after_the_batch_is_an_error(self):
        self.connection.client.admin.command.side_effect = (
            pymongo_errors.AutoReconnect('connection reset'))
        error = self.assertRaises(exception.DatabaseCreateError,
                                  self.admin.create_database,
                                  payloads('a', 'b'))
        self.assertEqual((['a', 'b'], False, []),
                         (error.kwargs['created'], error.kwargs['on_disk'],
                          error.kwargs['not_created']))
        self.assertIn('may have lost them', str(error))
        self.assertNotIn('Created databases', self.logs.output)

    def test_concurrent_requests_check_case_twins_one_at_a_time(self):
        lock = self.useFixture(fixtures.MockPatchObject(
            service, '_CREATE_LOCK', ObservedLock())).mock
        inside, release = threading.Event(), threading.Event()

        def create_slowly(*args):
            inside.set()
            release.wait(10)
        self.connection._database('Sales').command.side_effect = (
            create_slowly)
        first = threading.Thread(target=self.admin.create_database,
                                 args=(payloads('Sales'),))
        first.start()
        self.assertTrue(inside.wait(10))
        errors = []

        def create_twin():
            try:
                self.admin.create_database(payloads('sales'))
            except exception.InvalidDatabaseRequest as exc:
                errors.append(exc)
        second = threading.Thread(target=create_twin)
        second.start()
        self.assertTrue(lock.contended.wait(10),
                        'the twin request never waited for the first')
        # The twin waits for the first request to finish before it lists.
        self.assertEqual(
            1, self.connection.client.list_database_names.call_count)
        self.connection.existing.append('Sales')
        release.set()
        first.join(10)
        second.join(10)
        self.assertEqual(1, len(errors))
        self.assertIn("'sales' differs only in case from the existing "
                      "database 'Sales'", str(errors[0]))

    def test_reserved_names_follow_the_configuration_when_used(self):
        self.conf.config(group='mongodb', ignore_dbs=['admin', 'audit'])
        self.assertRaises(exception.InvalidDatabaseRequest,
                          self.admin.create_database, payloads('Audit'))
        self.assertEqual(['local2'],
                         self.admin.create_database(payloads('local2')))


class ListDatabasesTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.connection = FakeConnection(
            existing=['local', 'b', 'admin', 'a', 'config', 'c', 'odd name'])
        self.admin = service.MongoDBAdmin(self.connection)

    def names(self, *args, **kwargs):
        schemas, marker = self.admin.list_databases(*args, **kwargs)
        return [schema['_name'] for schema in schemas], marker

    def test_lists_tenant_databases_sorted(self):
        self.assertEqual((['a', 'b', 'c', 'odd name'], None), self.names())

    def test_returns_serialized_schemas(self):
        schemas, _marker = self.admin.list_databases(limit=1)
        self.assertEqual(payloads('a'), schemas)

    def test_pages(self):
        self.assertEqual((['a', 'b'], 'b'), self.names(2))
        self.assertEqual((['c', 'odd name'], None), self.names(2, 'b'))
        self.assertEqual((['b', 'c'], 'c'), self.names(2, 'b', True))

    def test_list_database_names_includes_reserved(self):
        self.assertIn('admin', self.admin.list_database_names())

    def test_bad_arguments_are_refused_before_the_server_is_asked(self):
        for args, fragment in (((0,), 'limit'), ((-1,), 'limit'),
                               ((1.5,), 'limit'), (('2',), 'limit'),
                               ((True,), 'limit'), ((2, 5), 'marker'),
                               ((2, ['a']), 'marker')):
            error = self.assertRaises(exception.InvalidDatabaseRequest,
                                      self.admin.list_databases, *args)
            self.assertIn(fragment, str(error))
        self.assertFalse(self.connection.client.list_database_names.called)


class DeleteDatabaseTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.connection = FakeConnection(existing=['admin', 'sales'])
        self.admin = service.MongoDBAdmin(self.connection)
        self.sales = self.connection._database('sales')
        self.sales.command.return_value = {'users': [{'user': 'clerk'}]}

    def test_drops_and_names_the_users_left_behind(self):
        self.assertEqual(['clerk'], self.admin.delete_database(
            helpers.payload('sales')))
        self.sales.command.assert_called_once_with('usersInfo')
        self.connection.client.drop_database.assert_called_once_with('sales')
        self.assert_logged('INFO', "Dropped database 'sales'")
        self.assert_logged('WARNING', "'sales'", "['clerk']", 'remain')

    def test_the_drop_is_flushed_to_disk_before_success(self):
        self.admin.delete_database(helpers.payload('sales'))
        self.connection.client.admin.command.assert_called_once_with(
            'fsync')

    def test_existence_is_asked_of_the_one_database(self):
        # A listing of every database made each delete slower as the
        # server held more of them.
        self.admin.delete_database(helpers.payload('sales'))
        self.assertFalse(self.connection.client.list_database_names.called)
        self.sales.list_collection_names.assert_called_once_with()

    def test_failed_flush_says_the_database_was_dropped(self):
        self.connection.client.admin.command.side_effect = (
            pymongo_errors.AutoReconnect('connection reset'))
        error = self.assertRaises(exception.DatabaseDeleteError,
                                  self.admin.delete_database,
                                  helpers.payload('sales'))
        self.assertIsInstance(error.__cause__,
                              exception.MongoDBConnectionError)
        self.assertIn("Database 'sales' was dropped, but", str(error))
        self.assertIn('delete it again', str(error))

    def test_no_warning_without_users(self):
        self.sales.command.return_value = {'users': []}
        self.admin.delete_database(helpers.payload('sales'))
        self.assertNotIn('WARNING', self.logs.output)

    def test_missing_database_is_refused_and_not_dropped(self):
        error = self.assertRaises(exception.DatabaseNotFound,
                                  self.admin.delete_database,
                                  helpers.payload('nosuch'))
        self.assertEqual("Database 'nosuch' does not exist, so nothing was "
                         "deleted.", str(error))
        self.assertFalse(self.connection.client.drop_database.called)
        self.assertEqual(0, self.connection.flushes())

    def test_missing_database_names_its_case_twin(self):
        error = self.assertRaises(exception.DatabaseNotFound,
                                  self.admin.delete_database,
                                  helpers.payload('SALES'))
        self.assertIn("Database names are case-sensitive, and the server "
                      "has 'sales'.", str(error))
        self.assertFalse(self.connection.client.drop_database.called)

    def test_reserved_and_bad_payloads_are_refused_before_any_call(self):
        for database in (helpers.payload('admin'), helpers.payload('Config'),
                         {'_name': '../admin'}, 'sales', None, [],
                         payloads('sales')):
            # The pinned interface: a ValueError.
            error = self.assertRaises(ValueError, self.admin.delete_database,
                                      database)
            self.assertIsInstance(error, exception.InvalidDatabaseRequest)
        self.assertFalse(self.connection.client.list_database_names.called)
        self.assertFalse(self.sales.list_collection_names.called)
        self.assertFalse(self.connection.client.drop_database.called)


class MongoDBConnectionTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir()).path
        self.path = os.path.join(self.dir, 'creds.json')
        self.conf.config(group='mongodb', admin_credentials_file=self.path,
                         mongodb_host='127.0.0.1', mongodb_port=27999)
        self.connection = service.MongoDBConnection()
        self.addCleanup(self.connection.close)

    def write_credentials(self, password):
        with open(self.path, 'w') as stream:
            json.dump({'username': 'os_admin', 'password': password}, stream)
        os.chmod(self.path, 0o600)
        self.add_secret(password)

    def test_client_is_created_once_and_reused(self):
        target, client = self.connection.get()
        self.assertIs(client, self.connection.get()[1])
        self.assertIsNone(target.username)

    def test_threads_share_one_client(self):
        clients = []

        def get():
            clients.append(self.connection.get()[1])
        threads = [threading.Thread(target=get) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(1, len({id(client) for client in clients}))

    def test_client_uses_the_credentials_file(self):
        self.write_credentials('pw-secret-1')
        target, client = self.connection.get()
        self.assertEqual('os_admin', target.username)
        options = client.options.pool_options._credentials
        self.assertEqual('os_admin', options.username)
        self.assertEqual('admin', options.source)
        self.assertFalse('pw-secret-1' in repr(target))

    def test_credentials_file_is_read_only_when_it_changes(self):
        self.write_credentials('pw-secret-1')
        with mock.patch.object(service.credentials, 'load_credentials',
                               wraps=service.credentials.load_credentials
                               ) as load:
            first = self.connection.get()[1]
            self.assertIs(first, self.connection.get()[1])
            self.assertEqual(1, load.call_count)
            self.write_credentials('pw-secret-2-longer')
            second = self.connection.get()[1]
        self.assertEqual(2, load.call_count)
        self.assertIsNot(first, second)

    def test_a_configuration_change_gives_a_new_client(self):
        first = self.connection.get()[1]
        self.conf.config(group='mongodb', server_selection_timeout=1.0)
        target, second = self.connection.get()
        self.assertIsNot(first, second)
        self.assertEqual(1.0, target.server_selection_timeout)
        self.assertEqual(1000, second.options.server_selection_timeout * 1000)

    def test_client_points_at_the_configured_server(self):
        client = self.connection.get()[1]
        self.assertEqual(('127.0.0.1', 27999),
                         client.topology_description.server_descriptions()
                         .popitem()[0])

    def test_unsafe_credentials_file_is_refused(self):
        self.write_credentials('pw-secret-1')
        os.chmod(self.path, 0o644)
        self.assertRaises(exception.CredentialsFileError,
                          self.connection.get)

    def test_process_wide_holder(self):
        self.assertIs(service.get_connection(), service.get_connection())
        self.assertIs(service.get_connection(),
                      service.MongoDBAdmin()._connection)
