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

"""A stock Trove 26.0.0 drives trove-guestagent.

Upstream Trove's own guest API class sends the requests, encrypted with
the instance's key that Trove's own code made and looks up; its own
``trove-conductor`` process takes the agent's heartbeats and outcomes and
writes what Trove shows (:mod:`trove.tests.upstream_trove`). The agent is
started as Trove starts its own, with ``--config-dir`` on a folder holding
``trove-guestagent.conf`` and the ``guest_info.conf`` Trove wrote, and it
manages a SecantusDB server with Trove's os_admin.

Without MariaDB, RabbitMQ or the upstream venv these tests fail: they
never skip.
"""

import os
import re

from tools.harness import secantus
from trove.tests import helpers
from trove.tests import trove_instance
from trove.tests import upstream_trove

STATUS_TIMEOUT = trove_instance.STATUS_TIMEOUT
INITIAL_DATABASES = ('orders', 'stock')
GIB = 1024.0 ** 3


class StockTroveTestCase(trove_instance.Trove26TestCase):
    """One Trove 26 instance, its MongoDB and its trove-guestagent."""

    TENANT = 'tenant-stock'
    INITIAL_DATABASES = INITIAL_DATABASES


class DatabaseCommandsTest(StockTroveTestCase):
    """database-create, -list and -delete as Trove's API sends them."""

    def setUp(self):
        super().setUp()
        self.addCleanup(self.drop_all_but_the_initial_databases)

    def test_prepare_made_the_initial_databases(self):
        self.assertEqual(set(INITIAL_DATABASES), self.names_on_server())
        self.assertEqual('HEALTHY', self.trove.instance_status(
            self.instance_id)['api_status'])

    def test_create_list_and_delete_with_trove_s_notifications(self):
        mark = len(self.trove.conductor_log())
        agent_mark = len(self.agent.log())
        created = self.trove.database_create(self.instance_id,
                                             ['sales', 'hr'])
        self.wait_for_names(INITIAL_DATABASES + ('sales', 'hr'))
        self.trove.wait_for_conductor_log(
            'dbaas.database_create.end', created['request_id'], since=mark)

        listed = self.trove.api(self.instance_id, 'list_databases')
        self.assertEqual([helpers.payloads('hr', 'orders', 'sales',
                                           'stock'), None], listed)
        page = self.trove.api(self.instance_id, 'list_databases', limit=2,
                              marker='orders')
        self.assertEqual([helpers.payloads('sales', 'stock'), None], page)

        deleted = self.trove.database_delete(self.instance_id, 'sales')
        self.wait_for_names(INITIAL_DATABASES + ('hr',))
        self.trove.wait_for_conductor_log(
            'dbaas.database_delete.end', deleted['request_id'], since=mark)
        # The agent logged the request under Trove's request id.
        self.assertIn(created['request_id'], self.agent.wait_for_log(
            'Created databases', since=agent_mark, timeout=10.0))

    def test_a_refused_create_reaches_trove_s_conductor(self):
        mark = len(self.trove.conductor_log())
        agent_mark = len(self.agent.log())
        refused = self.trove.database_create(
            self.instance_id, ['ADMIN', 'fine'], precheck=False)
        message = self.refusal_fault(refused['request_id'],
                                     'dbaas.database_create.error', mark)
        self.assertIn("'ADMIN'", message)
        self.assertIn('reserved for the server', message)
        # The whole batch was refused, before any change.
        self.assertEqual(set(INITIAL_DATABASES), self.names_on_server())
        self.assertEqual(1, len(self.agent_errors_since(agent_mark)))

    def test_rpc_ping_and_the_volume_figures(self):
        self.assertIs(True, self.trove.api(self.instance_id, 'rpc_ping'))
        stats = self.trove.api(self.instance_id, 'get_volume_info')
        # The oracle: statvfs of the mount point, and Trove's own rounding
        # to GB (trove.common.utils.to_gb).
        expected = os.statvfs(self.server.storage)
        total = expected.f_blocks * expected.f_bsize
        used = (expected.f_blocks - expected.f_bfree) * expected.f_bsize
        self.assertEqual(expected.f_blocks, stats['total_blocks'])
        self.assertEqual(max(round(total / GIB, 2), 0.01), stats['total'])
        # The volume is in use as the test runs: within 0.1 GB.
        self.assertAlmostEqual(used / GIB, stats['used'], delta=0.1)
        self.assertAlmostEqual(expected.f_bfree * expected.f_bsize,
                               stats['free'], delta=0.1 * GIB)
        self.assertLessEqual(stats['avail_blocks'], stats['free_blocks'])

    def test_an_unsupported_operation_is_an_answer_not_an_error(self):
        agent_mark = len(self.agent.log())
        for version in ('1.0', '1.3'):
            error = self.assertRaises(
                upstream_trove.UpstreamCallError, self.trove.call,
                self.instance_id, 'ssl_show', version=version)
            self.assertEqual('GuestError', error.class_name)
            self.assertIn('The ssl_show operation is not supported by the '
                          'mongodb guest agent', error.message)
            self.assertNotIn('Traceback', error.message)
        error = self.assertRaises(
            upstream_trove.UpstreamCallError, self.trove.api,
            self.instance_id, 'disable_root')
        self.assertIn('disable_root operation is not supported',
                      error.message)
        self.assertEqual([], self.agent_errors_since(agent_mark))
        self.assertIn('Refused ssl_show', self.agent.log()[agent_mark:])


class GuestApiCoverageTest(StockTroveTestCase):
    """Every method Trove 26 may send gets an answer."""

    # What the agent implements; everything else it refuses.
    IMPLEMENTED = {'prepare', 'rpc_ping', 'create_database', 'list_databases',
                   'delete_database', 'get_filesystem_stats',
                   'create_user', 'delete_user', 'get_user', 'list_users',
                   'change_passwords', 'update_attributes', 'grant_access',
                   'revoke_access', 'list_access', 'enable_root',
                   'enable_root_with_password', 'is_root_enabled'}
    # Trove's guest API and its MongoDB cluster guest API.
    GUEST_API_MODULES = (
        'trove.guestagent.api',
        'trove.common.strategies.cluster.experimental.mongodb.guestagent')

    def sent_by_trove(self):
        # Read off Trove's own source: every method its clients send.
        sent = set()
        for module in self.GUEST_API_MODULES:
            sent.update(re.findall(r'_(?:call|cast)\(\s*["\'](\w+)["\']',
                                   upstream_trove.upstream_source(module)))
        return sent

    def test_every_other_method_is_refused_at_any_version(self):
        sent = self.sent_by_trove()
        self.assertGreater(len(sent), 60)
        self.assertLessEqual(self.IMPLEMENTED, sent)
        agent_mark = len(self.agent.log())
        for method in sorted(sent - self.IMPLEMENTED):
            for version in ('1.0', '1.3'):
                error = self.assertRaises(
                    upstream_trove.UpstreamCallError, self.trove.call,
                    self.instance_id, method, version=version)
                self.assertIn('The %s operation is not supported by the '
                              'mongodb guest agent' % method, error.message)
        self.assertEqual([], self.agent_errors_since(agent_mark))


class RefusedMessagesTest(StockTroveTestCase):
    """What does not decrypt with the instance's key is refused."""

    def assert_refused(self, agent_mark, method, cause):
        line = self.agent.wait_for_log('ERROR', 'Refused %s' % method,
                                       since=agent_mark, timeout=10.0)
        self.assertIn(cause, line)
        self.assertEqual(1, len(self.agent_errors_since(agent_mark)))

    def test_a_message_made_with_another_key_is_refused(self):
        for method in ('rpc_ping', 'list_databases'):
            agent_mark = len(self.agent.log())
            error = self.assertRaises(
                upstream_trove.UpstreamCallError, self.trove.api,
                self.instance_id, method, encryption='wrong')
            self.assertIn('does not decrypt', error.message)
            self.assert_refused(agent_mark, method, 'another key')

    def test_a_cast_made_with_another_key_changes_nothing(self):
        agent_mark = len(self.agent.log())
        self.trove.database_create(self.instance_id, ['planted'],
                                   precheck=False, encryption='wrong')
        self.assert_refused(agent_mark, 'create_database', 'another key')
        self.assertEqual(set(INITIAL_DATABASES), self.names_on_server())

    def test_a_clear_message_to_a_keyed_agent_is_refused(self):
        agent_mark = len(self.agent.log())
        self.trove.database_delete(self.instance_id, 'orders',
                                   precheck=False, encryption='none')
        self.assert_refused(agent_mark, 'delete_database', 'in clear')
        self.assertEqual(set(INITIAL_DATABASES), self.names_on_server())
        agent_mark = len(self.agent.log())
        error = self.assertRaises(
            upstream_trove.UpstreamCallError, self.trove.api,
            self.instance_id, 'rpc_ping', encryption='none')
        self.assertIn('came in clear', error.message)
        self.assert_refused(agent_mark, 'rpc_ping', 'in clear')


class HeartbeatTest(StockTroveTestCase):
    """The instance's status in Trove follows MongoDB and prepare."""

    PREPARE = False

    def status(self):
        return self.trove.instance_status(self.instance_id)['status']

    def wait_for_status(self, status):
        return self.trove.wait_for_status(self.instance_id, status,
                                          timeout=STATUS_TIMEOUT)

    def test_status_follows_prepare_mongodb_and_agent_restarts(self):
        # No heartbeat before prepare: wait three intervals and more, and
        # the agent has sent the conductor nothing.
        self.agent.wait_for_log('Prepare has not completed; no heartbeat',
                                timeout=STATUS_TIMEOUT)
        self.agent.wait_for_log('Prepare has not completed; no heartbeat',
                                since=len(self.agent.log()),
                                timeout=STATUS_TIMEOUT)
        self.assertEqual('new', self.status())

        self.trove.prepare(self.instance_id, databases=['first'])
        self.wait_for_status('healthy')
        self.wait_for_names(['first'])

        self.server.stop()
        self.wait_for_status('shutdown')
        self.server.start()
        self.wait_for_status('healthy')

        # A restarted agent finds prepare done and heartbeats at once.
        self.assertEqual(0, self.agent.stop())
        self.server.stop()
        self.agent.start()
        self.wait_for_status('shutdown')
        self.server.start()
        self.wait_for_status('healthy')


class RefusedCredentialsTest(StockTroveTestCase):
    """MongoDB refusing the agent shows in Trove as an error."""

    def test_refused_credentials_show_as_unknown_then_healthy(self):
        credentials = self.server.credentials_file
        with open(credentials) as stream:
            good = stream.read()
        self.addCleanup(secantus.write_credentials, credentials,
                        secantus.OS_ADMIN, self.server.admin_password)
        secantus.write_credentials(credentials, secantus.OS_ADMIN,
                                   'not-the-password')
        self.trove.wait_for_status(self.instance_id, 'unknown',
                                   timeout=STATUS_TIMEOUT)
        self.assertEqual('ERROR', self.trove.instance_status(
            self.instance_id)['api_status'])
        self.assertIn('refused the credentials', self.agent.wait_for_log(
            'Reporting mongodb as unknown', timeout=10.0))
        helpers.write_private(credentials, good)
        self.trove.wait_for_status(self.instance_id, 'healthy',
                                   timeout=STATUS_TIMEOUT)
