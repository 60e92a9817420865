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

"""The agent and the caller API over oslo.messaging's in-process driver."""

import logging
import os
import threading
from unittest import mock

import fixtures

from oslo_context import context
from oslo_context import context as oslo_context
import oslo_messaging as messaging

from trove.common import exception
from trove.common import rpc
from trove.common import secure_rpc
from trove.guestagent import agent as guest_agent
from trove.guestagent import api
from trove.guestagent.datastore.experimental.mongodb import exceptions
from trove.guestagent.datastore.experimental.mongodb import manager
from trove.guestagent.datastore.experimental.mongodb import service
from trove.tests import base
from trove.tests import helpers
from trove.tests import messaging as test_messaging

TOKEN = 'tok-unit-0b7d'
GUEST = 'guest-unit'
KEY = 'Yq1sT0p8cW4bN6vZ2xK9mD3fH7jL5rQe'
OTHER_KEY = 'Hs2vB9qL4xN7cT1mR8wK3zP6dF0gJ5yA'


class AgentOverRPCTest(base.TestCase):
    """Messages in clear: an instance without an RPC key."""

    KEY = None

    def setUp(self):
        super().setUp()
        self.useFixture(test_messaging.Transport('fake://'))
        self.conf.config(agent_call_low_timeout=2,
                         instance_rpc_encr_key=self.KEY)
        self.add_secret(TOKEN)
        self.add_secret(self.KEY)
        self.admin = mock.Mock(spec=service.MongoDBAdmin)
        self.admin.list_databases.return_value = ([{'_name': 'a'}], None)
        self.agent = guest_agent.GuestAgent(
            manager.Manager(admin=self.admin), GUEST)
        self.agent.start()
        self.addCleanup(self._stop_agent)
        self.stopped = False
        ctxt = context.RequestContext(auth_token=TOKEN, request_id='req-u1',
                                      overwrite=False)
        self.api = api.API(ctxt, GUEST)

    def _stop_agent(self):
        if not self.stopped:
            self.agent.stop()
            self.assertTrue(self.agent.wait(10))

    def admin_logs_its_listing(self):
        """Have the stand-in admin log its request, as MongoDBAdmin does."""
        def list_databases(*page):
            service.LOG.debug('Listing databases %s.', page)
            return [{'_name': 'a'}], None
        self.admin.list_databases.side_effect = list_databases

    def wait_for_call(self, mocked):
        helpers.poll(lambda: mocked.called, 10, 'the call', interval=0.01)

    def test_threading_executor(self):
        self.assertEqual('threading', self.agent.executor)

    def test_rpc_ping(self):
        self.assertIs(True, self.api.rpc_ping())

    def test_create_and_delete_reach_the_admin_with_trove_payloads(self):
        self.api.create_database([{'_name': 's'}])
        self.api.delete_database({'_name': 'h'})
        self.wait_for_call(self.admin.create_database)
        self.wait_for_call(self.admin.delete_database)
        self.admin.create_database.assert_called_once_with([{'_name': 's'}])
        self.admin.delete_database.assert_called_once_with({'_name': 'h'})

    def test_list_answers_the_admin_s_page(self):
        self.assertEqual([[{'_name': 'a'}], None],
                         self.api.list_databases(3, 'm', True))
        self.admin.list_databases.assert_called_once_with(3, 'm', True)

    def test_a_failed_cast_is_logged_with_method_databases_and_cause(self):
        self.admin.create_database.side_effect = (
            exception.InvalidDatabaseRequest(problems="'x.y' is bad"))
        self.api.create_database([{'_name': 'ok'}, {'_name': 'x.y'}])
        self.wait_for_call(self.admin.create_database)
        helpers.poll(lambda: 'Request create_database' in self.logs.output,
                     10, 'the failure log line', interval=0.01)
        self.assert_logged('ERROR', "Request create_database for databases "
                           "['ok', 'x.y'] failed: Invalid database request: "
                           "'x.y' is bad")
        self.assertNotIn('Traceback', self.logs.output)

    def test_a_failed_call_raises_the_agent_error_with_its_message(self):
        self.admin.list_databases.side_effect = (
            exceptions.MongoDBUnreachable(host='h', port=1, timeout=2,
                                          operation='listDatabases',
                                          reason='refused'))
        error = self.assertRaises(exceptions.MongoDBConnectionError,
                                  self.api.list_databases)
        self.assertIs(exceptions.MongoDBUnreachable, type(error))
        self.assertEqual(exceptions.MongoDBUnreachable(
            host='h', port=1, timeout=2, operation='listDatabases',
            reason='refused').message, str(error))
        self.assert_logged('ERROR', 'Request list_databases failed: Cannot '
                                    'reach MongoDB at h:1')

    def test_an_unexpected_error_is_logged_with_its_traceback(self):
        self.admin.list_databases.side_effect = KeyError('boom')
        # The in-process driver raises it as it is; over RabbitMQ it comes
        # as a RemoteError, which the API turns into GuestError.
        self.assertRaises(KeyError, self.api.list_databases)
        self.assert_logged('ERROR', 'Request list_databases failed with an '
                                    'unexpected error')
        self.assertIn('Traceback', self.logs.output)

    def test_unsupported_operation(self):
        error = self.assertRaises(exception.DatastoreOperationNotSupported,
                                  self.api._call, 'disable_root', 2)
        self.assertIn('disable_root', str(error))
        self.assertIn('mongodb', str(error))

    def test_only_the_managers_operations_are_dispatched(self):
        for method in ('_admin', 'admin', 'MANAGER', 'no_such_method',
                       'target', 'in_flight', 'is_operation',
                       'report_status', 'get_service_status',
                       'outcome_reported', 'OPERATIONS'):
            self.assertRaises(messaging.NoSuchMethod, self.api._call,
                              method, 2)

    def test_prepare_creates_the_databases(self):
        self.api.prepare(2048, 'mongodb-server', [{'_name': 'p'}], [],
                         root_password='not-logged-9')
        self.add_secret('not-logged-9')
        self.wait_for_call(self.admin.create_database)
        self.admin.create_database.assert_called_once_with([{'_name': 'p'}])

    def test_the_token_never_reaches_a_log_at_debug(self):
        # Every record is captured at DEBUG; the registered token is looked
        # for in them after the test.
        self.admin_logs_its_listing()
        self.api.rpc_ping()
        self.api.list_databases()
        self.assert_logged('DEBUG', 'Listing databases')

    def test_stop_lets_the_request_in_flight_finish(self):
        started, release = threading.Event(), threading.Event()

        def slow_create(databases):
            started.set()
            release.wait(10)

        self.admin.create_database.side_effect = slow_create
        self.api.create_database([{'_name': 's'}])
        self.assertTrue(started.wait(10))
        self.assertEqual(1, self.agent.endpoint.in_flight)
        self.agent.stop()
        self.stopped = True
        self.assertFalse(self.agent.wait(0.2))
        self.assert_logged('ERROR', '1 requests still ran 0.2 s after')
        release.set()
        self.assertTrue(self.agent.wait(10))
        self.assertEqual(0, self.agent.endpoint.in_flight)

    def test_the_agent_serves_versions_1_0_to_1_3(self):
        for version in ('1.0', '1.1', '1.2', '1.3'):
            cctxt = self.api.client.prepare(version=version, timeout=2)
            self.assertIs(True, cctxt.call(self.api.context, 'rpc_ping'))
            self.assertRaises(exception.DatastoreOperationNotSupported,
                              cctxt.call, self.api.context, 'ssl_show')
        self.assertRaises(messaging.UnsupportedVersion,
                          self.api.client.prepare(version='1.4').call,
                          self.api.context, 'rpc_ping')

    def test_a_refused_operation_is_an_expected_answer_not_an_error(self):
        self.assertRaises(exception.DatastoreOperationNotSupported,
                          self.api._call, 'disable_root', 2)
        self.assert_logged('INFO', 'Refused disable_root: The disable_root '
                                   'operation is not supported')
        self.assertNotIn('ERROR', self.logs.output)
        self.assertNotIn('Traceback', self.logs.output)

    def test_the_volume_figures_are_the_mount_point_s(self):
        mount_point = self.useFixture(fixtures.TempDir()).path
        self.conf.config(group='mongodb', mount_point=mount_point)
        stats = self.api.get_volume_info()
        self.assertEqual(os.statvfs(mount_point).f_blocks,
                         stats['total_blocks'])

    def test_log_lines_carry_their_own_request_s_id(self):
        self.admin_logs_its_listing()
        seen = []

        class ContextOfRecords(logging.Handler):
            # What oslo.log's formatter stamps on a record.
            def emit(self, record):
                current = oslo_context.get_current()
                seen.append((record.getMessage(),
                             current and current.request_id))

        handler = ContextOfRecords(logging.DEBUG)
        logger = logging.getLogger('trove')
        logger.addHandler(handler)
        self.addCleanup(logger.removeHandler, handler)
        for request_id in ('req-first', 'req-second'):
            ctxt = context.RequestContext(request_id=request_id,
                                          overwrite=False)
            api.API(ctxt, GUEST).list_databases()
        self.assertEqual(
            ['req-first', 'req-second'],
            [request_id for message, request_id in seen
             if message.startswith('Listing databases')])


class KeyedAgentOverRPCTest(AgentOverRPCTest):
    """The same, encrypted with the instance's key, as Trove sends them."""

    KEY = KEY

    def send_with_key(self, key, method, **kwargs):
        self.conf.config(instance_rpc_encr_key=key)
        sender = api.API(self.api.context, GUEST)
        self.conf.config(instance_rpc_encr_key=self.KEY)
        return sender._call(method, 2, **kwargs)

    def assert_refused(self, error, reason):
        self.assertIsInstance(error, exception.UnreadableMessage)
        self.assertIn(reason, str(error))
        errors = [line for line in self.logs.output.splitlines()
                  if line.startswith('ERROR ')]
        self.assertEqual(1, len(errors), self.logs.output)
        self.assertIn(reason, errors[0])
        self.assertNotIn('Traceback', self.logs.output)

    def test_a_message_made_with_another_key_is_refused(self):
        self.add_secret(OTHER_KEY)
        error = self.assertRaises(
            exception.UnreadableMessage, self.send_with_key, OTHER_KEY,
            'list_databases', limit=None, marker=None, include_marker=False)
        self.assert_refused(error, 'another key')
        self.admin.list_databases.assert_not_called()

    def test_a_clear_message_to_a_keyed_agent_is_refused(self):
        error = self.assertRaises(exception.UnreadableMessage,
                                  self.send_with_key, None, 'rpc_ping')
        self.assert_refused(error, 'in clear')

    def test_a_clear_argument_with_an_encrypted_context_is_refused(self):
        class ContextOnly(secure_rpc.SecureSerializer):
            def serialize_entity(self, ctxt, entity):
                return entity

        sender = messaging.get_rpc_client(
            rpc.get_transport(), self.api.target,
            serializer=ContextOnly(rpc.RequestContextSerializer(), KEY))
        sender.prepare(version='1.0').cast(
            self.api.context, 'create_database',
            databases=[{'_name': 'planted'}])
        helpers.poll(lambda: 'Refused create_database' in self.logs.output,
                     10, 'the refusal logged',
                     details=lambda: self.logs.output)
        self.assert_logged('ERROR', 'Refused create_database',
                           'a list came where encrypted text was expected')
        self.admin.create_database.assert_not_called()
