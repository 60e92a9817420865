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

"""The harness that runs upstream Trove as the tests' peer, tested.

Upstream Trove's own classes, its ``trove-conductor`` process and its
database schema on MariaDB (:mod:`trove.tests.upstream_trove`): instance
rows and guest_info.conf files as Trove makes them, heartbeats and request
outcomes of a guest reaching the conductor, Trove's API checks, and
``rpc_ping`` from Trove's guest API reaching a trove-guestagent process.

Without MariaDB, RabbitMQ or the upstream venv these tests fail: they
never skip.
"""

import os
import stat
import string
import time

import fixtures

from trove.tests import base
from trove.tests import upstream_trove

# Trove's generate_random_key: 32 of these, for every new instance.
KEY_CHARACTERS = set(string.ascii_letters + string.digits)
# The logger of a notification under the log driver, before its event
# type.
NOTIFICATION = 'oslo.messaging.notification.'
# Long enough for the conductor to take a message it has.
SETTLE_SECONDS = 3.0


class UpstreamTroveTestCase(base.TestCase):
    """Uses the test process's upstream Trove deployment."""

    def setUp(self):
        super().setUp()
        self.trove = upstream_trove.shared()
        self.workdir = self.useFixture(fixtures.TempDir()).path
        self.keys = []
        self.addCleanup(self._assert_no_key_logged)
        self.add_secret(self.trove.auth_token)

    def new_instance(self, **options):
        """A new instance of Trove's; its id and guest_info.conf path."""
        path = os.path.join(self.workdir,
                            'guest_info-%d.conf' % len(self.keys))
        instance_id = self.trove.create_instance(path, **options)
        key = upstream_trove.guest_info(path).get('instance_rpc_encr_key')
        self.keys.append(key)
        self.add_secret(key)
        return instance_id, path

    def _assert_no_key_logged(self):
        text = (self.trove.conductor_log() + self.trove.driver_log() +
                self.trove.driver_output())
        # assertNotIn would print the key itself when it fails.
        leaked = [index for index, key in enumerate(self.keys)
                  if key and key in text]
        self.assertEqual([], leaked, 'instance keys reached a Trove log')

    def assert_call_error(self, class_name, fragment, call, *args, **kwargs):
        error = self.assertRaises(upstream_trove.UpstreamCallError, call,
                                  *args, **kwargs)
        self.assertEqual(class_name, error.class_name, error)
        self.assertIn(fragment, error.message)
        return error


class GuestInfoTest(UpstreamTroveTestCase):

    def test_guest_info_holds_what_trove_injects(self):
        instance_id, path = self.new_instance(tenant_id='tenant-a')
        values = upstream_trove.guest_info(path)
        self.assertEqual(instance_id, values['guest_id'])
        self.assertEqual('mongodb', values['datastore_manager'])
        self.assertEqual('7.0', values['datastore_version'])
        self.assertEqual('tenant-a', values['tenant_id'])
        key = values['instance_rpc_encr_key']
        # Compared without showing it: a failure must not print the key.
        self.assertEqual(32, len(key))
        self.assertTrue(set(key) <= KEY_CHARACTERS,
                        'the key is not of Trove\'s characters')
        self.assertEqual(0o600, stat.S_IMODE(os.stat(path).st_mode))

    def test_each_instance_has_a_key_of_its_own(self):
        self.new_instance()
        self.new_instance()
        self.assertNotEqual(self.keys[0], self.keys[1],
                            'two instances got one key')

    def test_instance_without_secure_rpc_has_no_key(self):
        _instance_id, path = self.new_instance(secure=False)
        self.assertNotIn('instance_rpc_encr_key',
                         upstream_trove.guest_info(path))


class ConductorTest(UpstreamTroveTestCase):

    def test_heartbeat_sets_the_status_trove_reads(self):
        instance_id, _path = self.new_instance()
        self.assertEqual('new',
                         self.trove.instance_status(instance_id)['status'])
        self.trove.fake_heartbeat(instance_id, 'healthy')
        status = self.trove.wait_for_status(instance_id, 'healthy')
        self.assertEqual('HEALTHY', status['api_status'])
        self.assertTrue(status['uptodate'])
        self.trove.fake_heartbeat(instance_id, 'shutdown')
        status = self.trove.wait_for_status(instance_id, 'shutdown')
        self.assertEqual('SHUTDOWN', status['api_status'])

    def test_heartbeat_under_another_key_changes_nothing(self):
        instance_id, _path = self.new_instance()
        mark = len(self.trove.conductor_log())
        self.trove.fake_heartbeat(instance_id, 'healthy', encryption='wrong')
        # Trove's conductor fails to decrypt the arguments.
        self.trove.wait_for_conductor_log(
            'ERROR oslo_messaging.rpc.server',
            'Exception during message handling', since=mark)
        self.assertEqual('new',
                         self.trove.instance_status(instance_id)['status'])

    def test_the_conductor_process_writes_the_status(self):
        instance_id, _path = self.new_instance()
        self.trove.conductor.stop()
        self.addCleanup(self.trove.conductor.start)
        self.trove.fake_heartbeat(instance_id, 'healthy')
        time.sleep(SETTLE_SECONDS)
        self.assertEqual('new',
                         self.trove.instance_status(instance_id)['status'])
        # The heartbeat waited on the conductor's topic.
        self.trove.conductor.start()
        self.trove.wait_for_status(instance_id, 'healthy')

    def test_successful_outcome_reaches_the_conductor(self):
        instance_id, _path = self.new_instance()
        request_id = self.trove.fake_outcome(instance_id)['request_id']
        line = self.trove.wait_for_conductor_log(
            NOTIFICATION + 'dbaas.database_create.end', request_id)
        self.assertIn('"server_type": "guest"', line)
        self.assertIsNone(self.trove.instance_fault(instance_id))

    def test_failed_outcome_reaches_the_conductor(self):
        instance_id, _path = self.new_instance()
        outcome = self.trove.fake_outcome(
            instance_id, failure='Database name "x.y" is not valid')
        request_id = outcome['request_id']
        self.trove.wait_for_conductor_log(
            'ERROR trove.conductor.manager',
            'Guest exception on request %s' % request_id)
        self.trove.wait_for_conductor_log(
            NOTIFICATION + 'dbaas.database_create.error', request_id)
        fault = self.trove.wait_for_fault(instance_id)
        self.assertEqual('Database name "x.y" is not valid',
                         fault['message'])
        self.assertIn('Server type: guest', fault['details'])


class TroveApiTest(UpstreamTroveTestCase):

    def test_trove_refuses_database_commands_for_mongodb(self):
        instance_id, _path = self.new_instance()
        self.trove.fake_heartbeat(instance_id, 'healthy')
        self.trove.wait_for_status(instance_id, 'healthy')
        self.assert_call_error(
            'UnprocessableEntity', 'Operation not supported for datastore '
            'mongodb', self.trove.datastore_check, instance_id)

    def test_trove_s_api_refuses_a_mongodb_database_create(self):
        instance_id, _path = self.new_instance()
        self.trove.fake_heartbeat(instance_id, 'healthy')
        self.trove.wait_for_status(instance_id, 'healthy')
        mark = len(self.trove.driver_log())
        self.assert_call_error(
            'UnprocessableEntity', 'Operation not supported for datastore '
            'mongodb', self.trove.database_create, instance_id, ['db1'],
            check_datastore=True)
        # The API reports the refusal itself; nothing reaches the guest.
        line = self.trove.driver.wait_for_log(
            NOTIFICATION + 'dbaas.database_create.error', since=mark,
            timeout=10.0)
        self.assertIn('"server_type": "api"', line)

    def test_trove_checks_a_mysql_instance_is_running(self):
        instance_id, _path = self.new_instance(datastore='mysql',
                                               manager='mysql')
        self.assert_call_error('UnprocessableEntity', 'is not ready',
                               self.trove.datastore_check, instance_id)
        self.trove.fake_heartbeat(instance_id, 'healthy')
        self.trove.wait_for_status(instance_id, 'healthy')
        self.assertTrue(self.trove.datastore_check(instance_id))

    def test_a_call_nobody_answers_times_out(self):
        instance_id, _path = self.new_instance()
        self.assert_call_error('GuestTimeout', 'Timeout',
                               self.trove.call, instance_id, 'rpc_ping',
                               timeout=2)

    def test_only_methods_of_trove_s_guest_api(self):
        instance_id, _path = self.new_instance()
        self.assert_call_error('RequestError', 'no_such_method',
                               self.trove.api, instance_id, 'no_such_method')
