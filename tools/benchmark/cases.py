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

"""The measured scenarios: each returns rows of plugin against baseline.

Every case runs the plugin's ``Manager`` (as the guest agent's RPC
endpoint calls it, with the payloads Trove sends) against raw pymongo
doing the same server work (:mod:`.baseline`), on the same server, in the
same process, interleaved by :func:`.timing.interleaved`. The RPC cases
run ``list_databases`` through RabbitMQ to trove-guestagent in a process
of its own (:mod:`.rpc`) against ``rpc_ping`` on the same transport plus
the direct list.
"""

import contextlib
import itertools
import logging
import statistics
import time

from tools.benchmark import baseline
from tools.benchmark import recording
from tools.benchmark import timing
from tools.harness import helpers
from trove.common import cfg
from trove.common import exception
from trove.guestagent.datastore.experimental.mongodb import credentials
from trove.guestagent.datastore.experimental.mongodb import manager
from trove.guestagent.datastore.experimental.mongodb import service

CONF = cfg.CONF

# The plugin against raw pymongo doing the same work: at most 10 % more.
RAW_TARGET = 1.10
# A single create or delete against what a careful operator sends by hand
# for it (the durable floor): at most 25 % more, idle and under load.
FLOOR_TARGET = 1.25
FLOOR = 'durable floor'
# The tenant's own insert latency (99th percentile) while the plugin's
# commands run, against the same tenant while none run.
TENANT_TARGET = 1.10
TENANT_ALONE = 'tenant alone'
# The pooled client at least twice as fast as a fresh client per operation.
FRESH_TARGET = 0.50
PAGE = 100
BATCH = 100
TENANT_PREFIX = 'tenant'
# Information: the floor without usersInfo, the check and the drop alone.
CHECK_AND_DROP = 'durable floor without usersInfo'
# Information: the plugin with [mongodb] checkpoint_after_ddl, which the
# test server needs, against the durable floor.
CHECKPOINT = 'checkpoint_after_ddl'


# What Trove sends for a database (built by Trove's API, not timed).
payload = helpers.payload


class Bench:
    """The plugin, its baselines and the server they all work on.

    The plugin's ``Manager`` uses the process's configuration (``[mongodb]``
    options), which the caller points at ``server`` first.

    :param plugin_manager: the Manager to measure; a new one by default.
    :param raw_client: the baseline's pooled client; a new one by default.
    """

    def __init__(self, server, plugin_manager=None, raw_client=None):
        self.server = server
        creds = credentials.load_credentials(server.credentials_file)
        connect = baseline.client_factory(
            server.host, server.port,
            creds.username if creds else None,
            creds.password if creds else None)
        self.connect = connect
        self.manager = plugin_manager or manager.Manager()
        self.raw_client = raw_client or connect()
        self.raw = baseline.RawAdmin(self.raw_client)
        self.fresh = baseline.FreshClientAdmin(connect)
        self.root = server.root_client()
        self._serial = itertools.count()
        self.populated = []

    def close(self):
        self.raw_client.close()
        self.root.close()

    def new_names(self, count):
        """Names no database has had in this run."""
        return ['bench%06d' % next(self._serial) for _ in range(count)]

    def make(self, names):
        """Create databases behind the agent's back, as the plugin would."""
        for name in names:
            self.root[name].command('create',
                                    service.PLACEHOLDER_COLLECTION)

    def drop(self, names):
        for name in names:
            self.root.drop_database(name)

    def tenant_count(self):
        return len(helpers.tenant_names(self.root.list_database_names()))

    def populate(self, total):
        """Make the server hold at least ``total`` tenant databases."""
        existing = set(self.root.list_database_names())
        tenants = len(helpers.tenant_names(existing))
        names = ('%s%05d' % (TENANT_PREFIX, index)
                 for index in itertools.count())
        new = []
        # Ends: every name skipped is one of the finitely many existing.
        while tenants + len(new) < total:
            name = next(names)
            if name not in existing:
                new.append(name)
        self.make(new)
        self.populated.extend(new)


def _rows(case, plugin, others):
    plugin = timing.Summary.of(plugin)
    return [timing.Row(case, plugin, timing.Summary.of(seconds), target,
                       kind)
            for kind, target, seconds in others]


def create_one(bench, repeat, warmup=2):
    """Create one database: the plugin against the durable floor."""
    names, payloads = {}, {}

    def before(index):
        names[index] = bench.new_names(2)
        payloads[index] = [payload(names[index][0])]

    def after(index):
        bench.drop(names.pop(index))
        del payloads[index]

    plugin, floor = timing.interleaved(
        [lambda i: bench.manager.create_database(None, payloads[i]),
         lambda i: bench.raw.create([names[i][1]])],
        repeat, warmup, before, after)
    return _rows('create one', plugin, [(FLOOR, FLOOR_TARGET, floor)])


def create_batch(bench, repeat, warmup=1, size=BATCH):
    """Create a batch of ``size`` databases in one request."""
    batches = {}

    def before(index):
        names = bench.new_names(2 * size)
        batches[index] = ([payload(name) for name in names[:size]],
                          names[size:])

    def after(index):
        payloads, names = batches.pop(index)
        bench.drop([item['_name'] for item in payloads] + names)

    plugin, raw = timing.interleaved(
        [lambda i: bench.manager.create_database(None, batches[i][0]),
         lambda i: bench.raw.create(batches[i][1])],
        repeat, warmup, before, after)
    return _rows('create batch of %d' % size, plugin,
                 [(FLOOR, RAW_TARGET, raw)])


def delete_one(bench, repeat, warmup=2, without_users_info=True):
    """Delete one database: the plugin against the durable floor.

    :param without_users_info: also time the floor without ``usersInfo``,
        for information.
    """
    names, payloads = {}, {}

    def before(index):
        names[index] = bench.new_names(3 if without_users_info else 2)
        payloads[index] = payload(names[index][0])
        bench.make(names[index])

    def after(index):
        del names[index], payloads[index]

    contenders = [
        lambda i: bench.manager.delete_database(None, payloads[i]),
        lambda i: bench.raw.delete(names[i][1])]
    if without_users_info:
        contenders.append(lambda i: bench.raw.delete(
            names[i][2], users_info=False))
    times = timing.interleaved(contenders, repeat, warmup, before, after)
    return _rows('delete one', times[0],
                 [(FLOOR, FLOOR_TARGET, times[1])]
                 + [(CHECK_AND_DROP, None, seconds)
                    for seconds in times[2:]])


class CheckpointAfterDDL:
    """``[mongodb] checkpoint_after_ddl`` on, within the block."""

    def __enter__(self):
        CONF.set_override('checkpoint_after_ddl', True, 'mongodb')

    def __exit__(self, *exc_info):
        CONF.clear_override('checkpoint_after_ddl', 'mongodb')


def checkpoint_cost(bench, repeat, warmup=2):
    """Create one and delete one again with a checkpoint per request.

    What the option that SecantusDB needs costs on an idle server, against
    the durable floor. For information: mongod needs no checkpoint.
    """
    with CheckpointAfterDDL():
        rows = (create_one(bench, repeat, warmup)
                + delete_one(bench, repeat, warmup,
                             without_users_info=False))
    return [row._replace(case='%s, %s' % (row.case, CHECKPOINT),
                         target=None) for row in rows]


# The window kinds of under_load.
QUIET = 'nothing'
QUIET_AGAIN = 'nothing, again'
PLUGIN = 'plugin'
# Seconds between two create-and-delete cycles while the tenant's p99 is
# measured: four database commands a second, far more than Trove sends one
# instance.
PACE = 0.5


def under_load(bench, tenant, windows, seconds, warmup=1):
    """Create and delete while a tenant writes to its own database.

    The tenant (:class:`.tenant.Tenant`) inserts a steady stream of
    documents throughout, in two phases. Each phase cuts the time into
    windows of ``seconds``, one contender per window, rotating as
    :func:`.timing.order` has it so that a drift of the machine hits every
    contender alike; a contender creates a database and deletes it again,
    cycle after cycle.

    1. Create and delete latency: the plugin, the durable floor, and the
       plugin with ``checkpoint_after_ddl`` (information), each cycle
       right after the last, in ``windows // 2`` windows each.
    2. The tenant's insert latency, 99th percentile: the same contenders
       one cycle every :data:`PACE` seconds, and windows where nothing
       runs (twice over, so that their difference shows the noise), in
       ``windows`` windows each. The figure is the median over a kind's
       windows of each window's own percentile.

    :returns: the rows of both phases.
    """
    def cycle(create, delete):
        def run():
            name = bench.new_names(1)[0]
            started = time.perf_counter()
            create(name)
            created = time.perf_counter()
            delete(name)
            return created - started, time.perf_counter() - created
        return run

    plugin = cycle(
        lambda name: bench.manager.create_database(None, [payload(name)]),
        lambda name: bench.manager.delete_database(None, payload(name)))
    floor = cycle(lambda name: bench.raw.create([name]), bench.raw.delete)
    contenders = [(PLUGIN, plugin), (FLOOR, floor), (CHECKPOINT, plugin)]
    tenant.start()
    try:
        # Each cycle yields a figure here, many per window: fewer windows
        # do.
        creates, deletes, _spans = _windows(
            contenders, max(1, windows // 2), seconds, 0, warmup)
        _creates, _deletes, spans = _windows(
            [(QUIET, None), (QUIET_AGAIN, None)] + contenders, windows,
            seconds, PACE, warmup)
    finally:
        samples = tenant.stop()
    rows = []
    for case, seconds in (('create one, tenant writing', creates),
                          ('delete one, tenant writing', deletes)):
        rows += _rows(case, seconds[PLUGIN],
                      [(FLOOR, FLOOR_TARGET, seconds[FLOOR])])
    for case, seconds in (('create one, tenant writing', creates),
                          ('delete one, tenant writing', deletes)):
        rows += _rows('%s, %s' % (case, CHECKPOINT), seconds[CHECKPOINT],
                      [(FLOOR, None, seconds[FLOOR])])
    p99s = _window_p99s(samples, spans)
    alone = timing.Summary.of(p99s[QUIET])
    for kind, who, target in (
            (QUIET_AGAIN, 'nothing running (A/A)', None),
            (PLUGIN, 'plugin running', TENANT_TARGET),
            (FLOOR, 'durable floor running', None),
            (CHECKPOINT, 'plugin with %s running' % CHECKPOINT, None)):
        rows.append(timing.Row('tenant insert p99, %s' % who,
                               timing.Summary.of(p99s[kind]), alone,
                               target, TENANT_ALONE))
    return rows


def _windows(contenders, windows, seconds, pace, warmup):
    """Run each contender in its windows; see :func:`under_load`.

    :param contenders: ``[(kind, run)]``; ``run()`` does one cycle and
        returns its create and delete seconds; ``None`` runs nothing.
    :param pace: seconds from the start of a cycle to the start of the
        next; 0 starts each right after the last.
    :returns: ``(creates, deletes, spans)``: seconds by kind, and the
        counted windows as ``[(start, end, kind)]`` on
        ``time.monotonic()``.
    """
    creates = {kind: [] for kind, _run in contenders}
    deletes = {kind: [] for kind, _run in contenders}
    spans = []
    for index in range(-warmup, windows):
        for which in timing.order(index, len(contenders)):
            kind, run = contenders[which]
            with (CheckpointAfterDDL() if kind == CHECKPOINT
                  else contextlib.nullcontext()):
                start = time.monotonic()
                end = next_cycle = start + seconds
                if run is not None:
                    next_cycle = start
                while time.monotonic() < end:
                    now = time.monotonic()
                    if now < next_cycle:
                        time.sleep(min(next_cycle, end) - now)
                        continue
                    next_cycle = now + pace
                    create_seconds, delete_seconds = run()
                    if index >= 0:
                        creates[kind].append(create_seconds)
                        deletes[kind].append(delete_seconds)
            if index >= 0:
                spans.append((start, time.monotonic(), kind))
    return creates, deletes, spans


def _window_p99s(samples, spans):
    """The 99th percentile of the tenant's inserts in each window, by kind.

    Each window's own percentile, so that a hiccup of this shared machine
    spoils one window, which the median over the windows then ignores,
    rather than the percentile of a whole kind.

    :param samples: ``[(started, seconds)]`` on ``time.monotonic()``.
    :param spans: ``[(start, end, kind)]`` in time order.
    :returns: ``{kind: [seconds, one per window]}``.
    """
    inserts = [[] for _span in spans]
    position = 0
    for started, seconds in sorted(samples):
        while position < len(spans) and spans[position][1] <= started:
            position += 1
        if position == len(spans):
            break
        if started >= spans[position][0]:
            inserts[position].append(seconds)
    p99s = {kind: [] for _start, _end, kind in spans}
    for (_start, _end, kind), window in zip(spans, inserts):
        if len(window) >= 2:
            p99s[kind].append(statistics.quantiles(
                window, n=100, method='inclusive')[98])
    return p99s


def debug_logging(bench, repeat, warmup=2):
    """Create one and delete one again, the agent logging at DEBUG.

    An agent logs at INFO, where a create or delete that succeeds writes
    no line; with ``debug = true``, as Trove's development setups run it,
    each writes two: the request and its outcome. For information only.
    """
    logger = logging.getLogger('trove')
    level = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        rows = (create_one(bench, repeat, warmup)
                + delete_one(bench, repeat, warmup,
                             without_users_info=False))
    finally:
        logger.setLevel(level)
    return [row._replace(case=row.case + ', log at DEBUG', target=None)
            for row in rows]


def fresh_client(bench, repeat, warmup=2):
    """The pooled plugin against a fresh authenticated client per operation.

    Measured apart from the raw pairs: closing a client leaves work
    behind (its monitor thread ending, its garbage) that would slow down
    whatever ran next there.
    """
    names, payloads = {}, {}

    def before(index):
        names[index] = bench.new_names(2)
        payloads[index] = payload(names[index][0])

    def after(index):
        bench.drop(names.pop(index))
        del payloads[index]

    def make(index):
        before(index)
        bench.make(names[index])

    def forget(index):
        del names[index], payloads[index]

    creates = timing.interleaved(
        [lambda i: bench.manager.create_database(None, [payloads[i]]),
         lambda i: bench.fresh.create([names[i][1]])],
        repeat, warmup, before, after)
    deletes = timing.interleaved(
        [lambda i: bench.manager.delete_database(None, payloads[i]),
         lambda i: bench.fresh.delete(names[i][1])],
        repeat, warmup, make, forget)
    lists = timing.interleaved(
        [lambda i: bench.manager.list_databases(None, limit=PAGE),
         lambda i: bench.fresh.list_page(PAGE)],
        repeat, warmup)
    rows = []
    for case, (plugin, fresh) in [('create one', creates),
                                  ('delete one', deletes),
                                  ('list page of %d' % PAGE, lists)]:
        rows.extend(_rows(case, plugin, [('fresh', FRESH_TARGET, fresh)]))
    return rows


def list_page(bench, databases, repeat, warmup=2):
    """The first page (limit 100) with ``databases`` on the server."""
    plugin, raw = timing.interleaved(
        [lambda i: bench.manager.list_databases(None, limit=PAGE),
         lambda i: bench.raw.list_page(PAGE)],
        repeat, warmup)
    return _rows('list page of %d @ %s dbs' % (PAGE, _count(databases)),
                 plugin, [('raw', RAW_TARGET, raw)])


def noise_floor(bench, databases, repeat, warmup=2):
    """Raw pymongo against itself: the same list page on two clients.

    Both sides do exactly the same, so the ratio's distance from 1.00 is
    the noise of the measurement on this machine, the margin to read the
    other ratios with.
    """
    other = baseline.RawAdmin(bench.connect())
    try:
        first, second = timing.interleaved(
            [lambda i: bench.raw.list_page(PAGE),
             lambda i: other.list_page(PAGE)],
            repeat, warmup)
    finally:
        other.client.close()
    return [timing.Row('list page of %d @ %s dbs, A/A' % (
        PAGE, _count(databases)), timing.Summary.of(first),
        timing.Summary.of(second), None, 'raw against raw')]


def walk(list_page_after, expected):
    """Every page, by marker, as Trove's API pages; returns the items.

    :param list_page_after: ``f(marker)`` returns ``(page, next_marker)``.
    :param expected: how many items there are; the walk may take one page
        more than they fill.
    """
    return helpers.walked_items(helpers.walk(list_page_after,
                                             expected // PAGE + 2))


def full_walk(bench, databases, repeat, warmup=1):
    """Every page of 100, by marker, with ``databases`` on the server."""
    plugin, raw = timing.interleaved(
        [lambda i: walk(lambda marker: bench.manager.list_databases(
            None, limit=PAGE, marker=marker), databases),
         lambda i: walk(lambda marker: bench.raw.list_page(PAGE, marker),
                        databases)],
        repeat, warmup)
    return _rows('full walk @ %s dbs' % _count(databases), plugin,
                 [('raw', RAW_TARGET, raw)])


def _count(number):
    return '{:,}'.format(number)


# Users.

# Trove's API asks the guest for pages of users_page_size (20) users.
USER_PAGE = 20
# The users of the list figure live in this many databases.
USER_DATABASES = 50
USER_PREFIX = 'benchusers'
# Not a secret worth keeping: the bench's users live and die in the run.
USER_PASSWORD = 'bench-user-password'


def user_payload(name, databases=()):
    """What Trove sends for a user (built by Trove's API, not timed)."""
    return {'_name': name, '_host': '%', '_password': USER_PASSWORD,
            '_databases': [payload(database) for database in databases]}


class Users:
    """The bench's users, made and dropped behind the agent's back."""

    def __init__(self, bench):
        self.bench = bench
        self.home = USER_PREFIX
        self.raw = baseline.RawUsers(bench.raw_client)
        self._serial = itertools.count()
        bench.make([self.home])

    def new_names(self, count):
        return ['u%06d' % next(self._serial) for _ in range(count)]

    def make(self, database, names):
        for name in names:
            self.bench.root[database].command(
                'createUser', name, pwd=USER_PASSWORD, roles=[])

    def drop(self, database, names):
        for name in names:
            self.bench.root[database].command('dropUser', name)

    def populate(self, total, databases=USER_DATABASES):
        """``total`` users, spread over ``databases`` databases of them."""
        homes = ['%s%02d' % (USER_PREFIX, index)
                 for index in range(databases)]
        self.bench.make(homes)
        for index in range(total):
            self.make(homes[index % databases], self.new_names(1))
        self.bench.populated.extend(homes)
        return homes

    def close(self):
        self.bench.root[self.home].command('dropAllUsersFromDatabase')
        self.bench.drop([self.home])


def create_user(bench, users, repeat, warmup=2):
    """Create one user with access to its database, against the floor."""
    names = {}

    def before(index):
        names[index] = users.new_names(2)

    def after(index):
        users.drop(users.home, names.pop(index))

    plugin, floor = timing.interleaved(
        [lambda i: bench.manager.create_user(None, [user_payload(
            '%s.%s' % (users.home, names[i][0]), [users.home])]),
         lambda i: users.raw.create_user(users.home, names[i][1],
                                         USER_PASSWORD, [users.home])],
        repeat, warmup, before, after)
    return _rows('create one user', plugin, [(FLOOR, FLOOR_TARGET, floor)])


def grant_access(bench, users, repeat, warmup=2):
    """Grant one user access to one database, against the floor."""
    names = {}

    def before(index):
        names[index] = users.new_names(2)
        users.make(users.home, names[index])

    def after(index):
        users.drop(users.home, names.pop(index))

    plugin, floor = timing.interleaved(
        [lambda i: bench.manager.grant_access(
            None, '%s.%s' % (users.home, names[i][0]), '%', [users.home]),
         lambda i: users.raw.grant(users.home, names[i][1], [users.home])],
        repeat, warmup, before, after)
    return _rows('grant access', plugin, [(FLOOR, FLOOR_TARGET, floor)])


def list_users_page(bench, users, count, repeat, warmup=2):
    """The first page of users (Trove's 20) with ``count`` users."""
    plugin, floor = timing.interleaved(
        [lambda i: bench.manager.list_users(None, limit=USER_PAGE),
         lambda i: users.raw.list_page(USER_PAGE)],
        repeat, warmup)
    return _rows('list page of %d users @ %s users' % (USER_PAGE,
                                                       _count(count)),
                 plugin, [(FLOOR, FLOOR_TARGET, floor)])


# RPC figures.

# list_databases over RabbitMQ costs at most 20 % more than its floor:
# rpc_ping on the same transport, plus the direct list of the same page.
RPC_TARGET = 1.2
RPC_FLOOR = 'rpc_ping + direct list'
# For information: the transport's own cost, the RPC list against
# rpc_ping alone.
RPC_PING_ONLY = 'rpc_ping only'


def rpc_list_page(bench, agent, databases, repeat, warmup=2):
    """The first page over RPC against ``rpc_ping`` plus the direct list.

    ``agent`` (:class:`.rpc.RpcAgent`) is trove-guestagent in a process of
    its own on the same server, called through the caller API over
    RabbitMQ as Trove's taskmanager calls it. The floor is what the
    transport costs by itself (``rpc_ping``: the same call path, the same
    context, no work and a one-word answer) plus what the list costs by
    itself (the ``Manager`` in this process, called as the agent's
    endpoint calls it), added per repetition. The three run interleaved,
    so the ratio's excess over 1.00 is what carrying a page over RPC
    costs beyond both: arguments and answer through the serializer and
    JSON, the endpoint, the agent's executor.
    """
    rpc_page = agent.api.list_databases(limit=PAGE)
    direct_page = bench.manager.list_databases(None, limit=PAGE)
    # Untimed: the agent answers what the Manager does (JSON makes the
    # answer's tuple a list).
    if list(rpc_page) != list(direct_page):
        raise RuntimeError('list_databases over RPC answered %r, the '
                           'Manager %r' % (rpc_page, direct_page))
    over_rpc, ping, direct = timing.interleaved(
        [lambda i: agent.api.list_databases(limit=PAGE),
         lambda i: agent.api.rpc_ping(),
         lambda i: bench.manager.list_databases(None, limit=PAGE)],
        repeat, warmup)
    return _rows('list page of %d @ %s dbs over RPC' % (PAGE,
                                                        _count(databases)),
                 over_rpc,
                 [(RPC_FLOOR, RPC_TARGET,
                   [p + d for p, d in zip(ping, direct)]),
                  (RPC_PING_ONLY, None, ping)])


def rpc_full_walk(bench, agent, databases, repeat, warmup=1):
    """Every page over RPC, by marker, against a ping per page + direct."""
    pages = []

    def direct_page(marker):
        pages.append(marker)
        return bench.manager.list_databases(None, limit=PAGE,
                                            marker=marker)

    def rpc_walk(index):
        return walk(lambda marker: agent.api.list_databases(
            limit=PAGE, marker=marker), databases)

    def direct_walk(index):
        return walk(lambda marker: bench.manager.list_databases(
            None, limit=PAGE, marker=marker), databases)

    # Untimed: the same names, and how many calls a walk makes.
    expected = walk(direct_page, databases)
    if rpc_walk(None) != expected:
        raise RuntimeError('the walk over RPC listed other databases than '
                           'the Manager')
    over_rpc, pings, direct = timing.interleaved(
        [rpc_walk,
         lambda i: [agent.api.rpc_ping() for _ in pages],
         direct_walk],
        repeat, warmup)
    return _rows('full walk @ %s dbs over RPC' % _count(databases),
                 over_rpc,
                 [(RPC_FLOOR, RPC_TARGET,
                   [p + d for p, d in zip(pings, direct)])])


def rpc_rows(bench, agent, databases, repeat, walk_repeat=0, warmup=2):
    """The RPC rows at ``databases``: the first page, and the full walk.

    :param agent: a started :class:`.rpc.RpcAgent` on ``bench.server``.
    :param walk_repeat: repetitions of the full walk; 0 leaves it out.
    """
    rows = rpc_list_page(bench, agent, databases, repeat, warmup)
    if walk_repeat:
        rows += rpc_full_walk(bench, agent, databases, walk_repeat,
                              min(warmup, 1))
    return rows


# Server work check.

def _refused(operation, *args):
    """Run ``operation``, which must refuse a database that is missing."""
    try:
        operation(*args)
    except exception.DatabaseNotFound:
        return
    raise AssertionError('the plugin did not refuse a missing database')


def server_work(server, pool):
    """The commands plugin and durable floor send for each operation.

    Run once, before any timing, on clients of their own that report
    every command, so the table only compares like with like.

    :param pool: the plugin's connection pool, whose target the recording
        client copies.
    :returns: ``[(operation, plugin commands, floor commands)]``; a
        command that waits for the journal reads ``name (j)``.
    """
    plugin_recorder = recording.CommandRecorder()
    raw_recorder = recording.CommandRecorder()
    plugin_pool = recording.RecordingPool(plugin_recorder, pool)
    plugin_manager = manager.Manager(service.MongoDBAdmin(plugin_pool))
    creds = credentials.load_credentials(server.credentials_file)
    raw_client = baseline.client_factory(
        server.host, server.port, creds.username if creds else None,
        creds.password if creds else None,
        event_listeners=[raw_recorder])()
    bench = Bench(server, plugin_manager, raw_client)
    try:
        p, r, p_batch, r_batch = bench.new_names(4)
        operations = [
            ('create one',
             lambda: plugin_manager.create_database(None, [payload(p)]),
             lambda: bench.raw.create([r])),
            ('create batch of 2',
             lambda: plugin_manager.create_database(
                 None, [payload(p_batch + 'a'), payload(p_batch + 'b')]),
             lambda: bench.raw.create([r_batch + 'a', r_batch + 'b'])),
            ('create existing',
             lambda: plugin_manager.create_database(None, [payload(p)]),
             lambda: bench.raw.create([r])),
            ('delete one',
             lambda: plugin_manager.delete_database(None, payload(p)),
             lambda: bench.raw.delete(r)),
            ('delete missing',
             lambda: _refused(plugin_manager.delete_database, None,
                              payload(p)),
             lambda: bench.raw.delete(r)),
            ('list page',
             lambda: plugin_manager.list_databases(None, limit=PAGE),
             lambda: bench.raw.list_page(PAGE)),
        ]
        users = Users(bench)
        pu, ru = users.new_names(2)
        home = users.home
        operations += [
            ('create user',
             lambda: plugin_manager.create_user(None, [user_payload(
                 '%s.%s' % (home, pu), [home])]),
             lambda: users.raw.create_user(home, ru, USER_PASSWORD,
                                           [home])),
            ('grant access',
             lambda: plugin_manager.grant_access(
                 None, '%s.%s' % (home, pu), '%', [home]),
             lambda: users.raw.grant(home, ru, [home])),
            ('list users page',
             lambda: plugin_manager.list_users(None, limit=USER_PAGE),
             lambda: users.raw.list_page(USER_PAGE)),
        ]
        # A new client's handshake is not reported to listeners; connect
        # both first so every operation below is seen alike.
        plugin_manager.list_databases(None, limit=1)
        bench.raw.list_page(1)
        plugin_recorder.take()
        raw_recorder.take()
        work = []
        for name, plugin_operation, raw_operation in operations:
            plugin_operation()
            raw_operation()
            work.append((name, plugin_recorder.take(), raw_recorder.take()))
        bench.drop([p_batch + 'a', p_batch + 'b', r_batch + 'a',
                    r_batch + 'b'])
        users.close()
        return work
    finally:
        plugin_pool.close()
        bench.close()
