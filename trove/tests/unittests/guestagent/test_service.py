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

import contextlib
import functools
import threading
from unittest import mock

import fixtures
from pymongo import errors as pymongo_errors

from trove.common import exception
from trove.guestagent.datastore.experimental.mongodb import connection
from trove.guestagent.datastore.experimental.mongodb import errors
from trove.guestagent.datastore.experimental.mongodb import exceptions
from trove.guestagent.datastore.experimental.mongodb import service
from trove.tests import base
from trove.tests import helpers


payloads = helpers.payloads


class FakePool:
    """Hands out one mock client, as the connection pool would."""

    def __init__(self, existing=()):
        self.target = connection.ConnectionTarget(
            'db1', 27017, 'os_admin', 'pw-secret-1', '/etc/creds.json', 3.0,
            30.0)
        self.client = mock.MagicMock(name='MongoClient')
        self.client.admin.command.return_value = {'ok': 1.0}
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
            database.command.return_value = {'ok': 1.0}
            self.databases[name] = database
        return self.databases[name]

    def fail(self, name, failure, sent=True):
        """Have the next command to database ``name`` fail.

        :param sent: whether pymongo had sent the command before it failed.
        """
        def command(*args, **kwargs):
            if sent:
                errors.CHECKOUTS.connection_checked_out(None)
            raise failure
        self._database(name).command.side_effect = command

    def flushes(self):
        return self.client.admin.command.call_args_list.count(
            mock.call('fsync'))

    @contextlib.contextmanager
    def acquire(self):
        yield connection.Connection(self.target, self.client)

    def _sent(self, command):
        return [name for name, database in self.databases.items()
                if any(command in call[0][0]
                       for call in database.command.call_args_list)]

    def created(self):
        return self._sent('create')

    def dropped(self):
        return self._sent('dropDatabase')


class ObservedLock:
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
        self.pool = FakePool(existing=['admin', 'local', 'old'])
        self.admin = service.MongoDBAdmin(self.pool)

    def test_creates_the_placeholder_collection_in_each_new_database(self):
        self.assertEqual({'created': ['sales', 'hr'], 'existed': []},
                         self.admin.create_database(payloads('sales', 'hr')))
        for name in ('sales', 'hr'):
            self.pool.databases[name].command.assert_called_once_with(
                {'create': service.PLACEHOLDER_COLLECTION,
                 'writeConcern': {'w': 1, 'j': True}},
                allowable_errors=[48])

    def test_lists_once_and_leaves_existing_databases_untouched(self):
        self.assertEqual({'created': ['new'], 'existed': ['old']},
                         self.admin.create_database(payloads('old', 'new')))
        self.pool.client.list_database_names.assert_called_once_with()
        self.assertNotIn('old', self.pool.databases)
        self.assert_logged('INFO', "['old']", 'left unchanged',
                           "To create: ['new']")

    def test_a_plain_success_is_logged_at_debug_only(self):
        # As Trove's own agents log it; Trove hears of it from the
        # request's end notification.
        self.admin.create_database(payloads('sales', 'hr'))
        self.assert_logged('DEBUG', "Created databases ['sales', 'hr']")
        self.assertNotIn('INFO', self.logs.output)

    def test_the_request_is_logged_once_after_validation(self):
        self.admin.create_database(payloads('sales', 'hr'))
        self.assert_logged('DEBUG', "Creating databases ['sales', 'hr']")
        self.assertEqual(1, self.logs.output.count('Creating databases'))

    def test_a_refused_request_is_not_logged_as_a_request(self):
        # The RPC endpoint logs the refusal; the request line would name
        # what the caller sent, unvalidated.
        for batch in ('not-a-list', [{'_name': 'y\nERROR forged'}]):
            self.assertRaises(exception.InvalidDatabaseRequest,
                              self.admin.create_database, batch)
        self.assertNotIn('Creating databases', self.logs.output)

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
        self.assertFalse(self.pool.client.list_database_names.called)
        self.assertEqual({}, self.pool.databases)

    def test_case_twin_of_an_existing_database_is_refused_before_writes(self):
        error = self.assertRaises(exception.InvalidDatabaseRequest,
                                  self.admin.create_database,
                                  payloads('new', 'OLD'))
        self.assertIn("'OLD' differs only in case from the existing "
                      "database 'old'", str(error))
        self.assertEqual([], self.pool.created())

    def test_every_problem_is_named_up_to_a_limit(self):
        error = self.assertRaises(
            exception.InvalidDatabaseRequest, self.admin.create_database,
            [{'_name': 'bad.%d' % index} for index in range(15)])
        self.assertIn('item 0', str(error))
        self.assertIn('item 9', str(error))
        self.assertNotIn('item 10', str(error))
        self.assertIn('and 5 more', str(error))
        self.assertNotIn('..', str(error))

    def test_empty_batch_does_nothing(self):
        self.assertEqual({'created': [], 'existed': []},
                         self.admin.create_database([]))
        self.assertFalse(self.pool.client.list_database_names.called)

    def test_collection_created_meanwhile_counts_as_created(self):
        # allowable_errors: pymongo answers NamespaceExists as a reply.
        self.pool._database('sales').command.return_value = {
            'ok': 0.0, 'code': 48, 'errmsg': 'exists'}
        self.assertEqual({'created': ['sales'], 'existed': []},
                         self.admin.create_database(payloads('sales')))

    def test_no_checkpoint_by_default(self):
        self.admin.create_database(payloads('sales', 'hr'))
        self.assertEqual(0, self.pool.flushes())

    def test_checkpoint_when_configured_after_the_whole_batch(self):
        self.conf.config(group='mongodb', checkpoint_after_ddl=True)
        flushed_after = []
        self.pool.client.admin.command.side_effect = (
            lambda *args: flushed_after.append(self.pool.created()))
        self.admin.create_database(payloads('sales', 'hr'))
        self.assertEqual([['sales', 'hr']], flushed_after)
        self.pool.client.admin.command.assert_called_once_with('fsync')

    def test_nothing_created_means_nothing_to_checkpoint(self):
        self.conf.config(group='mongodb', checkpoint_after_ddl=True)
        self.assertEqual({'created': [], 'existed': ['old']},
                         self.admin.create_database(payloads('old')))
        self.assertEqual(0, self.pool.flushes())

    def test_outcome_lists_names_as_names(self):
        self.pool.fail('c', pymongo_errors.OperationFailure('refused', 2))
        error = self.assertRaises(exception.DatabaseCreateError,
                                  self.admin.create_database,
                                  payloads('a', 'b', 'c', 'd'))
        self.assertIn('Created: a, b. Not created: c, d.', str(error))
        self.assertNotIn('[', str(error))
        self.assertNotIn('..', str(error))

    def test_lost_connection_midway_leaves_the_database_in_doubt(self):
        for checkpoint in (False, True):
            self.conf.config(group='mongodb',
                             checkpoint_after_ddl=checkpoint)
            self.pool = FakePool(existing=['admin'])
            self.admin = service.MongoDBAdmin(self.pool)
            self.pool.fail('b', pymongo_errors.AutoReconnect(
                'connection reset'))
            error = self.assertRaises(exception.DatabaseCreateError,
                                      self.admin.create_database,
                                      payloads('a', 'b', 'c'))
            self.assertIsInstance(error.__cause__,
                                  exceptions.MongoDBConnectionLost)
            # The server may have applied 'b' and died before it answered.
            self.assertIn('Perhaps created: b', str(error))
            self.assertIn('Not created: c.', str(error))
            self.assertEqual(
                {'created': ['a'], 'on_disk': not checkpoint,
                 'uncertain': 'b', 'not_created': ['c']},
                {key: error.kwargs[key] for key in (
                    'created', 'on_disk', 'uncertain', 'not_created')})
            # Without a checkpoint, 'a' is in the journal: the server
            # answered its create only then. With one, it is not
            # confirmed; checkpointing would only wait for a server that
            # is gone.
            self.assertEqual(
                checkpoint, 'did not confirm that all of these are on disk'
                in str(error))
            self.assertNotIn('c', self.pool.databases)
            self.assertEqual(0, self.pool.flushes())

    def test_timeout_after_sending_leaves_the_database_in_doubt(self):
        self.pool.fail('b', pymongo_errors.NetworkTimeout('timed out'))
        error = self.assertRaises(exception.DatabaseCreateError,
                                  self.admin.create_database,
                                  payloads('a', 'b', 'c'))
        self.assertIsInstance(error.__cause__, exceptions.MongoDBTimeout)
        self.assertEqual('b', error.kwargs['uncertain'])
        self.assertIn('within 30.0 s ([mongodb] operation_timeout)',
                      str(error))

    def test_no_server_midway_means_the_command_never_went_out(self):
        self.pool.fail('b', pymongo_errors.ServerSelectionTimeoutError(
            'no server'), sent=False)
        error = self.assertRaises(exception.DatabaseCreateError,
                                  self.admin.create_database,
                                  payloads('a', 'b', 'c'))
        self.assertIsInstance(error.__cause__, exceptions.MongoDBUnreachable)
        self.assertIsNone(error.kwargs['uncertain'])
        self.assertEqual(['b', 'c'], error.kwargs['not_created'])
        self.assertNotIn('Perhaps', str(error))
        self.assertEqual(0, self.pool.flushes())

    def test_not_primary_midway_means_not_created(self):
        self.pool.fail('b', pymongo_errors.NotPrimaryError(
            'not primary', {'ok': 0, 'code': 10107,
                            'codeName': 'NotWritablePrimary',
                            'errmsg': 'not primary'}))
        error = self.assertRaises(exception.DatabaseCreateError,
                                  self.admin.create_database,
                                  payloads('a', 'b', 'c'))
        self.assertIsInstance(error.__cause__, exceptions.MongoDBNotPrimary)
        self.assertEqual((['a'], True, None, ['b', 'c']),
                         (error.kwargs['created'], error.kwargs['on_disk'],
                          error.kwargs['uncertain'],
                          error.kwargs['not_created']))

    def test_create_not_journaled_is_created_but_not_on_disk(self):
        self.pool._database('b').command.return_value = {
            'ok': 1.0, 'writeConcernError': {
                'code': 91, 'errmsg': 'shutdown in progress'}}
        error = self.assertRaises(exception.DatabaseCreateError,
                                  self.admin.create_database,
                                  payloads('a', 'b', 'c'))
        self.assertIsInstance(error.__cause__, exceptions.MongoDBNotDurable)
        self.assertEqual((['a', 'b'], False, None, ['c']),
                         (error.kwargs['created'], error.kwargs['on_disk'],
                          error.kwargs['uncertain'],
                          error.kwargs['not_created']))
        self.assertIn('shutdown in progress', str(error))
        self.assertNotIn('{', str(error))

    def test_refusal_midway_checkpoints_what_was_created(self):
        self.conf.config(group='mongodb', checkpoint_after_ddl=True)
        self.pool.fail('b', pymongo_errors.OperationFailure('refused', 2))
        error = self.assertRaises(exception.DatabaseCreateError,
                                  self.admin.create_database,
                                  payloads('a', 'b', 'c'))
        self.assertEqual(1, self.pool.flushes())
        self.assertTrue(error.kwargs['on_disk'])
        self.assertIn('Created: a. Not created: b, c.', str(error))

    def test_refusal_midway_with_a_failing_checkpoint_says_so(self):
        self.conf.config(group='mongodb', checkpoint_after_ddl=True)
        self.pool.fail('b', pymongo_errors.OperationFailure('refused', 2))
        self.pool.client.admin.command.side_effect = (
            pymongo_errors.AutoReconnect('connection reset'))
        error = self.assertRaises(exception.DatabaseCreateError,
                                  self.admin.create_database,
                                  payloads('a', 'b'))
        self.assertFalse(error.kwargs['on_disk'])
        self.assertIn('did not confirm', str(error))
        self.assert_logged('WARNING', 'Could not checkpoint')

    def test_failed_checkpoint_after_the_batch_is_an_error(self):
        self.conf.config(group='mongodb', checkpoint_after_ddl=True)
        self.pool.client.admin.command.side_effect = (
            pymongo_errors.AutoReconnect('connection reset'))
        error = self.assertRaises(exception.DatabaseCreateError,
                                  self.admin.create_database,
                                  payloads('a', 'b'))
        self.assertEqual((['a', 'b'], False, []),
                         (error.kwargs['created'], error.kwargs['on_disk'],
                          error.kwargs['not_created']))
        self.assertIn('may have lost some of them', str(error))
        self.assertNotIn('Created databases', self.logs.output)

    def test_concurrent_requests_check_case_twins_one_at_a_time(self):
        lock = self.useFixture(fixtures.MockPatchObject(
            service, '_CREATE_LOCK', ObservedLock())).mock
        inside, release = threading.Event(), threading.Event()

        def create_slowly(*args, **kwargs):
            inside.set()
            release.wait(10)
            return {'ok': 1.0}
        self.pool._database('Sales').command.side_effect = (
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
            1, self.pool.client.list_database_names.call_count)
        self.pool.existing.append('Sales')
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
        self.assertEqual({'created': ['local2'], 'existed': []},
                         self.admin.create_database(payloads('local2')))


class ListDatabasesTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.pool = FakePool(
            existing=['local', 'b', 'admin', 'a', 'config', 'c', 'odd name'])
        self.admin = service.MongoDBAdmin(self.pool)

    def names(self, *args, **kwargs):
        schemas, marker = self.admin.list_databases(*args, **kwargs)
        return [schema['_name'] for schema in schemas], marker

    def test_the_request_is_logged_after_validation(self):
        self.names(2, 'a', 1)
        self.assert_logged('DEBUG', "Listing databases (limit=2, "
                                    "marker='a', include_marker=True)")
        self.assertRaises(exception.InvalidDatabaseRequest, self.names,
                          'z\nERROR forged')
        self.assertNotIn('ERROR forged', self.logs.output)

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
        self.assertFalse(self.pool.client.list_database_names.called)


class DeleteDatabaseTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.pool = FakePool(existing=['admin', 'sales'])
        self.admin = service.MongoDBAdmin(self.pool)
        self.sales = self.pool._database('sales')
        self.sales.command.return_value = {'users': [{'user': 'clerk'}]}

    def test_drops_and_names_the_users_left_behind(self):
        self.assertEqual({'deleted': 'sales', 'users_kept': ['clerk']},
                         self.admin.delete_database(helpers.payload('sales')))
        self.sales.command.assert_any_call('usersInfo')
        self.sales.command.assert_called_with(
            {'dropDatabase': 1, 'writeConcern': {'w': 1, 'j': True}},
            allowable_errors=[])
        self.assert_logged('DEBUG', "Dropped database 'sales'")
        self.assert_logged('WARNING', "'sales'", "['clerk']", 'remain')

    def test_the_name_is_read_once_from_the_validated_model(self):
        self.assertRaises(exception.InvalidDatabaseRequest,
                          self.admin.delete_database, {'_name': 'x.y'})
        self.assertNotIn('Deleting database', self.logs.output)
        self.admin.delete_database(helpers.payload('sales'))
        self.assert_logged('DEBUG', "Deleting database 'sales'")

    def test_a_plain_success_is_logged_at_debug_only(self):
        self.sales.command.return_value = {'users': []}
        self.assertEqual({'deleted': 'sales', 'users_kept': []},
                         self.admin.delete_database(helpers.payload('sales')))
        self.assert_logged('DEBUG', "Dropped database 'sales'")
        self.assertNotIn('INFO', self.logs.output)
        self.assertNotIn('WARNING', self.logs.output)

    def test_no_checkpoint_by_default(self):
        self.admin.delete_database(helpers.payload('sales'))
        self.assertEqual(0, self.pool.flushes())

    def test_the_drop_is_checkpointed_when_configured(self):
        self.conf.config(group='mongodb', checkpoint_after_ddl=True)
        self.admin.delete_database(helpers.payload('sales'))
        self.pool.client.admin.command.assert_called_once_with('fsync')

    def test_existence_is_asked_of_the_one_database(self):
        # A listing of every database made each delete slower as the
        # server held more of them.
        self.admin.delete_database(helpers.payload('sales'))
        self.assertFalse(self.pool.client.list_database_names.called)
        self.sales.list_collection_names.assert_called_once_with()

    def test_failed_checkpoint_says_the_database_was_dropped(self):
        self.conf.config(group='mongodb', checkpoint_after_ddl=True)
        self.pool.client.admin.command.side_effect = (
            pymongo_errors.AutoReconnect('connection reset'))
        error = self.assertRaises(exception.DatabaseDeleteError,
                                  self.admin.delete_database,
                                  helpers.payload('sales'))
        self.assertIsInstance(error.__cause__,
                              exceptions.MongoDBConnectionError)
        self.assertIn("Database 'sales' was dropped, but", str(error))
        self.assertIn('delete it again', str(error))

    def test_drop_not_journaled_says_the_database_was_dropped(self):
        def command(document, **kwargs):
            if document == 'usersInfo':
                return {'users': []}
            return {'ok': 1.0, 'writeConcernError': {
                'code': 64, 'errmsg': 'waiting for the journal failed'}}
        self.sales.command.side_effect = command
        error = self.assertRaises(exception.DatabaseDeleteError,
                                  self.admin.delete_database,
                                  helpers.payload('sales'))
        self.assertIsInstance(error.__cause__, exceptions.MongoDBNotDurable)
        self.assertIn("Database 'sales' was dropped, but", str(error))

    def test_missing_database_is_refused_and_not_dropped(self):
        error = self.assertRaises(exception.DatabaseNotFound,
                                  self.admin.delete_database,
                                  helpers.payload('nosuch'))
        self.assertEqual("Database 'nosuch' does not exist, so nothing was "
                         "deleted.", str(error))
        self.assertEqual([], self.pool.dropped())
        self.assertEqual(0, self.pool.flushes())

    def test_missing_database_names_its_case_twin(self):
        error = self.assertRaises(exception.DatabaseNotFound,
                                  self.admin.delete_database,
                                  helpers.payload('SALES'))
        self.assertIn("Database names are case-sensitive, and the server "
                      "has 'sales'.", str(error))
        self.assertEqual([], self.pool.dropped())

    def test_reserved_and_bad_payloads_are_refused_before_any_call(self):
        for database in (helpers.payload('admin'), helpers.payload('Config'),
                         {'_name': '../admin'}, 'sales', None, [],
                         payloads('sales')):
            # The pinned interface: a ValueError.
            error = self.assertRaises(ValueError, self.admin.delete_database,
                                      database)
            self.assertIsInstance(error, exception.InvalidDatabaseRequest)
        self.assertFalse(self.pool.client.list_database_names.called)
        self.assertFalse(self.sales.list_collection_names.called)
        self.assertEqual([], self.pool.dropped())

    def test_a_refused_delete_names_its_database_not_an_item(self):
        for database, named in (({'_name': 'a.b'}, "'a.b'"),
                                (helpers.payload('Admin'), "'Admin'")):
            error = self.assertRaises(exception.InvalidDatabaseRequest,
                                      self.admin.delete_database, database)
            self.assertIn(named, str(error))
            self.assertNotIn('item', str(error))
            self.assertNotIn('..', str(error))


USER_PASSWORD = 'pw-user-unit-93ad'


class FakeUsers(FakePool):
    """A pool whose server keeps users, per database, as mongod does."""

    def __init__(self, existing=(), users=()):
        super().__init__(existing)
        self.users = {}
        for name, roles in users:
            database, _dot, user = name.partition('.')
            self.users[(database, user)] = list(roles)
        self.sent = []

    def _database(self, name):
        new = name not in self.databases
        database = super()._database(name)
        if new:
            database.command.side_effect = functools.partial(self._command,
                                                             name)
        return database

    def _command(self, database, command, value=None, **kwargs):
        if isinstance(command, dict):
            document = dict(command)
        else:
            document = {command: value if value is not None else 1}
        self.sent.append((database, document))
        name = next(iter(document))
        if name == 'usersInfo':
            query = document['usersInfo']
            found = [{'user': user, 'db': db, 'roles': roles}
                     for (db, user), roles in sorted(self.users.items())
                     if db == database and (
                         not isinstance(query, dict)
                         or query['user'] == user)]
            return {'users': found, 'ok': 1.0}
        if name == 'createUser':
            self.users[(database, document['createUser'])] = list(
                document['roles'])
        return {'ok': 1.0}

    def commands(self, name):
        return [(database, document) for database, document in self.sent
                if name in document]


class UserServiceTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.add_secret(USER_PASSWORD)

    def admin_of(self, pool):
        return service.MongoDBAdmin(pool)

    def new_user(self, name='shop.alice', databases=('shop',)):
        return {'_name': name, '_host': '%', '_password': USER_PASSWORD,
                '_databases': payloads(*databases)}

    def test_create_sends_create_user_journaled_with_read_write(self):
        pool = FakeUsers(existing=['shop'])
        self.assertEqual({'created': ['shop.alice']},
                         self.admin_of(pool).create_users(
                             [self.new_user(databases=('shop', 'hr'))]))
        [(database, command)] = pool.commands('createUser')
        self.assertEqual('shop', database)
        self.assertEqual({'createUser': 'alice', 'pwd': USER_PASSWORD,
                          'roles': [{'role': 'readWrite', 'db': 'shop'},
                                    {'role': 'readWrite', 'db': 'hr'}],
                          'writeConcern': {'w': 1, 'j': True}}, command)
        self.assertNotIn(USER_PASSWORD, self.logs.output)

    def test_a_bad_user_refuses_the_whole_batch_before_any_command(self):
        for bad in (self.new_user('admin.os_admin', ()),
                    self.new_user('ADMIN.root', ()),
                    self.new_user('admin.bob', ()),
                    self.new_user('shop.bob', ('shop', 'admin')),
                    self.new_user('shop.alice'),
                    dict(self.new_user('shop.carol'), _password=None)):
            pool = FakeUsers()
            error = self.assertRaises(
                exception.InvalidUserRequest,
                self.admin_of(pool).create_users,
                [self.new_user('shop.alice'), bad])
            self.assertIn('Nothing was changed', str(error))
            self.assertNotIn(USER_PASSWORD, str(error))
            self.assertEqual([], pool.sent)

    def test_an_existing_user_refuses_the_batch_before_any_write(self):
        pool = FakeUsers(users=[('shop.bob', [])])
        error = self.assertRaises(
            exception.UserAlreadyExists, self.admin_of(pool).create_users,
            [self.new_user('shop.alice'), self.new_user('shop.bob')])
        self.assertIn('shop.bob', str(error))
        self.assertEqual([], pool.commands('createUser'))

    def test_a_password_the_server_quotes_is_masked(self):
        pool = FakeUsers()
        failure = pymongo_errors.OperationFailure(
            'bad command { createUser: "alice", pwd: "%s" }' % USER_PASSWORD,
            2, {'errmsg': 'bad command { pwd: "%s" }' % USER_PASSWORD,
                'code': 2})
        real = pool._command

        def command(database, document, *args, **kwargs):
            if isinstance(document, dict) and 'createUser' in document:
                raise failure
            return real(database, document, *args, **kwargs)
        pool._database('shop').command.side_effect = functools.partial(
            command, 'shop')
        error = self.assertRaises(exception.UserCreateError,
                                  self.admin_of(pool).create_users,
                                  [self.new_user()])
        self.assertIn('bad command', str(error))
        self.assertIn('Not created: shop.alice', str(error))
        self.assertNotIn(USER_PASSWORD, str(error))
        self.assertNotIn(USER_PASSWORD, repr(error.kwargs))
        cause = error.__cause__
        while cause is not None:
            self.assertNotIn(USER_PASSWORD, str(cause))
            cause = cause.__cause__

    def test_list_visits_only_the_databases_a_page_spans(self):
        names = ['db%02d' % index for index in range(10)]
        pool = FakeUsers(existing=names + ['admin'], users=[
            ('%s.u%d' % (name, index), []) for name in names
            for index in range(3)] + [('admin.root', [])])
        admin = self.admin_of(pool)
        page, next_marker = admin.list_users(limit=4)
        self.assertEqual(['db00.u0', 'db00.u1', 'db00.u2', 'db01.u0'],
                         [user['_name'] for user in page])
        self.assertEqual('db01.u0', next_marker)
        self.assertEqual(['db00', 'db01'],
                         [db for db, _c in pool.commands('usersInfo')])
        del pool.sent[:]
        page, next_marker = admin.list_users(limit=2, marker='db05.u1')
        self.assertEqual(['db05.u2', 'db06.u0'],
                         [user['_name'] for user in page])
        self.assertEqual(['db05', 'db06'],
                         [db for db, _c in pool.commands('usersInfo')])

    def test_list_sorts_by_full_name_across_databases(self):
        # 'a-' sorts before 'a' as a database, after it in full names.
        pool = FakeUsers(existing=['a', 'a-', 'ab'], users=[
            ('a.z', []), ('a-.b', []), ('ab.c', []), ('a.b', [])])
        page, next_marker = self.admin_of(pool).list_users()
        names = [user['_name'] for user in page]
        self.assertEqual(sorted(names), names)
        self.assertEqual(['a-.b', 'a.b', 'a.z', 'ab.c'], names)
        self.assertIsNone(next_marker)
        page, next_marker = self.admin_of(pool).list_users(
            limit=1, marker='a.b', include_marker=True)
        self.assertEqual(['a.b'], [user['_name'] for user in page])
        self.assertEqual('a.b', next_marker)

    def test_list_hides_reserved_users_and_shows_access(self):
        pool = FakeUsers(existing=['shop', 'admin'], users=[
            ('shop.alice', [{'role': 'readWrite', 'db': 'shop'},
                            {'role': 'read', 'db': 'hr'},
                            {'role': 'readWrite', 'db': 'admin'}]),
            ('admin.os_admin', []), ('admin.root', [])])
        self.conf.config(group='mongodb',
                         ignore_users=['admin.os_admin', 'SHOP.bob'])
        pool.users[('shop', 'bob')] = []
        self.assertEqual(([{'_name': 'shop.alice', '_host': '%',
                            '_password': None,
                            '_databases': payloads('shop')}], None),
                         self.admin_of(pool).list_users())

    def test_get_user_of_a_reserved_user_is_none_without_asking(self):
        pool = FakeUsers(users=[('admin.os_admin', [])])
        for name in ('admin.os_admin', 'Admin.Root', 'admin.other'):
            self.assertIsNone(self.admin_of(pool).get_user(name, '%'))
        self.assertEqual([], pool.sent)

    def test_grant_of_a_reserved_database_changes_nothing(self):
        pool = FakeUsers(users=[('shop.alice', [])])
        for database in ('admin', 'local', 'config', 'Config'):
            error = self.assertRaises(
                exception.InvalidUserRequest,
                self.admin_of(pool).grant_access, 'shop.alice', '%',
                ['shop', database])
            self.assertIn(repr(database), str(error))
        self.assertEqual([], pool.sent)

    def test_rename_and_host_change_are_refused_before_any_change(self):
        pool = FakeUsers(users=[('shop.alice', [])])
        admin = self.admin_of(pool)
        error = self.assertRaises(
            exception.InvalidUserRequest, admin.update_attributes,
            'shop.alice', '%', {'name': 'shop.bob',
                                'password': USER_PASSWORD})
        self.assertIn('cannot rename', str(error))
        self.assertRaises(exception.InvalidUserRequest,
                          admin.update_attributes, 'shop.alice', '%',
                          {'host': '10.0.0.1'})
        self.assertEqual([], pool.sent)
        self.assertEqual({'changed': ['password']}, admin.update_attributes(
            'shop.alice', '%', {'name': 'shop.alice', 'host': '%',
                                'password': USER_PASSWORD}))
        [(database, command)] = pool.commands('updateUser')
        self.assertEqual(('shop', 'alice', USER_PASSWORD),
                         (database, command['updateUser'], command['pwd']))

    def test_enable_root_generates_a_strong_password_each_time(self):
        pool = FakeUsers()
        admin = self.admin_of(pool)
        first = admin.enable_root()
        self.add_secret(first['_password'])
        second = admin.enable_root()
        self.add_secret(second['_password'])
        self.assertNotEqual(first['_password'], second['_password'])
        self.assertGreaterEqual(len(first['_password']), 32)
        self.assertEqual('admin.root', first['_name'])
        commands = [next(iter(document)) for _db, document in pool.sent
                    if 'usersInfo' not in document]
        self.assertEqual(['createUser', 'updateUser'], commands)
        self.assertEqual([{'role': 'root', 'db': 'admin'}],
                         pool.commands('createUser')[0][1]['roles'])

    def test_access_to_a_case_twin_of_a_database_is_refused(self):
        pool = FakeUsers(existing=['shop', 'hr'], users=[('shop.alice', [])])
        admin = self.admin_of(pool)
        error = self.assertRaises(exception.InvalidUserRequest,
                                  admin.grant_access, 'shop.alice', '%',
                                  ['HR'])
        self.assertIn("'HR' differs only in case from the existing "
                      "database 'hr'", str(error))
        self.assertRaises(exception.InvalidUserRequest, admin.create_users,
                          [self.new_user('shop.bob', ('Shop',))])
        self.assertEqual([], pool.sent)
        # A database that does not exist yet may be granted.
        admin.grant_access('shop.alice', '%', ['new'])
        self.assertEqual([{'role': 'readWrite', 'db': 'new'}],
                         pool.commands('grantRolesToUser')[0][1]['roles'])

    def test_a_short_password_is_masked_without_masking_the_message(self):
        # 'o' is in the message's own words ("MongoDB"), which stay.
        error = exceptions.MongoDBOperationError(
            operation='createUser', database='hr', reason='pwd o is bad',
            code=2)
        service._mask(error, 'o')
        self.assertEqual('MongoDB refused createUser on hr: pwd *** is bad '
                         '(code 2).', str(error))
        self.assertEqual('pwd *** is bad', error.kwargs['reason'])
