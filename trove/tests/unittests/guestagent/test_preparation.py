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
from unittest import mock

import fixtures

from trove.guestagent.datastore.experimental.mongodb import exceptions
from trove.tests.unittests.guestagent import stand_ins

ROOT_PASSWORD = 'root-pw-7c1'


def trove_prepare_arguments(**overrides):
    """The keyword arguments Trove's taskmanager casts prepare with."""
    arguments = dict(
        packages=['mongodb-server'], databases=[{'_name': 'sales'}],
        memory_mb=2048, users=[{'_name': 'app', '_password': ROOT_PASSWORD}],
        device_path='/dev/vdb', mount_point='/var/lib/mongodb',
        backup_info=None, config_contents='net:\n  port: 27017\n',
        root_password=ROOT_PASSWORD, overrides={}, cluster_config=None,
        snapshot=None, modules=[], ds_version='7.0')
    arguments.update(overrides)
    return arguments


class PrepareTest(stand_ins.ManagerTestCase):

    def setUp(self):
        super().setUp()
        self.marker = os.path.join(
            self.useFixture(fixtures.TempDir()).path, 'state', 'prepared')
        self.conf.config(prepare_marker_file=self.marker)
        self.add_secret(ROOT_PASSWORD)

    def test_databases_go_through_the_create_path(self):
        self.admin.create_database.return_value = {'created': [],
                                                   'existed': ['sales']}
        self.manager.prepare(None, **trove_prepare_arguments())
        self.admin.create_database.assert_called_once_with(
            [{'_name': 'sales'}])
        # Once per instance, at the level upstream's agents use for it.
        self.assert_logged('INFO', "Prepare made sure databases ['sales'] "
                                   "exist")

    def test_the_rest_is_logged_as_skipped_by_name_only(self):
        self.manager.prepare(None, **trove_prepare_arguments())
        self.assert_logged('INFO', 'prepare (datastore version 7.0)',
                           'installing packages', 'mounting the data volume',
                           'writing the MongoDB configuration',
                           'starting MongoDB')
        self.assertNotIn('creating users', self.logs.output)
        self.assertNotIn('enabling root', self.logs.output)
        self.assertNotIn('restoring a backup', self.logs.output)
        self.assertNotIn('port: 27017', self.logs.output)

    def test_users_are_created_after_the_databases(self):
        self.admin.create_users.return_value = {'created': ['app']}
        self.manager.prepare(None, **trove_prepare_arguments())
        self.assertEqual(
            ['create_database', 'create_users'],
            [call[0] for call in self.admin.mock_calls
             if call[0] in ('create_database', 'create_users')])
        self.admin.create_users.assert_called_once_with(
            [{'_name': 'app', '_password': ROOT_PASSWORD}])
        self.assert_logged('INFO', "Prepare created users ['app']")

    def test_root_is_enabled_last_with_trove_s_password(self):
        self.manager.prepare(None, **trove_prepare_arguments())
        self.assertEqual(
            ['create_database', 'create_users', 'enable_root'],
            [call[0] for call in self.admin.mock_calls
             if call[0] in ('create_database', 'create_users',
                            'enable_root')])
        self.admin.enable_root.assert_called_once_with(ROOT_PASSWORD)
        self.assert_logged('INFO', 'Prepare enabled root')

    def test_root_is_left_alone_without_a_password_or_with_a_backup(self):
        self.manager.prepare(None, **trove_prepare_arguments(
            root_password=None))
        self.manager.prepare(None, **trove_prepare_arguments(
            backup_info={'id': 'b1'}))
        self.admin.enable_root.assert_not_called()

    def test_no_databases_creates_nothing(self):
        self.manager.prepare(None, **trove_prepare_arguments(databases=[]))
        self.manager.prepare(None, packages=[])
        self.admin.create_database.assert_not_called()

    def test_arguments_of_later_releases_are_accepted(self):
        self.manager.prepare(None, **trove_prepare_arguments(
            image_version='1.2', users=None))
        self.assert_logged('INFO', 'ignored arguments unknown to this '
                                   'plugin: image_version')
        self.admin.create_users.assert_not_called()

    def test_status_is_building_then_the_datastore_s_once_prepared(self):
        self.assertFalse(os.path.exists(self.marker))
        self.manager.prepare(None, **trove_prepare_arguments())
        self.assertTrue(os.path.exists(self.marker))
        self.assertEqual([mock.call.heartbeat('building'),
                          mock.call.heartbeat('healthy')],
                         self.conductor.mock_calls)

    def test_a_failed_create_still_completes_prepare(self):
        self.admin.create_database.side_effect = (
            exceptions.MongoDBUnreachable(host='h', port=1, timeout=1,
                                          operation='listDatabases',
                                          reason='down'))
        self.admin.check_access.side_effect = (
            self.admin.create_database.side_effect)
        self.assertRaises(exceptions.MongoDBConnectionError,
                          self.manager.prepare, None,
                          **trove_prepare_arguments())
        self.assertTrue(os.path.exists(self.marker))
        self.assertEqual([mock.call.heartbeat('building'),
                          mock.call.heartbeat('shutdown')],
                         self.conductor.mock_calls)
        self.assertNotIn('made sure', self.logs.output)

    def test_rpc_ping_answers_true(self):
        self.assertIs(True, self.manager.rpc_ping(None))
