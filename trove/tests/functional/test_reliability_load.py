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

"""Load: 10,000 databases created, listed page by page and deleted.

The test reports how long each step took and the agent's peak memory; it
asserts on what the server holds, never on times, which depend on the
machine.
"""

import os
import threading
import time
import tracemalloc

from trove.tests.functional import base
from trove.tests.functional import reliability
from trove.tests import helpers

DATABASES = 10000
BATCH = 500
PAGE = 100


class ResidentMemory:
    """Samples this process's resident memory while the load runs.

    The process-wide peak (``ru_maxrss``) would also count the tests that
    ran before in the same process.
    """

    INTERVAL = 0.05

    def __init__(self):
        self.start = self.peak = self.sample()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @staticmethod
    def sample():
        with open('/proc/self/statm') as statm:
            return int(statm.read().split()[1]) * os.sysconf('SC_PAGESIZE')

    def _run(self):
        while not self._done.wait(self.INTERVAL):
            self.peak = max(self.peak, self.sample())

    def stop(self):
        self._done.set()
        self._thread.join(10)
        self.peak = max(self.peak, self.sample())


class LoadTest(base.FunctionalTestCase):

    def setUp(self):
        super().setUp()
        # A server of its own: the shared one must not be left holding ten
        # thousand databases if this test fails half way.
        self.use_private_server()

    def test_ten_thousand_databases(self):
        names = ['load%05d' % index for index in range(DATABASES)]
        agent = self.manager
        resident = ResidentMemory()
        self.addCleanup(resident.stop)
        tracemalloc.start()
        self.addCleanup(tracemalloc.stop)
        times = {}

        started = time.monotonic()
        for start in range(0, DATABASES, BATCH):
            agent.create_database(
                None, helpers.payloads(*names[start:start + BATCH]))
        times['create'] = time.monotonic() - started
        self.assertEqual(set(names), self.tenant_names())

        page_times = []

        def list_page(marker):
            page_started = time.monotonic()
            try:
                return agent.list_databases(None, limit=PAGE, marker=marker)
            finally:
                page_times.append(time.monotonic() - page_started)
        started = time.monotonic()
        walked = helpers.walk(list_page, max_pages=DATABASES // PAGE + 1)
        times['list'] = time.monotonic() - started
        pages, slowest = len(walked), max(page_times)
        self.assertEqual(names, [schema['_name'] for schema
                                 in helpers.walked_items(walked)])
        self.assertEqual(DATABASES // PAGE, pages)

        started = time.monotonic()
        for name in names:
            agent.delete_database(None, helpers.payload(name))
        times['delete'] = time.monotonic() - started
        self.assertEqual(set(), self.tenant_names())

        _current, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        resident.stop()
        mib = 2.0 ** 20
        reliability.report(
            self, 'Load',
            '%d databases created through the Manager in batches of %d, '
            'listed in pages of %d, deleted one by one'
            % (DATABASES, BATCH, PAGE),
            'all created, listed once each in order, all deleted; with '
            'tracemalloc on: create %.1f s, list %.1f s (%d pages, slowest '
            '%.2f s), delete %.1f s (%.1f ms each); peak Python allocations '
            '%.1f MiB; resident memory of the test process %.0f MiB at the '
            'start, %.0f MiB at its peak'
            % (times['create'], times['list'], pages, slowest,
               times['delete'], times['delete'] * 1000 / DATABASES,
               traced_peak / mib, resident.start / mib, resident.peak / mib))
