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

"""Interleaved timing of the plugin against its baseline."""

import collections
import statistics
import time


class Summary(collections.namedtuple('Summary',
                                     ['median', 'minimum', 'maximum',
                                      'count'])):
    """Seconds per operation over ``count`` repetitions."""

    @classmethod
    def of(cls, seconds):
        return cls(statistics.median(seconds), min(seconds), max(seconds),
                   len(seconds))


class Row(collections.namedtuple('Row',
                                 ['case', 'plugin', 'baseline', 'target',
                                  'kind'])):
    """One line of the table: plugin and baseline summaries for a case.

    ``target`` is the largest acceptable ``plugin / baseline`` ratio, or
    ``None`` for a line shown for information only. ``kind`` names the
    baseline ("raw" pymongo, or a "fresh" client per operation, where the
    plugin must be the faster one).
    """

    @property
    def ratio(self):
        return self.plugin.median / self.baseline.median

    @property
    def met(self):
        if self.target is None:
            return None
        # At the precision the table shows: 1.104 reads, and counts, as
        # 1.10.
        return round(self.ratio, 2) <= self.target


def _timed(operation, index):
    started = time.perf_counter()
    operation(index)
    return time.perf_counter() - started


def order(index, count):
    """The order of ``count`` contenders in repetition ``index``.

    A rotation that advances every other repetition, run forwards on even
    repetitions and backwards on odd ones: over ``2 * count`` repetitions
    each contender takes every position equally often and, for two or
    three contenders, follows each other one equally often, so none
    always runs first, last, or right after the same one.
    """
    shift = (index // 2) % count
    rotation = [(position + shift) % count for position in range(count)]
    return rotation if index % 2 == 0 else rotation[::-1]


def interleaved(contenders, repeat, warmup=2, before=None, after=None):
    """Time each contender once per repetition, ``repeat`` times over.

    The contenders run in the order :func:`order` gives (plugin, baseline;
    then baseline, plugin; ...), so that a drift of the machine (another
    process, a cache, the server's own state) hits every contender alike.

    :param contenders: callables; ``contender(i)`` does one operation of
        repetition ``i``.
    :param before: ``before(i)``, untimed, runs before each repetition.
    :param after: ``after(i)``, untimed, runs after each repetition.
    :param warmup: repetitions run first and not counted (numbered below
        zero), so that connecting, authenticating and importing are not
        part of the figures.
    :returns: one list of seconds per contender, in the given order.
    """
    times = [[] for _ in contenders]
    for index in range(-warmup, repeat):
        if before is not None:
            before(index)
        for which in order(index, len(contenders)):
            seconds = _timed(contenders[which], index)
            if index >= 0:
                times[which].append(seconds)
        if after is not None:
            after(index)
    return times
