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

"""oslo.messaging plumbing shared by the guest agent and its callers.

Trove's services reach a guest agent on the ``trove`` exchange
(``[DEFAULT] control_exchange``), topic ``guestagent.<guest_id>``, with the
request context serialized as a dict, encrypted with the instance's key
when it has one (:mod:`trove.common.secure_rpc`). Trove's guest API is at
version 1.3: most methods go at 1.0, ``prepare`` at 1.1, backup hooks at
1.2 and SSL methods at 1.3; the agent serves them all. The agent sends
trove-conductor its heartbeats and outcomes at 1.0. Everything here is
built on the global ``oslo_config.cfg.CONF``: oslo.messaging registers
some of its options (tracing) there only.
"""

import threading

import oslo_messaging as messaging
from oslo_messaging import opts as messaging_opts

from trove.common import cfg
from trove.common import context as trove_context
from trove.common.i18n import _
from trove.common import secure_rpc

CONF = cfg.CONF

EXCHANGE = 'trove'
# The newest guest API version the agent serves; a server accepts any
# version from 1.0 up to it.
RPC_API_VERSION = '1.3'
# What callers send the database methods at, as Trove does.
BASE_VERSION = '1.0'
CONDUCTOR_VERSION = '1.0'
CONDUCTOR_RETRIES = 2
TOPIC_PREFIX = 'guestagent'

# Callers re-raise the project's own errors from these modules with their
# class and message, instead of a generic RemoteError.
ALLOWED_EXMODS = ['trove.common.exception',
                  'trove.guestagent.datastore.experimental.mongodb.exceptions']

_lock = threading.Lock()
_transport = None


def set_defaults():
    """Trove's defaults for oslo.messaging's options.

    Also the ``oslo.config.opts.defaults`` hook, so that the sample
    configuration shows them.
    """
    messaging.set_transport_defaults(control_exchange=EXCHANGE)


# Before any transport exists, and whoever imports this first: a caller
# that only imports the client API must still talk on Trove's exchange.
set_defaults()


def topic(guest_id):
    """The RPC topic of one guest agent, as Trove routes to it."""
    return '%s.%s' % (TOPIC_PREFIX, guest_id)


def register_opts(conf=CONF):
    """Register oslo.messaging's options in ``conf``, as a transport would.

    oslo.messaging registers them only as it builds the transport, after
    the start's check of every value has run; registered first, a bad
    value under ``[oslo_messaging_rabbit]`` is refused at start too.
    """
    for group, opts in messaging_opts.list_opts():
        conf.register_opts(opts, group=group)


def get_transport():
    """The process's RPC transport, built from ``[DEFAULT] transport_url``.

    One transport per process, as oslo.messaging recommends: it holds the
    connection pool. The agent and a caller in the same process share it,
    which is also what lets them talk over the in-process ``fake://``
    driver.
    """
    global _transport
    with _lock:
        if _transport is None:
            _transport = messaging.get_rpc_transport(
                CONF, allowed_remote_exmods=ALLOWED_EXMODS)
        return _transport


def cleanup():
    """Close the process's transport (at exit, or between tests)."""
    global _transport
    with _lock:
        if _transport is not None:
            _transport.cleanup()
            _transport = None


# The types JSON has, which oslo.serialization's to_primitive passes
# through unchanged.
_JSON_SCALARS = frozenset([str, int, float, bool, type(None)])


class _NotPlain(Exception):
    """A value holds something to_primitive must convert."""


def _plain_copy(value):
    """What ``to_primitive`` makes of ``value`` when it is plain JSON.

    Plain JSON is dicts, lists and tuples of exactly JSON's types, as every
    answer and argument of the guest API is: to_primitive then only copies
    the containers and turns tuples into lists. This does the same without
    to_primitive's checks of each value's type against every kind it
    converts (doc/source/contributor/benchmark.rst has the figures).

    :raises _NotPlain: for anything else (a subclass included), which the
        caller then hands to to_primitive itself.
    """
    kind = type(value)
    if kind in _JSON_SCALARS:
        return value
    if kind is dict:
        copy = {}
        for key, item in value.items():
            if type(key) not in _JSON_SCALARS:
                raise _NotPlain()
            copy[key] = (item if type(item) in _JSON_SCALARS
                         else _plain_copy(item))
        return copy
    if kind is list or kind is tuple:
        return [item if type(item) in _JSON_SCALARS else _plain_copy(item)
                for item in value]
    raise _NotPlain()


class RequestContextSerializer(messaging.Serializer):
    """Sends a request context as a dict and rebuilds it on arrival.

    Entities (arguments and results) go through ``base``, Trove's JSON
    payload serializer by default. With the default, an entity of plain
    JSON takes a shorter path to the same result: to_primitive's generic
    conversion was most of what carrying a page of databases over RPC
    cost beyond the transport itself.
    """

    def __init__(self, base=None):
        self._plain_fast_path = base is None
        self._base = base or messaging.JsonPayloadSerializer()

    def serialize_entity(self, ctxt, entity):
        if self._plain_fast_path:
            try:
                return _plain_copy(entity)
            except _NotPlain:
                pass
        return self._base.serialize_entity(ctxt, entity)

    def deserialize_entity(self, ctxt, entity):
        return self._base.deserialize_entity(ctxt, entity)

    def serialize_context(self, ctxt):
        return ctxt.to_dict() if ctxt is not None else {}

    def deserialize_context(self, ctxt):
        if secure_rpc.envelope_text(ctxt) is not None:
            return secure_rpc.unreadable_context(
                _('it is encrypted, and no instance_rpc_encr_key is '
                  'configured here to read it'))
        return trove_context.from_dict(ctxt)


def instance_key():
    """The instance's RPC key, or ``None`` for messages in clear."""
    return CONF.instance_rpc_encr_key or None


def _serializer(key):
    plain = RequestContextSerializer()
    return plain if key is None else secure_rpc.SecureSerializer(plain, key)


def get_client(target, timeout=None, retry=None, key=None):
    """An RPC client to a guest, encrypting with ``key`` when given."""
    return messaging.get_rpc_client(
        get_transport(), target, timeout=timeout, retry=retry,
        serializer=_serializer(key))


def get_server(target, endpoints, key=None,
               access_policy=messaging.DefaultRPCAccessPolicy):
    """An RPC server on the process's transport.

    With ``key``, what arrives is decrypted and what goes back encrypted;
    what does not decrypt reaches the endpoints as
    :class:`~trove.common.secure_rpc.Unreadable` values for them to refuse.
    oslo.messaging picks the threading executor, as the process uses no
    eventlet; naming it is deprecated. Methods whose name starts with an
    underscore are never dispatched, and ``access_policy`` may narrow
    what is.
    """
    return messaging.get_rpc_server(
        get_transport(), target, endpoints, serializer=_serializer(key),
        access_policy=access_policy)


def get_conductor_client(guest_id, key=None):
    """An RPC client to trove-conductor, in its envelope for ``guest_id``."""
    serializer = RequestContextSerializer()
    if key is not None:
        serializer = secure_rpc.ConductorSerializer(serializer, key,
                                                    guest_id)
    target = messaging.Target(topic=CONF.conductor_queue,
                              version=CONDUCTOR_VERSION)
    # A heartbeat or an outcome that cannot reach the message bus soon is
    # given up (and logged): a cast retried without end would hold the
    # heartbeat, or a request, for as long as the bus is down.
    return messaging.get_rpc_client(get_transport(), target,
                                    serializer=serializer,
                                    retry=CONDUCTOR_RETRIES)


def parsed_transport_url():
    """``[DEFAULT] transport_url``, parsed as oslo.messaging parses it."""
    return messaging.TransportURL.parse(CONF, CONF.transport_url)


def describe_transport():
    """The transport URL without credentials, fit for a message or log."""
    url = parsed_transport_url()
    hosts = ','.join('%s:%s' % (host.hostname, host.port)
                     for host in url.hosts)
    return '%s://%s/%s' % (url.transport, hosts, url.virtual_host or '')
