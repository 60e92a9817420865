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

"""trove-guestagent: the MongoDB guest agent, serving Trove's RPC requests.

    trove-guestagent --config-dir /etc/trove/conf.d
    trove-guestagent --config-file /etc/trove/trove-guestagent.conf

As Trove starts its agent: ``--config-dir`` reads every ``*.conf`` of the
folder, which on an instance are the ``trove-guestagent.conf`` and
``guest_info.conf`` that Trove's taskmanager writes there. It takes
requests on topic ``guestagent.<guest_id>`` of the ``trove`` exchange at
``[DEFAULT] transport_url``, sends heartbeats to trove-conductor, and logs
through oslo.log (``log_file``, ``debug``, ...). On SIGTERM or SIGINT it
stops taking requests, lets the ones it has taken finish, and exits 0; the
requests not taken stay queued for its next start.
"""

import signal
import sys
import threading

from oslo_log import log as logging

from trove.cmd import broker
from trove.cmd import errors
from trove.cmd import startup
from trove.common import cfg
from trove.common.i18n import _
from trove.common import log_filters
from trove.common import rpc
from trove.guestagent import agent as guest_agent
from trove.guestagent.datastore.experimental.mongodb import connection
from trove.guestagent.datastore.experimental.mongodb import manager
from trove import version

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

PROG = 'trove-guestagent'
# Seconds the login to the message bus may take before the agent says,
# once, that it cannot reach it.
BROKER_CHECK_TIMEOUT = 3.0
# Seconds to let a start that is ending as a stop signal comes end.
START_GRACE = 1.0

# pymongo logs every command at DEBUG, and oslo.service every wait between
# two heartbeats, which would drown the agent's own lines when an operator
# sets debug = true. py-amqp warns at every stop
# that it ignores the broker's cancel of the fanout consumer whose queue
# oslo.messaging deletes then: expected, and no cause for alarm.
_EXTRA_LOG_LEVELS = ['pymongo=WARN', 'kombu=WARN', 'amqp=ERROR',
                     'oslo_service=INFO']


class StopRequest:
    """Records SIGTERM and SIGINT for the main thread to act on.

    The handler only sets an event: the main thread does the logging and
    the shutdown, outside signal context.
    """

    SIGNALS = (signal.SIGTERM, signal.SIGINT)

    def __init__(self):
        self.event = threading.Event()
        self.signal_name = None

    def __call__(self, signum, frame):
        if self.signal_name is None:
            self.signal_name = signal.Signals(signum).name
        self.event.set()

    def install(self):
        for signum in self.SIGNALS:
            signal.signal(signum, self)

    def requested(self):
        return self.event.is_set()


def _wait_for(event, stop):
    """Wait until ``event`` or a stop request; True if ``event`` came."""
    while not event.is_set():
        if stop.event.wait(0.2):
            return event.is_set()
    return True


def serve(agent, stop, shutdown_timeout):
    """Serve until ``stop`` is requested; return the exit status.

    The agent starts in a thread of its own: oslo.messaging retries an
    unreachable message bus without end, and a stop signal must still end
    the process then.

    oslo.service's launcher does not serve here: with the threading
    backend it runs the service in a worker process that cotyledon forks
    from a master process, while the agent is one process for one
    instance, whose pid is the one its init system stops, and whose exit
    status says whether the requests it took all finished.
    """
    started = threading.Event()
    failures = []

    def start():
        try:
            agent.start()
        except Exception as exc:
            failures.append(exc)
        finally:
            started.set()

    threading.Thread(target=start, name='guest-agent-start',
                     daemon=True).start()
    # A start that ends as the stop comes has taken requests, which must
    # be let finish: a start still waiting for the bus has taken none.
    if not _wait_for(started, stop) and not started.wait(START_GRACE):
        LOG.info('Received %s before the message bus was reached; no '
                 'request was taken. Exiting.', stop.signal_name)
        return 0
    if failures:
        return _fail(errors.CommandError(
            _('The guest agent could not start: %s') % failures[0]))
    while not stop.event.wait(1.0):
        pass
    LOG.info('Received %s: stopping.', stop.signal_name)
    agent.stop()
    return 0 if agent.wait(shutdown_timeout) else 1


def parse_config(argv):
    """Read the configuration and set up logging.

    :raises StartupError: for a configuration file that cannot be read or
        is not UTF-8, what oslo.config refuses, or a log file that cannot
        be opened.
    """
    logging.register_options(CONF)
    logging.set_defaults(default_log_levels=(
        logging.get_default_log_levels() + _EXTRA_LOG_LEVELS))
    files = startup.load_config(argv, PROG,
                                version='%s %s' % (PROG, version.release()))
    startup.setup_logging(CONF, 'trove')
    log_filters.install()
    startup.log_files_read(files)
    return files


def _fail(error):
    """Report ``error`` as the commands do; its exit status.

    Logged too when the log goes to a file: without one, oslo.log writes
    to the same journal as stderr, which would show the line twice.
    """
    if 'log_file' in CONF and CONF.log_file:
        LOG.error('%s', errors.describe(error))
    return errors.report(error)


def check_config(files):
    """What the agent needs before it takes requests.

    :raises StartupError: saying what is missing or wrong.
    """
    if not CONF.guest_id:
        raise startup.StartupError(
            _('[DEFAULT] guest_id is not set: it names the instance, '
              'and so the topic guestagent.<guest_id>, this agent '
              'serves. Trove writes it to guest_info.conf; start the '
              'agent with --config-dir on the folder that holds it.'))
    startup.check_guest_id(CONF.guest_id)
    datastore = CONF.datastore_manager
    if datastore and datastore != manager.Manager.MANAGER:
        raise startup.StartupError(
            _('[DEFAULT] datastore_manager is %(datastore)r: this agent '
              'manages %(manager)s and would refuse every request of '
              'another datastore\'s instance.')
            % {'datastore': datastore, 'manager': manager.Manager.MANAGER})
    startup.check_options()
    startup.check_key_file(files)
    startup.check_credentials_file(CONF.mongodb.admin_credentials_file)
    startup.warn_of_prepare_marker()


def check_broker():
    """Refuse a login RabbitMQ refuses; warn of what the agent can't fix.

    The agent starts while the message bus is down, and oslo.messaging
    retries it without end in lines that name neither the address nor
    transport_url: this line does, before them.

    Another agent already on the instance's queue, such as one on a
    clone of the instance's image or one given a copy of its
    guest_info.conf, would take every other request: RabbitMQ shares a
    queue's messages among its consumers, so each request would be done
    on whichever MongoDB its agent manages. It may also be an agent whose
    host went down, which RabbitMQ drops within the connection's
    heartbeat timeout; so this agent warns and starts.

    :raises BrokerLoginRefused: for a user or password RabbitMQ refuses.
    """
    unreachable = None
    try:
        others = broker.consumers(CONF.guest_id, BROKER_CHECK_TIMEOUT)
    except errors.BrokerUnreachable as exc:
        unreachable = exc
    # Outside the handler, which oslo.log would append to the line.
    if unreachable is not None:
        LOG.warning('%s The agent keeps trying to reach it.', unreachable)
    elif others:
        LOG.warning('%(count)d other consumer(s) already take requests '
                    'from %(queue)s: RabbitMQ shares them out, so each '
                    'request of instance %(guest)s would be done by '
                    'whichever agent takes it, on the MongoDB that agent '
                    'manages. Stop the other trove-guestagent of instance '
                    '%(guest)s, or start this one with the '
                    'guest_info.conf of its own instance.',
                    {'count': others, 'queue': rpc.topic(CONF.guest_id),
                     'guest': CONF.guest_id})


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    stop = StopRequest()
    stop.install()
    try:
        files = parse_config(argv)
    except startup.StartupError as exc:
        return errors.report(exc)
    # Reported outside the handler: oslo.log appends the exception being
    # handled to an ERROR line, which would repeat it.
    failure = None
    try:
        check_config(files)
        check_broker()
        agent = guest_agent.GuestAgent(manager.Manager(), CONF.guest_id)
    except errors.CommandError as exc:
        failure = exc
    except Exception as exc:
        # A bad transport_url, or a driver that cannot load.
        failure = errors.CommandError(
            _('cannot set up the RPC server: %s') % exc)
    if failure is not None:
        return _fail(failure)
    status = serve(agent, stop, CONF.graceful_shutdown_timeout or None)
    if status == 0:
        connection.get_pool().close()
        rpc.cleanup()
    LOG.info('Guest agent %(guest)s exits with status %(status)d.',
             {'guest': CONF.guest_id, 'status': status})
    return status


if __name__ == '__main__':
    sys.exit(main())
