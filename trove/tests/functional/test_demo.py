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

"""The main job (``tools/example.py``, what ``tools/dev.py demo`` runs).

It runs as a subprocess on the machine's RabbitMQ, as an operator runs it:
what it prints must be commands that can be pasted, full log lines, and
a configuration folder that is still there when it has finished.
"""

import os
import re
import shlex
import shutil
import stat
import subprocess
import sys

from tools.harness import agent as agent_process
from trove.tests import base

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
DEMO = os.path.join(ROOT, 'tools', 'example.py')
TIMEOUT = 300
# An oslo.log line as the agent writes it: date, time, pid, level, logger.
LOG_LINE = re.compile(r'^    \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \d+ '
                      r'(DEBUG|INFO|WARNING|ERROR) \S+ \[')


class DemoTest(base.TestCase):

    def run_demo(self, *args):
        env = dict(os.environ)
        env.pop('TROVE_TRANSPORT_URL', None)
        return subprocess.run(
            [sys.executable, DEMO] + list(args), stdin=subprocess.DEVNULL,
            capture_output=True, text=True, timeout=TIMEOUT, env=env)

    def kept_folder(self, stdout):
        match = re.search(r'^==> remove it with: rm -rf (\S+)$', stdout,
                          re.MULTILINE)
        self.assertIsNotNone(match, stdout)
        folder = shlex.split(match.group(1))[0]
        self.addCleanup(shutil.rmtree, folder, True)
        return folder

    def test_commands_to_paste_full_log_lines_and_a_folder_that_stays(self):
        agent_process.require_broker(agent_process.DEFAULT_TRANSPORT_URL)
        completed = self.run_demo('--transport-url',
                                  agent_process.transport_url())
        self.assertEqual(0, completed.returncode,
                         completed.stdout[-3000:] + completed.stderr)
        stdout = completed.stdout
        folder = self.kept_folder(stdout)
        conf_d = os.path.join(folder, 'conf.d')
        # As Trove lays it out, and still there.
        self.assertEqual(['guest_info.conf', 'trove-guestagent.conf'],
                         sorted(os.listdir(conf_d)))
        # It holds the instance's key: its owner's alone, as the agent and
        # trove-mongodb require.
        self.assertEqual(0o600, stat.S_IMODE(os.stat(
            os.path.join(conf_d, 'guest_info.conf')).st_mode))
        commands = [line[2:] for line in stdout.splitlines()
                    if line.startswith('$ ')]
        self.assertGreater(len(commands), 5)
        for command in commands:
            words = shlex.split(command)
            self.assertTrue(os.access(words[0], os.X_OK), command)
            self.assertEqual('trove-mongodb', os.path.basename(words[0]))
            self.assertEqual(['--config-dir', conf_d], words[1:3])
        logged = [line for line in stdout.split(
            '==> what the agent logged')[1].splitlines()[1:]
            if line.startswith('    ') and not line.startswith('    /')]
        self.assertIn('is taking requests on topic', '\n'.join(logged))
        for line in logged:
            self.assertRegex(line, LOG_LINE)
        # Lines are whole: the request that failed ends with its cause.
        self.assertTrue(any(line.endswith("the server has 'sales'.")
                            for line in logged), logged)
        # What to paste to run it again names the kept folder.
        self.assertIn('trove-guestagent --config-dir %s &' % conf_d, stdout)
        self.assertNotIn('Traceback', stdout + completed.stderr)

    def test_an_unreachable_broker_names_the_variable_the_demo_reads(self):
        completed = self.run_demo('--transport-url',
                                  'rabbit://guest:guest@127.0.0.1:1/')
        self.assertEqual(1, completed.returncode)
        self.assertIn('no message broker answers at rabbit://127.0.0.1:1/',
                      completed.stdout)
        self.assertIn('--transport-url or TROVE_TRANSPORT_URL',
                      completed.stdout)
        self.assertNotIn('TROVE_TEST_TRANSPORT_URL', completed.stdout)
