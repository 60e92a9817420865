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

"""What the reliability tests tried and what held: the docs' table.

Each reliability test ends with :func:`report`: one line naming the area,
what was tried and what held, printed as the test runs and attached to the
test's result. Run the tests through this module to get the table of
doc/source/contributor/reliability.rst from the run itself::

    python -m trove.tests.functional.reliability

It runs every ``test_reliability_*`` module, prints each line as it comes,
then the table, and exits non-zero when a test failed.
"""

import sys
import textwrap
import unittest

from testtools import content

MODULES = (
    'trove.tests.functional.test_reliability_input',
    'trove.tests.functional.test_reliability_faults',
    'trove.tests.functional.test_reliability_rpc',
    'trove.tests.functional.test_reliability_concurrency',
    'trove.tests.functional.test_reliability_security',
    'trove.tests.functional.test_reliability_load',
)

COLUMNS = ('Area', 'What was tried', 'What held')

_results = []


def report(test, area, tried, held):
    """Record and print one line of the reliability table."""
    _results.append((area, tried, held))
    line = 'reliability: %s | %s | %s' % (area, tried, held)
    test.addDetail('reliability', content.text_content(line))
    print(line, flush=True)


def rst_table(rows):
    """``rows`` as a reStructuredText list-table, its cells wrapped."""
    lines = ['.. list-table::', '   :header-rows: 1',
             '   :widths: 12 44 44', '']
    for row in [COLUMNS] + [tuple(row) for row in rows]:
        for column, cell in enumerate(row):
            # Shown as they were printed: no backslash escapes, no emphasis.
            cell = cell.replace('\\', '\\\\').replace('*', '\\*')
            lines.extend(textwrap.wrap(
                cell, 76, initial_indent='   * - ' if column == 0
                else '     - ', subsequent_indent='       ',
                break_long_words=False, break_on_hyphens=False))
    return '\n'.join(lines)


def main(argv):
    # Run as a script this is __main__; the tests report to the module of
    # its real name, so read the lines from there.
    from trove.tests.functional import reliability
    names = argv[1:] or MODULES
    suite = unittest.defaultTestLoader.loadTestsFromNames(names)
    result = unittest.TextTestRunner(stream=sys.stdout, verbosity=1).run(
        suite)
    print()
    print(rst_table(reliability._results))
    return 0 if result.wasSuccessful() else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
