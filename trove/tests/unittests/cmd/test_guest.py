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

from trove.cmd import guest
from trove.tests import agent as agent_process
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

    def test_a_failed_start_exits_1(self):
        self.agent.start.side_effect = RuntimeError('bad driver')
        self.assertEqual(1, guest.serve(self.agent, self.stop, 1))
        self.assert_logged('ERROR', 'could not start: bad driver')

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

    def start(self, **default):
        workdir = self.useFixture(fixtures.TempDir()).path
        config = os.path.join(workdir, 'agent.conf')
        self.log_file = os.path.join(workdir, 'agent.log')
        with open(config, 'w') as stream:
            stream.write('[DEFAULT]\nlog_file = %s\nprepare_marker_file = '
                         '%s/prepare.end\n' % (self.log_file, workdir))
            for key, value in default.items():
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
            'trove-guestagent: [DEFAULT] guest_id is not set'))
        self.assertIn('guest_info.conf', err)

    def test_it_starts_from_trove_s_config_dir(self):
        workdir = self.useFixture(fixtures.TempDir()).path
        self.log_file = os.path.join(workdir, 'agent.log')
        with open(os.path.join(workdir, 'trove-guestagent.conf'), 'w') as f:
            f.write('[DEFAULT]\ntransport_url = fake://\nlog_file = %s\n'
                    'debug = true\nprepare_marker_file = %s/prepare.end\n'
                    % (self.log_file, workdir))
        # As Trove 26's taskmanager writes it, keys unknown here included.
        with open(os.path.join(workdir, 'guest_info.conf'), 'w') as f:
            f.write('[DEFAULT]\nguest_id=g-dir\ndatastore_manager=mongodb\n'
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
