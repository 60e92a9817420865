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

"""Both console scripts as an operator starts them, before any request.

Each runs as a subprocess: what it prints, and its exit status, when its
configuration cannot be read, its log file cannot be opened or its guest
id is too long for the message bus; and the conventions of the OpenStack
clients (``--version``, ``help <command>``, argument errors in words).
"""

import os
import subprocess
import sys

import fixtures

from tools.harness import agent as agent_process
from trove.tests import base
from trove.tests import helpers

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
TIMEOUT = 60
# 'g' * 122 makes a queue name guestagent.<id>.<id> of 256 bytes, one more
# than AMQP allows.
TOO_LONG_ID = 'g' * 122
LONGEST_ID = 'g' * 121


class ConsoleScriptTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.folder = self.useFixture(fixtures.TempDir()).path
        # No configuration of the machine's may change what they read.
        self.home = self.useFixture(fixtures.TempDir()).path

    def write(self, name, data):
        path = os.path.join(self.folder, name)
        with open(path, 'wb') as stream:
            stream.write(data)
        return path

    def config(self, name='agent.conf', guest_id='g1', extra=''):
        return self.write(name, (
            '[DEFAULT]\nguest_id = %s\ntransport_url = %s\n%s'
            % (guest_id, agent_process.transport_url(), extra)).encode())

    def run_script(self, module, *args):
        return subprocess.run(
            [sys.executable, '-m', module] + list(args),
            stdin=subprocess.DEVNULL, capture_output=True, text=True,
            timeout=TIMEOUT, cwd=self.folder,
            env=dict(os.environ, HOME=self.home))

    def agent(self, *args):
        return self.run_script('trove.cmd.guest', *args)

    def cli(self, *args):
        return self.run_script('trove.cmd.mongodb', *args)

    def assert_agent_refused(self, completed, *fragments):
        """Status 2 and one line on stderr, as the agent refuses to start."""
        helpers.assert_one_error_line(
            self, completed.returncode, completed.stdout, completed.stderr,
            *fragments, exit_status=2)

    def assert_cli_refused(self, completed, *fragments, status=2):
        """One line on stderr; status 2 for a refused configuration."""
        helpers.assert_one_error_line(
            self, completed.returncode, completed.stdout, completed.stderr,
            *fragments, exit_status=status)

    # Clear failures at start

    def test_a_config_file_that_is_not_utf8_is_named(self):
        path = self.write('latin1.conf', b'[DEFAULT]\n# caf\xe9\nguest_id = '
                                         b'g1\n')
        message = ('The configuration file %s is not UTF-8 text (byte 0xe9 '
                   'on line 2): save it as UTF-8.' % path)
        self.assert_agent_refused(self.agent('--config-file', path), message)
        self.assert_cli_refused(
            self.cli('--config-file', path, 'database-list', 'g1'), message)
        # In the agent's --config-dir as well.
        self.assert_agent_refused(self.agent('--config-dir', self.folder),
                                  message)

    def test_a_config_file_that_cannot_be_read_is_named(self):
        folder = os.path.join(self.folder, 'trove-guestagent.conf')
        os.mkdir(folder)
        message = 'Cannot read the configuration file %s: ' % folder
        self.assert_agent_refused(self.agent('--config-file', folder),
                                  message, 'directory')
        self.assert_cli_refused(
            self.cli('--config-file', folder, 'database-list', 'g1'),
            message, 'directory')

    def test_a_log_file_that_cannot_be_opened_is_named(self):
        log_file = os.path.join(self.folder, 'no-such-folder', 'agent.log')
        completed = self.agent('--config-file', self.config(
            extra='log_file = %s\n' % log_file))
        self.assert_agent_refused(
            completed, 'Cannot open the log file %s: No such file or '
            'directory.' % log_file, 'log_file')

    def test_a_guest_id_too_long_for_the_message_bus_is_refused(self):
        reason = ('The guest id is 122 bytes long; the message bus takes at '
                  'most 121')
        completed = self.agent('--config-file', self.config(
            guest_id=TOO_LONG_ID, extra='log_file = %s\n'
            % os.path.join(self.folder, 'agent.log')))
        self.assert_agent_refused(completed, reason)
        self.assert_cli_refused(
            self.cli('--config-file', self.config(), 'database-create',
                     TOO_LONG_ID, 'sales'), reason)

    def test_the_longest_guest_id_passes_the_check(self):
        # It reaches the message bus, which has no agent for it.
        self.assert_cli_refused(
            self.cli('--config-file', self.config(), '--no-key',
                     'database-list', LONGEST_ID),
            'No guest agent has listened for instance %s' % LONGEST_ID,
            status=1)

    # Conventions of the OpenStack clients

    def test_version(self):
        for script in (self.agent, self.cli):
            completed = script('--version')
            self.assertEqual(0, completed.returncode, completed.stderr)
            self.assertRegex(completed.stdout + completed.stderr,
                             r'^trove-(guestagent|mongodb) \d+\.\d+')

    def test_help_of_a_command(self):
        completed = self.cli('help', 'database-delete')
        self.assertEqual(0, completed.returncode, completed.stderr)
        self.assertTrue(completed.stdout.startswith(
            'usage: trove-mongodb database-delete'), completed.stdout)
        self.assertIn('--wait', completed.stdout)
        completed = self.cli('help')
        self.assertEqual(0, completed.returncode, completed.stderr)
        self.assertIn('database-create', completed.stdout)

    def test_argument_errors_are_plain_words(self):
        completed = self.cli('database-list', 'g1', '--page-size', 'abc')
        self.assertEqual(2, completed.returncode)
        self.assertEqual(
            "trove-mongodb: error: argument --page-size: expected a whole "
            "number greater than 0, not 'abc' (see trove-mongodb "
            "database-list --help)\n", completed.stderr)
        completed = self.cli('database-create', 'g1', 'x', '--timeout', '0')
        self.assertIn("expected a number of seconds greater than 0, not "
                      "'0'", completed.stderr)


class DevScriptTest(base.TestCase):

    def test_test_help_shows_usage_and_runs_nothing(self):
        completed = subprocess.run(
            [sys.executable, os.path.join(ROOT, 'tools', 'dev.py'), 'test',
             '--help'], stdin=subprocess.DEVNULL, capture_output=True,
            text=True, timeout=TIMEOUT, cwd=ROOT)
        self.assertEqual(0, completed.returncode, completed.stderr)
        self.assertIn('usage: python3 tools/dev.py test', completed.stdout)
        self.assertNotIn('flake8', completed.stdout.split('\n')[0])
        self.assertNotIn('dev: pep8', completed.stdout)


class SystemdUnitTest(base.TestCase):
    """etc/systemd/trove-guestagent.service, as systemd reads it."""

    UNIT = os.path.join(ROOT, 'etc', 'systemd', 'trove-guestagent.service')
    INSTALLED = '/opt/trove-guestagent/bin/trove-guestagent'

    def test_systemd_finds_nothing_wrong_with_it(self):
        # The unit runs the agent where README installs it; here, where
        # this test's agent is.
        folder = self.useFixture(fixtures.TempDir()).path
        with open(self.UNIT) as stream:
            unit = stream.read()
        self.assertIn('ExecStart=%s --config-dir /etc/trove/conf.d\n'
                      % self.INSTALLED, unit)
        script = os.path.join(os.path.dirname(sys.executable),
                              'trove-guestagent')
        self.assertTrue(os.access(script, os.X_OK), script)
        path = os.path.join(folder, 'trove-guestagent.service')
        with open(path, 'w') as stream:
            stream.write(unit.replace(self.INSTALLED, script))
        completed = subprocess.run(
            ['systemd-analyze', 'verify', path], stdin=subprocess.DEVNULL,
            capture_output=True, text=True, timeout=TIMEOUT)
        self.assertEqual((0, ''), (completed.returncode,
                                   completed.stdout + completed.stderr))

    def test_its_documentation_is_what_pip_install_installs(self):
        # Installed as README says (pip install . into the venv), with
        # the venv's prefix here a folder of the test's.
        # --ignore-installed: else pip would first uninstall the project
        # from the venv these tests run in.
        prefix = self.useFixture(fixtures.TempDir()).path
        completed = subprocess.run(
            [sys.executable, '-m', 'pip', 'install', '-qq', '--no-deps',
             '--ignore-installed', '--prefix', prefix, ROOT],
            stdin=subprocess.DEVNULL,
            capture_output=True, text=True, timeout=TIMEOUT * 3)
        self.assertEqual(0, completed.returncode, completed.stderr)
        with open(self.UNIT) as stream:
            documentation = [line.split('=', 1)[1].strip()
                             for line in stream
                             if line.startswith('Documentation=')]
        venv = 'file://' + os.path.dirname(os.path.dirname(self.INSTALLED))
        self.assertEqual(1, len(documentation))
        self.assertTrue(documentation[0].startswith(venv), documentation)
        installed = prefix + documentation[0][len(venv):]
        with open(os.path.join(ROOT, 'README.rst')) as readme, \
                open(installed) as copy:
            self.assertEqual(readme.read(), copy.read())
