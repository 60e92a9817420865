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

"""An operator's mistakes, each answered by one line that names the fix.

Both console scripts run as subprocesses against the machine's RabbitMQ,
a SecantusDB server and a trove-guestagent started as Trove starts it
(``--config-dir`` with a ``guest_info.conf`` holding the key). Each test
makes one mistake and checks the exit status and the one ``ERROR:`` line:
2 when the configuration is refused, 1 when an operation failed.
"""

from importlib import metadata
import json
import os
import shutil
import subprocess
import sys
import tempfile

from tools.harness import agent as agent_process
from tools.harness import process as child_process
from trove.tests.functional import agent_base
from trove.tests import helpers
from trove import version

TIMEOUT = 60
WRONG_PASSWORD = 'not-the-rabbit-password-7'


def run(module, *args, cwd=None, home=None):
    env = dict(os.environ)
    if home:
        env['HOME'] = home
    return subprocess.run(
        [sys.executable, '-m', module] + list(args),
        stdin=subprocess.DEVNULL, capture_output=True, text=True,
        timeout=TIMEOUT, cwd=cwd, env=env)


def cli(*args, **kwargs):
    return run('trove.cmd.mongodb', *args, **kwargs)


def agent(*args, **kwargs):
    return run('trove.cmd.guest', *args, **kwargs)


class OperatorMistakesTest(agent_base.AgentTestCase):

    GUEST_INFO = True

    def setUp(self):
        super().setUp()
        if not self.server.running:
            self.server.start()
        if not self.agent.running:
            self.agent.start()
        self.folder = tempfile.mkdtemp(prefix='trove-mistakes-')
        self.addCleanup(shutil.rmtree, self.folder, True)

    def assert_line(self, completed, status, *fragments):
        """Exit ``status``, nothing on stdout, one ERROR line on stderr."""
        # First: a failure below prints what the command printed.
        self.assert_no_secret(completed, self.key, WRONG_PASSWORD)
        return helpers.assert_one_error_line(
            self, completed.returncode, completed.stdout, completed.stderr,
            *fragments, exit_status=status)

    def assert_no_secret(self, completed, *secrets):
        # assertNotIn would print the secret itself when it fails.
        shown = [index for index, secret in enumerate(secrets)
                 if secret in completed.stdout + completed.stderr]
        self.assertEqual([], shown, 'secrets reached the output')

    def config_dir(self, key=None, transport_url=None, mode=0o600):
        """A copy of the instance's configuration folder, changed."""
        folder = os.path.join(self.folder, 'conf.d')
        shutil.copytree(self.agent.config_dir, folder)
        if transport_url:
            with open(os.path.join(folder, 'trove-guestagent.conf')) as f:
                text = f.read().replace(
                    'transport_url = %s' % self.transport_url,
                    'transport_url = %s' % transport_url)
            helpers.write_private(
                os.path.join(folder, 'trove-guestagent.conf'), text)
        guest_info = os.path.join(folder, 'guest_info.conf')
        if key:
            with open(guest_info) as stream:
                text = stream.read().replace(self.key, key)
            helpers.write_private(guest_info, text)
        os.chmod(guest_info, mode)
        return folder

    def from_both(self, folder):
        """What trove-guestagent, then trove-mongodb, make of ``folder``."""
        return [agent('--config-dir', folder, home=self.folder),
                cli('--config-dir', folder, 'database-list', self.guest_id,
                    home=self.folder)]

    def url_with(self, password=None, port=None):
        host, real_port = agent_process.broker_address(self.transport_url)
        return 'rabbit://guest:%s@%s:%d/' % (password or 'guest', host,
                                             port or real_port)

    # Configuration

    def test_no_configuration_anywhere_sends_nothing(self):
        completed = cli('database-list', self.guest_id, cwd=self.folder,
                        home=self.folder)
        self.assert_line(completed, 2, 'No configuration file was found',
                         '--config-dir', 'trove-guestagent.conf')

    def test_a_missing_config_dir_is_status_2_from_both_commands(self):
        missing = os.path.join(self.folder, 'no-such-folder')
        for completed in self.from_both(missing):
            self.assert_line(completed, 2, missing)

    def test_local_needs_no_configuration(self):
        # Nothing goes over the message bus: MongoDB's defaults serve.
        completed = cli('--local', 'database-list', self.guest_id,
                        cwd=self.folder, home=self.folder)
        self.assertNotEqual(2, completed.returncode, completed.stderr)
        self.assertNotIn('No configuration file', completed.stderr)

    def test_a_malformed_line_is_named_without_its_text(self):
        folder = self.config_dir()
        guest_info = os.path.join(folder, 'guest_info.conf')
        with open(guest_info) as stream:
            text = stream.read().replace('instance_rpc_encr_key =',
                                         'instance_rpc_encr_key')
        helpers.write_private(guest_info, text)
        fragments = ('%s, line' % guest_info,
                     'cannot be read as configuration',
                     'the line is not shown')
        for completed in self.from_both(folder):
            self.assert_line(completed, 2, *fragments)

    def test_a_bad_message_bus_option_is_refused_at_start_by_both(self):
        folder = self.config_dir()
        with open(os.path.join(folder, 'zz-rabbit.conf'), 'w') as stream:
            stream.write('[oslo_messaging_rabbit]\n'
                         'rabbit_transient_queues_ttl = soon\n')
        for completed in self.from_both(folder):
            self.assert_line(
                completed, 2,
                '[oslo_messaging_rabbit] rabbit_transient_queues_ttl in %s'
                % os.path.join(folder, 'zz-rabbit.conf'))

    def test_a_dollar_in_the_rabbitmq_password_names_the_fix(self):
        password = 'pa$sword'
        folder = self.config_dir(transport_url=self.url_with(password))
        for completed in self.from_both(folder):
            self.assert_no_secret(completed, password)
            self.assert_line(completed, 2,
                             '[DEFAULT] transport_url holds a $',
                             'write a $ of the value itself as $$')

    def test_debug_names_the_files_read(self):
        completed = self.agent.cli('--debug', 'database-list',
                                   self.guest_id)
        self.assertEqual(0, completed.returncode, completed.stderr)
        self.assertIn('Configuration read from: %s'
                      % self.agent.guest_info_file, completed.stderr)

    def test_a_key_file_others_may_read_is_refused_by_both(self):
        folder = self.config_dir(mode=0o644)
        path = os.path.join(folder, 'guest_info.conf')
        fragments = ('mode is 0644', 'Run chmod 600 %s' % path)
        for completed in self.from_both(folder):
            self.assert_line(completed, 2, *fragments)

    def test_without_a_key_nothing_is_sent_unless_no_key_is_given(self):
        config = os.path.join(self.agent.config_dir, 'trove-guestagent.conf')
        self.assert_line(
            cli('--config-file', config, 'database-create', self.guest_id,
                'sales'), 2, 'No instance_rpc_encr_key is set in %s' % config,
            '--no-key')
        # Said to have none, the instance, which has one, refuses it.
        self.assert_line(
            cli('--config-file', config, '--no-key', 'database-create',
                self.guest_id, 'sales'), 2,
            'refused create_database', 'sent it in clear (--no-key)')
        # --no-key sends in clear even where a key is configured.
        self.assert_line(
            cli('--config-dir', self.agent.config_dir, '--no-key',
                'database-create', self.guest_id, 'sales'), 2,
            'refused create_database', 'sent it in clear (--no-key)')
        self.assertEqual(set(), self.server_names())

    # The key

    def test_a_wrong_key_names_the_operation_and_the_sender_s_file(self):
        folder = self.config_dir(key='0' * 32)
        completed = cli('--config-dir', folder, 'database-create',
                        self.guest_id, 'sales')
        self.assert_line(
            completed, 2, 'refused create_database',
            'instance_rpc_encr_key from %s'
            % os.path.join(folder, 'guest_info.conf'),
            "the instance's guest_info.conf")
        self.assertEqual(set(), self.server_names())

    def test_a_key_sent_to_an_instance_without_one_names_no_key(self):
        folder = self.config_dir()
        self.restart_agent(key=None)
        self.addCleanup(self.restart_agent, key=self.key)
        self.assert_line(
            cli('--config-dir', folder, 'database-create', self.guest_id,
                'sales'), 2, 'refused create_database',
            'the instance has no key: give --no-key')
        self.assertEqual(set(), self.server_names())

    def restart_agent(self, key):
        self.assertEqual(0, self.agent.stop())
        self.agent.write_guest_info(key=key)
        self.agent.start()

    # The message bus

    def test_a_wrong_rabbitmq_password_is_named_by_both(self):
        url = self.url_with(password=WRONG_PASSWORD)
        folder = self.config_dir(transport_url=url)
        described = agent_process.describe(self.transport_url)
        fragments = ('refused the login of user guest', described)
        for completed in self.from_both(folder):
            self.assert_line(completed, 2, *fragments)

    def test_an_unreachable_broker_is_named_by_both(self):
        port = helpers.free_port()
        folder = self.config_dir(transport_url=self.url_with(port=port))
        fragments = ('Cannot reach the message bus at 127.0.0.1:%d' % port,
                     'as user guest',
                     'transport_url rabbit://127.0.0.1:%d/' % port)
        self.assert_line(cli('--config-dir', folder, 'database-list',
                             self.guest_id), 1, *fragments)
        # The agent keeps trying, and says once where.
        agent = self.another_agent(folder)
        line = agent.wait_for_log(*fragments, timeout=30)
        self.assertIn('WARNING', line)
        self.assertEqual(0, agent.stop(TIMEOUT))
        self.assertEqual(1, agent.log().count(fragments[0]))

    def test_a_second_agent_of_one_instance_is_warned_of(self):
        # As on a clone of the instance's image: the same guest_info.conf.
        agent = self.another_agent(self.config_dir())
        line = agent.wait_for_log(
            '1 other consumer(s) already take requests from guestagent.%s'
            % self.guest_id, 'Stop the other trove-guestagent of instance '
            '%s' % self.guest_id, timeout=30)
        self.assertIn(' WARNING ', line)
        self.assertEqual(0, agent.stop(TIMEOUT))
        # The first agent started alone.
        self.assertNotIn('other consumer', self.agent.log())

    def another_agent(self, folder):
        """A trove-guestagent started on ``folder``, logging to a file."""
        log_file = os.path.join(self.folder, 'agent.log')
        with open(os.path.join(folder, 'zz-log.conf'), 'w') as stream:
            stream.write('[DEFAULT]\nlog_file = %s\n' % log_file)
        agent = child_process.ChildProcess('trove-guestagent',
                                           log_file=log_file)
        agent.launch([sys.executable, '-m', 'trove.cmd.guest',
                      '--config-dir', folder],
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(agent.kill)
        return agent

    # MongoDB

    def test_mongodb_down_says_what_was_not_done(self):
        self.server.stop()
        for args, outcome in ((('database-create', self.guest_id, 'sales'),
                               'nothing was created'),
                              (('database-delete', self.guest_id, 'sales'),
                               'nothing was deleted')):
            self.assert_line(
                self.agent.cli(*args), 1,
                'MongoDB at 127.0.0.1:%d is unreachable' % self.server.port,
                'No command was sent to it, so %s.' % outcome)

    # Output for scripts

    def test_json_errors_are_an_object_on_stdout(self):
        completed = self.agent.cli('database-delete', self.guest_id,
                                   'no_such_db', '--format', 'json')
        self.assertEqual(1, completed.returncode, completed.stderr)
        error = json.loads(completed.stdout)['error']
        self.assertEqual({'type': 'DatabaseNotFound', 'exit_status': 1},
                         {'type': error['type'],
                          'exit_status': error['exit_status']})
        self.assertEqual('ERROR: %s\n' % error['message'], completed.stderr)

    # A retired instance

    def test_a_retired_instance_s_queues_are_named_and_deleted(self):
        self.assertEqual(0, self.agent.stop())
        self.addCleanup(self.agent.start)
        listed = self.agent.cli('database-list', self.guest_id)
        self.assert_line(
            listed, 1, 'No guest agent is listening on guestagent.%s'
            % self.guest_id,
            'remove its queues with trove-mongodb queue-delete %s'
            % self.guest_id)
        deleted = self.agent.cli('queue-delete', self.guest_id)
        self.assertEqual(0, deleted.returncode, deleted.stderr)
        self.assertIn('guestagent.%s' % self.guest_id, deleted.stdout)
        self.assert_line(self.agent.cli('database-list', self.guest_id), 1,
                         'No guest agent has listened for instance %s'
                         % self.guest_id)

    def test_queue_delete_refuses_while_an_agent_listens(self):
        self.assert_line(self.agent.cli('queue-delete', self.guest_id), 1,
                         'a trove-guestagent still serves instance %s'
                         % self.guest_id)
        self.assertIs(True, self.api.rpc_ping())

    # Version

    def test_one_version_from_both_commands(self):
        versions = [run(module, '--version', home=self.folder)
                    for module in ('trove.cmd.guest', 'trove.cmd.mongodb')]
        for completed in versions:
            self.assertEqual(0, completed.returncode, completed.stderr)
        printed = [(completed.stdout + completed.stderr).split()[-1]
                   for completed in versions]
        # pbr's release string: what pip and the package metadata say.
        installed = metadata.version(version.DISTRIBUTION)
        self.assertEqual([installed, installed], printed)
