#!/usr/bin/env python3

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

"""The main job: Trove's database commands, over RPC, on a real server.

1. Starts SecantusDB (a MongoDB-protocol server) with authentication and an
   ``os_admin`` holding the roles a Trove guest gives it.
2. Writes the instance's configuration folder as Trove's taskmanager does
   (``conf.d/trove-guestagent.conf`` and ``conf.d/guest_info.conf``, with
   the instance's RPC key) and starts ``trove-guestagent --config-dir`` on
   it, as its own process, on the message bus.
3. Runs ``trove-mongodb database-create``, ``database-list`` and
   ``database-delete`` against that instance, printing each command as it
   can be pasted, and what it shows.
4. Stops the agent with SIGTERM and the server, prints the agent's log,
   and removes the agent's queues: nothing is left running, also after
   Ctrl-C or a failure. The folder stays, with the commands that run it
   again by hand.

The message bus: ``--transport-url URL``, else ``TROVE_TRANSPORT_URL``,
else RabbitMQ at rabbit://guest:guest@127.0.0.1:5672/ when it answers.
Without any, the job says so and uses oslo.messaging's in-process
``fake://`` transport instead; that driver reaches nothing outside its
process, so the agent and the commands then run inside this one.
"""

import argparse
import os
import secrets
import shlex
import shutil
import subprocess
import sys
import tempfile
import uuid

if not __package__:
    # Run as a file (python tools/example.py), this folder is on the path,
    # not the checkout that holds the tools package.
    sys.path.insert(0, os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))

from oslo_log import log as logging

from tools.harness import agent as agent_process
from tools.harness import secantus
# trove.cmd before the rest of trove: it quiets a warning oslo.messaging's
# imports print.
from trove.cmd import mongodb
from trove.common import cfg
from trove.common import rpc
from trove.guestagent import agent as guest_agent
from trove.guestagent.datastore.experimental.mongodb import connection
from trove.guestagent.datastore.experimental.mongodb import manager

CONF = cfg.CONF
ENV_URL = 'TROVE_TRANSPORT_URL'
FAKE_URL = 'fake://'
# The console scripts beside this Python: what an operator runs.
BIN = os.path.dirname(sys.executable)


def show(text):
    print('==> %s' % text, flush=True)


def choose_transport(url):
    """The transport URL to use, and why."""
    if url:
        return url, 'from --transport-url'
    if os.environ.get(ENV_URL):
        return os.environ[ENV_URL], 'from %s' % ENV_URL
    default = agent_process.DEFAULT_TRANSPORT_URL
    if agent_process.broker_reachable(default):
        return default, 'RabbitMQ answers on this machine'
    return FAKE_URL, ('no RabbitMQ answers at %s and neither --transport-url '
                      'nor %s is set' % (agent_process.describe(default),
                                         ENV_URL))


def commands(guest_id):
    """The operator's commands of the job, and whether each should fail."""
    return [
        (['database-create', guest_id, 'sales'], False),
        (['database-create', guest_id, 'inventory'], False),
        (['database-create', guest_id, 'hr', '--character_set', 'utf8'],
         False),
        (['database-list', guest_id], False),
        # The server's own database, and a case twin: refused.
        (['database-create', guest_id, 'admin'], True),
        (['database-create', guest_id, 'Sales'], True),
        # It exists already: a warning, and success.
        (['database-create', guest_id, 'sales'], False),
        (['database-delete', guest_id, 'inventory'], False),
        # Names are case-sensitive: this deletes nothing, and says so.
        (['database-delete', guest_id, 'SALES'], True),
        (['database-list', guest_id], False),
        (['database-list', guest_id, '--format', 'json'], False),
    ]


def run_commands(guest_id, config_args, run):
    """Run every command; return how many did not do what was expected."""
    failures = 0
    for argv, should_fail in commands(guest_id):
        print('\n$ %s' % shlex.join(
            [os.path.join(BIN, 'trove-mongodb')] + config_args + argv),
            flush=True)
        status = run(config_args + argv)
        if status:
            print('(exit status %d)' % status, flush=True)
        failures += bool(status) != should_fail
    return failures


def by_hand(agent, server):
    """The commands that run the job's instance again, by hand."""
    conf = shlex.quote(agent.config_dir)
    return [
        '%s --storage-path %s --host 127.0.0.1 --port %d --standalone '
        '--auth &' % (os.path.join(BIN, 'secantusd-py'),
                      shlex.quote(server.storage), server.port),
        '%s --config-dir %s &' % (os.path.join(BIN, 'trove-guestagent'),
                                  conf),
        '%s --config-dir %s database-list %s' % (
            os.path.join(BIN, 'trove-mongodb'), conf, agent.guest_id),
    ]


def over_processes(server, url, workdir, afterwards):
    """trove-guestagent and trove-mongodb, each a process of its own.

    :param afterwards: gets the commands that run the instance again.
    """
    agent = agent_process.AgentProcess(server, url, workdir=workdir,
                                       options={'debug': 'false'},
                                       guest_info=True)
    # As Trove's taskmanager writes it: the instance, its datastore and a
    # fresh RPC key, which encrypts every message to and from the agent.
    agent.write_guest_info(key=secrets.token_hex(16),
                           tenant_id='demo-tenant')
    try:
        show('instance %s: its configuration folder is %s '
             '(trove-guestagent.conf, and guest_info.conf with its RPC key)'
             % (agent.guest_id, agent.config_dir))
        agent.start()
        show('trove-guestagent (pid %d) takes requests on topic '
             'guestagent.%s; its log: %s'
             % (agent.pid, agent.guest_id, agent.log_file))

        def run(argv):
            completed = subprocess.run(
                [os.path.join(BIN, 'trove-mongodb')] + argv,
                stdin=subprocess.DEVNULL, capture_output=True, text=True,
                timeout=agent_process.CLI_TIMEOUT)
            sys.stdout.write(completed.stdout)
            sys.stdout.write(completed.stderr)
            sys.stdout.flush()
            return completed.returncode

        failures = run_commands(agent.guest_id,
                                ['--config-dir', agent.config_dir], run)
        print()
        show('stopping trove-guestagent with SIGTERM')
        show('trove-guestagent exited with status %s' % agent.stop())
        show('what the agent logged (%s) at INFO, where a request that '
             'succeeded writes no line (debug = true adds them):'
             % agent.log_file)
        for line in agent.log().splitlines():
            print('    ' + line)
        return failures
    finally:
        agent.kill()
        try:
            agent_process.delete_queues(url, agent.guest_id)
        except Exception as exc:
            show('could not remove the agent\'s queues: %s' % exc)
        afterwards.extend(by_hand(agent, server))


def in_process(server, workdir):
    """The agent and the commands in this process, on ``fake://``."""
    guest_id = str(uuid.uuid4())
    config_file = os.path.join(workdir, 'trove-guestagent.conf')
    log_file = os.path.join(workdir, 'guestagent.log')
    with open(config_file, 'w') as stream:
        stream.write('[DEFAULT]\ntransport_url = %s\nguest_id = %s\n'
                     'log_file = %s\n[mongodb]\nmongodb_host = %s\n'
                     'mongodb_port = %d\nadmin_credentials_file = %s\n'
                     % (FAKE_URL, guest_id, log_file, server.host,
                        server.port, server.credentials_file))
    logging.register_options(CONF)
    CONF(['--config-file', config_file], project='trove')
    logging.setup(CONF, 'trove')
    agent = guest_agent.GuestAgent(manager.Manager(), guest_id)
    agent.start()
    show('trove-guestagent runs in this process for guest %s; its log: %s'
         % (guest_id, log_file))
    try:
        # The in-process agent has no key: the commands send in clear.
        return run_commands(guest_id, ['--config-file', config_file,
                                       '--no-key'], mongodb.run)
    finally:
        agent.stop()
        agent.wait(30)
        rpc.cleanup()
        connection.get_pool().close()
        show('trove-guestagent stopped')


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--transport-url',
                        help='the message bus (oslo.messaging URL)')
    args = parser.parse_args(argv)
    url, reason = choose_transport(args.transport_url)
    workdir = tempfile.mkdtemp(prefix='trove-demo-')
    afterwards = []
    server = secantus.SecantusServer(roles=secantus.SPEC_ROLES,
                                     workdir=workdir)
    try:
        show('starting SecantusDB with --auth on 127.0.0.1:%d; os_admin '
             'has %s' % (server.port, ', '.join(secantus.SPEC_ROLES)))
        server.start()
        if url == FAKE_URL:
            show('message bus: oslo.messaging\'s in-process fake:// '
                 'transport (%s). It reaches nothing outside this '
                 'process, so the agent runs inside it.' % reason)
            failures = in_process(server, workdir)
        elif not agent_process.broker_reachable(url):
            show('failed: no message broker answers at %s. Start RabbitMQ '
                 '("rabbitmq-server -detached"), or name another with '
                 '--transport-url or %s.'
                 % (agent_process.describe(url), ENV_URL))
            failures = 1
        else:
            show('message bus: %s (%s)' % (agent_process.describe(url),
                                           reason))
            failures = over_processes(server, url, workdir, afterwards)
    except (agent_process.AgentError, secantus.ServerStartError,
            subprocess.SubprocessError) as exc:
        show('failed: %s' % exc)
        failures = 1
    finally:
        server.stop()
        show('server stopped; nothing is left running')
    if afterwards:
        show('the folder stays: %s. To run this instance again by hand, '
             'paste:' % workdir)
        for line in afterwards:
            print('    ' + line)
        show('remove it with: rm -rf %s' % shlex.quote(workdir))
    else:
        # No instance to run again: nothing worth keeping.
        shutil.rmtree(workdir, ignore_errors=True)
    if failures:
        show('%d step(s) did not do what was expected' % failures)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
