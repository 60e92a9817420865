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

"""trove-mongodb as an operator runs it: the outcome of every request.

The agent runs as its own process, started as Trove starts it (with
``--config-dir`` on a ``guest_info.conf`` holding the instance's key), on
the machine's RabbitMQ, against SecantusDB; ``trove-mongodb`` runs as a
subprocess with the same folder. Each test checks what the operator sees:
the exit status, stdout and stderr, and what the server holds after.
"""

import json
import os
import pty
import re
import signal
import subprocess
import sys
import threading
import time

from tools.harness import agent as agent_process
from tools.harness import secantus
from trove.tests.functional import agent_base
from trove.tests import helpers

# Seconds the command tries an agent before it says none answers: the
# caller's agent_call_low_timeout, Trove's default.
PING_TIMEOUT = 5
# A bound for a command that must answer "within a few seconds".
PROMPT = 15.0


class StreamReader:
    """Collects what a process writes to a pipe or a terminal, as it comes."""

    def __init__(self, fd):
        self._fd = fd
        self._chunks = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self):
        while True:
            try:
                chunk = os.read(self._fd, 4096)
            except OSError:
                # A terminal whose last writer has gone reads EIO.
                break
            if not chunk:
                break
            with self._lock:
                self._chunks.append(chunk)

    def text(self):
        with self._lock:
            return b''.join(self._chunks).decode('utf-8', 'replace')

    def close(self):
        self._thread.join(10)
        os.close(self._fd)


class OperatorCommandTest(agent_base.AgentTestCase):
    """Outcomes, warnings and refusals reach the operator's terminal."""

    GUEST_INFO = True

    def setUp(self):
        super().setUp()
        if not self.agent.running:
            self.agent.start()
        if not self.server.running:
            self.server.start()

    def cli(self, *args):
        completed = self.agent.cli(*args)
        # The instance's key is in the folder the command reads, and must
        # not reach what it prints.
        self.assertNotIn(self.key, completed.stdout + completed.stderr)
        return completed

    def timed_cli(self, *args):
        started = time.monotonic()
        completed = self.cli(*args)
        return completed, time.monotonic() - started

    def assert_refused(self, completed, *fragments):
        self.assert_one_error_line(completed, *fragments)

    def stop_agent(self):
        """Stop the agent; it starts again at the end of the test."""
        self.assertEqual(0, self.agent.stop())
        self.addCleanup(self._restart_agent)

    def _restart_agent(self):
        if not self.agent.running:
            self.agent.start()

    def ping_agent(self):
        """Once answered, the agent has taken what its queue held before."""
        self.assertIs(True, self.api.rpc_ping())

    def assert_never_carried_out(self, name):
        """The agent, started again, did not create ``name`` queued."""
        self.agent.start()
        self.ping_agent()
        self.assertNotIn("Creating databases [%r]" % name, self.agent.log())
        self.assertEqual(set(), self.server_names())

    def spawn_cli(self, *args, stderr=subprocess.PIPE):
        process = subprocess.Popen(
            [sys.executable, '-m', 'trove.cmd.mongodb']
            + self.agent.config_arguments + list(args),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=stderr)
        self.addCleanup(self._end, process)
        return process

    @staticmethod
    def _end(process):
        if process.poll() is None:
            process.kill()
        process.wait()
        process.stdout.close()
        if process.stderr is not None:
            process.stderr.close()

    # Outcomes

    def test_create_prints_that_the_database_was_created(self):
        created = self.cli('database-create', self.guest_id, 'sales')
        self.assertEqual((0, 'Database sales was created on instance %s.\n'
                          % self.guest_id, ''),
                         (created.returncode, created.stdout,
                          created.stderr))
        self.assertEqual({'sales'}, self.server_names())

    def test_create_of_an_existing_database_warns_on_the_terminal(self):
        self.root.sales.create_collection('orders')
        created = self.cli('database-create', self.guest_id, 'sales')
        self.assertEqual(0, created.returncode, created.stderr)
        self.assertEqual('Database sales exists on instance %s.\n'
                         % self.guest_id, created.stdout)
        self.assertEqual('WARNING: Database sales existed already on '
                         'instance %s; it was left as it was.\n'
                         % self.guest_id, created.stderr)
        self.assertEqual(['orders'], self.root.sales.list_collection_names())

    def test_a_case_twin_is_refused_by_the_agent_in_one_line(self):
        self.root.sales.create_collection('orders')
        self.assert_refused(
            self.cli('database-create', self.guest_id, 'Sales'),
            "'Sales' differs only in case from the existing database "
            "'sales'", 'Nothing was changed')
        self.assertEqual({'sales'}, self.server_names())

    def test_bad_and_reserved_names_are_refused_before_sending(self):
        self.assert_refused(
            self.cli('database-create', self.guest_id, 'a.b'),
            "'a.b'", 'must not contain')
        self.assert_refused(
            self.cli('database-delete', self.guest_id, 'CONFIG'),
            "'CONFIG'", 'reserved')
        self.assertEqual(set(), self.server_names())

    def test_delete_warns_of_the_users_mongodb_kept(self):
        self.root.shop.create_collection('orders')
        self.root.shop.command('createUser', 'clerk', pwd='clerk-pw-7',
                               roles=[{'role': 'read', 'db': 'shop'}])
        self.addCleanup(self.root.shop.command, 'dropUser', 'clerk')
        deleted = self.cli('database-delete', self.guest_id, 'shop',
                           '--format', 'json')
        self.assertEqual(0, deleted.returncode, deleted.stderr)
        warning = ('MongoDB kept the users clerk, whose authentication '
                   'database was shop; remove them with dropUser on '
                   'database shop if they are no longer needed.')
        self.assertEqual({'instance': self.guest_id, 'database': 'shop',
                          'result': 'deleted', 'warnings': [warning]},
                         json.loads(deleted.stdout))
        self.assertEqual('WARNING: %s\n' % warning, deleted.stderr)
        self.assertEqual(set(), self.server_names())

    def test_a_stopped_mongodb_is_named_within_seconds(self):
        self.server.stop()
        created, elapsed = self.timed_cli('database-create', self.guest_id,
                                          'sales')
        self.assert_refused(created, 'MongoDB at 127.0.0.1:%d is unreachable'
                            % self.server.port, 'nothing was created')
        self.assertLess(elapsed, PROMPT)

    def test_refused_credentials_are_named(self):
        path = self.server.credentials_file
        with open(path) as stream:
            saved = stream.read()
        self.addCleanup(self._restore, path, saved)
        secantus.write_credentials(path, 'os_admin', 'not-the-password-3')
        self.add_secret('not-the-password-3')
        self.assert_refused(
            self.cli('database-create', self.guest_id, 'sales'),
            'refused the credentials of user os_admin from %s' % path)
        self.assertEqual(set(), self.server_names())

    @staticmethod
    def _restore(path, text):
        helpers.write_private(path, text)

    # No agent

    def test_an_unknown_instance_is_refused_at_once(self):
        created, elapsed = self.timed_cli('database-create', 'no-such-guest',
                                          'sales')
        self.assert_refused(
            created, 'No guest agent has listened for instance '
            'no-such-guest', 'nothing was sent')
        # The broker returns the message at once: no timeout is waited.
        self.assertLess(elapsed, PING_TIMEOUT)

    def test_a_stopped_agent_gets_nothing_without_wait(self):
        self.stop_agent()
        created, elapsed = self.timed_cli('database-create', self.guest_id,
                                          'sales')
        self.assert_refused(
            created, 'No guest agent is listening on guestagent.%s'
            % self.guest_id, 'nothing was sent',
            'queue-delete %s' % self.guest_id)
        self.assertLess(elapsed, PROMPT)
        # Nothing waits in the queue for the agent's next start.
        self.assert_never_carried_out('sales')

    def test_wait_queues_the_request_shows_progress_and_ends_with_it(self):
        self.stop_agent()
        master, terminal = pty.openpty()
        process = self.spawn_cli('database-create', self.guest_id, 'sales',
                                 '--wait', '--timeout', '60',
                                 stderr=terminal)
        os.close(terminal)
        stderr = StreamReader(master)
        self.addCleanup(stderr.close)
        helpers.poll(lambda: 'Waiting for an agent for instance' in
                     stderr.text(), PROMPT, 'the progress line',
                     details=stderr.text)
        self.agent.start()
        self.assertEqual(0, process.wait(PROMPT))
        self.assertEqual('Database sales was created on instance %s.\n'
                         % self.guest_id, process.stdout.read().decode())
        shown = stderr.text()
        self.assertIn('No agent answers for instance %s yet: the request '
                      'waits in its queue until one does, for at most 60 s.'
                      % self.guest_id, shown)
        # Redrawn in place on the terminal, and cleared at the end.
        redrawn = re.findall(r'\r\x1b\[KWaiting for an agent for instance '
                             r'%s: \d+ s of \d+ s \(Ctrl-C stops waiting\)'
                             % re.escape(self.guest_id), shown)
        self.assertGreater(len(redrawn), 1, shown)
        self.assertTrue(shown.endswith('\r\x1b[K'), repr(shown[-80:]))
        self.assertEqual({'sales'}, self.server_names())

    def test_wait_honours_its_timeout_and_the_request_then_expires(self):
        self.stop_agent()
        created, elapsed = self.timed_cli('database-create', self.guest_id,
                                          'late', '--wait', '--timeout', '8')
        self.assertEqual(1, created.returncode, created.stderr)
        self.assertEqual(
            ['No agent answers for instance %s yet: the request waits in '
             'its queue until one does, for at most 8 s.' % self.guest_id,
             'ERROR: No agent answered for instance %s within 8 s. The '
             'request expired unanswered in its queue, so no agent will '
             'carry it out.' % self.guest_id],
            created.stderr.splitlines())
        self.assertGreaterEqual(elapsed, 8)
        self.assert_never_carried_out('late')

    def test_ctrl_c_while_waiting_ends_with_one_line_and_130(self):
        self.stop_agent()
        process = self.spawn_cli('database-create', self.guest_id, 'sales',
                                 '--wait')
        line = process.stderr.readline().decode()
        self.assertIn('waits in its queue', line)
        process.send_signal(signal.SIGINT)
        self.assertEqual(130, process.wait(PROMPT))
        self.assertEqual(
            'Interrupted. The request was sent and may still be carried '
            'out: database-list shows whether it was.\n',
            process.stderr.read().decode())
        # The request waits for the agent until its timeout: not for the
        # next test's.
        agent_process.delete_queues(self.transport_url, self.guest_id)

    # The agent's name for the terminal

    def test_names_of_any_width_align_and_list_as_json(self):
        for name in ('\u9500\u552e', 'ab'):
            self.root[name].create_collection('orders')
        listed = self.cli('database-list', self.guest_id)
        self.assertEqual((0, ''), (listed.returncode, listed.stderr))
        self.assertEqual('+------+\n'
                         '| Name |\n'
                         '+------+\n'
                         '| ab   |\n'
                         '| \u9500\u552e |\n'
                         '+------+\n', listed.stdout)
        listed = self.cli('database-list', self.guest_id, '--format', 'json')
        self.assertEqual([{'Name': 'ab'}, {'Name': '\u9500\u552e'}],
                         json.loads(listed.stdout))

    def test_a_name_starting_with_a_dash_goes_after_double_dash(self):
        refused = self.cli('database-create', self.guest_id, '-sales')
        self.assertEqual((2, ''), (refused.returncode, refused.stdout))
        self.assertEqual(1, len(refused.stderr.splitlines()), refused.stderr)
        self.assertIn('-sales was read as an option: put a name that starts '
                      'with "-" after "--"', refused.stderr)
        created = self.cli('database-create', self.guest_id, '--', '-sales')
        self.assertEqual(0, created.returncode, created.stderr)
        self.assertEqual({'-sales'}, self.server_names())
