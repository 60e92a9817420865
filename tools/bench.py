#!/usr/bin/env python3

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

"""Benchmark: the MongoDB plugin against raw pymongo, up to 10,000 databases.

Also users: create one, grant access, a page of users at 1,000 users,
each against raw pymongo sending the same commands.

Starts SecantusDB with authentication (or uses the mongod named by
``TROVE_TEST_MONGODB_URL``), then measures the guest agent's Manager
against raw pymongo doing the same server work, interleaved, and prints
medians with min and max, the ratio plugin/baseline and its target, and
the agent's peak memory while it lists every database. Over RabbitMQ
(``rabbit://guest:guest@127.0.0.1:5672/``, or ``TROVE_TEST_TRANSPORT_URL``)
it also measures ``list_databases`` through trove-guestagent running as
its own process against ``rpc_ping`` plus the direct list; without a
broker it says that figure was not measured.

    python tools/bench.py [--quick] [--repeat N] [--sizes 100,1000,10000]

Also ``tox -e bench``.
"""

import argparse
from importlib import metadata
import os
import platform
import shutil
import sys
import tempfile
import time

if not __package__:
    # Run as a file (python tools/bench.py), this folder is on the path,
    # not the checkout that holds the tools package.
    sys.path.insert(0, os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))

from oslo_log import log as logging
import pymongo

from tools.benchmark import cases
from tools.benchmark import memory
from tools.benchmark import report
from tools.benchmark import rpc
from tools.benchmark import tenant
from tools.harness import agent as agent_process
from tools.harness import secantus
from trove.common import cfg
from trove.guestagent.datastore.experimental.mongodb import connection

CONF = cfg.CONF
DEFAULT_SIZES = (100, 1000, 10000)
# The largest database count whose full walk is also measured over RPC.
RPC_WALK_MAX = 1000
# The users on the server for the user list figure.
USER_COUNT = 1000


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description='Benchmark the MongoDB plugin against raw pymongo.')
    parser.add_argument('--repeat', type=int,
                        help='repetitions of the cheap operations; the '
                             'costly ones scale down from it, never below '
                             '3 (default: 200, or 20 with --quick)')
    parser.add_argument('--quick', action='store_true',
                        help='a short run (about a minute)')
    parser.add_argument('--sizes', default=','.join(map(str, DEFAULT_SIZES)),
                        help='database counts for the list figures '
                             '(default: 100,1000,10000)')
    parser.add_argument('--windows', type=int,
                        help='windows of each contender under tenant load '
                             '(default: 20, or 4 with --quick)')
    parser.add_argument('--window-seconds', type=float,
                        help='seconds per window under tenant load '
                             '(default: 1.0, or 0.5 with --quick)')
    parser.add_argument('--no-memory', action='store_true',
                        help='skip the agent memory figure')
    parser.add_argument('--strict', action='store_true',
                        help='exit 1 when a target is missed or not '
                             'measured')
    args = parser.parse_args(argv)
    if args.repeat is None:
        args.repeat = 20 if args.quick else 200
    if args.windows is None:
        args.windows = 4 if args.quick else 20
    if args.window_seconds is None:
        args.window_seconds = 0.5 if args.quick else 1.0
    args.sizes = sorted({int(size) for size in args.sizes.split(',')})
    if args.repeat < 1 or args.sizes[0] < 1:
        parser.error('--repeat and --sizes must be positive')
    return args


def scaled(repeat, size, full_size):
    """Repetitions for an operation whose cost grows with ``size``."""
    return max(3, repeat * min(size, full_size) // size)


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open('/proc/cpuinfo') as cpuinfo:
            for line in cpuinfo:
                if line.startswith('model name'):
                    cpu = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    memory_gib = os.sysconf('SC_PAGE_SIZE') * os.sysconf(
        'SC_PHYS_PAGES') / 2.0 ** 30
    return ('%s, %d CPUs, %.1f GiB RAM, load %.2f %.2f %.2f; Python %s, '
            'pymongo %s' % (cpu, os.cpu_count(), memory_gib,
                            *os.getloadavg(), platform.python_version(),
                            pymongo.version))


def start_server(workdir):
    url = secantus.external_url()
    if url:
        server = secantus.ExternalServer(url, workdir=workdir)
        name = 'external mongod'
    else:
        server = secantus.SecantusServer(roles=secantus.SPEC_ROLES,
                                         workdir=workdir)
        name = 'SecantusDB %s with --auth' % metadata.version('SecantusDB')
    server.start()
    return server, '%s (os_admin: %s)' % (name, ', '.join(server.roles or ()))


def configure(server, workdir):
    """Point the plugin at ``server``; the agent logs INFO to a file."""
    logging.register_options(CONF)
    CONF([], project='trove-bench', default_config_files=[])
    CONF.set_override('log_file', os.path.join(workdir, 'agent.log'))
    logging.setup(CONF, 'trove-guestagent')
    # oslo.log sends uncaught exceptions to the log file alone, which is
    # deleted with the working directory: a failed run must say why.
    sys.excepthook = sys.__excepthook__
    CONF.set_override('mongodb_host', server.host, 'mongodb')
    CONF.set_override('mongodb_port', server.port, 'mongodb')
    CONF.set_override('admin_credentials_file', server.credentials_file,
                      'mongodb')


def say(text):
    print(text, flush=True)


def populate(bench, size):
    started = time.monotonic()
    bench.populate(size)
    say('setup: the server holds %s tenant databases (made with the raw '
        'root client in %.1f s)' % ('{:,}'.format(bench.tenant_count()),
                                    time.monotonic() - started))


def start_rpc_agent(server, workdir):
    """The RPC agent for ``server``, or ``None`` and why there is none."""
    url = agent_process.transport_url()
    reason = rpc.unavailable(url)
    if reason is not None:
        return None, reason
    agent = rpc.RpcAgent(server, url, os.path.join(workdir, 'rpc-agent'))
    agent.start()
    say('RPC: trove-guestagent %s serves on %s' % (
        agent.guest_id, agent_process.describe(url)))
    return agent, None


def measure_users(bench, repeat, add):
    """Create one user, grant access, a page of users at USER_COUNT."""
    say('measuring users: create one, grant access')
    users = cases.Users(bench)
    try:
        add(cases.create_user(bench, users, max(3, repeat // 2)))
        add(cases.grant_access(bench, users, max(3, repeat // 2)))
        started = time.monotonic()
        homes = users.populate(USER_COUNT)
        say('setup: %s users in %d databases (made with the raw root '
            'client in %.1f s)' % ('{:,}'.format(USER_COUNT), len(homes),
                                   time.monotonic() - started))
        say('measuring a page of users at %s users'
            % '{:,}'.format(USER_COUNT))
        add(cases.list_users_page(bench, users, USER_COUNT, repeat))
        for home in homes:
            bench.root[home].command('dropAllUsersFromDatabase')
    finally:
        users.close()


def run(args, bench, workdir):
    """Every case, smallest size first.

    :returns: the rows, the memory result, and why the RPC figures were
        not measured (``None`` when they were).
    """
    repeat = args.repeat
    sizes = args.sizes
    rows = []

    def add(new_rows):
        for row in new_rows:
            say('  %s (%s): ratio %.2f' % (row.case, row.kind, row.ratio))
        rows.extend(new_rows)

    say('measuring create and delete at %s databases'
        % '{:,}'.format(sizes[0]))
    add(cases.create_one(bench, repeat))
    add(cases.create_batch(bench, max(3, repeat // 10)))
    add(cases.delete_one(bench, repeat))
    add(cases.checkpoint_cost(bench, max(3, repeat // 4)))
    add(cases.fresh_client(bench, max(3, repeat // 4)))
    add(cases.debug_logging(bench, repeat))
    measure_users(bench, repeat, add)
    say('measuring create and delete while a tenant writes (%d windows of '
        '%.1f s for each)' % (args.windows, args.window_seconds))
    writer = tenant.Tenant(bench.server, bench.root,
                           os.path.join(workdir, 'tenant.samples'))
    try:
        add(cases.under_load(bench, writer, args.windows,
                             args.window_seconds))
    finally:
        writer.close()
    rpc_agent, rpc_missing = start_rpc_agent(bench.server, workdir)
    try:
        for index, size in enumerate(sizes):
            if index:
                populate(bench, size)
            say('measuring list at %s databases' % '{:,}'.format(size))
            add(cases.list_page(bench, size, scaled(repeat, size, 1000)))
            if index == 0:
                add(cases.noise_floor(bench, size, repeat))
            add(cases.full_walk(bench, size, scaled(repeat, size, 250)))
            if rpc_agent is not None:
                # The walk over RPC only up to RPC_WALK_MAX databases:
                # beyond, it is many calls of the page measured above,
                # for many seconds a repetition.
                add(cases.rpc_rows(
                    bench, rpc_agent, size, scaled(repeat, size, 1000),
                    walk_repeat=(scaled(repeat, size, 250)
                                 if size <= RPC_WALK_MAX else 0)))
    finally:
        if rpc_agent is not None:
            rpc_agent.close()
    memory_result = None
    if not args.no_memory:
        say('measuring the agent process memory at %s databases'
            % '{:,}'.format(sizes[-1]))
        memory_result = memory.measure(bench.server.host, bench.server.port,
                                       bench.server.credentials_file)
    return rows, memory_result, rpc_missing


def main(argv):
    args = parse_args(argv)
    started = time.monotonic()
    workdir = tempfile.mkdtemp(prefix='trove-bench-')
    server = None
    bench = None
    try:
        server, server_name = start_server(workdir)
        configure(server, workdir)
        say('command: python tools/bench.py %s' % ' '.join(argv))
        say('machine: %s' % machine())
        say('server: %s on %s:%d' % (server_name, server.host, server.port))
        bench = cases.Bench(server)
        populate(bench, args.sizes[0])
        work = cases.server_work(server, connection.get_pool())
        say('\nServer commands per operation (checked before timing):')
        say(report.work_table(work))
        rows, memory_result, rpc_missing = run(args, bench, workdir)
    finally:
        if bench is not None:
            if server.external:
                bench.drop(bench.populated)
            bench.close()
        connection.get_pool().close()
        if server is not None:
            server.discard()
        shutil.rmtree(workdir, ignore_errors=True)
    say('\nPlugin against baseline, times per operation in milliseconds '
        '(n = repetitions of each):')
    say(report.timing_table(rows))
    if rpc_missing:
        say('RPC: not measured (%s).' % rpc_missing)
    missed = [row for row in rows if row.met is False]
    if memory_result is not None:
        for line in report.memory_lines(memory_result, memory.TARGET_MIB):
            say(line)
        if (memory_result.peak_kib - memory_result.idle_kib
                > memory.TARGET_MIB * 1024):
            missed.append(memory_result)
    same_work = all(plugin == raw for _name, plugin, raw in work)
    say('targets missed: %d; same server work: %s; load %.2f %.2f %.2f; '
        'total %.0f s' % (len(missed), 'yes' if same_work else 'NO',
                          *os.getloadavg(), time.monotonic() - started))
    return 1 if args.strict and (missed or rpc_missing
                                 or not same_work) else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
