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

import os
from unittest import mock

import fixtures
from pymongo import errors as pymongo_errors

from trove.guestagent.datastore.experimental.mongodb import connection
from trove.guestagent.datastore.experimental.mongodb import errors
from trove.guestagent.datastore.experimental.mongodb import exceptions
from trove.tests import base

TARGET = connection.ConnectionTarget('db1', 27017, 'os_admin', 'pw-secret-1',
                                     '/etc/creds.json', 3.0, 30.0)
# A reply as pymongo quotes it after ", full error: ".
RAW_REPLY = "{'ok': 0.0, 'errmsg': 'x', 'code': 18}"


class TranslatedTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.add_secret('pw-secret-1')
        self.client = mock.MagicMock(name='MongoClient')
        self.server_errors = []
        descriptions = self.client.topology_description.server_descriptions
        descriptions.side_effect = lambda: {
            ('db1', 27017): mock.Mock(error=error)
            for error in self.server_errors or [None]}

    def translate(self, failure, sent=False, target=TARGET,
                  bound=errors.OPERATION_TIMEOUT):
        def fail():
            conn = connection.Connection(target, self.client)
            with errors.Translated(conn, 'create', 'sales', bound):
                if sent:
                    errors.CHECKOUTS.connection_checked_out(None)
                raise failure
        error = self.assertRaises(exceptions.MongoDBError, fail)
        self.assertIs(failure, error.__cause__)
        message = str(error)
        # assertNotIn would print the secret if it failed.
        self.assertEqual(-1, message.find('pw-secret-1'))
        self.assertNotIn('{', message)
        self.assertNotIn('..', message)
        return error

    def test_no_server_selected_means_the_command_was_not_sent(self):
        error = self.translate(pymongo_errors.ServerSelectionTimeoutError(
            'db1:27017: [Errno 111] Connection refused (configured '
            'timeouts: socketTimeoutMS: 3000.0ms), Timeout: 3.0s, '
            'Topology Description: <...>'))
        self.assertIsInstance(error, exceptions.MongoDBUnreachable)
        self.assertEqual(
            'Cannot reach MongoDB at db1:27017 within 3.0 s ([mongodb] '
            'server_selection_timeout): [Errno 111] Connection refused. The '
            'create command was not sent, so nothing was changed on the '
            'server. Check that mongod is running and that [mongodb] '
            'mongodb_host and mongodb_port point at it.',
            str(error))

    def test_connection_failure_before_sending_is_unreachable(self):
        # A new connection that could not be made: nothing went out.
        error = self.translate(pymongo_errors.NetworkTimeout(
            'db1:27017: timed out (configured timeouts: connectTimeoutMS: '
            '3000.0ms)'))
        self.assertIsInstance(error, exceptions.MongoDBUnreachable)

    def test_connection_lost_after_sending(self):
        error = self.translate(pymongo_errors.AutoReconnect(
            'db1:27017: connection closed'), sent=True)
        self.assertIsInstance(error, exceptions.MongoDBConnectionLost)
        self.assertIn('was lost after the create command on database sales '
                      'was sent (connection closed)', str(error))
        self.assertIn('may or may not have done it', str(error))

    def test_timeout_after_sending_names_the_operation_timeout(self):
        error = self.translate(pymongo_errors.NetworkTimeout(
            'db1:27017: timed out'), sent=True)
        self.assertIsInstance(error, exceptions.MongoDBTimeout)
        self.assertIn('did not answer the create command on database sales '
                      'within 30.0 s ([mongodb] operation_timeout) after it '
                      'was sent', str(error))
        self.assertNotIn('3.0 s', str(error))

    def test_timeout_of_a_listing_names_its_own_bound(self):
        error = self.translate(pymongo_errors.NetworkTimeout(
            'db1:27017: timed out'), sent=True,
            bound=errors.LISTING_TIMEOUT)
        self.assertIsInstance(error, exceptions.MongoDBTimeout)
        self.assertIn('within 3.0 s (the bound of a listing, [mongodb] '
                      'server_selection_timeout', str(error))

    def test_server_time_limit_is_a_timeout(self):
        error = self.translate(pymongo_errors.ExecutionTimeout(
            'operation exceeded time limit', 50), sent=True)
        self.assertIsInstance(error, exceptions.MongoDBTimeout)

    def test_authentication_failure_names_user_and_file_only(self):
        error = self.translate(pymongo_errors.OperationFailure(
            'Authentication failed., full error: ' + RAW_REPLY, 18))
        self.assertIsInstance(error, exceptions.MongoDBAuthenticationError)
        self.assertEqual(
            'MongoDB refused the credentials of user os_admin from '
            '/etc/creds.json ([mongodb] admin_credentials_file). Check the '
            'user name and password in that file.', str(error))

    def test_selection_after_a_refused_authentication_names_the_file(self):
        # pymongo marks the server unknown after the refusal, and the next
        # operation's selection times out quoting it.
        self.server_errors = [pymongo_errors.OperationFailure(
            'Authentication failed.', 18, {'ok': 0, 'code': 18})]
        error = self.translate(pymongo_errors.ServerSelectionTimeoutError(
            'db1:27017: Authentication failed., full error: ' + RAW_REPLY +
            ', Timeout: 3.0s, Topology Description: <...>'))
        self.assertIsInstance(error, exceptions.MongoDBAuthenticationError)
        self.assertNotIn('db1', str(error))
        self.assertNotIn('27017', str(error))

    def test_unauthorized_names_action_and_database(self):
        error = self.translate(pymongo_errors.OperationFailure(
            'x', 13, {'errmsg': 'not authorized on sales to execute command '
                      '(action: insert)', 'code': 13}))
        self.assertIsInstance(error, exceptions.MongoDBUnauthorized)
        self.assertIn('to insert on database sales', str(error))

    def test_unauthorized_from_an_older_server_names_the_command(self):
        error = self.translate(pymongo_errors.OperationFailure(
            'x', 13, {'errmsg': 'not authorized on sales to execute command '
                      '{ create: "trove_placeholder" }'}))
        self.assertIn('to create on database sales', str(error))

    def test_refusal_without_credentials_names_the_missing_file(self):
        path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                            'missing.json')
        target = TARGET._replace(username=None, password=None,
                                 credentials_path=path)
        error = self.translate(pymongo_errors.OperationFailure(
            'x', 13, {'errmsg': 'command listDatabases requires '
                      'authentication', 'code': 13}), target=target)
        self.assertIsInstance(error, exceptions.MongoDBCredentialsMissing)
        self.assertIn('the credentials file %s ([mongodb] '
                      'admin_credentials_file) does not exist' % path,
                      str(error))

    def test_not_primary_says_where_to_point_the_agent(self):
        error = self.translate(pymongo_errors.NotPrimaryError(
            'not primary', {'ok': 0.0, 'errmsg': 'not primary',
                            'code': 10107,
                            'codeName': 'NotWritablePrimary'}), sent=True)
        self.assertIsInstance(error, exceptions.MongoDBNotPrimary)
        self.assertIn('MongoDB at db1:27017 is not the primary of its '
                      'replica set, so it refused the create command on '
                      'database sales (NotWritablePrimary, code 10107)',
                      str(error))
        self.assertIn('Point [mongodb] mongodb_host', str(error))

    def test_shutting_down_is_a_lost_connection(self):
        error = self.translate(pymongo_errors.NotPrimaryError(
            'shutdown', {'ok': 0.0, 'errmsg': 'shutdown in progress',
                         'code': 91}), sent=True)
        self.assertIsInstance(error, exceptions.MongoDBConnectionLost)
        self.assertIn('shutting down', str(error))

    def test_write_concern_error_is_not_durable(self):
        error = self.translate(pymongo_errors.WriteConcernError(
            'journal write failed.', 64, {'errmsg': 'journal write failed.',
                                          'code': 64}), sent=True)
        self.assertIsInstance(error, exceptions.MongoDBNotDurable)
        self.assertIn('did not confirm that it reached its journal '
                      '(journal write failed)', str(error))

    def test_other_failures_keep_code_and_message(self):
        error = self.translate(pymongo_errors.OperationFailure(
            'x', 20, {'errmsg': 'Invalid namespace'}))
        self.assertIsInstance(error, exceptions.MongoDBOperationError)
        self.assertIn('Invalid namespace (code 20)', str(error))
        self.assertIn('create on sales', str(error))

    def test_a_server_reply_is_never_quoted(self):
        error = self.translate(pymongo_errors.OperationFailure(
            'bad thing, full error: ' + RAW_REPLY, 2))
        self.assertIn('bad thing', str(error))

    def test_an_error_of_pymongo_itself_is_not_blamed_on_the_server(self):
        error = self.translate(pymongo_errors.InvalidOperation(
            'Cannot use MongoClient after close'))
        self.assertIsInstance(error, exceptions.MongoDBClientError)
        self.assertEqual('The agent could not send the create command on '
                         'database sales: Cannot use MongoClient after '
                         'close.', str(error))

    def test_non_pymongo_errors_pass_through(self):
        def fail():
            conn = connection.Connection(TARGET, self.client)
            with errors.Translated(conn, 'create', 'sales'):
                raise KeyError('x')
        self.assertRaises(KeyError, fail)
