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

"""The request context of an RPC request, as Trove sends it.

Trove serializes its ``TroveContext`` with ``to_dict()``: oslo.context's
keys plus its own (``limit``, ``marker``, ``service_catalog``, and
``trove_notification`` when the request is one Trove reports on). The
agent rebuilds a :class:`RequestContext` from the keys it knows, keeps the
notification as Trove serialized it, and ignores the rest, so any Trove
release can call it. The context carries the caller's ``auth_token``;
oslo.context masks it in the values it gives to log formatters, and
:mod:`trove.common.log_filters` masks it anywhere else.
"""

from oslo_context import context
from oslo_log import log as logging

LOG = logging.getLogger(__name__)

NOTIFICATION_KEY = 'trove_notification'


class RequestContext(context.RequestContext):
    """oslo.context's request context, with Trove's notification.

    :param notification: the notification Trove serialized into the
        context (a dict), or ``None``. The agent hands it back to
        trove-conductor with the outcome of the request.

    ``unreadable`` is ``None``, or why the context that came with a request
    could not be read (:mod:`trove.common.secure_rpc`); such a request is
    refused.
    """

    def __init__(self, notification=None, **kwargs):
        super().__init__(**kwargs)
        self.notification = notification
        self.unreadable = None

    def to_dict(self):
        values = super().to_dict()
        if self.notification is not None:
            values[NOTIFICATION_KEY] = self.notification
        return values

    @classmethod
    def from_dict(cls, values, **kwargs):
        kwargs.setdefault('notification', values.get(NOTIFICATION_KEY))
        return super().from_dict(values, **kwargs)


def from_dict(values):
    """Rebuild the request context of an incoming request.

    The new context becomes the thread's current one, so the log lines of
    the request carry its request id.
    """
    if not isinstance(values, dict):
        # Only a caller that ignores oslo.messaging's conventions sends
        # this; the request is still served, without its identity.
        LOG.warning('Ignoring a request context of type %s: expected a '
                    'dict.', type(values).__name__)
        values = {}
    return RequestContext.from_dict(values)


def anonymous():
    """A context of no caller; it becomes the thread's current one.

    For a request whose own context cannot be read, so that its log lines
    carry a request id of their own rather than the previous request's.
    """
    return RequestContext()


def forget_current():
    """Unset the thread's current context once its request has ended.

    oslo.log stamps a record with the thread's current context; a pooled
    thread would otherwise stamp the next request's first lines, logged
    before that request's context is read, with this one's id and user.
    oslo.context sets the current context but has no call to unset it.
    """
    context._request_store.__dict__.pop('context', None)


def admin_context():
    """The context a caller without a user request (an operator) sends."""
    return RequestContext(is_admin=True, overwrite=False)
