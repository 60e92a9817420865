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

"""The benchmark's own check: it runs, and it compares like with like.

No assertion here is about time: the machine running the tests may be
slow or busy. These tests run every measuring function with tiny counts
and check that the plugin and its baseline did the same server work and
left the server the same, so that the figures in the benchmark doc compare
what they claim to.

The RPC figures need RabbitMQ, as the end-to-end tests do: without a
broker their tests fail, never skip.
"""

import logging
import os
import subprocess
import sys

import fixtures
import kombu
from kombu import exceptions as kombu_exceptions

from tools.benchmark import cases
from tools.benchmark import memory
from tools.benchmark import report
from tools.benchmark import rpc
from tools.benchmark import tenant
from tools.benchmark import timing
from tools.harness import agent as agent_process
from trove.common import cfg
from trove.guestagent.datastore.experimental.mongodb import connection
from trove.guestagent.datastore.experimental.mongodb import service
from trove.tests import base as unit_base
from trove.tests.functional import base
from trove.tests import helpers

TOOLS_BENCH = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))), 'tools', 'bench.py')


class InterleavingTest(unit_base.TestCase):

    def test_each_contender_takes_each_position_equally(self):
        for count in (2, 3):
            orders = [timing.order(index, count)
                      for index in range(2 * count)]
            for position in range(count):
                self.assertEqual(
                    sorted(list(range(count)) * 2),
                    sorted(order[position] for order in orders))

    def test_each_contender_follows_each_other_equally(self):
        for count in (2, 3):
            follows = {}
            for index in range(2 * count):
                order = timing.order(index, count)
                for first, second in zip(order, order[1:]):
                    follows[first, second] = follows.get(
                        (first, second), 0) + 1
            self.assertEqual(1, len(set(follows.values())), follows)

    def test_a_row_is_graded_at_the_precision_the_table_shows(self):
        def row(plugin, baseline, target):
            return timing.Row('case', timing.Summary.of([plugin]),
                              timing.Summary.of([baseline]), target, 'raw')
        # 1.104 reads 1.10 in the table, 1.106 reads 1.11.
        self.assertIs(True, row(1.104, 1.0, 1.10).met)
        self.assertIs(False, row(1.106, 1.0, 1.10).met)
        self.assertIs(True, row(0.5, 1.0, 0.50).met)
        self.assertIs(False, row(0.6, 1.0, 0.50).met)
        self.assertIsNone(row(9.0, 1.0, None).met)
        self.assertEqual('1.10', report.row_cells(row(1.104, 1.0, 1.1))[5])

    def test_a_run_of_one_command_reads_as_a_count(self):
        self.assertEqual(
            'listDatabases, usersInfo x 3, createUser, usersInfo',
            report.commands_cell(['listDatabases'] + ['usersInfo'] * 3
                                 + ['createUser', 'usersInfo']))

    def test_warmup_is_run_but_not_counted(self):
        calls = []
        times = timing.interleaved(
            [lambda i: calls.append(('a', i)), lambda i: calls.append(
                ('b', i))], repeat=3, warmup=2,
            before=lambda i: calls.append(('before', i)),
            after=lambda i: calls.append(('after', i)))
        self.assertEqual([3, 3], [len(seconds) for seconds in times])
        self.assertEqual(4 * 5, len(calls))
        for group, index in enumerate(range(-2, 3)):
            done = calls[4 * group:4 * group + 4]
            self.assertEqual(('before', index), done[0])
            self.assertEqual({('a', index), ('b', index)}, set(done[1:3]))
            self.assertEqual(('after', index), done[3])


class BenchSmokeTest(base.FunctionalTestCase):

    MODE = 'spec'
    TENANTS = 5

    def setUp(self):
        super().setUp()
        self.bench = cases.Bench(self.server)
        self.addCleanup(self.bench.close)
        self.bench.populate(self.TENANTS)

    def collections(self, name):
        return sorted(self.root[name].list_collection_names())

    def test_plugin_and_baseline_send_the_same_commands(self):
        work = cases.server_work(self.server, connection.get_pool())
        self.assertEqual(['create one', 'create batch of 2',
                          'create existing', 'delete one', 'delete missing',
                          'list page', 'create user', 'grant access',
                          'list users page'],
                         [name for name, _p, _r in work])
        for name, plugin, raw in work:
            self.assertEqual(plugin, raw, name)
            self.assertTrue(plugin, name)
        plugin = dict((name, commands) for name, commands, _r in work)
        # Durable through the journal, on both sides, and no checkpoint.
        self.assertEqual(['listDatabases', 'create (j)'],
                         plugin['create one'])
        self.assertEqual(['listCollections', 'usersInfo',
                          'dropDatabase (j)'], plugin['delete one'])
        # pymongo hides createUser's document (it holds a password), so
        # its write concern is not seen here.
        self.assertEqual(['listDatabases', 'usersInfo', 'createUser'],
                         plugin['create user'])
        self.assertEqual(['listDatabases', 'usersInfo',
                          'grantRolesToUser (j)'], plugin['grant access'])
        self.assertEqual('listDatabases', plugin['list users page'][0])
        self.assertEqual({'usersInfo'}, set(plugin['list users page'][1:]))
        self.assertEqual([], [command for commands in plugin.values()
                              for command in commands
                              if command == 'fsync'])
        # Nothing of the check stays on the server.
        self.assertEqual(self.TENANTS, len(self.tenant_names()))

    def test_plugin_and_baseline_leave_the_server_alike(self):
        plugin_name, raw_name = self.bench.new_names(2)
        self.bench.manager.create_database(None,
                                           [cases.payload(plugin_name)])
        self.bench.raw.create([raw_name])
        self.assertEqual([service.PLACEHOLDER_COLLECTION],
                         self.collections(plugin_name))
        self.assertEqual(self.collections(plugin_name),
                         self.collections(raw_name))

        plugin_page, plugin_marker = self.bench.manager.list_databases(
            None, limit=3)
        raw_page, raw_marker = self.bench.raw.list_page(3)
        self.assertEqual(raw_page, [item['_name'] for item in plugin_page])
        self.assertEqual(raw_marker, plugin_marker)
        plugin_walk = cases.walk(
            lambda marker: self.bench.manager.list_databases(
                None, limit=cases.PAGE, marker=marker), self.TENANTS + 2)
        raw_walk = cases.walk(
            lambda marker: self.bench.raw.list_page(cases.PAGE, marker),
            self.TENANTS + 2)
        self.assertEqual(raw_walk, [item['_name'] for item in plugin_walk])

        self.bench.manager.delete_database(None, cases.payload(plugin_name))
        self.assertTrue(self.bench.raw.delete(raw_name))
        self.assertFalse(self.bench.raw.delete(raw_name))
        self.assertEqual(set(), {plugin_name, raw_name}
                         & self.tenant_names())

    def test_user_cases_measure_alike_and_clean_up(self):
        before = self.tenant_names()
        users = cases.Users(self.bench)
        homes = users.populate(6, databases=2)
        plugin_page, plugin_marker = self.bench.manager.list_users(
            None, limit=4)
        raw_page, raw_marker = users.raw.list_page(4)
        self.assertEqual(raw_page, [item['_name'] for item in plugin_page])
        self.assertEqual(raw_marker, plugin_marker)
        rows = (cases.create_user(self.bench, users, 2, warmup=1)
                + cases.grant_access(self.bench, users, 2, warmup=1)
                + cases.list_users_page(self.bench, users, 6, 2, warmup=1))
        self.assertEqual(
            [('create one user', cases.FLOOR), ('grant access', cases.FLOOR),
             ('list page of 20 users @ 6 users', cases.FLOOR)],
            [(row.case, row.kind) for row in rows])
        self.assertEqual([], self.root[users.home].command('usersInfo')[
            'users'])
        users.close()
        for home in homes:
            self.root[home].command('dropAllUsersFromDatabase')
        self.bench.drop(homes)
        self.assertEqual(before, self.tenant_names())

    def test_every_case_measures_and_cleans_up(self):
        before = self.tenant_names()
        rows = (cases.create_one(self.bench, 2, warmup=1)
                + cases.create_batch(self.bench, 1, warmup=0, size=3)
                + cases.delete_one(self.bench, 2, warmup=1)
                + cases.checkpoint_cost(self.bench, 1, warmup=0)
                + cases.fresh_client(self.bench, 1, warmup=0)
                + cases.debug_logging(self.bench, 1, warmup=0)
                + cases.list_page(self.bench, self.TENANTS, 2, warmup=1)
                + cases.noise_floor(self.bench, self.TENANTS, 1, warmup=0)
                + cases.full_walk(self.bench, self.TENANTS, 1, warmup=0))
        # Whatever the plugin and the baselines created, they removed.
        self.assertEqual(before, self.tenant_names())
        self.assertEqual(logging.NOTSET, logging.getLogger('trove').level)
        self.assertFalse(cfg.CONF.mongodb.checkpoint_after_ddl)
        self.assertEqual(
            [('create one', cases.FLOOR), ('create batch of 3', cases.FLOOR),
             ('delete one', cases.FLOOR),
             ('delete one', cases.CHECK_AND_DROP),
             ('create one, checkpoint_after_ddl', cases.FLOOR),
             ('delete one, checkpoint_after_ddl', cases.FLOOR),
             ('create one', 'fresh'),
             ('delete one', 'fresh'), ('list page of 100', 'fresh'),
             ('create one, log at DEBUG', cases.FLOOR),
             ('delete one, log at DEBUG', cases.FLOOR),
             ('list page of 100 @ 5 dbs', 'raw'),
             ('list page of 100 @ 5 dbs, A/A', 'raw against raw'),
             ('full walk @ 5 dbs', 'raw')],
            [(row.case, row.kind) for row in rows])
        for row in rows:
            self.assertGreater(row.plugin.median, 0)
            self.assertGreater(row.baseline.median, 0)
            self.assertLessEqual(row.plugin.minimum, row.plugin.median)
            self.assertLessEqual(row.plugin.median, row.plugin.maximum)
        table = report.timing_table(rows).splitlines()
        # Rules, header, rule, one line per row, rule.
        self.assertEqual(len(rows) + 4, len(table))
        for column in report.COLUMNS:
            self.assertIn(column, table[1])

    def test_under_load_measures_every_kind_and_cleans_up(self):
        before = self.tenant_names()
        writer = tenant.Tenant(self.server, self.bench.root, os.path.join(
            self.useFixture(fixtures.TempDir()).path, 'samples'))
        self.add_secret(writer.password)
        try:
            rows = cases.under_load(self.bench, writer, 2, 0.2, warmup=0)
        finally:
            writer.close()
        self.assertEqual(
            [('create one, tenant writing', cases.FLOOR, cases.FLOOR_TARGET),
             ('delete one, tenant writing', cases.FLOOR, cases.FLOOR_TARGET),
             ('create one, tenant writing, checkpoint_after_ddl',
              cases.FLOOR, None),
             ('delete one, tenant writing, checkpoint_after_ddl',
              cases.FLOOR, None),
             ('tenant insert p99, nothing running (A/A)',
              cases.TENANT_ALONE, None),
             ('tenant insert p99, plugin running', cases.TENANT_ALONE,
              cases.TENANT_TARGET),
             ('tenant insert p99, durable floor running',
              cases.TENANT_ALONE, None),
             ('tenant insert p99, plugin with checkpoint_after_ddl running',
              cases.TENANT_ALONE, None)],
            [(row.case, row.kind, row.target) for row in rows])
        for row in rows:
            self.assertGreater(row.plugin.median, 0)
            self.assertGreater(row.baseline.median, 0)
        # Two windows of each kind in the tenant's phase.
        self.assertEqual([2] * 4, [row.plugin.count for row in rows[4:]])
        self.assertFalse(cfg.CONF.mongodb.checkpoint_after_ddl)
        # The cycles left nothing, and the tenant took its data and user.
        self.assertEqual(before, self.tenant_names())
        self.assertEqual([], self.root.admin.system.users.find(
            {'user': tenant.USER}).to_list())

    def test_memory_agent_lists_every_database(self):
        result = memory.measure(self.server.host, self.server.port,
                                self.server.credentials_file)
        self.assertEqual(self.TENANTS, result.databases)
        self.assertEqual(self.TENANTS, result.listed)
        self.assertGreater(result.idle_kib, 0)
        # The high-water mark, taken after the idle figure, covers it.
        self.assertGreaterEqual(result.peak_kib, result.idle_kib)
        lines = report.memory_lines(result, memory.TARGET_MIB)
        self.assertIn('peak - idle %.1f MiB' % (
            (result.peak_kib - result.idle_kib) / 1024.0), lines[1])


class BenchRpcSmokeTest(base.FunctionalTestCase):
    """The RPC rows, against trove-guestagent as its own process."""

    MODE = 'spec'
    # Two pages of 100, so that the walk follows a marker.
    TENANTS = cases.PAGE + 5

    def setUp(self):
        super().setUp()
        self.url = agent_process.transport_url()
        agent_process.require_broker(self.url)
        self.bench = cases.Bench(self.server)
        self.addCleanup(self.bench.close)
        self.bench.populate(self.TENANTS)
        self.agent = rpc.RpcAgent(
            self.server, self.url,
            self.useFixture(fixtures.TempDir()).path)
        self.addCleanup(self.agent.close)
        self.agent.start()
        self.add_secret(rpc.trove_context().auth_token)

    def count_calls(self, owner, name):
        """Count the calls to ``owner.name``, still made as before."""
        return self.useFixture(fixtures.MockPatchObject(
            owner, name, wraps=getattr(owner, name))).mock

    def queue_exists(self, name):
        with kombu.Connection(self.url.replace('rabbit://', 'amqp://', 1),
                              connect_timeout=5) as connection:
            try:
                connection.channel().queue_declare(name, passive=True)
            except kombu_exceptions.ChannelError:
                return False
            return True

    def test_rpc_rows_time_both_sides_and_leave_no_queue(self):
        rpc_list = self.count_calls(self.agent.api, 'list_databases')
        ping = self.count_calls(self.agent.api, 'rpc_ping')
        direct_list = self.count_calls(self.bench.manager, 'list_databases')
        before = self.tenant_names()

        rows = cases.rpc_rows(self.bench, self.agent, self.TENANTS, 2,
                              walk_repeat=1, warmup=1)

        self.assertEqual(
            [('list page of 100 @ 105 dbs over RPC', cases.RPC_FLOOR,
              cases.RPC_TARGET),
             ('list page of 100 @ 105 dbs over RPC', cases.RPC_PING_ONLY,
              None),
             ('full walk @ 105 dbs over RPC', cases.RPC_FLOOR,
              cases.RPC_TARGET)],
            [(row.case, row.kind, row.target) for row in rows])
        self.assertEqual([2, 2, 1], [row.plugin.count for row in rows])
        self.assertEqual([2, 2, 1], [row.baseline.count for row in rows])
        for row in rows:
            self.assertGreater(row.plugin.median, 0)
            self.assertGreater(row.baseline.median, 0)
        # Rows with a target say whether the ratio of the medians, at the
        # table's two decimals, is within it; the others are not graded.
        for row in rows:
            if row.target is None:
                self.assertIsNone(row.met, row.case)
            else:
                ratio = row.plugin.median / row.baseline.median
                self.assertIs(round(ratio, 2) <= row.target, row.met,
                              row.case)
        # Page: a check, then warm-up and timed repetitions, each side
        # once. Walk: a check, then warm-up and timed walks of two pages,
        # a ping per page on the floor's side.
        self.assertEqual(1 + 3 + 2 * (1 + 2), rpc_list.call_count)
        self.assertEqual(3 + 2 * 2, ping.call_count)
        self.assertEqual(1 + 3 + 2 * (1 + 2), direct_list.call_count)
        rpc_list.assert_any_call(limit=cases.PAGE)
        rpc_list.assert_any_call(limit=cases.PAGE, marker='tenant00099')
        # Nothing but the list went over the bus: no change on the server.
        self.assertEqual(before, self.tenant_names())
        table = report.timing_table(rows).splitlines()
        self.assertEqual(len(rows) + 4, len(table))
        self.assertIn('over RPC', table[3])

        guest_id = self.agent.guest_id
        topic = 'guestagent.%s' % guest_id
        self.agent.close()
        self.assertFalse(self.agent.agent.running)
        self.assertTrue(self.agent.reply_queue.startswith('reply_'))
        for queue in (topic, '%s.%s' % (topic, guest_id),
                      self.agent.reply_queue):
            self.assertFalse(self.queue_exists(queue), queue)


class BenchRpcUnavailableTest(unit_base.TestCase):

    def test_an_unreachable_broker_is_named(self):
        port = helpers.free_port()
        self.assertEqual(
            'RabbitMQ unreachable at rabbit://127.0.0.1:%d/' % port,
            rpc.unavailable('rabbit://guest:secret@127.0.0.1:%d/' % port))

    def test_a_reachable_broker_is_not_reported(self):
        url = agent_process.transport_url()
        agent_process.require_broker(url)
        self.assertIsNone(rpc.unavailable(url))


class BenchCommandTest(unit_base.TestCase):

    def bench(self, *args, **environment):
        # The command starts its own server, or uses the external mongod.
        completed = subprocess.run(
            [sys.executable, TOOLS_BENCH, '--repeat', '1', '--sizes', '5,8',
             '--windows', '1', '--window-seconds', '0.2',
             '--no-memory'] + list(args),
            stdin=subprocess.DEVNULL, capture_output=True, text=True,
            env=dict(os.environ, **environment), timeout=300)
        self.assertEqual(0, completed.returncode, completed.stderr)
        self.assertIn('same server work: yes', completed.stdout)
        return completed.stdout

    def test_the_command_prints_the_tables(self):
        agent_process.require_broker(agent_process.transport_url())
        out = self.bench()
        for line in ('list page of 100 @ 8 dbs', 'full walk @ 5 dbs',
                     'create batch of 100', 'plugin ms: median [min, max]',
                     'create one, tenant writing',
                     'tenant insert p99, plugin running',
                     'list page of 100 @ 5 dbs over RPC',
                     'full walk @ 8 dbs over RPC'):
            self.assertIn(line, out)
        self.assertNotIn('RPC: not measured', out)

    def test_without_a_broker_the_rpc_figure_says_not_measured(self):
        port = helpers.free_port()
        out = self.bench(**{agent_process.TRANSPORT_URL_VARIABLE:
                            'rabbit://guest:guest@127.0.0.1:%d/' % port})
        self.assertIn('RPC: not measured (RabbitMQ unreachable at '
                      'rabbit://127.0.0.1:%d/).' % port, out)
        self.assertNotIn('over RPC', out)
