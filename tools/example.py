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
2. Starts ``trove-guestagent`` as its own process, serving a new guest id
   on the message bus.
3. Runs ``trove-mongodb database-create``, ``database-list`` and
   ``database-delete`` against that guest, printing what each shows.
4. Stops the agent with SIGTERM, stops the server, and removes their files
   and queues: nothing is left running, also after Ctrl-C or a failure.

The message bus: ``--transport-url URL``, else ``TROVE_TRANSPORT_URL``,
else RabbitMQ at rabbit://guest:guest@127.0.0.1:5672/ when it answers.
Without any, the job says so and uses oslo.messaging's in-process
``fake://`` transport instead; that driver reaches nothing outside its
process, so the agent and the commands then run inside this one.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import uuid

from oslo_log import log as logging

# trove.cmd first: it quiets a warning oslo.messaging's imports print.
from trove.cmd import mongodb
from trove.common import cfg
from trove.common import rpc
from trove.guestagent import agent as guest_agent
from trove.guestagent.datastore.experimental.mongodb import connection
from trove.guestagent.datastore.experimental.mongodb import manager
from trove.tests import agent as agent_process
from trove.tests import secantus

CONF = cfg.CONF
ENV_URL = 'TROVE_TRANSPORT_URL'
FAKE_URL = 'fake://'


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
    """The operator's commands of the job, as trove-mongodb arguments."""
    return [
        ['database-create', guest_id, 'sales', '--wait'],
        ['database-create', guest_id, 'inventory', '--wait'],
        ['database-create', guest_id, 'hr', '--character_set', 'utf8',
         '--wait'],
        ['database-list', guest_id],
        ['database-create', guest_id, 'admin'],
        ['database-delete', guest_id, 'inventory', '--wait'],
        ['database-list', guest_id],
        ['database-list', guest_id, '--format', 'json'],
    ]


def run_commands(guest_id, run):
    failures = 0
    for argv in commands(guest_id):
        print('\n$ trove-mongodb %s' % ' '.join(argv), flush=True)
        status = run(argv)
        if status:
            print('(exit status %d)' % status, flush=True)
        # Refusing the server's own admin database is the one expected
        # failure.
        failures += bool(status) != ('admin' in argv)
    return failures


def over_processes(server, url, workdir):
    """trove-guestagent and trove-mongodb, each a process of its own."""
    agent = agent_process.AgentProcess(server, url, workdir=workdir,
                                       options={'debug': 'false'})
    try:
        show('starting trove-guestagent for guest %s' % agent.guest_id)
        agent.start()
        show('trove-guestagent (pid %d) takes requests on topic '
             'guestagent.%s; its log: %s'
             % (agent.pid, agent.guest_id, agent.log_file))
        show('each command below runs as: trove-mongodb --config-file %s '
             '<command>' % agent.config_file)

        def run(argv):
            completed = agent.cli(*argv)
            sys.stdout.write(completed.stdout)
            sys.stdout.write(completed.stderr)
            sys.stdout.flush()
            return completed.returncode

        failures = run_commands(agent.guest_id, run)
        print()
        show('stopping trove-guestagent with SIGTERM')
        show('trove-guestagent exited with status %s' % agent.stop())
        show('what the agent logged:')
        for line in agent.log().splitlines():
            print('    ' + line.split(' ', 3)[-1][:150])
        return failures
    finally:
        agent.kill()
        try:
            agent_process.delete_queues(url, agent.guest_id)
        except Exception as exc:
            show('could not remove the agent\'s queues: %s' % exc)


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
        return run_commands(guest_id, lambda argv: mongodb.run(
            ['--config-file', config_file] + argv))
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
        else:
            show('message bus: %s (%s)' % (agent_process.describe(url),
                                           reason))
            agent_process.require_broker(url)
            failures = over_processes(server, url, workdir)
    except (agent_process.AgentError, secantus.ServerStartError,
            subprocess.SubprocessError) as exc:
        show('failed: %s' % exc)
        failures = 1
    finally:
        server.kill()
        shutil.rmtree(workdir, ignore_errors=True)
        show('server stopped; nothing is left running')
    if failures:
        show('%d step(s) did not do what was expected' % failures)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
