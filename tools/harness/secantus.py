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

"""A real MongoDB-protocol server (SecantusDB) run as a process of its own.

The functional tests, the example and the benchmark start one with the
users a Trove guest has: an ``os_admin`` holding the roles of the MongoDB
users spec, whose credentials go to a JSON file readable by its owner only,
and a ``root`` user the tests use to look at the server behind the agent's
back. SecantusDB has no localhost exception, so users are created with auth
off, and the server is then restarted with ``--auth``.

Set ``TROVE_TEST_MONGODB_URL`` (``mongodb://user:password@host:port/``, a
user with the root role) to run against a real mongod instead. That user
only looks at the server and manages a test ``os_admin`` of its own with
the roles under test; the agent connects as that ``os_admin``. The tests
that must stop or restart the server skip there.
"""

import json
import os
import secrets
import signal
import sys
import tempfile
from urllib import parse

import pymongo
from pymongo import errors as pymongo_errors

from tools.harness import helpers
from tools.harness import process

EXTERNAL_URL_VARIABLE = 'TROVE_TEST_MONGODB_URL'

# The roles of the MongoDB users spec for Trove's os_admin.
SPEC_ROLES = ('userAdminAnyDatabase', 'dbAdminAnyDatabase', 'clusterAdmin')
# What later deployments give os_admin.
READ_WRITE_ROLES = SPEC_ROLES + ('readWriteAnyDatabase',)

OS_ADMIN = 'os_admin'
ROOT = 'trove_test_root'
START_TIMEOUT = 30.0

_RUN_SERVER = 'import sys; from secantus.cli import main; sys.exit(main())'


class ServerStartError(RuntimeError):
    pass


class ServerExitedError(RuntimeError):
    pass


def write_credentials(path, username, password):
    """Write an os_admin credentials file readable by its owner only."""
    helpers.write_private(path, json.dumps({'username': username,
                                            'password': password}))


class SecantusServer(process.ChildProcess):
    """One SecantusDB server process on 127.0.0.1 with its own storage.

    :param roles: the os_admin roles, or ``None`` to run without auth.
    :param test_commands: run with ``--enable-test-commands``, so that
        :meth:`fail_command` can make the server fail chosen commands.
    """

    external = False
    host = '127.0.0.1'
    stop_timeout = 20.0

    admin_user = OS_ADMIN

    def __init__(self, roles=SPEC_ROLES, workdir=None, test_commands=False):
        self.roles = tuple(roles) if roles is not None else None
        self.test_commands = test_commands
        self.workdir = workdir or tempfile.mkdtemp(prefix='trove-secantus-')
        super().__init__(
            'SecantusDB',
            output_file=os.path.join(self.workdir, 'server.log'),
            error=ServerStartError)
        self.storage = os.path.join(self.workdir, 'data')
        self.credentials_file = os.path.join(self.workdir, 'os_admin.json')
        self.admin_password = secrets.token_urlsafe(18)
        self.root_password = secrets.token_urlsafe(18)
        self.port = helpers.free_port()
        self._frozen = False
        self._provisioned = False

    @property
    def auth(self):
        return self.roles is not None

    @property
    def log_path(self):
        """The server's output, its log included."""
        return self.output_file

    def start(self):
        if not self._provisioned:
            self._provision()
        self._launch(auth=self.auth)

    def _provision(self):
        self._launch(auth=False)
        if self.auth:
            client = self._client()
            try:
                self._create_admin(client)
                client.admin.command('createUser', ROOT,
                                     pwd=self.root_password,
                                     roles=[{'role': 'root', 'db': 'admin'}])
            finally:
                client.close()
            self.stop()
        self._provisioned = True

    def _create_admin(self, client):
        """Create the os_admin with the roles under test, and its file."""
        client.admin.command(
            'createUser', self.admin_user, pwd=self.admin_password,
            roles=[{'role': role, 'db': 'admin'} for role in self.roles])
        write_credentials(self.credentials_file, self.admin_user,
                          self.admin_password)

    def _launch(self, auth):
        if self.running:
            return
        args = [sys.executable, '-c', _RUN_SERVER,
                '--storage-path', self.storage, '--host', self.host,
                '--port', str(self.port), '--cache-size', '64M',
                '--standalone', '--log-level', 'WARNING']
        if auth:
            args.append('--auth')
        if self.test_commands:
            args.append('--enable-test-commands')
        self.launch(args)
        client = pymongo.MongoClient(self.host, self.port,
                                     directConnection=True,
                                     serverSelectionTimeoutMS=250)
        try:
            self.wait_until_ready(lambda: self._answers(client),
                                  START_TIMEOUT)
        finally:
            client.close()

    @staticmethod
    def _answers(client):
        try:
            client.admin.command('ping')
        except pymongo_errors.ConnectionFailure:
            return False
        return True

    def details(self):
        return self.log_tail()

    def log_tail(self, lines=20):
        try:
            with open(self.log_path, errors='replace') as log:
                return ''.join(log.readlines()[-lines:])
        except OSError:
            return '(no server log)'

    def ask_to_stop(self):
        # A stopped process would hold SIGTERM until it is continued.
        self.thaw()
        super().ask_to_stop()

    def kill(self):
        """Kill the server at once (SIGKILL), as a crash would."""
        self.thaw()
        super().kill()

    def discard(self):
        """Stop the server for good (its files stay in ``workdir``)."""
        self.kill()

    def freeze(self):
        """Freeze the process (SIGSTOP), like a hung server.

        Returns once every thread of the server has stopped: its
        connections stay open, and nothing answers on them.
        """
        if self._frozen:
            return
        self.signal(signal.SIGSTOP)
        # kill() returns as soon as the signal is queued, and the server's
        # threads stop one by one after that: a thread still running can
        # answer a request sent in the meantime. The kernel reports the
        # stop to the parent only once the last thread has stopped.
        _pid, status = os.waitpid(self._process.pid, os.WUNTRACED)
        if not os.WIFSTOPPED(status):
            self._process.returncode = os.waitstatus_to_exitcode(status)
            raise ServerExitedError(
                'SecantusDB exited with status %s instead of stopping:\n%s'
                % (self._process.returncode, self.log_tail()))
        self._frozen = True

    def thaw(self):
        """Let a frozen server run again (SIGCONT); a no-op if it is not."""
        if not self._frozen:
            return
        # SIGCONT wakes every stopped thread before kill() returns.
        self.signal(signal.SIGCONT)
        self._frozen = False

    def restart(self):
        self.stop()
        self.start()

    def fail_command(self, commands, mode=None, app_name=None, **data):
        """Make the server fail ``commands`` (mongod's failCommand).

        :param mode: ``{'times': N}``, ``{'skip': N, 'times': M}``, or
            ``'alwaysOn'``; ``None`` turns the fail point off.
        :param app_name: fail only the commands of clients that name this
            application (the agent's is ``trove-guestagent``), so that the
            tests' own client keeps working.
        :param data: what the failure is: ``errorCode``,
            ``closeConnection``, ``blockConnection`` with ``blockTimeMS``.
        """
        data = dict(data, failCommands=list(commands))
        if app_name is not None:
            data['appName'] = app_name
        client = self.root_client()
        try:
            client.admin.command('configureFailPoint', 'failCommand',
                                 mode=mode or 'off', data=data)
        finally:
            client.close()

    def root_client(self, **kwargs):
        """A client with every privilege, to inspect and prepare data."""
        return self._client(**self._root_auth(), **kwargs)

    def admin_client(self, **kwargs):
        """A client of the os_admin the agent connects as."""
        return self._client(username=self.admin_user,
                            password=self.admin_password,
                            authSource='admin', **kwargs)

    def _root_auth(self):
        if not self.auth:
            return {}
        return {'username': ROOT, 'password': self.root_password,
                'authSource': 'admin'}

    def _client(self, **kwargs):
        kwargs.setdefault('serverSelectionTimeoutMS', 5000)
        return pymongo.MongoClient(self.host, self.port,
                                   directConnection=True, **kwargs)

    def secret_values(self):
        """The passwords that must never show in a log or an error."""
        return [self.admin_password, self.root_password]


class ExternalServer(SecantusServer):
    """A mongod the tests are pointed at, with a root user in the URL.

    The agent connects as an os_admin of the tests' own, made with root
    when the server starts and dropped when it is discarded; root only
    looks at the server behind the agent's back.

    :param roles: the os_admin roles; ignored when the URL names no user
        (a server without authentication).
    """

    external = True

    def __init__(self, url, roles=SPEC_ROLES, workdir=None):
        parsed = parse.urlsplit(url)
        self.workdir = workdir or tempfile.mkdtemp(prefix='trove-mongod-')
        self.host = parsed.hostname or 'localhost'
        self.port = parsed.port or 27017
        self.credentials_file = os.path.join(self.workdir, 'os_admin.json')
        self.admin_password = self.root_password = None
        self._root_user = None
        self.roles = None
        if parsed.username:
            self._root_user = parse.unquote(parsed.username)
            self.root_password = parse.unquote(parsed.password or '')
            self.roles = tuple(roles)
            # A name of its own: the server may have an os_admin already.
            self.admin_user = '%s_test_%s' % (OS_ADMIN, secrets.token_hex(4))
            self.admin_password = secrets.token_urlsafe(18)
        self._admin_created = False

    @property
    def running(self):
        return True

    def start(self):
        if self.auth and not self._admin_created:
            client = self.root_client()
            try:
                self._create_admin(client)
            finally:
                client.close()
            self._admin_created = True

    def discard(self):
        """Drop the test's os_admin from the server."""
        if self._admin_created:
            client = self.root_client()
            try:
                client.admin.command('dropUser', self.admin_user)
            finally:
                client.close()
            self._admin_created = False

    def _root_auth(self):
        if self._root_user is None:
            return {}
        return {'username': self._root_user, 'password': self.root_password,
                'authSource': 'admin'}

    def stop(self):
        raise NotImplementedError('cannot stop an external mongod')

    kill = restart = freeze = thaw = stop

    def log_tail(self, lines=20):
        return '(external server: no log)'

    def secret_values(self):
        return [secret for secret in (self.admin_password,
                                      self.root_password) if secret]


def external_url():
    return os.environ.get(EXTERNAL_URL_VARIABLE) or None
