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

import os
import signal
import subprocess
import sys
import threading
from unittest import mock

import fixtures
from testtools import matchers

from tools.harness import agent as agent_process
from tools.harness import secantus
from trove.cmd import guest
from trove.tests import base
from trove.tests import helpers

KEY = 'Yq1sT0p8cW4bN6vZ2xK9mD3fH7jL5rQe'


class ServeTest(base.TestCase):
    """serve() with a stand-in agent: the exit status of each ending."""

    def setUp(self):
        super().setUp()
        self.agent = mock.Mock()
        self.stop = guest.StopRequest()

    def test_a_stop_signal_stops_then_waits(self):
        self.agent.wait.return_value = True

        def start():
            # The signal comes once the agent has started, that is when the
            # thread that serve() starts it in has ended.
            starter = threading.current_thread()

            def signal_after_start():
                starter.join(10)
                self.stop(signal.SIGTERM, None)
            threading.Thread(target=signal_after_start).start()
        self.agent.start.side_effect = start
        self.assertEqual(0, guest.serve(self.agent, self.stop, 7))
        self.assertEqual([mock.call.start(), mock.call.stop(),
                          mock.call.wait(7)], self.agent.mock_calls)
        self.assert_logged('INFO', 'Received SIGTERM: stopping.')

    def test_requests_outlasting_the_timeout_exit_1(self):
        self.agent.wait.return_value = False
        self.stop(signal.SIGINT, None)
        self.assertEqual(1, guest.serve(self.agent, self.stop, 1))

    def test_a_failed_start_exits_1_with_one_error_line(self):
        self.agent.start.side_effect = RuntimeError('bad driver')
        stderr = self.capture('sys.stderr')
        self.assertEqual(1, guest.serve(self.agent, self.stop, 1))
        self.assertEqual('ERROR: The guest agent could not start: bad '
                         'driver\n', stderr.getvalue())

    def test_a_stop_while_starting_exits_0_without_waiting(self):
        reached = threading.Event()
        self.addCleanup(reached.set)

        def start():
            self.stop(signal.SIGTERM, None)
            # Still trying to reach the message bus.
            reached.wait(10)
        self.agent.start.side_effect = start
        self.assertEqual(0, guest.serve(self.agent, self.stop, 1))
        self.agent.stop.assert_not_called()
        self.assert_logged('INFO', 'before the message bus was reached')


class GuestAgentProcessTest(base.TestCase):
    """trove-guestagent as a process, without a broker or MongoDB."""

    def setUp(self):
        super().setUp()
        self.workdir = self.useFixture(fixtures.TempDir()).path
        self.config = os.path.join(self.workdir, 'agent.conf')
        self.credentials = os.path.join(self.workdir, 'os_admin.json')

    def start(self, mongodb=None, **default):
        """Start the agent with ``[DEFAULT]`` and ``[mongodb]`` settings.

        The credentials file is one of the test's own, absent unless the
        test writes it.
        """
        config = self.config
        self.log_file = os.path.join(self.workdir, 'agent.log')
        mongodb = dict({'admin_credentials_file': self.credentials},
                       **(mongodb or {}))
        with open(config, 'w') as stream:
            stream.write('[DEFAULT]\nlog_file = %s\nprepare_marker_file = '
                         '%s/prepare.end\n' % (self.log_file, self.workdir))
            for key, value in default.items():
                stream.write('%s = %s\n' % (key, value))
            stream.write('[mongodb]\n')
            for key, value in mongodb.items():
                stream.write('%s = %s\n' % (key, value))
        process = subprocess.Popen(
            [sys.executable, '-m', 'trove.cmd.guest', '--config-file',
             config], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)
        self.addCleanup(process.kill)
        return process

    def log(self):
        try:
            with open(self.log_file) as stream:
                return stream.read()
        except FileNotFoundError:
            return ''

    def wait_for_log(self, fragment, timeout=30):
        helpers.poll(lambda: fragment in self.log(), timeout,
                     'a log line with %r' % fragment, details=self.log)

    def test_without_guest_id_it_refuses_to_start(self):
        process = self.start(transport_url='fake://')
        out, err = process.communicate(timeout=60)
        self.assertEqual(2, process.returncode)
        self.assertEqual(1, len(err.splitlines()), err)
        self.assertThat(err, matchers.StartsWith(
            'ERROR: [DEFAULT] guest_id is not set'))
        self.assertIn('guest_info.conf', err)

    def test_it_starts_from_trove_s_config_dir(self):
        workdir = self.useFixture(fixtures.TempDir()).path
        self.log_file = os.path.join(workdir, 'agent.log')
        with open(os.path.join(workdir, 'trove-guestagent.conf'), 'w') as f:
            f.write('[DEFAULT]\ntransport_url = fake://\nlog_file = %s\n'
                    'debug = true\nprepare_marker_file = %s/prepare.end\n'
                    % (self.log_file, workdir))
        # As Trove 26's taskmanager writes it, keys unknown here included.
        helpers.write_private(
            os.path.join(workdir, 'guest_info.conf'),
            '[DEFAULT]\nguest_id=g-dir\ndatastore_manager=mongodb\n'
            'datastore_version=7.0\ntenant_id=t-9\n'
            'datastore_registry_ext=None\nreplication_strategy=\n'
            'ssl_mode=None\nnetwork_isolation=False\n'
            'instance_rpc_encr_key=%s\n' % KEY)
        process = subprocess.Popen(
            [sys.executable, '-m', 'trove.cmd.guest', '--config-dir',
             workdir], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)
        self.addCleanup(process.kill)
        self.wait_for_log(agent_process.READY_MARK)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
        self.assertEqual((0, '', ''), (process.returncode, out, err))
        self.assertIn('Guest agent g-dir is taking requests on topic '
                      'guestagent.g-dir', self.log())
        self.assertIn('messages encrypted with the instance key, tenant '
                      't-9', self.log())
        # assertNotIn would print the key itself when it fails.
        self.assertFalse(KEY in self.log(), 'the key reached the agent log')

    def test_another_datastore_s_instance_is_refused_at_start(self):
        process = self.start(transport_url='fake://', guest_id='g3',
                             datastore_manager='mysql')
        out, err = process.communicate(timeout=60)
        self.assertEqual(2, process.returncode)
        self.assertEqual(1, len(err.splitlines()), err)
        self.assertIn("datastore_manager is 'mysql'", err)

    def test_sigterm_exits_0(self):
        process = self.start(transport_url='fake://', guest_id='g1')
        self.wait_for_log(agent_process.READY_MARK)
        self.assertIn('topic guestagent.g1 of exchange trove', self.log())
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
        self.assertEqual((0, '', ''), (process.returncode, out, err))
        self.assertIn('exits with status 0', self.log())

    def test_sigint_while_the_broker_is_unreachable_exits_0(self):
        url = 'rabbit://guest:guest@127.0.0.1:%d/' % helpers.free_port()
        process = self.start(transport_url=url, guest_id='g2')
        self.wait_for_log('Connection failed')
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=60)
        self.assertEqual(0, process.returncode)
        self.assertIn('Received SIGINT before the message bus was reached',
                      self.log())

    def assert_refused_at_start(self, message, mongodb=None):
        process = self.start(mongodb, transport_url='fake://',
                             guest_id='g3')
        out, err = process.communicate(timeout=60)
        self.assertEqual((2, ''), (process.returncode, out))
        self.assertEqual(['ERROR: %s' % message],
                         err.splitlines())
        self.assertNotIn(agent_process.READY_MARK, self.log())

    def test_a_bad_option_value_stops_it_before_it_takes_requests(self):
        for option, value, message in (
                ('mongodb_port', 'abc',
                 "[mongodb] mongodb_port in %s must be a port number from 0 "
                 "to 65535: invalid literal for int() with base 10: 'abc'"),
                ('mongodb_port', '70000',
                 '[mongodb] mongodb_port in %s must be a port number from 0 '
                 'to 65535: Should be less than or equal to 65535'),
                ('server_selection_timeout', '60',
                 '[mongodb] server_selection_timeout in %s must be a number '
                 'from 0.1 to 10.0: Should be less than or equal to 10'),
                ('operation_timeout', 'soon',
                 '[mongodb] operation_timeout in %s must be a number of at '
                 'least 1.0: could not convert string to float: \'soon\''),
                ('checkpoint_after_ddl', 'maybe',
                 '[mongodb] checkpoint_after_ddl in %s must be true or '
                 'false: Unexpected boolean value \'maybe\'')):
            self.assert_refused_at_start(
                'invalid configuration: ' + message % self.config,
                {option: value})

    def test_an_unsafe_or_broken_credentials_file_stops_it(self):
        secantus.write_credentials(self.credentials, 'os_admin', 'pw-1')
        self.add_secret('pw-1')
        os.chmod(self.credentials, 0o640)
        self.assert_refused_at_start(
            'Cannot use the MongoDB admin credentials file %s: its mode is '
            '0640, so users other than its owner may read the admin '
            'password. Run "chmod 600 %s".'
            % (self.credentials, self.credentials))
        helpers.write_private(self.credentials, '{"username": "os_admin"')
        self.assert_refused_at_start(
            'Cannot use the MongoDB admin credentials file %s: it is not '
            'valid UTF-8 JSON.' % self.credentials)
        os.remove(self.credentials)
        os.mkdir(self.credentials)
        self.assert_refused_at_start(
            'Cannot use the MongoDB admin credentials file %s: Is a '
            'directory' % self.credentials)

    def test_it_starts_while_mongodb_is_down(self):
        secantus.write_credentials(self.credentials, 'os_admin', 'pw-1')
        self.add_secret('pw-1')
        process = self.start(
            {'mongodb_host': '127.0.0.1',
             'mongodb_port': helpers.free_port()},
            transport_url='fake://', guest_id='g4')
        self.wait_for_log(agent_process.READY_MARK)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
        self.assertEqual((0, '', ''), (process.returncode, out, err))
