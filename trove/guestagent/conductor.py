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

"""What the guest agent tells trove-conductor: heartbeats and outcomes.

Trove's conductor takes casts only, at version 1.0, on topic
``[DEFAULT] conductor_queue``: ``heartbeat`` with the datastore's status
word, and for a request that carried Trove's notification, ``notify_end``
or ``notify_exc_info``. With an instance key they go in the conductor's
envelope (:class:`~trove.common.secure_rpc.ConductorSerializer`).
"""

import time

from oslo_log import log as logging

from trove.common import cfg
from trove.common import context as trove_context
from trove.common import rpc

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

# Trove's status words (trove/instance/service_status.py). Only running
# and healthy count as a running datastore; Trove's API refuses database
# commands otherwise.
HEALTHY = 'healthy'
BUILDING = 'building'
SHUTDOWN = 'shutdown'
UNKNOWN = 'unknown'


class API:
    """Casts to trove-conductor on behalf of guest ``guest_id``."""

    def __init__(self, guest_id, key=None):
        self.guest_id = guest_id
        self._client = rpc.get_conductor_client(guest_id, key)

    def heartbeat(self, status):
        # The conductor drops a heartbeat older than the last it took, by
        # this sender's clock: the wall clock, as Trove's agents send.
        self._client.cast(trove_context.RequestContext(overwrite=False),
                          'heartbeat', instance_id=self.guest_id,
                          payload={'service_status': status},
                          sent=time.time())

    def notify_end(self, context):
        """The request of ``context`` succeeded.

        Its notification goes both in the context and as an argument, as
        Trove's conductor expects: it rebuilds it from each.
        """
        self._client.cast(context, 'notify_end',
                          serialized_notification=self._of_this_guest(
                              context.notification),
                          notification_args={})

    def notify_exc_info(self, context, error):
        """The request of ``context`` failed with ``error``.

        The conductor logs ``exception`` and puts it in the error
        notification; it gets the error's class and message, which say
        what went wrong, and never a traceback.
        """
        self._client.cast(context, 'notify_exc_info',
                          serialized_notification=self._of_this_guest(
                              context.notification),
                          message=str(error),
                          exception=['%s: %s' % (type(error).__name__,
                                                 error)])

    def _of_this_guest(self, notification):
        # Trove's agents name the instance in what they send back: a
        # prepare's notification is made before the instance has an id.
        return dict(notification, instance_id=self.guest_id)
