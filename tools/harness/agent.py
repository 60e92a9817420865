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

"""trove-guestagent run as a process of its own, on the machine's RabbitMQ.

The end-to-end tests and the main job start one against a SecantusDB
server (:mod:`tools.harness.secantus`) with the configuration a Trove guest
would have, and drive it over the message bus through the caller API and
the ``trove-mongodb`` command.

Set ``TROVE_TEST_TRANSPORT_URL`` to use another broker than RabbitMQ at
``rabbit://guest:guest@127.0.0.1:5672/``.
"""

import os
import socket
import subprocess
import sys
import tempfile
from urllib import parse
import uuid

import kombu

from tools.harness import helpers
from tools.harness import process

DEFAULT_TRANSPORT_URL = 'rabbit://guest:guest@127.0.0.1:5672/'
TRANSPORT_URL_VARIABLE = 'TROVE_TEST_TRANSPORT_URL'

# What the agent logs once it takes requests.
READY_MARK = 'is taking requests on topic'
START_TIMEOUT = 30.0
# The agent's [mongodb] server_selection_timeout: how long it tries a
# server that does not answer.
SERVER_SELECTION_TIMEOUT = 2.0
STOP_TIMEOUT = 60.0
CLI_TIMEOUT = 90.0


class AgentError(RuntimeError):
    pass


def transport_url():
    return os.environ.get(TRANSPORT_URL_VARIABLE) or DEFAULT_TRANSPORT_URL


def url_address(url, default_port):
    """The host and port a service URL points at."""
    parsed = parse.urlsplit(url)
    return parsed.hostname or 'localhost', parsed.port or default_port


def reachable(address, timeout=2.0):
    """Whether a TCP server takes connections at ``(host, port)``."""
    try:
        socket.create_connection(address, timeout=timeout).close()
        return True
    except OSError:
        return False


def broker_address(url):
    return url_address(url, 5672)


def describe(url):
    """``url`` without its credentials."""
    host, port = broker_address(url)
    return '%s://%s:%s/' % (parse.urlsplit(url).scheme, host, port)


def broker_reachable(url, timeout=2.0):
    return reachable(broker_address(url), timeout)


def require_broker(url):
    """Fail, never skip, when the broker is down: the tests need it."""
    if not broker_reachable(url):
        raise AgentError(
            'No message broker answers at %s. Start RabbitMQ with '
            '"rabbitmq-server -detached" (.ci/run does), or point %s at '
            'one.' % (describe(url), TRANSPORT_URL_VARIABLE))


def delete_queues(url, guest_id):
    """Remove the agent's queues from the broker, with what they hold.

    RabbitMQ keeps a topic queue after its consumer leaves, so that casts
    wait for the agent's next start; a test's guest never starts again.
    """
    topic = 'guestagent.%s' % guest_id
    delete_queue_names(url, [topic, '%s.%s' % (topic, guest_id)])


def delete_queue_names(url, names):
    """Remove the queues ``names`` from the broker, with what they hold."""
    parsed = parse.urlsplit(url)
    if parsed.scheme not in ('rabbit', 'amqp') or not names:
        return
    with kombu.Connection(parsed._replace(scheme='amqp').geturl(),
                          connect_timeout=5) as connection:
        channel = connection.channel()
        for queue in names:
            channel.queue_delete(queue)


def reply_queue(transport):
    """The name of the reply queue of ``transport``'s calls, if it has one.

    oslo.messaging's AMQP driver declares it at the first call and lets
    RabbitMQ expire it only half an hour after its consumer leaves; a test
    deletes it once its transport is closed. Other drivers have none.
    """
    return getattr(getattr(transport, '_driver', None), '_reply_q', None)


class AgentProcess(process.ChildProcess):
    """One trove-guestagent process for ``server``.

    :param options: more ``[DEFAULT]`` settings for its configuration.
    :param guest_info: ``True`` to start the agent as Trove starts its own,
        with ``--config-dir`` on :attr:`config_dir`, which holds its
        ``trove-guestagent.conf`` and the instance's ``guest_info.conf``
        (:attr:`guest_info_file`, guest_id and key included), which the
        caller writes there as Trove's taskmanager does. Otherwise it
        starts with ``--config-file`` and ``guest_id`` in that file.
    :param mongodb_options: more ``[mongodb]`` settings.
    """

    stop_timeout = STOP_TIMEOUT

    def __init__(self, server, url, guest_id=None, workdir=None,
                 options=None, guest_info=False, mongodb_options=None):
        self.server = server
        self.url = url
        self.guest_id = guest_id or str(uuid.uuid4())
        self.workdir = workdir or tempfile.mkdtemp(prefix='trove-agent-')
        super().__init__(
            'trove-guestagent',
            output_file=os.path.join(self.workdir, 'guestagent.out'),
            log_file=os.path.join(self.workdir, 'guestagent.log'),
            error=AgentError)
        self.config_dir = os.path.join(self.workdir, 'conf.d')
        os.makedirs(self.config_dir, exist_ok=True)
        self.config_file = os.path.join(self.config_dir,
                                        'trove-guestagent.conf')
        self.guest_info_file = os.path.join(self.config_dir,
                                            'guest_info.conf')
        self.prepare_marker = os.path.join(self.workdir, 'prepare.end')
        self.options = dict(options or {})
        self.guest_info = guest_info
        self.mongodb_options = dict(mongodb_options or {})
        self.key = None
        self.write_config()

    @property
    def config_arguments(self):
        """How the agent and trove-mongodb find this configuration."""
        if self.guest_info:
            return ['--config-dir', self.config_dir]
        return ['--config-file', self.config_file]

    def write_config(self):
        default = {'transport_url': self.url, 'log_file': self.log_file,
                   'debug': 'true',
                   'prepare_marker_file': self.prepare_marker}
        if not self.guest_info:
            default['guest_id'] = self.guest_id
        default.update(self.options)
        mongodb = {'mongodb_host': self.server.host,
                   'mongodb_port': self.server.port,
                   'admin_credentials_file': self.server.credentials_file,
                   'server_selection_timeout': SERVER_SELECTION_TIMEOUT,
                   # The server's own data folder stands for the volume.
                   'mount_point': getattr(self.server, 'storage',
                                          self.workdir)}
        mongodb.update(self.mongodb_options)
        # The reply queue of each trove-mongodb run outlives the command
        # (half an hour by default); a test's commands need it no longer.
        rabbit = {'rabbit_transient_queues_ttl': '60'}
        with open(self.config_file, 'w') as stream:
            for section, values in (('DEFAULT', default),
                                    ('mongodb', mongodb),
                                    ('oslo_messaging_rabbit', rabbit)):
                stream.write('[%s]\n' % section)
                for key, value in sorted(values.items()):
                    stream.write('%s = %s\n' % (key, value))

    def write_guest_info(self, key=None, tenant_id='tenant-1'):
        """Write :attr:`guest_info_file` as Trove's taskmanager does.

        :param key: the instance's RPC key, ``None`` for messages in clear.
        """
        values = {'guest_id': self.guest_id, 'datastore_manager': 'mongodb',
                  'tenant_id': tenant_id}
        if key is not None:
            values['instance_rpc_encr_key'] = key
        self.key = key
        # Its owner's alone, as Trove writes it: it holds the key.
        helpers.write_private(self.guest_info_file, '[DEFAULT]\n' + ''.join(
            '%s = %s\n' % (name, value)
            for name, value in sorted(values.items())))

    def start(self, timeout=START_TIMEOUT):
        """Start the agent and wait until it takes requests."""
        ready_before = self.log().count(READY_MARK)
        self.launch([sys.executable, '-m', 'trove.cmd.guest']
                    + self.config_arguments)
        self.wait_until_ready(
            lambda: self.log().count(READY_MARK) > ready_before, timeout)

    def stop(self, timeout=None):
        """SIGTERM, as an init system stops it; return its exit status.

        :raises AgentError: when it has not exited within ``timeout``.
        """
        if not self.running:
            return self.returncode
        self.ask_to_stop()
        return self.wait(timeout)

    def cli(self, *args, timeout=CLI_TIMEOUT):
        """Run ``trove-mongodb`` with this agent's configuration.

        ``--no-key`` when the configuration holds no key, as an operator
        says of an instance that has none.
        """
        no_key = ([] if self.key or 'instance_rpc_encr_key' in self.options
                  else ['--no-key'])
        return subprocess.run(
            [sys.executable, '-m', 'trove.cmd.mongodb']
            + self.config_arguments + no_key + list(args),
            stdin=subprocess.DEVNULL, capture_output=True, text=True,
            timeout=timeout)
