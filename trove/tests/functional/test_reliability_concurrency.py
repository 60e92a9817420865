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

"""Concurrency: eight threads creating and deleting through one Manager.

oslo.messaging hands requests to a pool of threads, so one Manager and its
pooled client serve several requests at once. The plan of operations is
fixed, and arranged so that the state after each phase follows from it
exactly: where two threads could race a create against a delete of the same
name, the phase only requires either outcome, and the next phase settles
that name.
"""

import random
import threading

from trove.common import exception
from trove.guestagent.datastore.experimental.mongodb import service
from trove.tests.functional import base
from trove.tests.functional import reliability
from trove.tests import helpers

THREADS = 8
NAMES = ['conc%03d' % index for index in range(240)]
# Thread t works on WINDOW names from position STEP * t: each name is in the
# windows of three threads.
WINDOW = 90
STEP = 30
ROUNDS = 3
JOIN_TIMEOUT = 300

DELETED, CREATED, CONTESTED = range(3)


def window(thread):
    return [NAMES[(STEP * thread + offset) % len(NAMES)]
            for offset in range(WINDOW)]


def kind(name):
    return NAMES.index(name) % 3


def chunks(items, size):
    return [items[start:start + size] for start in range(0, len(items), size)]


class ConcurrencyTest(base.FunctionalTestCase):

    def setUp(self):
        super().setUp()
        self.root.tenant_keep.rows.insert_many(
            [{'_id': index} for index in range(20)])
        self.operations = 0
        self.count_lock = threading.Lock()

    def run_threads(self, work):
        """Run ``work(thread)`` on THREADS threads; return their errors."""
        errors = []
        start = threading.Barrier(THREADS, timeout=60)

        def run(thread):
            try:
                start.wait()
                work(thread)
            except Exception as exc:
                errors.append((thread, exc))
        threads = [threading.Thread(target=run, args=(thread,))
                   for thread in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(JOIN_TIMEOUT)
        self.assertEqual([], [thread.name for thread in threads
                              if thread.is_alive()], 'threads hung')
        return errors

    def create(self, names):
        self.manager.create_database(None, helpers.payloads(*names))
        self.counted()

    def delete(self, name):
        try:
            self.manager.delete_database(None, helpers.payload(name))
        except exception.DatabaseNotFound:
            # Another thread dropped it first: the refusal is the outcome
            # of that race, and changes nothing.
            pass
        self.counted()

    def counted(self):
        with self.count_lock:
            self.operations += 1

    def concurrency_names(self):
        return {name for name in self.server_names()
                if name.startswith('conc')}

    def assert_only_placeholders(self, names):
        for name in names:
            self.assertEqual([service.PLACEHOLDER_COLLECTION],
                             self.root[name].list_collection_names())

    def test_overlapping_creates_and_deletes_end_as_planned(self):
        # Phase 1: every thread creates its window, in its own order.
        def create_all(thread):
            names = window(thread)
            random.Random(thread).shuffle(names)
            for batch in chunks(names, 15):
                self.create(batch)
        self.assertEqual([], self.run_threads(create_all))
        self.assertEqual(set(NAMES), self.concurrency_names())

        # Phase 2: per name, its three threads all delete it, all create
        # it again, or race creates against deletes.
        def mix(thread):
            names = window(thread)
            random.Random(100 + thread).shuffle(names)
            again = [name for name in names if kind(name) == CREATED]
            for batch in chunks(again, 10):
                self.create(batch)
            for round_ in range(ROUNDS):
                for name in names:
                    if kind(name) == DELETED and round_ == 0:
                        self.delete(name)
                    elif kind(name) == CONTESTED:
                        if (thread + round_) % 2:
                            self.create([name])
                        else:
                            self.delete(name)
        self.assertEqual([], self.run_threads(mix))
        present = self.concurrency_names()
        self.assertEqual(set(), {name for name in present
                                 if kind(name) == DELETED})
        self.assertEqual({name for name in NAMES if kind(name) == CREATED},
                         {name for name in present
                          if kind(name) == CREATED})
        self.assert_only_placeholders(present)
        contested_present = len([name for name in present
                                 if kind(name) == CONTESTED])

        # Phase 3: each name gets one last operation from one thread.
        def settle(thread):
            for index in range(thread, len(NAMES), THREADS):
                if index % 4:
                    self.create([NAMES[index]])
                else:
                    self.delete(NAMES[index])
        self.assertEqual([], self.run_threads(settle))
        expected = {name for index, name in enumerate(NAMES) if index % 4}
        self.assertEqual(expected, self.concurrency_names())
        self.assert_only_placeholders(expected)
        self.assertEqual([{'_id': index} for index in range(20)],
                         list(self.root.tenant_keep.rows.find()))
        reliability.report(
            self, 'Concurrency',
            '%d threads, one Manager, %d databases each in the sets of 3 '
            'threads: all create; then all delete, all create again, or '
            'race creates against deletes; then one last operation per '
            'name (%d operations)' % (THREADS, len(NAMES), self.operations),
            'no exception; after each phase the server held exactly what '
            'the plan implies (%d of the %d raced names ended present); '
            'every database held only the placeholder; the tenant\'s '
            'other database unchanged'
            % (contested_present, len([name for name in NAMES
                                       if kind(name) == CONTESTED])))

    def test_case_twins_created_at_once_are_refused_but_one(self):
        words = ['twin%02d' % index for index in range(20)]
        winners = {}
        refused = []

        def race(thread):
            for word in words:
                # Thread t upper-cases the letters its bits name.
                spelling = ''.join(
                    character.upper() if (thread >> position) & 1
                    else character
                    for position, character in enumerate(word))
                try:
                    self.create([spelling])
                except exception.InvalidDatabaseRequest:
                    refused.append(spelling)
                else:
                    winners.setdefault(word, []).append(spelling)
        self.assertEqual([], self.run_threads(race))
        present = {name for name in self.server_names()
                   if name.lower().startswith('twin')}
        # Exactly one spelling of each name, and the one that won.
        self.assertEqual(sorted(words),
                         sorted(name.lower() for name in present))
        won = {spelling for spellings in winners.values()
               for spelling in spellings}
        self.assertEqual(present, won)
        self.assertEqual(len(words) * (THREADS - 1), len(refused))
        reliability.report(
            self, 'Concurrency',
            '%d threads creating %d different case spellings of each of '
            '%d names at once' % (THREADS, THREADS, len(words)),
            'one spelling of each name created; the other %d requests '
            'refused with InvalidDatabaseRequest (SecantusDB itself '
            'would keep every spelling)' % len(refused))
