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

"""Upstream Trove's own code as a test peer, driven over JSON lines.

Runs only with the interpreter of the ``.trove-upstream`` venv, where
``trove`` is upstream Trove (26.0.0), never this project: this folder is
no package of ours, and the harness (``trove/tests/upstream_trove.py``)
starts it with a clean environment::

    .trove-upstream/bin/python driver.py TROVE_CONF LOG_FILE

It answers one JSON request a line on stdin with one JSON line on stdout
(``peer_modules/peer_protocol.py``). Every operation goes through
Trove's own classes: its guest API with its key lookup, its conductor API
for a fake guest, its models for instance rows and statuses, its
notification classes for the context of a database create or delete.

The instance keys never reach stdout, stderr or the log: the log stays at
INFO, since Trove logs a new instance's key at DEBUG.
"""

import os
import sys

# Trove's own services (API, taskmanager, conductor) run monkey-patched by
# eventlet; the guest API and oslo.messaging behave as they do there.
import trove.cmd  # noqa: F401

from oslo_log import log as logging  # noqa: E402
from oslo_utils import timeutils  # noqa: E402
import peer_protocol  # noqa: E402

from trove.common import cfg  # noqa: E402
from trove.common import constants  # noqa: E402
from trove.common.context import TroveContext  # noqa: E402
from trove.common import crypto_utils  # noqa: E402
from trove.common.db import models as guest_models  # noqa: E402
from trove.common import exception  # noqa: E402
from trove.common import notification  # noqa: E402
from trove.common import template  # noqa: E402
from trove.conductor import api as conductor_api  # noqa: E402
from trove.datastore import models as datastore_models  # noqa: E402
from trove.db import get_db_api  # noqa: E402
from trove.extensions.common import common as extension_common  # noqa: E402
from trove.extensions.common import models as extension_models  # noqa: E402
from trove.guestagent import api as guest_api  # noqa: E402
from trove.instance import models as instance_models  # noqa: E402
from trove.instance import service_status  # noqa: E402
from trove.instance.tasks import InstanceTasks  # noqa: E402
from trove import rpc  # noqa: E402

CONF = cfg.CONF
RequestError = peer_protocol.RequestError
LOG = logging.getLogger('trove_upstream_driver')

# The datastore versions' registry_ext and repl_strategy columns may not
# be NULL, and Trove 26 has defaults only for mysql, mariadb and
# postgresql; an operator gives both to trove-manage for the others.
REGISTRY_EXT = ('trove.guestagent.datastore.experimental.mongodb.manager.'
                'Manager')
REPL_STRATEGY = 'none.none'
IMAGE_ID = '00000000-0000-0000-0000-000000000000'


class FakeRequest:
    """What Trove's API notifications read of the web request."""

    remote_addr = '127.0.0.1'
    host = 'trove-api.test'


def _context(instance, overrides):
    values = {'user_id': 'harness-user', 'project_id': instance.tenant_id,
              'is_admin': False}
    values.update(overrides or {})
    return TroveContext(**values)


def _instance(instance_id):
    return instance_models.DBInstance.find_by(id=instance_id, deleted=False)


def _datastore_version(datastore, version_name, manager):
    """The version row, made the way ``trove-manage`` makes it."""
    extra = {}
    if manager not in constants.REGISTRY_EXT_DEFAULTS:
        extra = {'registry_ext': REGISTRY_EXT,
                 'repl_strategy': REPL_STRATEGY}
    datastore_models.update_datastore(datastore, None)
    datastore_models.update_datastore_version(
        datastore, version_name, manager, IMAGE_ID, '', '', 1, **extra)
    datastore_models.update_datastore(datastore, version_name)
    return datastore_models.DatastoreVersion.load(
        datastore_models.Datastore.load(datastore), version_name)


def create_instance(guest_info_path, tenant_id='harness-tenant',
                    name='harness-instance', datastore='mongodb',
                    datastore_version='7.0', manager='mongodb', secure=True,
                    flavor_id='harness-flavor', volume_size=1):
    """An instance row as Trove's API makes it, and its guest_info.conf.

    The file holds what Trove's taskmanager injects into the instance,
    from Trove's own ``get_injected_files``.
    """
    version_row = _datastore_version(datastore, datastore_version, manager)
    # enable_secure_rpc_messaging decides, when the row is made, whether
    # the instance gets a key.
    CONF.set_override('enable_secure_rpc_messaging', secure)
    try:
        db_info = instance_models.DBInstance.create(
            name=name, flavor_id=flavor_id, tenant_id=tenant_id,
            volume_size=volume_size, datastore_version_id=version_row.id,
            task_status=InstanceTasks.BUILDING)
    finally:
        CONF.clear_override('enable_secure_rpc_messaging')
    status = instance_models.InstanceServiceStatus.create(
        instance_id=db_info.id, status=service_status.ServiceStatuses.NEW)
    instance = instance_models.FreshInstance(
        _context(db_info, None), db_info, None, status)
    files = instance.get_injected_files(manager, version_row.version)
    guest_info = os.path.join(CONF.injected_config_location, CONF.guest_info)
    # It holds the instance's key: readable by its owner only.
    descriptor = os.open(guest_info_path,
                         os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, 'w') as stream:
        stream.write(files[guest_info])
    return {'instance_id': db_info.id, 'tenant_id': tenant_id,
            'keyed': db_info.encrypted_key is not None}


def _guest(instance_id, context, encryption):
    """Trove's guest API for the instance, keyed as asked.

    ``instance``: the key from Trove's own lookup, as Trove sends;
    ``wrong``: another random key; ``none``: no encryption at all, as Trove
    talks to an instance that has no key.
    """
    guest = guest_api.API(context, instance_id)
    if encryption == 'instance':
        return guest
    if encryption == 'wrong':
        key = crypto_utils.generate_random_key()
    elif encryption == 'none':
        key = None
    else:
        raise RequestError('encryption must be instance, wrong or none, '
                           'not %r' % (encryption,))
    guest.client = rpc.get_client(guest.target, key=key,
                                  version_cap=guest.target.version)
    return guest


def api(instance_id, method, kwargs=None, context=None,
        encryption='instance'):
    """One public method of Trove's guest API, as its services call it."""
    ctx = _context(_instance(instance_id), context)
    guest = _guest(instance_id, ctx, encryption)
    if method.startswith('_') or not callable(getattr(guest, method, None)):
        raise RequestError('Trove 26 guest API has no method %r' % method)
    return getattr(guest, method)(**(kwargs or {}))


def rpc_message(instance_id, method, version='1.0', kwargs=None,
                cast=False, timeout=None, context=None,
                encryption='instance'):
    """Any RPC method at an explicit version, with Trove's own client."""
    ctx = _context(_instance(instance_id), context)
    guest = _guest(instance_id, ctx, encryption)
    kwargs = kwargs or {}
    if cast:
        return guest._cast(method, version, **kwargs)
    return guest._call(method, timeout or CONF.agent_call_low_timeout,
                       version, **kwargs)


def _api_notification(context, notification_class, **traits):
    """The notification Trove's API puts in a request's context."""
    context.notification = notification_class(context,
                                              request=FakeRequest())
    return notification.StartNotification(context, **traits)


def _listed(client, name):
    """Whether the guest lists ``name``, asked as Trove's API asks."""
    found, _marker = extension_models.Schemas.load_with_client(
        client, limit=1, marker=name, include_marker=True)
    return bool(found) and str(found[0].name) == str(name)


def database_create(instance_id, databases, precheck=True,
                    check_datastore=False, context=None,
                    encryption='instance'):
    """A database-create as Trove's API sends it, notification included.

    Trove's own request validation and notification, then what its
    ``Schema.create`` does: its datastore check, only with
    ``check_datastore`` (Trove 26 refuses MongoDB there, see
    :func:`datastore_check`); with ``precheck``, a ``list_databases`` for
    each name, refusing one that exists; and the cast.
    """
    db_info = _instance(instance_id)
    ctx = _context(db_info, context)
    names = '.'.join(database['name'] for database in databases)
    with _api_notification(ctx, notification.DBaaSDatabaseCreate,
                           instance_id=instance_id, dbname=names):
        schemas = extension_common.populate_validated_databases(databases)
        if check_datastore:
            datastore_check(instance_id, context)
        client = _guest(instance_id, ctx, encryption)
        for schema in schemas if precheck else ():
            if _listed(client, schema['_name']):
                raise exception.DatabaseAlreadyExists(name=schema['_name'])
        client.create_database(schemas)
    return {'request_id': ctx.request_id, 'databases': schemas}


def database_delete(instance_id, name, precheck=True, check_datastore=False,
                    context=None, encryption='instance'):
    """A database-delete as Trove's API sends it, notification included.

    As :func:`database_create`; ``precheck`` refuses a name the guest does
    not list.
    """
    ctx = _context(_instance(instance_id), context)
    with _api_notification(ctx, notification.DBaaSDatabaseDelete,
                           instance_id=instance_id, dbname=name):
        schema = guest_models.DatastoreSchema(name=name)
        schema.check_delete()
        if check_datastore:
            datastore_check(instance_id, context)
        client = _guest(instance_id, ctx, encryption)
        if precheck and not _listed(client, name):
            raise exception.DatabaseNotFound(uuid=name)
        client.delete_database(schema.serialize())
    return {'request_id': ctx.request_id}


def user_create(instance_id, users, context=None, encryption='instance'):
    """A user-create as Trove's API casts it, notification included.

    ``users``: serialized users, sent as they are (Trove 13's API builds
    them with its own models and validation; Trove 26's refuses MongoDB
    before it gets there), so that a test can send what the guest must
    refuse.
    """
    ctx = _context(_instance(instance_id), context)
    names = ', '.join(str(user.get('_name')) for user in users)
    with _api_notification(ctx, notification.DBaaSUserCreate,
                           instance_id=instance_id, username=names):
        _guest(instance_id, ctx, encryption).create_user(list(users))
    return {'request_id': ctx.request_id}


def prepare(instance_id, databases=(), users=(), memory_mb=2048,
            root_password=None, context=None):
    """``prepare`` as Trove's taskmanager casts it for a new instance.

    The context carries the instance-create notification the API started;
    the arguments are what the taskmanager builds, from Trove's own
    validation and configuration template.
    """
    db_info = _instance(instance_id)
    ctx = _context(db_info, context)
    version_row = datastore_models.DatastoreVersion.load_by_uuid(
        db_info.datastore_version_id)
    manager = version_row.manager
    flavor = {'id': db_info.flavor_id, 'ram': memory_mb}
    schemas = extension_common.populate_validated_databases(list(databases))
    user_list = extension_common.populate_users(
        list(users), [schema['_name'] for schema in schemas])
    config = template.SingleInstanceConfigTemplate(version_row, flavor,
                                                   instance_id)
    with _api_notification(
            ctx, notification.DBaaSInstanceCreate, name=db_info.name,
            flavor_id=db_info.flavor_id, datastore=version_row.datastore_name,
            datastore_version=version_row.name, image_id=IMAGE_ID,
            availability_zone=None,
            region_name=CONF.service_credentials.region_name, locality=None,
            volume_size=db_info.volume_size):
        # The API hands the request to the taskmanager, which hands it on.
        with notification.NotificationCastWrapper(ctx, 'taskmanager'):
            guest = guest_api.API(ctx, instance_id)
            guest.prepare(
                memory_mb, version_row.packages, schemas, user_list,
                device_path=CONF.get(manager).device_path,
                mount_point=CONF.get(manager).mount_point,
                backup_info=None, config_contents=config.render(),
                root_password=root_password, overrides={},
                cluster_config=None, snapshot=None, modules=[],
                ds_version=version_row.version)
    return {'request_id': ctx.request_id}


def datastore_check(instance_id, context=None):
    """Trove 26's API check before any database or user command.

    ``load_and_verify`` as it is, but with the instance loaded from
    Trove's database alone: there is no Nova or Neutron to ask here.
    """
    ctx = _context(_instance(instance_id), context)

    def load_without_nova(cls, context, id):
        db_info = instance_models.get_db_info(context, id)
        status = instance_models.InstanceServiceStatus.find_by(instance_id=id)
        return cls(context, db_info, None, status)

    original = instance_models.Instance.load
    instance_models.Instance.load = classmethod(load_without_nova)
    try:
        extension_models.load_and_verify(ctx, instance_id)
    finally:
        instance_models.Instance.load = original
    return True


def instance_status(instance_id):
    """The instance's service status, read with Trove's own model."""
    status = instance_models.InstanceServiceStatus.find_by(
        instance_id=instance_id)
    current = status.get_status()
    return {'status': current.description, 'api_status': current.api_status,
            'updated_at': status.updated_at.isoformat(),
            'uptodate': status.is_uptodate()}


def instance_fault(instance_id):
    """The fault the conductor saved for the instance, or None."""
    try:
        fault = instance_models.DBInstanceFault.find_by(
            instance_id=instance_id)
    except exception.ModelNotFoundError:
        return None
    return {'message': fault.message, 'details': fault.details}


def fake_guest(instance_id, method, payload=None, sent=None,
               encryption='instance', message=None, context=None,
               notification_class='DBaaSDatabaseCreate'):
    """Cast to the conductor as the instance's Trove guest would.

    Trove's own conductor API with the instance's key and guest_id:
    ``heartbeat`` with ``payload``; ``notify_end`` or ``notify_exc_info``
    (with ``message``) as Trove's guest ``EndNotification`` sends them for
    a request that carried an API notification of ``notification_class``.
    """
    db_info = _instance(instance_id)
    if encryption == 'instance':
        key = instance_models.get_instance_encryption_key(instance_id)
    elif encryption == 'wrong':
        key = crypto_utils.generate_random_key()
    else:
        raise RequestError('encryption must be instance or wrong, not %r'
                           % (encryption,))
    CONF.set_override('guest_id', instance_id)
    CONF.set_override('instance_rpc_encr_key', key)
    try:
        ctx = _context(db_info, context)
        if method == 'heartbeat':
            conductor_api.API(ctx).heartbeat(
                instance_id, payload,
                sent=sent if sent is not None else timeutils.utcnow_ts(
                    microsecond=True))
            return {'request_id': ctx.request_id}
        if method not in ('notify_end', 'notify_exc_info'):
            raise RequestError('fake_guest sends heartbeat, notify_end or '
                               'notify_exc_info, not %r' % (method,))
        with _api_notification(
                ctx, getattr(notification, notification_class),
                instance_id=instance_id, dbname='harness'):
            with notification.NotificationCastWrapper(ctx, 'guest'):
                # What the guest gets: the context off the wire.
                guest_ctx = TroveContext.from_dict(ctx.to_dict())
        try:
            with notification.EndNotification(guest_ctx):
                if method == 'notify_exc_info':
                    raise RequestError(message or 'harness failure')
        except RequestError:
            pass
        return {'request_id': ctx.request_id}
    finally:
        CONF.clear_override('instance_rpc_encr_key')
        CONF.clear_override('guest_id')


OPERATIONS = {
    'create_instance': create_instance,
    'api': api,
    'rpc': rpc_message,
    'database_create': database_create,
    'database_delete': database_delete,
    'user_create': user_create,
    'prepare': prepare,
    'datastore_check': datastore_check,
    'instance_status': instance_status,
    'instance_fault': instance_fault,
    'fake_guest': fake_guest,
}


def _configure_db(conf):
    # Trove 26 reads the options from its global configuration itself.
    get_db_api().configure_db()


def main(argv):
    peer_protocol.run(argv, OPERATIONS, _configure_db)


if __name__ == '__main__':
    main(sys.argv)
