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

import oslo_messaging as messaging

from trove.common import exception


class Refusal:
    """What the endpoint runs for a refused operation; named after it."""

    def __init__(self, operation, datastore):
        self.__name__ = operation
        self.datastore = datastore

    def __call__(self, context, **arguments):
        raise exception.DatastoreOperationNotSupported(
            operation=self.__name__, datastore=self.datastore)


def _refusal(operation):
    @messaging.expose
    def refuse(self, context, **arguments):
        return self._serve(Refusal(operation, self.datastore), context,
                           arguments)

    refuse.__name__ = operation
    refuse.__doc__ = 'Refuse %s: this guest agent does not support it.' % (
        operation)
    return refuse


class UnsupportedOperations:
    """The rest of Trove's guest API, each operation refused.

    The RPC endpoint derives from it, after the operations it serves.
    Together they are the RPC methods of Trove 26.0.0's guest API
    (trove/guestagent/api.py), with those of its MongoDB cluster guest API
    (trove/common/strategies/cluster/experimental/mongodb/guestagent.py).
    A refusal is served as every request is: ``_serve`` logs it and
    reports it to trove-conductor; ``datastore`` names the datastore.
    """

    # Instance life cycle
    restart = _refusal('restart')
    stop_db = _refusal('stop_db')
    get_diagnostics = _refusal('get_diagnostics')
    get_hwinfo = _refusal('get_hwinfo')
    mount_volume = _refusal('mount_volume')
    unmount_volume = _refusal('unmount_volume')
    resize_fs = _refusal('resize_fs')
    upgrade = _refusal('upgrade')
    pre_upgrade = _refusal('pre_upgrade')
    post_upgrade = _refusal('post_upgrade')
    rebuild = _refusal('rebuild')
    update_guest = _refusal('update_guest')

    # Root
    disable_root = _refusal('disable_root')
    get_root_password = _refusal('get_root_password')

    # Configuration
    start_db_with_conf_changes = _refusal('start_db_with_conf_changes')
    reset_configuration = _refusal('reset_configuration')
    update_overrides = _refusal('update_overrides')
    apply_overrides = _refusal('apply_overrides')

    # Backups and replication
    create_backup = _refusal('create_backup')
    pre_create_backup = _refusal('pre_create_backup')
    post_create_backup = _refusal('post_create_backup')
    backup_required_for_replication = _refusal(
        'backup_required_for_replication')
    get_replication_snapshot = _refusal('get_replication_snapshot')
    attach_replica = _refusal('attach_replica')
    attach_replication_slave = _refusal('attach_replication_slave')
    detach_replica = _refusal('detach_replica')
    make_read_only = _refusal('make_read_only')
    enable_as_master = _refusal('enable_as_master')
    get_replica_context = _refusal('get_replica_context')
    demote_replication_master = _refusal('demote_replication_master')
    get_last_txn = _refusal('get_last_txn')
    get_latest_txn_id = _refusal('get_latest_txn_id')
    get_txn_count = _refusal('get_txn_count')
    wait_for_txn = _refusal('wait_for_txn')
    cleanup_source_on_replica_detach = _refusal(
        'cleanup_source_on_replica_detach')

    # SSL
    ssl_show = _refusal('ssl_show')
    ssl_action = _refusal('ssl_action')
    ssl_rollback = _refusal('ssl_rollback')

    # Logs and modules
    guest_log_list = _refusal('guest_log_list')
    guest_log_action = _refusal('guest_log_action')
    module_list = _refusal('module_list')
    module_apply = _refusal('module_apply')
    module_remove = _refusal('module_remove')

    # MongoDB clusters
    add_shard = _refusal('add_shard')
    add_members = _refusal('add_members')
    add_config_servers = _refusal('add_config_servers')
    cluster_complete = _refusal('cluster_complete')
    get_key = _refusal('get_key')
    get_replica_set_name = _refusal('get_replica_set_name')
    prep_primary = _refusal('prep_primary')
    create_admin_user = _refusal('create_admin_user')
    store_admin_password = _refusal('store_admin_password')
    get_admin_password = _refusal('get_admin_password')
    is_shard_active = _refusal('is_shard_active')
