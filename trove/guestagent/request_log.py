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

"""How the guest agent names a request's databases and users in its logs.

create and delete arrive as casts, whose caller does not wait for the
outcome: the Manager logs each request's databases before it acts, and the
RPC endpoint logs them again when the request fails. The arguments are
logged before they are validated, so nothing here may raise, whatever a
caller sent. A user payload holds a password: only its name is taken,
and anything that is not a payload shows as ``'?'``.
"""


def payload_name(payload):
    """The database name of a payload, for a log line."""
    return payload.get('_name') if isinstance(payload, dict) else payload


def payload_names(payloads):
    """The database names of a batch, for a log line."""
    if not isinstance(payloads, (list, tuple)):
        payloads = [payloads]
    return [payload_name(payload) for payload in payloads]


def user_name(payload):
    """The user name of a payload (either shape), for a log line."""
    if not isinstance(payload, dict):
        return '?'
    name = payload.get('_name', payload.get('name', '?'))
    return name if isinstance(name, str) else '?'


def user_names(payloads):
    """The user names of a batch, for a log line."""
    if not isinstance(payloads, (list, tuple)):
        payloads = [payloads]
    return [user_name(payload) for payload in payloads]
