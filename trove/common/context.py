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
keys plus its own (``limit``, ``marker``, ``service_catalog``,
``notification``, ...). The agent rebuilds an oslo.context
``RequestContext`` from the keys it knows and ignores the others, so any
Trove release can call it. The context carries the caller's
``auth_token``; oslo.context masks it in the values it gives to log
formatters, and :mod:`trove.common.log_filters` masks it anywhere else.
"""

from oslo_context import context
from oslo_log import log as logging

LOG = logging.getLogger(__name__)


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
    return context.RequestContext.from_dict(values)


def admin_context():
    """The context a caller without a user request (an operator) sends."""
    return context.RequestContext(is_admin=True, overwrite=False)
