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

"""The guest agent's services: Trove's requests and the heartbeat.

The agent takes Trove's requests for one guest on topic
``guestagent.<guest_id>`` and, every ``report_interval`` seconds, sends
trove-conductor the datastore's status.
"""

import threading

from oslo_log import log as logging
import oslo_messaging as messaging
from oslo_service import backend
from oslo_service import loopingcall

from trove.common import cfg
from trove.common import rpc
from trove.guestagent import endpoint

CONF = cfg.CONF
LOG = logging.getLogger(__name__)


class GuestAgent:
    """Serves ``manager`` on topic ``guestagent.<guest_id>``.

    :meth:`stop` stops taking requests and heartbeats; the requests not
    yet taken stay queued on the message bus. :meth:`wait` lets the ones
    taken finish.
    """

    def __init__(self, manager, guest_id):
        self.guest_id = guest_id
        self.manager = manager
        self.endpoint = endpoint.ManagerEndpoint(manager)
        # Trove's own agent also names itself after the guest, so a
        # caller may address it as a server of the topic too.
        self.target = messaging.Target(topic=rpc.topic(guest_id),
                                       server=guest_id,
                                       version=rpc.RPC_API_VERSION)
        self._key = rpc.instance_key()
        self._server = rpc.get_server(
            self.target, [self.endpoint], key=self._key,
            access_policy=endpoint.ACCESS_POLICY)
        self._heartbeat = loopingcall.FixedIntervalLoopingCall(
            manager.report_status)

    @property
    def executor(self):
        return self._server.executor_type

    def start(self):
        if backend.get_backend_type() is not backend.BackendType.THREADING:
            # Chosen when trove is first imported, unless oslo.messaging
            # was imported before.
            raise RuntimeError(
                'oslo.service runs its %s backend in this process, whose '
                'heartbeat loop would never run; import trove before '
                'oslo.messaging.' % backend.get_backend_type().value)
        self._server.start()
        LOG.info('Guest agent %(guest)s is taking requests on topic '
                 '%(topic)s of exchange %(exchange)s at %(transport)s (RPC '
                 'API up to %(version)s, %(executor)s executor, messages '
                 '%(security)s, tenant %(tenant)s).',
                 {'guest': self.guest_id,
                  'tenant': CONF.tenant_id or 'not given',
                  'topic': self.target.topic,
                  'exchange': CONF.control_exchange,
                  'transport': rpc.describe_transport(),
                  'version': self.target.version,
                  'executor': self.executor,
                  'security': ('encrypted with the instance key'
                               if self._key else 'in clear, no instance key')})
        # A failed heartbeat must not end the ones after it: the next may
        # find the message bus back.
        self._heartbeat.start(interval=CONF.report_interval,
                              stop_on_exception=False)
        LOG.info('Heartbeats go to %(topic)s every %(interval)d s once '
                 'prepare has completed.',
                 {'topic': CONF.conductor_queue,
                  'interval': CONF.report_interval})

    def stop(self):
        """Stop taking requests and sending heartbeats."""
        self._heartbeat.stop()
        self._server.stop()
        LOG.info('Guest agent %(guest)s stopped taking requests; '
                 '%(count)d in flight.',
                 {'guest': self.guest_id, 'count': self.endpoint.in_flight})

    def wait(self, timeout=None):
        """Wait until the requests taken have finished.

        :param timeout: seconds, or ``None`` to wait without limit.
        :returns: ``True`` when they all finished in time.
        """
        requests_done = threading.Event()

        def wait_for_both():
            self._server.wait()
            requests_done.set()
            # A heartbeat under way still uses the MongoDB client, which
            # the process closes next.
            self._heartbeat.wait()

        # Neither RPCServer.wait() nor a looping call's has a timeout.
        waiter = threading.Thread(target=wait_for_both,
                                  name='guest-agent-wait', daemon=True)
        waiter.start()
        waiter.join(timeout)
        if waiter.is_alive():
            if requests_done.is_set():
                LOG.error('Guest agent %(guest)s: its last heartbeat still '
                          'ran %(timeout)s s after it stopped; exiting '
                          'without it.',
                          {'guest': self.guest_id, 'timeout': timeout})
            else:
                LOG.error('Guest agent %(guest)s: %(count)d requests still '
                          'ran %(timeout)s s after it stopped taking '
                          'requests; exiting without them, their outcome '
                          'is unknown.',
                          {'guest': self.guest_id, 'timeout': timeout,
                           'count': self.endpoint.in_flight})
            return False
        LOG.info('Guest agent %s finished every request it had taken.',
                 self.guest_id)
        return True
