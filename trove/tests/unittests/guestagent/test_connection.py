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
import pymongo
from pymongo import errors as pymongo_errors

from trove.common import exception
from trove.guestagent.datastore.experimental.mongodb import connection
from trove.guestagent.datastore.experimental.mongodb import credentials
from trove.guestagent.datastore.experimental.mongodb import exceptions
from trove.guestagent.datastore.experimental.mongodb import service
from trove.tests import base
from trove.tests import helpers


class ConnectionPoolTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir()).path
        self.path = os.path.join(self.dir, 'creds.json')
        self.conf.config(group='mongodb', admin_credentials_file=self.path,
                         mongodb_host='127.0.0.1', mongodb_port=27999)
        self.pool = connection.ConnectionPool()
        self.addCleanup(self.pool.close)
        self.closed = []
        original = pymongo.MongoClient.close
        closed = self.closed

        def close(client):
            closed.append(client)
            return original(client)
        self.useFixture(fixtures.MockPatchObject(
            pymongo.MongoClient, 'close', close))

    def write_credentials(self, password):
        helpers.write_private(self.path, json.dumps(
            {'username': 'os_admin', 'password': password}))
        self.add_secret(password)

    def held(self):
        """Acquire a connection and keep it until the test ends."""
        holder = self.pool.acquire()
        conn = holder.__enter__()
        self.addCleanup(holder.__exit__, None, None, None)
        return conn, holder

    def client(self):
        with self.pool.acquire() as conn:
            return conn.client

    def test_client_is_created_once_and_reused(self):
        with self.pool.acquire() as conn:
            self.assertIsNone(conn.target.username)
            first = conn.client
        self.assertIs(first, self.client())

    def test_threads_share_one_client(self):
        clients = []

        def get():
            clients.append(self.client())
        threads = [threading.Thread(target=get) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(1, len({id(client) for client in clients}))

    def test_client_uses_the_credentials_file(self):
        self.write_credentials('pw-secret-1')
        with self.pool.acquire() as conn:
            self.assertEqual('os_admin', conn.target.username)
            options = conn.client.options.pool_options._credentials
            self.assertFalse('pw-secret-1' in repr(conn.target))
        self.assertEqual('os_admin', options.username)
        self.assertEqual('admin', options.source)

    def test_credentials_file_is_read_only_when_it_changes(self):
        self.write_credentials('pw-secret-1')
        with mock.patch.object(credentials, 'load_credentials',
                               wraps=credentials.load_credentials) as load:
            first = self.client()
            self.assertIs(first, self.client())
            self.assertEqual(1, load.call_count)
            self.write_credentials('pw-secret-2-longer')
            second = self.client()
        self.assertEqual(2, load.call_count)
        self.assertIsNot(first, second)

    def test_a_configuration_change_gives_a_new_client(self):
        first = self.client()
        self.conf.config(group='mongodb', server_selection_timeout=1.0)
        with self.pool.acquire() as conn:
            self.assertIsNot(first, conn.client)
            self.assertEqual(1.0, conn.target.server_selection_timeout)
            self.assertEqual(
                1000, conn.client.options.server_selection_timeout * 1000)
        # Nobody held the old client: it is closed at once.
        self.assertEqual([first], self.closed)

    def test_a_retired_client_stays_open_for_its_holders(self):
        old, _holder = self.held()
        also_old, other_holder = self.held()
        self.assertIs(old.client, also_old.client)
        self.conf.config(group='mongodb', server_selection_timeout=1.0)
        new = self.client()
        self.assertIsNot(old.client, new)
        # Two operations still hold the old client.
        self.assertEqual([], self.closed)
        other_holder.__exit__(None, None, None)
        self.assertEqual([], self.closed)
        _holder.__exit__(None, None, None)
        self.assertEqual([old.client], self.closed)
        # The new client is the pool's, and stays open.
        self.assertIs(new, self.client())
        self.assertEqual([old.client], self.closed)

    def test_shutdown_closes_every_client_even_held(self):
        old, _holder = self.held()
        self.conf.config(group='mongodb', server_selection_timeout=1.0)
        new = self.client()
        self.pool.close()
        self.assertEqual({id(old.client), id(new)},
                         {id(client) for client in self.closed})

    def _fail_an_operation(self, error):
        """An operation that fails with ``error``; return its client."""
        clients = []

        def operation():
            with self.pool.acquire() as conn:
                clients.append(conn.client)
                raise error
        self.assertRaises(type(error), operation)
        return clients[0]

    def test_refused_credentials_give_the_next_operation_a_new_client(self):
        # pymongo would hold the server as unknown after the refusal and
        # fail the next operations only after server_selection_timeout.
        for refusal in (pymongo_errors.OperationFailure(
                            'Authentication failed.', 18),
                        pymongo_errors.NotPrimaryError(
                            'not primary', {'ok': 0, 'code': 10107})):
            self.closed[:] = []
            clients = []

            def operation():
                with self.pool.acquire() as conn:
                    clients.append(conn.client)
                    with conn.translated('create', 'd'):
                        raise refusal
            self.assertRaises(exceptions.MongoDBError, operation)
            self.assertEqual(clients, self.closed)
            self.assertIsNot(clients[0], self.client())

    def test_an_error_caused_by_a_refusal_also_replaces_the_client(self):
        refusal = exceptions.MongoDBNotPrimary(
            host='h', port=1, operation='create', database='d', reason='r')
        error = exception.DatabaseCreateError(
            cause=refusal, outcome='', created=[], on_disk=True,
            uncertain=None, not_created=['d'])
        error.__cause__ = refusal
        first = self._fail_an_operation(error)
        self.assertEqual([first], self.closed)

    def test_other_errors_keep_the_client(self):
        first = self._fail_an_operation(exceptions.MongoDBUnreachable(
            host='h', port=1, timeout=1, operation='create', reason='r'))
        self.assertEqual([], self.closed)
        self.assertIs(first, self.client())

    def test_client_points_at_the_configured_server(self):
        client = self.client()
        self.assertEqual(('127.0.0.1', 27999),
                         client.topology_description.server_descriptions()
                         .popitem()[0])

    def test_unsafe_credentials_file_is_refused(self):
        self.write_credentials('pw-secret-1')
        os.chmod(self.path, 0o644)
        self.assertRaises(exceptions.CredentialsFileError, self.client)

    def test_process_wide_pool(self):
        self.assertIs(connection.get_pool(), connection.get_pool())
        self.assertIs(connection.get_pool(), service.MongoDBAdmin()._pool)
