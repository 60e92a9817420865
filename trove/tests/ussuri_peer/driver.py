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

"""Trove 13.0.0 (Ussuri)'s own classes, driven for the tenant-path tests.

Runs only with the interpreter of the ``.trove-ussuri`` venv, where
``trove`` is upstream Trove 13.0.0, never this project; the harness
(``trove/tests/tenant_trove.py``) starts it with a clean environment::

    .trove-ussuri/bin/python driver.py TROVE_CONF LOG_FILE

It answers one JSON request a line on stdin with one JSON line on stdout
(``peer_modules/peer_protocol.py``), as the Trove 26 driver does. It
does what Trove's taskmanager does for a new instance, with Trove's own
code: the instance row (its RPC key made and stored by Trove), the
``guest_info.conf`` that Trove injects, and the ``prepare`` cast; and it
reads the instance's service status as Trove's API does. The tenant's
commands themselves go through trove-api, never through here.

The instance keys never reach stdout, stderr or the log: the log stays at
INFO, since Trove logs a new instance's key at DEBUG.
"""

import os
import sys

# Trove's own services run monkey-patched by eventlet.
import trove.cmd  # noqa: F401

import peer_protocol  # noqa: E402

from trove.common import cfg  # noqa: E402
from trove.common.context import TroveContext  # noqa: E402
from trove.common import template  # noqa: E402
from trove.datastore import models as datastore_models  # noqa: E402
from trove.db import get_db_api  # noqa: E402
from trove.guestagent import api as guest_api  # noqa: E402
from trove.instance import models as instance_models  # noqa: E402
from trove.instance.tasks import InstanceTasks  # noqa: E402

CONF = cfg.CONF


def _context(db_info):
    return TroveContext(user='taskmanager', tenant=db_info.tenant_id,
                        is_admin=True)


def _instance(instance_id):
    return instance_models.DBInstance.find_by(id=instance_id, deleted=False)


def create_instance(guest_info_path, tenant_id, datastore='mongodb',
                    datastore_version='4.2', name='tenant-instance',
                    flavor_id='stand-in', volume_size=1):
    """An ACTIVE instance row, as Trove's API and taskmanager leave it.

    Writes the instance's guest_info.conf, from Trove's own
    ``get_injected_files``, to ``guest_info_path`` (mode 0600: it holds
    the key).
    """
    datastore_row, version_row = datastore_models.get_datastore_version(
        datastore, datastore_version)
    db_info = instance_models.DBInstance.create(
        name=name, flavor_id=flavor_id, tenant_id=tenant_id,
        volume_size=volume_size, datastore_version_id=version_row.id,
        compute_instance_id='server-%s' % name,
        task_status=InstanceTasks.NONE)
    instance_models.InstanceServiceStatus.create(
        instance_id=db_info.id,
        status=instance_models.tr_instance.ServiceStatuses.NEW)
    instance = instance_models.FreshInstance(
        _context(db_info), db_info, None,
        instance_models.InstanceServiceStatus.find_by(
            instance_id=db_info.id))
    files = instance.get_injected_files(version_row.manager)
    guest_info = os.path.join(CONF.injected_config_location, CONF.guest_info)
    descriptor = os.open(guest_info_path,
                         os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, 'w') as stream:
        stream.write(files[guest_info])
    return {'instance_id': db_info.id,
            'keyed': db_info.encrypted_key is not None}


def prepare(instance_id, databases=(), memory_mb=2048):
    """``prepare`` as Trove 13's taskmanager casts it (RPC 1.0)."""
    db_info = _instance(instance_id)
    version_row = datastore_models.DatastoreVersion.load_by_uuid(
        db_info.datastore_version_id)
    flavor = {'id': db_info.flavor_id, 'ram': memory_mb}
    config = template.SingleInstanceConfigTemplate(version_row, flavor,
                                                   instance_id)
    schemas = [{'_name': name, '_character_set': None, '_collate': None}
               for name in databases]
    manager = version_row.manager
    guest = guest_api.API(_context(db_info), instance_id)
    guest.prepare(memory_mb, version_row.packages, schemas, [],
                  device_path=CONF.get(manager).device_path,
                  mount_point=CONF.get(manager).mount_point,
                  backup_info=None, config_contents=config.render(),
                  root_password=None, overrides={}, cluster_config=None,
                  snapshot=None, modules=[])
    return True


def instance_status(instance_id):
    """The instance's service status, read with Trove's own model."""
    status = instance_models.InstanceServiceStatus.find_by(
        instance_id=instance_id)
    return {'status': status.get_status().description,
            'updated_at': status.updated_at.isoformat()}


OPERATIONS = {
    'create_instance': create_instance,
    'prepare': prepare,
    'instance_status': instance_status,
}


def main(argv):
    peer_protocol.run(argv, OPERATIONS, get_db_api().configure_db)


if __name__ == '__main__':
    main(sys.argv)
