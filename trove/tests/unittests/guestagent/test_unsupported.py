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

import oslo_messaging as messaging

from trove.common import exception
from trove.guestagent.datastore.experimental.mongodb import manager
from trove.guestagent import endpoint
from trove.guestagent import unsupported
from trove.tests import base

# The RPC methods of Trove 26.0.0's guest API (trove/guestagent/api.py),
# with those of its MongoDB cluster guest API
# (trove/common/strategies/cluster/experimental/mongodb/guestagent.py).
TROVE_GUEST_OPERATIONS = (
    # Instance life cycle
    'prepare', 'rpc_ping', 'restart', 'stop_db', 'get_diagnostics',
    'get_hwinfo', 'get_filesystem_stats', 'mount_volume', 'unmount_volume',
    'resize_fs', 'upgrade', 'pre_upgrade', 'post_upgrade', 'rebuild',
    'update_guest',
    # Databases
    'create_database', 'list_databases', 'delete_database',
    # Users and access
    'create_user', 'list_users', 'get_user', 'delete_user',
    'change_passwords', 'update_attributes', 'grant_access',
    'revoke_access', 'list_access',
    # Root
    'enable_root', 'enable_root_with_password', 'disable_root',
    'is_root_enabled', 'get_root_password',
    # Configuration
    'start_db_with_conf_changes', 'reset_configuration', 'update_overrides',
    'apply_overrides',
    # Backups and replication
    'create_backup', 'pre_create_backup', 'post_create_backup',
    'backup_required_for_replication', 'get_replication_snapshot',
    'attach_replica', 'attach_replication_slave', 'detach_replica',
    'make_read_only', 'enable_as_master', 'get_replica_context',
    'demote_replication_master', 'get_last_txn', 'get_latest_txn_id',
    'get_txn_count', 'wait_for_txn', 'cleanup_source_on_replica_detach',
    # SSL
    'ssl_show', 'ssl_action', 'ssl_rollback',
    # Logs and modules
    'guest_log_list', 'guest_log_action', 'module_list', 'module_apply',
    'module_remove',
    # MongoDB clusters
    'add_shard', 'add_members', 'add_config_servers', 'cluster_complete',
    'get_key', 'get_replica_set_name', 'prep_primary', 'create_admin_user',
    'store_admin_password', 'get_admin_password', 'is_shard_active',
)

IMPLEMENTED = {'create_database', 'list_databases', 'delete_database',
               'prepare', 'rpc_ping', 'get_filesystem_stats',
               'create_user', 'delete_user', 'get_user', 'list_users',
               'change_passwords', 'update_attributes', 'grant_access',
               'revoke_access', 'list_access', 'enable_root',
               'enable_root_with_password', 'is_root_enabled'}


def exposed(cls):
    """The names of the methods oslo.messaging may dispatch to on ``cls``."""
    return {name for name in dir(cls)
            if endpoint.ACCESS_POLICY().is_allowed(cls, name)}


class UnsupportedOperationsTest(base.TestCase):

    def test_every_other_trove_operation_answers_not_supported(self):
        served = endpoint.ManagerEndpoint(manager.Manager(admin=object()))
        refused = set(TROVE_GUEST_OPERATIONS) - IMPLEMENTED
        self.assertGreater(len(refused), 50)
        for operation in sorted(refused):
            answer = self.assertRaises(
                messaging.ExpectedException,
                getattr(served, operation), None, keyword=1)
            error = answer.exc_info[1]
            self.assertIs(exception.DatastoreOperationNotSupported,
                          type(error))
            self.assertEqual('The %s operation is not supported by the '
                             'mongodb guest agent.' % operation, str(error))

    def test_the_endpoint_serves_trove_s_guest_api_and_nothing_else(self):
        self.assertEqual(set(TROVE_GUEST_OPERATIONS),
                         exposed(endpoint.ManagerEndpoint))

    def test_the_refusals_are_the_operations_not_implemented(self):
        self.assertEqual(set(TROVE_GUEST_OPERATIONS) - IMPLEMENTED,
                         exposed(unsupported.UnsupportedOperations))

    def test_the_manager_implements_its_operations(self):
        for operation in IMPLEMENTED:
            self.assertTrue(callable(getattr(manager.Manager, operation)),
                            operation)

    def test_operations_are_listed_once(self):
        self.assertEqual(len(TROVE_GUEST_OPERATIONS),
                         len(set(TROVE_GUEST_OPERATIONS)))

    def test_refusals_are_named_after_their_operation(self):
        refuse = unsupported.UnsupportedOperations.get_key
        self.assertEqual('get_key', refuse.__name__)
        self.assertIn('get_key', refuse.__doc__)
