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

"""Faults of the real server process: down, killed mid-batch, restarted.

create and delete arrive as casts, so nobody sees their outcome but the
agent's log: a failure must say exactly which databases may be missing, a
retry must finish the job, and what the agent reported done must survive a
crash of the server. Each test runs a SecantusDB server of its own, which
it stops, kills (SIGKILL, as a crash would) and starts again.
"""

import threading
import time

import fixtures
from pymongo import monitoring

from trove.common import exception
from trove.guestagent.datastore.experimental.mongodb import manager
from trove.guestagent.datastore.experimental.mongodb import service
from trove.tests.functional import base
from trove.tests.functional import reliability
from trove.tests import helpers

# How much longer than server_selection_timeout an operation may take to
# fail: enough for a slow CI machine, far less than a hang.
MARGIN = 5.0

TENANT_DATA = {
    'tenant_orders': {'orders': [{'_id': index, 'total': index * 10}
                                 for index in range(50)]},
    'tenant_people': {'people': [{'_id': 'ann', 'age': 41},
                                 {'_id': 'bob', 'age': 37}],
                      'audit': [{'_id': 1, 'what': 'hired'}]},
}


class KillAtCommand(monitoring.CommandListener):
    """Kills the server just as the agent sends its Nth command of a kind.

    pymongo calls ``started`` on the agent's own thread before the command
    goes out, so the kill lands in the middle of the batch every run.
    """

    def __init__(self, server, command_name, count):
        self.server = server
        self.command_name = command_name
        self.count = count
        self.seen = 0
        self.killed = False

    def started(self, event):
        if event.command_name != self.command_name or self.killed:
            return
        self.seen += 1
        if self.seen == self.count:
            self.server.kill()
            self.killed = True

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


class AgentCommandListener(fixtures.Fixture):
    """Adds a pymongo command listener to the clients the agent creates."""

    def __init__(self, listener):
        super().__init__()
        self.listener = listener

    def _setUp(self):
        original = service.ConnectionTarget.new_client
        listener = self.listener

        def new_client(target, **options):
            options.setdefault('event_listeners', []).append(listener)
            return original(target, **options)
        self.useFixture(fixtures.MockPatchObject(
            service.ConnectionTarget, 'new_client', new_client))
        service.get_connection().close()


class ServerFaultsTest(base.FunctionalTestCase):

    def setUp(self):
        super().setUp()
        self.use_private_server()
        self.timeout = self.conf.conf.mongodb.server_selection_timeout

    def put_tenant_data(self):
        for database, collections in TENANT_DATA.items():
            for collection, documents in collections.items():
                self.root[database][collection].insert_many(documents)
        # The tenant's own writes are the server's business; make them
        # durable so that only the agent's work is on trial.
        self.root.admin.command('fsync')

    def assert_tenant_data_intact(self):
        for database, collections in TENANT_DATA.items():
            self.assertEqual(sorted(collections),
                             sorted(self.root[database]
                                    .list_collection_names()))
            for collection, documents in collections.items():
                self.assertEqual(
                    documents,
                    list(self.root[database][collection].find().sort(
                        '_id', 1)))

    def batch_names(self, prefix):
        listed = self.root.list_database_names()
        return [name for name in listed if name.startswith(prefix)]

    def timed(self, call, *args):
        started = time.monotonic()
        try:
            return call(*args), None, time.monotonic() - started
        except Exception as exc:
            return None, exc, time.monotonic() - started

    def test_server_down_at_start_fails_fast_then_recovers(self):
        self.server.stop()
        agent = manager.Manager()
        calls = (('create', agent.create_database, helpers.payloads('sales')),
                 ('list', agent.list_databases),
                 ('delete', agent.delete_database, helpers.payload('sales')))
        for label, call, *args in calls:
            _result, error, elapsed = self.timed(call, None, *args)
            self.assertIsInstance(error, exception.MongoDBConnectionError,
                                  label)
            self.assertIn('%s:%d' % (self.server.host, self.server.port),
                          str(error))
            self.assertLess(elapsed, self.timeout + MARGIN, label)

        self.server.start()
        agent.create_database(None, helpers.payloads('sales'))
        self.assertEqual((helpers.payloads('sales'), None),
                         agent.list_databases(None))
        reliability.report(
            self, 'Faults',
            'server not running when the agent starts; create, list and '
            'delete through a fresh Manager',
            'each raised MongoDBConnectionError naming host:port within '
            'server_selection_timeout (%.0f s) + %.0f s; the same Manager '
            'worked once the server started' % (self.timeout, MARGIN))

    def test_kill_mid_batch_is_reported_and_a_retry_completes(self):
        self.put_tenant_data()
        names = ['batch%03d' % index for index in range(300)]
        killer = KillAtCommand(self.server, 'create', 120)
        self.useFixture(AgentCommandListener(killer))
        outcome = {}

        def create():
            outcome['result'] = self.timed(self.manager.create_database,
                                           None, helpers.payloads(*names))
        thread = threading.Thread(target=create)
        thread.start()
        thread.join(self.timeout + MARGIN + 30)
        self.assertFalse(thread.is_alive(), 'create_database hung')
        self.assertTrue(killer.killed)
        _result, error, elapsed = outcome['result']
        self.assertIsInstance(error, exception.DatabaseCreateError)
        self.assertLess(elapsed, self.timeout + MARGIN)
        self.assertIsInstance(error.__cause__,
                              exception.MongoDBConnectionError)

        self.server.start()
        present = set(self.batch_names('batch'))
        reported = error.kwargs
        maybe_missing = set(reported['not_created'])
        if reported['uncertain']:
            maybe_missing.add(reported['uncertain'])
        if not reported['on_disk']:
            maybe_missing.update(reported['created'])
        # Honest: every database the server lacks was reported as not
        # created, perhaps not created, or perhaps lost in the crash...
        self.assertEqual(set(), set(names) - present - maybe_missing)
        # ...and nothing reported as not created exists.
        self.assertEqual(set(), present & set(reported['not_created']))
        for name in reported['not_created']:
            self.assertIn(repr(name), str(error))
        lost = set(reported['created']) - present

        self.manager.create_database(None, helpers.payloads(*names))

        listed = self.root.list_database_names()
        self.assertEqual(len(listed), len(set(listed)))
        self.assertEqual(names, sorted(self.batch_names('batch')))
        for name in names[::25]:
            self.assertEqual([service.PLACEHOLDER_COLLECTION],
                             self.root[name].list_collection_names())
        self.assert_tenant_data_intact()
        reliability.report(
            self, 'Faults',
            'server SIGKILLed as the agent sent the 120th create of a '
            '300-database batch; then restarted and the batch retried',
            'DatabaseCreateError within server_selection_timeout + %.0f s '
            'naming the %d databases not created, the one in flight as '
            'maybe created, and the %d created before as not yet on disk '
            '(the crash lost %d of them); every database missing after '
            'the restart was among those; the retry left each of the 300 '
            'present exactly once and the tenant data unchanged'
            % (MARGIN, len(reported['not_created']),
               len(reported['created']), len(lost)))

    def test_what_the_agent_reported_done_survives_a_crash(self):
        self.put_tenant_data()
        names = ['durable%03d' % index for index in range(100)]
        self.manager.create_database(None, helpers.payloads(*names))
        self.server.kill()
        self.server.start()
        self.assertEqual(names, sorted(self.batch_names('durable')))

        for payload in helpers.payloads(*names[:50]):
            self.manager.delete_database(None, payload)
        self.server.kill()
        self.server.start()
        self.assertEqual(names[50:], sorted(self.batch_names('durable')))
        self.assert_tenant_data_intact()
        reliability.report(
            self, 'Faults',
            'server SIGKILLed right after the agent created 100 databases, '
            'and again right after it deleted 50 of them',
            'after each restart the server held exactly what the agent '
            'had reported done: 100 created, then 50 left')

    def test_restart_between_calls_needs_no_agent_restart(self):
        self.put_tenant_data()
        agent = self.manager
        agent.create_database(None, helpers.payloads('kept'))
        first_calls = (
            ('create', agent.create_database, helpers.payloads('made')),
            ('list', agent.list_databases),
            ('delete', agent.delete_database, helpers.payload('made')),
        )
        restarts = 0
        for end in (self.server.stop, self.server.kill):
            for label, call, *args in first_calls:
                end()
                self.server.start()
                restarts += 1
                call(None, *args)
        self.assertEqual(['kept'], sorted(self.batch_names('k')))
        self.assertNotIn('made', self.server_names())
        self.assert_tenant_data_intact()
        reliability.report(
            self, 'Faults',
            'server stopped (SIGTERM) or killed (SIGKILL) and started '
            'again between two calls of one Manager, before each of '
            'create, list and delete (%d restarts)' % restarts,
            'the first call after every restart succeeded; no agent '
            'restart needed')

    def test_hung_server_fails_a_list_within_the_selection_timeout(self):
        self.admin.create_database(helpers.payloads('kept'))
        self.server.freeze()
        self.addCleanup(self.server.thaw)

        _result, error, elapsed = self.timed(self.manager.list_databases,
                                             None)

        self.assertIsInstance(error, exception.MongoDBConnectionError)
        address = '%s:%d' % (self.server.host, self.server.port)
        self.assertIn('%s within %s s' % (address, self.timeout),
                      str(error))
        # database-list is a call Trove gives up on after 5 s: a hung
        # server must not hold it for operation_timeout (30 s).
        self.assertLess(elapsed, self.timeout + MARGIN)
        self.server.thaw()
        self.assertEqual((helpers.payloads('kept'), None),
                         self.manager.list_databases(None))
        reliability.report(
            self, 'Faults',
            'server frozen (SIGSTOP: connections open, nothing answers) '
            'during a database-list',
            'MongoDBConnectionError naming host:port after %.1f s, within '
            'server_selection_timeout (%.0f s) + %.0f s rather than '
            'operation_timeout; the next list after SIGCONT succeeded'
            % (elapsed, self.timeout, MARGIN))
