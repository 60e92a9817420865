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

"""What the console scripts ask RabbitMQ directly, outside oslo.messaging.

oslo.messaging retries an unreachable broker, or one that refuses the
login, without end and in words that name neither the address nor the
user. Before either command uses the message bus, it logs in once with
py-amqp (:func:`connect`), as ``[DEFAULT] transport_url`` and
``[oslo_messaging_rabbit]`` say (TLS included), so that both mistakes
end in one line naming host:port, user and ``transport_url``; never the
password. That login also counts who consumes an instance's queue
(:func:`consumers`: an agent for ``trove-mongodb``, another agent for
``trove-guestagent``), or removes a retired instance's queues
(:func:`delete_queues`).
"""

import socket
import ssl

import amqp
from amqp import exceptions as amqp_exceptions
import oslo_messaging as messaging

from trove.cmd import errors
from trove.common import cfg
from trove.common.i18n import _
from trove.common import rpc

CONF = cfg.CONF

# The login methods py-amqp takes by name.
_AMQP_LOGIN_METHODS = frozenset(['AMQPLAIN', 'PLAIN', 'EXTERNAL'])

# Schemes whose hosts are AMQP brokers reached over TCP.
AMQP_SCHEMES = ('rabbit', 'amqp', 'kombu')
DEFAULT_PORT = 5672
_TRUE = ('1', 'true', 'yes', 'on')


class QueueInUse(errors.CommandError):
    message = _('Queue %(queue)s has %(consumers)d consumer(s): a '
                'trove-guestagent still serves instance %(instance)s, so no '
                'queue was deleted. Stop that agent first.')


class QueueTaken(errors.CommandError):
    message = _('A trove-guestagent of instance %(instance)s started while '
                'its queues were being deleted: %(deleted)s deleted, '
                '%(queue)s and any after it kept. Stop that agent, then run '
                'queue-delete again.')


def transport_url():
    """``[DEFAULT] transport_url``, parsed as oslo.messaging parses it.

    :raises ConfigurationError: for a URL it cannot parse, saying why
        without the URL, which holds the password.
    """
    try:
        # Registers the transport options before the URL is read.
        rpc.get_transport()
        return rpc.parsed_transport_url()
    except messaging.DriverLoadFailure:
        raise errors.ConfigurationError(
            _('[DEFAULT] transport_url names the scheme %(scheme)r, which '
              'no installed oslo.messaging driver takes: write it as '
              'rabbit://<user>:<password>@<host>:<port>/.')
            % {'scheme': CONF.transport_url.split(':', 1)[0]}) from None
    except (ValueError, messaging.InvalidTransportURL) as exc:
        # Only a ValueError's text is the URL's part at fault alone.
        reason = (str(exc) if isinstance(exc, ValueError)
                  else _('not a URL of the form below'))
        raise errors.ConfigurationError(
            _('[DEFAULT] transport_url is not a message bus URL '
              '(%(reason)s): write it as '
              'rabbit://<user>:<password>@<host>:<port>/.')
            % {'reason': reason}) from None


def is_amqp(url):
    return url.transport in AMQP_SCHEMES


def _uses_tls(url):
    query = getattr(url, 'query', None) or {}
    if str(query.get('ssl', '')).lower() in _TRUE:
        return True
    return bool(CONF.oslo_messaging_rabbit.ssl)


def tls_options(url):
    """py-amqp's ``ssl`` argument for ``url``, as oslo.messaging's driver."""
    if not _uses_tls(url):
        return False
    rabbit = CONF.oslo_messaging_rabbit
    options = {}
    if rabbit.ssl_key_file:
        options['keyfile'] = rabbit.ssl_key_file
    if rabbit.ssl_cert_file:
        options['certfile'] = rabbit.ssl_cert_file
    if rabbit.ssl_ca_file:
        options['ca_certs'] = rabbit.ssl_ca_file
        options['cert_reqs'] = ssl.CERT_REQUIRED
    return options or True


def login_method():
    """py-amqp's ``login_method``, as oslo.messaging's driver logs in.

    Otherwise a broker that takes only EXTERNAL (x509) logins would refuse
    this probe while the agent's own connection works. ``None`` lets
    py-amqp choose for a method it has no name for.
    """
    method = CONF.oslo_messaging_rabbit.rabbit_login_method
    return method if method in _AMQP_LOGIN_METHODS else None


class Broker:
    """One host of a transport URL, as an operator's message names it."""

    def __init__(self, url, host):
        self.url = url
        self.hostname = host.hostname or 'localhost'
        self.port = host.port or DEFAULT_PORT
        self.user = host.username or 'guest'
        self._password = host.password or 'guest'
        self.virtual_host = url.virtual_host or '/'

    @property
    def address(self):
        return '%s:%s' % (self.hostname, self.port)

    def values(self, **more):
        values = {'address': self.address, 'user': self.user,
                  'url': rpc.describe_transport()}
        values.update(more)
        return values

    def connect(self, timeout):
        """An open py-amqp connection, logged in.

        :raises BrokerLoginRefused: for a user or password RabbitMQ
            refuses.
        :raises BrokerUnreachable: for no broker at the address.
        """
        connection = amqp.Connection(
            host=self.address, userid=self.user, password=self._password,
            login_method=login_method(),
            virtual_host=self.virtual_host, ssl=tls_options(self.url),
            connect_timeout=timeout, read_timeout=timeout,
            write_timeout=timeout)
        try:
            connection.connect()
        except amqp_exceptions.AccessRefused:
            raise errors.BrokerLoginRefused(**self.values()) from None
        except (OSError, socket.timeout,
                amqp_exceptions.AMQPError) as exc:
            reason = (getattr(exc, 'strerror', None) or str(exc)
                      or type(exc).__name__)
            raise errors.BrokerUnreachable(
                **self.values(reason=reason)) from None
        return connection


def brokers():
    """The brokers of ``transport_url``, or none for another transport."""
    url = transport_url()
    if not is_amqp(url):
        return []
    hosts = url.hosts or [messaging.TransportHost()]
    return [Broker(url, host) for host in hosts]


def connect(timeout):
    """A logged-in connection to the first broker that takes one.

    :returns: ``None`` when the transport is not AMQP.
    :raises BrokerLoginRefused, BrokerUnreachable: for the last broker
        tried, when none took the login.
    """
    failure = None
    for broker in brokers():
        try:
            return broker.connect(timeout)
        except errors.CommandError as exc:
            failure = exc
    if failure is not None:
        raise failure
    return None


def instance_queues(guest_id):
    """The queues oslo.messaging declares for an agent of ``guest_id``.

    Its fanout queue is not among them: RabbitMQ deletes it with its
    consumer.
    """
    topic = rpc.topic(guest_id)
    return [topic, '%s.%s' % (topic, guest_id)]


def _consumer_count(channel, queue):
    """How many consumers ``queue`` has, or ``None`` when it does not exist.

    A passive declare of a missing queue closes the channel: the caller
    opens a new one for each queue.
    """
    try:
        _name, _messages, count = channel.queue_declare(queue, passive=True)
    except amqp_exceptions.NotFound:
        return None
    return count


def consumers(guest_id, timeout):
    """How many consumers the topic queue of ``guest_id`` has.

    ``None`` when the transport is not AMQP or the queue does not exist.
    """
    connection = connect(timeout)
    if connection is None:
        return None
    try:
        return _consumer_count(connection.channel(), rpc.topic(guest_id))
    finally:
        connection.close()


def delete_queues(guest_id, timeout):
    """Delete the queues of a retired instance; return the names deleted.

    :raises QueueInUse: when an agent still consumes one of them; then
        none is deleted.
    """
    connection = connect(timeout)
    if connection is None:
        return []
    try:
        present = []
        for queue in instance_queues(guest_id):
            count = _consumer_count(connection.channel(), queue)
            if count:
                raise QueueInUse(queue=queue, consumers=count,
                                 instance=guest_id)
            if count is not None:
                present.append(queue)
        channel = connection.channel()
        for done, queue in enumerate(present):
            try:
                # An agent that started since the count keeps its queue.
                channel.queue_delete(queue, if_unused=True)
            except amqp_exceptions.PreconditionFailed:
                if not done:
                    raise QueueInUse(queue=queue, consumers=1,
                                     instance=guest_id) from None
                raise QueueTaken(queue=queue, instance=guest_id,
                                 deleted=', '.join(present[:done])) from None
        return present
    finally:
        connection.close()
