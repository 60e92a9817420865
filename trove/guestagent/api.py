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

"""The caller side of the guest agent's RPC API, as Trove's taskmanager has it.

It sends exactly what Trove sends: on the ``trove`` exchange, topic
``guestagent.<guest_id>``, the request context as a dict, everything
encrypted with the instance's key (``[DEFAULT] instance_rpc_encr_key``)
when one is configured; ``create_database``, ``delete_database``,
``create_user``, ``delete_user``, ``change_passwords``,
``update_attributes`` (1.0) and ``prepare`` (1.1) as casts, and the
listings, the access and root requests, ``rpc_ping`` and
``get_volume_info`` as calls (1.0) that wait at most ``[DEFAULT]
agent_call_low_timeout`` seconds.

A cast returns once the message is on the bus: whether it succeeded shows
in the agent's log (a failure at ERROR, a success at DEBUG), to
trove-conductor when the context carries Trove's notification, and, for
databases, in the next list. A call
raises the agent's own error (``MongoDBConnectionError``,
``InvalidDatabaseRequest``, ``DatastoreOperationNotSupported``, ...) with
its message, ``GuestTimeout`` when the agent does not answer in time, and
``GuestError`` for any other failure on the agent's side.

An operator's command needs the outcome that a cast cannot give: it asks
with :meth:`API.outcome`, Trove's method sent as a call, which Trove never
sends. Trove's casts stay exactly as Trove sends them. With
``require_queue``, a call that no queue takes (no agent ever listened for
the instance on this message bus) fails at once with
``GuestNotListening`` instead of waiting out its timeout.
"""

from oslo_log import log as logging
import oslo_messaging as messaging

from trove.common import cfg
from trove.common import context as trove_context
from trove.common import exception
from trove.common.i18n import _
from trove.common import rpc
from trove.common import secure_rpc

CONF = cfg.CONF
LOG = logging.getLogger(__name__)


class API:
    """Sends Trove's guest API requests to the agent of one instance.

    :param context: the request context to send, or ``None`` for an
        operator's admin context.
    :param guest_id: the instance's ID, the agent's ``[DEFAULT] guest_id``.
    :param retry: how often to retry an unreachable message bus: ``None``
        retries without end, as Trove does; an operator's command passes a
        small number.
    :param require_queue: refuse a call at once when the broker has no
        queue for it (``GuestNotListening``); an operator's command asks
        for it, Trove does not.
    """

    API_BASE_VERSION = rpc.BASE_VERSION
    PREPARE_VERSION = '1.1'

    def __init__(self, context, guest_id, retry=None, require_queue=False,
                 in_clear=False):
        self.context = (context if context is not None
                        else trove_context.admin_context())
        self.id = guest_id
        self.target = messaging.Target(topic=rpc.topic(guest_id),
                                       version=rpc.RPC_API_VERSION)
        # An operator's --no-key: the instance has no key, whatever the
        # sender's files hold.
        self._key = None if in_clear else rpc.instance_key()
        self.client = rpc.get_client(self.target, retry=retry,
                                     key=self._key)
        # Only an operator's calls carry options: Trove's go as Trove
        # sends them.
        self._call_options = (
            {'transport_options': messaging.TransportOptions(
                at_least_once=True)} if require_queue else {})

    @property
    def agent_low_timeout(self):
        return CONF.agent_call_low_timeout

    def _call(self, method_name, timeout_sec, **kwargs):
        LOG.debug('Calling %(method)s on guest %(guest)s.',
                  {'method': method_name, 'guest': self.id})
        cctxt = self.client.prepare(version=self.API_BASE_VERSION,
                                    timeout=timeout_sec,
                                    **self._call_options)
        try:
            result = cctxt.call(self.context, method_name, **kwargs)
        except messaging.MessageUndeliverable as exc:
            raise exception.GuestNotListening(
                guest_id=self.id, topic=self.target.topic,
                exchange=CONF.control_exchange) from exc
        except exception.TroveError as exc:
            LOG.debug('Guest %(guest)s failed %(method)s: %(error)s',
                      {'guest': self.id, 'method': method_name,
                       'error': exc})
            raise exc.as_raised() from None
        except messaging.MessagingTimeout as exc:
            raise exception.GuestTimeout(
                guest_id=self.id, method=method_name, timeout=timeout_sec,
                topic=self.target.topic,
                exchange=CONF.control_exchange) from exc
        except messaging.RemoteError as exc:
            raise exception.GuestError(
                guest_id=self.id, method=method_name,
                reason='%s: %s' % (exc.exc_type, exc.value)) from exc
        if isinstance(result, secure_rpc.Unreadable):
            raise exception.GuestError(
                guest_id=self.id, method=method_name,
                reason=_('its answer does not decrypt with the instance '
                         'key configured here (%s)') % result.reason)
        return result

    def _cast(self, method_name, version=API_BASE_VERSION, **kwargs):
        LOG.debug('Casting %(method)s to guest %(guest)s.',
                  {'method': method_name, 'guest': self.id})
        cctxt = self.client.prepare(version=version)
        cctxt.cast(self.context, method_name, **kwargs)

    def _create_guest_queue(self):
        """Declare the agent's queue, so that a cast before it starts waits.

        As Trove does before ``prepare``: start and stop a server on the
        agent's target. Nothing is served: the queue stays, with what is
        sent to it, for the agent.
        """
        target = messaging.Target(topic=self.target.topic, server=self.id,
                                  version=self.API_BASE_VERSION)
        server = rpc.get_server(target, [], key=self._key)
        server.start()
        try:
            server.stop()
        finally:
            server.wait()

    def rpc_ping(self, timeout=None):
        """Call: ``True`` from an agent that takes requests.

        :param timeout: seconds to wait, ``agent_call_low_timeout`` by
            default.
        """
        return self._call('rpc_ping', timeout or self.agent_low_timeout)

    def get_volume_info(self):
        """Call: the figures of the instance's data volume."""
        return self._call('get_filesystem_stats', self.agent_low_timeout,
                          fs_path=None)

    def create_database(self, databases):
        """Cast: create each database of ``databases`` (payload dicts)."""
        self._cast('create_database', databases=databases)

    def list_databases(self, limit=None, marker=None, include_marker=False):
        """Call: ``(payloads, next_marker)``, one page of the databases."""
        return self._call('list_databases', self.agent_low_timeout,
                          limit=limit, marker=marker,
                          include_marker=include_marker)

    def delete_database(self, database):
        """Cast: delete the database of payload ``database``."""
        self._cast('delete_database', database=database)

    # Users, access and root, as Trove's guest API sends them (1.0). Trove
    # waits longer (agent_call_high_timeout) for list_users and the root
    # calls; this caller has the low timeout only, which the agent keeps.

    def create_user(self, users):
        """Cast: create each user of ``users`` (payloads with passwords)."""
        self._cast('create_user', users=users)

    def delete_user(self, user):
        """Cast: delete the user of payload ``user``."""
        self._cast('delete_user', user=user)

    def get_user(self, username, hostname='%'):
        """Call: the user's payload, or ``None``."""
        return self._call('get_user', self.agent_low_timeout,
                          username=username, hostname=hostname)

    def list_users(self, limit=None, marker=None, include_marker=False):
        """Call: ``(payloads, next_marker)``, one page of the users."""
        return self._call('list_users', self.agent_low_timeout,
                          limit=limit, marker=marker,
                          include_marker=include_marker)

    def change_passwords(self, users):
        """Cast: ``users`` are ``{'name', 'host', 'password'}``."""
        self._cast('change_passwords', users=users)

    def update_attributes(self, username, hostname, user_attrs):
        """Cast: change the user's ``name``, ``password`` or ``host``."""
        self._cast('update_attributes', username=username,
                   hostname=hostname, user_attrs=user_attrs)

    def grant_access(self, username, hostname, databases):
        """Call: give the user readWrite on ``databases`` (names)."""
        return self._call('grant_access', self.agent_low_timeout,
                          username=username, hostname=hostname,
                          databases=databases)

    def revoke_access(self, username, hostname, database):
        """Call: take the user's access to ``database`` (a name)."""
        return self._call('revoke_access', self.agent_low_timeout,
                          username=username, hostname=hostname,
                          database=database)

    def list_access(self, username, hostname='%'):
        """Call: the payloads of the databases the user may use."""
        return self._call('list_access', self.agent_low_timeout,
                          username=username, hostname=hostname)

    def enable_root(self):
        """Call: the root user's payload, with a generated password."""
        return self._call('enable_root', self.agent_low_timeout)

    def enable_root_with_password(self, root_password=None):
        """Call: the root user's payload, with ``root_password``."""
        return self._call('enable_root_with_password',
                          self.agent_low_timeout,
                          root_password=root_password)

    def is_root_enabled(self):
        """Call: whether ``admin.root`` exists."""
        return self._call('is_root_enabled', self.agent_low_timeout)

    # An operator's requests: Trove's methods, as calls.

    def outcome(self, method, timeout, **arguments):
        """Call: ``method`` (a cast of Trove's, or a call), its answer.

        ``create_user`` answers ``{'created': [names]}``, ``delete_user``
        ``{'deleted': name}``.
        """
        return self._call(method, timeout, **arguments)

    def prepare(self, memory_mb, packages, databases, users,
                device_path='/dev/vdb', mount_point='/mnt/volume',
                backup_info=None, config_contents=None, root_password=None,
                overrides=None, cluster_config=None, snapshot=None,
                modules=None, ds_version=None):
        """Cast: prepare a new instance, with Trove's arguments."""
        self._create_guest_queue()
        self._cast('prepare', version=self.PREPARE_VERSION,
                   packages=packages.split(),
                   databases=databases, memory_mb=memory_mb, users=users,
                   device_path=device_path, mount_point=mount_point,
                   backup_info=backup_info, config_contents=config_contents,
                   root_password=root_password, overrides=overrides,
                   cluster_config=cluster_config, snapshot=snapshot,
                   modules=modules, ds_version=ds_version)
