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

"""Trove's guest API operations that a datastore's agent does not support.

Trove's taskmanager and API may send a guest agent any method of its guest
API. A method the agent lacks would answer oslo.messaging's bare "no such
method"; instead each one answers ``DatastoreOperationNotSupported``
naming the operation and the datastore, as upstream Trove's datastore
managers do for what their datastore cannot do.
"""

from trove.common import exception

# The RPC methods of Trove 26.0.0's guest API (trove/guestagent/api.py),
# with those of its MongoDB cluster guest API
# (trove/common/strategies/cluster/experimental/mongodb/guestagent.py). A
# Manager overrides the ones it implements.
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


def _refusal(operation):
    def refuse(self, context, *args, **kwargs):
        raise exception.DatastoreOperationNotSupported(
            operation=operation, datastore=self.MANAGER)

    refuse.__name__ = operation
    refuse.__doc__ = 'Refuse %s: this guest agent does not support it.' % (
        operation)
    return refuse


class UnsupportedOperations:
    """Trove's guest API, every operation refused.

    A Manager derives from it, names its datastore in ``MANAGER`` and
    overrides the operations it implements.
    """

    MANAGER = None
    # What the agent serves over RPC: these, and nothing else.
    OPERATIONS = frozenset(TROVE_GUEST_OPERATIONS)


for _operation in TROVE_GUEST_OPERATIONS:
    setattr(UnsupportedOperations, _operation, _refusal(_operation))
