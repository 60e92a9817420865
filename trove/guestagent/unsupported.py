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

# The RPC methods of Trove's guest API (trove/guestagent/api.py), with the
# MongoDB cluster methods of its MongoDB guest API. A Manager overrides the
# ones it implements.
TROVE_GUEST_OPERATIONS = (
    # Instance life cycle
    'prepare', 'rpc_ping', 'restart', 'stop_db', 'get_diagnostics',
    'get_filesystem_stats', 'mount_volume', 'unmount_volume', 'resize_fs',
    'upgrade', 'pre_upgrade', 'post_upgrade', 'rebuild',
    # Databases
    'create_database', 'list_databases', 'delete_database',
    # Users and access
    'create_user', 'list_users', 'get_user', 'delete_user',
    'change_passwords', 'update_attributes', 'grant_access',
    'revoke_access', 'list_access',
    # Root
    'enable_root', 'enable_root_with_password', 'disable_root',
    'is_root_enabled',
    # Configuration
    'start_db_with_conf_changes', 'reset_configuration', 'update_overrides',
    'apply_overrides',
    # Backups and replication
    'create_backup', 'backup_required_for_replication',
    'get_replication_snapshot', 'attach_replica', 'detach_replica',
    'make_read_only', 'enable_as_master', 'get_replica_context',
    'demote_replication_master', 'get_last_txn', 'get_latest_txn_id',
    'wait_for_txn', 'cleanup_source_on_replica_detach',
    # Logs and modules
    'guest_log_list', 'guest_log_action', 'module_list', 'module_apply',
    'module_remove',
    # MongoDB clusters
    'add_shard', 'add_members', 'add_config_servers', 'cluster_complete',
    'get_key', 'prep_primary', 'create_admin_user', 'store_admin_password',
    'get_admin_password', 'is_shard_active',
)


def _refusal(operation, datastore):
    def refuse(self, context, *args, **kwargs):
        raise exception.DatastoreOperationNotSupported(
            operation=operation, datastore=datastore)

    refuse.__name__ = operation
    refuse.__doc__ = ('Refuse %s: the %s guest agent does not support it.'
                      % (operation, datastore))
    return refuse


def unsupported_operations(datastore, operations=TROVE_GUEST_OPERATIONS):
    """A base class whose every operation refuses to run on ``datastore``.

    A Manager derives from it and overrides the operations it implements.
    """
    namespace = {name: _refusal(name, datastore) for name in operations}
    namespace['__doc__'] = ('Trove guest API operations the %s guest agent '
                            'does not support.' % datastore)
    return type('Unsupported%sOperations' % datastore.capitalize(),
                (object,), namespace)
