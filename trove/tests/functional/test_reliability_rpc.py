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

"""Over RPC: the agent keeps serving after its MongoDB comes back.

trove-guestagent runs as its own process over the real RabbitMQ against a
SecantusDB server of this test class, which the tests stop (SIGTERM), kill
(SIGKILL, as a crash would) and start again. The agent is never restarted:
a guest agent that needs a restart after every hiccup of its mongod would
leave the instance unmanageable until an operator logs in. Trove sends
create and delete as casts, so while the server is down their failure
shows only in the agent's log, and that line must say which databases and
why; a cast is not retried, so nothing may appear later either.

The agent logs at DEBUG, pymongo's command log included, and after every
test its whole log is searched for the caller's auth token and the
passwords (:class:`~trove.tests.functional.agent_base.AgentTestCase`):
reconnecting and re-authenticating after a restart must not leak them.

Without a reachable broker these tests fail: they never skip.
"""

import time

from tools.harness import agent as agent_process
from trove.common import cfg
from trove.guestagent.datastore.experimental.mongodb import exceptions
from trove.tests.functional import agent_base
from trove.tests.functional import reliability
from trove.tests import helpers

CONF = cfg.CONF

# Documents of the tenant's own, written behind the agent's back: an outage
# and the agent's recovery from it must leave them as they were.
TENANT_DOCUMENTS = [{'_id': index, 'total': index * 10}
                    for index in range(20)]
BEFORE = ['before1', 'before2']
DURING = ['during1', 'during2']


class AgentAcrossMongoDBOutageTest(agent_base.AgentTestCase):

    # DEBUG for every logger that handles the request: the messages
    # themselves (oslo.messaging's TRACE) and pymongo's commands, among
    # them the authentication of the connections made after a restart.
    AGENT_OPTIONS = {'default_log_levels': ','.join([
        'oslo_messaging=TRACE', 'oslo.messaging=TRACE', 'pymongo=DEBUG',
        'amqp=WARN', 'kombu=WARN', 'stevedore=WARN'])}
    # The tests kill the server right after the agent reported a create or
    # a delete done, and SecantusDB does not journal DDL: only a
    # checkpoint makes it durable there.
    MONGODB_OPTIONS = {'checkpoint_after_ddl': 'true'}

    def setUp(self):
        super().setUp()
        # Whatever a test does to the server, the next one finds it up.
        self.addCleanup(self.server.start)
        self.agent_pid = self.agent.pid
        self.address = '127.0.0.1:%d' % self.server.port

    def create_and_wait(self, *names):
        self.api.create_database(helpers.payloads(*names))
        self.wait_until(lambda: set(names) <= set(self.listed_names()),
                        'databases %s to be listed' % (names,))

    def cast_and_wait(self, cast, argument, done):
        """Cast, and wait until the agent logs the request ``done``.

        The agent logs it once the server has checkpointed the change:
        only then may a test kill the server without putting the server's
        own durability on trial.
        """
        mark = len(self.agent.log())
        cast(argument)
        self.agent.wait_for_log('DEBUG', done, since=mark)

    def put_tenant_documents(self):
        self.root.before1.orders.insert_many(TENANT_DOCUMENTS)
        # The tenant's writes are the server's business, not the agent's:
        # make them durable so that a SIGKILL puts only the agent on trial.
        self.root.admin.command('fsync')

    def assert_before_databases_intact(self):
        self.assertEqual(['orders', 'trove_placeholder'],
                         sorted(self.root.before1.list_collection_names()))
        self.assertEqual(TENANT_DOCUMENTS,
                         list(self.root.before1.orders.find().sort('_id')))
        self.assertEqual(['trove_placeholder'],
                         self.root.before2.list_collection_names())

    def assert_same_agent_serving(self):
        """The agent process of setUp, never restarted, still serving."""
        self.assertTrue(self.agent.running, 'the agent process exited')
        self.assertEqual(self.agent_pid, self.agent.pid)
        since = self.agent.log()[self.log_mark:]
        self.assertNotIn(agent_process.READY_MARK, since)
        self.assertIs(True, self.api.rpc_ping())

    def error_lines(self):
        """The agent's ERROR lines written during this test."""
        lines = self.agent.log()[self.log_mark:].splitlines()
        # oslo.log: date, time, pid, level, logger, message. The level
        # field only: a TRACE line may quote anything in a message.
        return [line for line in lines
                if line.split(None, 4)[3:4] == ['ERROR']]

    def list_while_down(self):
        """A list call to the agent whose server is down: the clear error.

        The caller waits at most agent_call_low_timeout for the answer, and
        would raise GuestTimeout after it; MongoDBConnectionError itself
        shows that the answer came within the call timeout.
        """
        started = time.monotonic()
        error = self.assertRaises(exceptions.MongoDBConnectionError,
                                  self.api.list_databases)
        elapsed = time.monotonic() - started
        message = str(error)
        self.assertTrue(message.startswith(
            'Cannot reach MongoDB at %s within %s s ('
            % (self.address, agent_process.SERVER_SELECTION_TIMEOUT)),
            message)
        self.assertIn('Check that mongod is running', message)
        return elapsed

    def outage(self, end):
        """Serve create, list and delete across one outage of the server.

        :param end: how the server goes away: ``stop`` or ``kill``.
        :returns: how long the list call took to fail, in seconds.
        """
        self.create_and_wait(*BEFORE)
        self.put_tenant_documents()

        end()
        elapsed = self.list_while_down()
        self.api.create_database(helpers.payloads(*DURING))
        line = self.wait_for_log(
            'ERROR', 'Request create_database for databases %s failed: '
            'Cannot reach MongoDB at %s' % (DURING, self.address))
        self.assertIn('req-e2e-0001', line)
        self.api.delete_database(helpers.payload('before2'))
        line = self.wait_for_log(
            'ERROR', "Request delete_database for databases ['before2'] "
            'failed: Cannot reach MongoDB at %s' % self.address)
        self.assertIn('req-e2e-0001', line)
        # Exactly the three requests of the outage failed, and the agent
        # still answers what needs no MongoDB.
        self.assertEqual(3, len(self.error_lines()), self.error_lines())
        self.assert_same_agent_serving()

        self.server.start()
        # The first call after the server is back: no retry by the test.
        self.assertEqual(BEFORE, self.listed_names())
        # Casts are not retried: what failed during the outage stays
        # undone, and nothing the agent did not report done exists.
        self.assertEqual(set(BEFORE), self.server_names())
        self.assert_before_databases_intact()

        self.create_and_wait('after1', 'after2')
        self.wait_for_log('DEBUG', "Created databases ['after1', 'after2']")
        self.api.delete_database(helpers.payload('after1'))
        self.wait_until(lambda: 'after1' not in self.listed_names(),
                        'the deleted database to leave the list')
        self.assertEqual(['after2', 'before1', 'before2'],
                         self.listed_names())
        self.assertEqual({'after2', 'before1', 'before2'},
                         self.server_names())
        self.assert_before_databases_intact()
        # Only the three requests of the outage failed.
        self.assertEqual(3, len(self.error_lines()), self.error_lines())
        self.assert_same_agent_serving()
        # Checked again after the test; here so that the report says it.
        self._assert_no_secret_in_agent_log()
        return elapsed

    def report_outage(self, how, elapsed):
        reliability.report(
            self, 'Faults over RPC',
            'trove-guestagent as its own process over RabbitMQ, logging '
            'at DEBUG (pymongo and oslo.messaging included); its server '
            '%s; a list call, a create cast and a delete cast with an auth '
            'token in the context; the server started again, the agent '
            'not restarted' % how,
            'the call raised MongoDBConnectionError naming host:port in '
            '%.1f s (call timeout %d s); each cast logged at ERROR with its '
            'databases, the cause and the request id, and changed nothing; '
            'the same agent process answered a ping during the outage and, '
            'once the server was back, its first list call; creates and '
            'deletes by cast then worked; the databases and tenant '
            'documents from before the outage intact; no auth token or '
            'password in the agent log'
            % (elapsed, CONF.agent_call_low_timeout))

    def test_outage_by_sigkill(self):
        elapsed = self.outage(self.server.kill)
        self.report_outage('killed (SIGKILL)', elapsed)

    def test_outage_by_sigterm(self):
        elapsed = self.outage(self.server.stop)
        self.report_outage('stopped (SIGTERM)', elapsed)

    def test_restart_between_two_requests(self):
        # The agent's pooled connections are dead after each restart, and
        # the agent has no failed request to tell it so: its next request
        # must still succeed at its first attempt.
        self.create_and_wait('kept')
        restarts = 0
        for end in (self.server.stop, self.server.kill):
            self.assertEqual(['kept'], self.listed_names())
            end()
            self.server.start()
            restarts += 1
            self.assertEqual(['kept'], self.listed_names())

            end()
            self.server.start()
            restarts += 1
            self.cast_and_wait(self.api.create_database,
                               [helpers.payload('made')],
                               "Created databases ['made'].")
            self.assertIn('made', self.server_names())

            end()
            self.server.start()
            restarts += 1
            self.cast_and_wait(self.api.delete_database,
                               helpers.payload('made'),
                               "Dropped database 'made'.")
            self.assertNotIn('made', self.server_names())
        self.assertEqual(['kept'], self.listed_names())
        self.assertEqual({'kept'}, self.server_names())
        self.assertEqual([], self.error_lines())
        self.assert_same_agent_serving()
        self._assert_no_secret_in_agent_log()
        reliability.report(
            self, 'Faults over RPC',
            'the agent\'s server stopped (SIGTERM) or killed (SIGKILL) and '
            'started again between two requests over RabbitMQ, before each '
            'of a list call, a create cast and a delete cast (%d restarts)'
            % restarts,
            'every first request after a restart succeeded; no ERROR in '
            'the agent log; the same agent process throughout; no auth '
            'token or password in its DEBUG log')
