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

"""What the tests share: the harness's helpers, and the check of a
command's one-line error.

The helpers the example and the benchmark use too live in
:mod:`tools.harness.helpers` (``tools/`` does not import the tests); they
are named here so that a test imports one module.
"""

from tools.harness.helpers import fold
from tools.harness.helpers import free_port
from tools.harness.helpers import is_server_database
from tools.harness.helpers import payload
from tools.harness.helpers import payloads
from tools.harness.helpers import poll
from tools.harness.helpers import PollTimeout
from tools.harness.helpers import SERVER_DATABASES
from tools.harness.helpers import tenant_names
from tools.harness.helpers import walk
from tools.harness.helpers import walked_items
from tools.harness.helpers import write_private

__all__ = ['assert_one_error_line', 'fold', 'free_port',
           'is_server_database', 'payload', 'payloads', 'poll',
           'PollTimeout', 'SERVER_DATABASES', 'tenant_names', 'walk',
           'walked_items', 'write_private']


def assert_one_error_line(test, status, stdout, stderr, *fragments,
                          exit_status=1):
    """A failed command as the operator sees it; the line.

    ``exit_status`` (1, a failure; 2, a refused configuration), nothing on
    stdout, and one ``ERROR:`` line on stderr holding every fragment.
    """
    test.assertEqual(exit_status, status, stderr)
    test.assertEqual('', stdout)
    lines = stderr.splitlines()
    test.assertEqual(1, len(lines), stderr)
    test.assertTrue(lines[0].startswith('ERROR: '), lines[0])
    for fragment in fragments:
        test.assertIn(fragment, lines[0])
    return lines[0]
