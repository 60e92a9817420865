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

"""Security: secrets stay out of logs, credentials stay private, no shell,
and the server's own databases stay out of the tenant's reach."""

import ast
import itertools
import logging
import os
import shutil
import subprocess
import sys
import threading

import fixtures
from oslo_context import context as oslo_context

from tools.harness import secantus
from trove.common import exception
from trove.guestagent.datastore.experimental.mongodb import exceptions
from trove.tests.functional import base
from trove.tests.functional import reliability
from trove.tests import helpers

RESERVED = helpers.SERVER_DATABASES
TROVE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))

# Python reports each of these before it starts a process (PEP 578);
# os.popen and the whole subprocess module go through subprocess.Popen.
PROCESS_EVENTS = frozenset(['subprocess.Popen', 'os.system', 'os.exec',
                            'os.spawn', 'os.posix_spawn', 'os.fork',
                            'os.forkpty', 'pty.spawn'])


class _ProcessGuard:
    """Refuses, while armed, to let this process start another one.

    An audit hook sees every way Python starts a process, however the code
    imported it. Hooks cannot be removed, so one is added per process and
    stays disarmed outside the tests that use it.
    """

    def __init__(self):
        self._armed = threading.Event()
        self.attempts = []
        sys.addaudithook(self._hook)

    def _hook(self, event, args):
        if event in PROCESS_EVENTS and self._armed.is_set():
            self.attempts.append(event)
            raise RuntimeError('a process was started: %s' % event)

    def arm(self):
        self.attempts = []
        self._armed.set()

    def disarm(self):
        self._armed.clear()


_guard = None


def process_guard():
    global _guard
    if _guard is None:
        _guard = _ProcessGuard()
    return _guard


def spellings(word):
    """Every upper and lower case spelling of ``word``."""
    return [''.join(letters) for letters in itertools.product(
        *[(letter.lower(), letter.upper()) for letter in word])]


class SecurityTest(base.FunctionalTestCase):

    def all_operations(self, context):
        """Every operation, on its success and its refusal paths."""
        agent = self.manager
        agent.create_database(context, helpers.payloads('sales', 'hr'))
        agent.create_database(context, helpers.payloads('sales'))
        agent.list_databases(context)
        agent.list_databases(context, limit=1, marker='hr')
        agent.delete_database(context, helpers.payload('hr'))
        refusals = (
            (agent.create_database, helpers.payloads('ok', 'bad.name')),
            (agent.create_database, helpers.payloads('Sales')),
            (agent.create_database, helpers.payloads('admin')),
            (agent.delete_database, helpers.payload('Admin')),
            (agent.list_databases, 0),
        )
        errors = []
        for call, argument in refusals:
            errors.append(self.assertRaises(
                exception.InvalidDatabaseRequest, call, context, argument))
        errors.append(self.assertRaises(
            exception.DatabaseNotFound, agent.delete_database, context,
            helpers.payload('SALES')))
        return errors

    def test_secrets_never_reach_debug_logs_or_errors(self):
        for name in ('pymongo', 'trove', ''):
            logger = logging.getLogger(name)
            self.addCleanup(logger.setLevel, logger.level)
            logger.setLevel(logging.DEBUG)
        token = 'gAAAAA-auth-token-%s' % os.urandom(8).hex()
        secrets = self.server.secret_values() + [token]
        self.add_secret(token)
        request = oslo_context.RequestContext(
            auth_token=token, user_id='tenant-user', project_id='tenant',
            request_id='req-reliability')
        errors = []
        for context in (request, request.to_dict()):
            errors.extend(self.all_operations(context))
        # The failure paths too: a server that is gone, and a wrong
        # password.
        self.conf.config(group='mongodb', mongodb_port=helpers.free_port(),
                         server_selection_timeout=0.5)
        errors.append(self.assertRaises(
            exceptions.MongoDBConnectionError, self.manager.list_databases,
            request))
        self.conf.config(group='mongodb', mongodb_port=self.server.port)
        path = self.server.credentials_file + '.wrong'
        wrong = 'wrong-%s' % token[-8:]
        secantus.write_credentials(path, self.server.admin_user, wrong)
        secrets.append(wrong)
        self.add_secret(wrong)
        self.conf.config(group='mongodb', admin_credentials_file=path)
        errors.append(self.assertRaises(
            exceptions.MongoDBAuthenticationError,
            self.manager.create_database, request, helpers.payloads('x')))
        self.assertIn('DEBUG pymongo', self.logs.output)
        for error in errors:
            self.assertEqual([], [index for index, secret in
                                  enumerate(secrets)
                                  if secret in str(error)])
        # base.TestCase checks the captured logs for every secret.
        reliability.report(
            self, 'Security',
            'every operation, with its refusals, a stopped server and a '
            'wrong password, with pymongo and the agent logging at DEBUG '
            'and an oslo.context request context (object and dict) holding '
            'an auth token',
            'neither the os_admin password, the root password nor the auth '
            'token appeared in a log line or in any of the %d errors'
            % len(errors))

    def test_credentials_file_readable_by_others_is_refused(self):
        workdir = self.useFixture(fixtures.TempDir()).path
        path = os.path.join(workdir, 'os_admin.json')
        shutil.copyfile(self.server.credentials_file, path)
        self.conf.config(group='mongodb', admin_credentials_file=path)
        before = self.server_names()
        refused = 0
        for others in range(1, 0o100):
            mode = 0o600 | others
            os.chmod(path, mode)
            for call, argument in (
                    (self.manager.create_database, helpers.payloads('sales')),
                    (self.manager.list_databases, None),
                    (self.manager.delete_database, helpers.payload('sales'))):
                error = self.assertRaises(exceptions.CredentialsFileError,
                                          call, None, argument)
                self.assertIn(path, str(error))
                self.assertIn('%04o' % mode, str(error))
                refused += 1
        self.assertEqual(before, self.server_names())

        link = os.path.join(workdir, 'link.json')
        os.symlink(path, link)
        self.conf.config(group='mongodb', admin_credentials_file=link)
        self.assertRaises(exceptions.CredentialsFileError,
                          self.manager.list_databases, None)

        for mode in (0o600, 0o400):
            os.chmod(path, mode)
            self.manager.create_database(None, helpers.payloads('sales'))
        self.assertIn('sales', self.server_names())
        reliability.report(
            self, 'Security',
            'credentials file with each of the 63 modes that give group or '
            'others any permission (0601 to 0677), directly and through a '
            'symlink; create, list and delete',
            'all %d calls refused with CredentialsFileError naming the '
            'file and its mode, before any server change; 0600 and 0400 '
            'accepted' % refused)

    def test_no_shell_is_ever_invoked(self):
        guard = process_guard()
        guard.arm()
        try:
            # The guard must catch what it is there to catch.
            self.assertRaises(RuntimeError, subprocess.run, ['true'])
            self.assertRaises(RuntimeError, os.system, 'true')
            caught = list(guard.attempts)
            guard.attempts = []
            self.all_operations(None)
            self.conf.config(group='mongodb',
                             mongodb_port=helpers.free_port(),
                             server_selection_timeout=0.5)
            self.assertRaises(exceptions.MongoDBConnectionError,
                              self.manager.list_databases, None)
            attempts = list(guard.attempts)
        finally:
            guard.disarm()
        self.assertEqual(['subprocess.Popen', 'os.system'], caught)
        self.assertEqual([], attempts)

        # This module calls os.system on purpose, to test the guard.
        this_module = os.path.relpath(__file__.replace('.pyc', '.py'),
                                      TROVE_ROOT)
        offenders = [use for use in shell_uses(TROVE_ROOT)
                     if not use.startswith(this_module + ':')]
        self.assertEqual([], offenders)
        reliability.report(
            self, 'Security',
            'every operation run with an audit hook that refuses to start '
            'a process; a scan of every module under trove/ for '
            'shell=True, os.system, os.popen, os.spawn*, os.exec*, '
            'pty.spawn, subprocess.getoutput and create_subprocess_shell',
            'no process started; no shell use in the source')

    def test_reserved_databases_cannot_be_created_or_dropped(self):
        before = self.server_names()
        # Something of the server's own in each reserved database, to see
        # that it survives.
        contents = {name: sorted(self.root[name].list_collection_names())
                    for name in RESERVED}
        attempts = 0
        for word in RESERVED:
            for spelling in spellings(word):
                for call, argument in (
                        (self.manager.create_database,
                         helpers.payloads(spelling)),
                        (self.manager.create_database,
                         helpers.payloads('good1', spelling, 'good2')),
                        (self.manager.delete_database,
                         helpers.payload(spelling))):
                    error = self.assertRaises(
                        exception.InvalidDatabaseRequest, call, None,
                        argument)
                    self.assertIn(repr(spelling), str(error))
                    self.assertIn('reserved', str(error))
                    attempts += 1
        self.assertEqual(before, self.server_names())
        self.assertEqual(contents, {
            name: sorted(self.root[name].list_collection_names())
            for name in RESERVED})
        listed = [schema['_name']
                  for schema in self.manager.list_databases(None)[0]]
        self.assertEqual([], [name for name in listed
                              if helpers.is_server_database(name)])
        reliability.report(
            self, 'Security',
            'create (alone and inside a batch of good names) and delete of '
            'admin, local and config in all %d case spellings'
            % sum(len(spellings(word)) for word in RESERVED),
            'all %d requests refused with InvalidDatabaseRequest before '
            'any change; the reserved databases untouched and never '
            'listed' % attempts)


_SHELL_CALLS = {('os', 'system'), ('os', 'popen'), ('pty', 'spawn'),
                ('subprocess', 'getoutput'),
                ('subprocess', 'getstatusoutput'),
                ('asyncio', 'create_subprocess_shell')}


def shell_uses(root):
    """``path:line: what`` for every use of a shell under ``root``."""
    found = []
    for directory, _subdirectories, files in os.walk(root):
        for file_name in sorted(files):
            if not file_name.endswith('.py'):
                continue
            path = os.path.join(directory, file_name)
            with open(path, encoding='utf-8') as stream:
                tree = ast.parse(stream.read(), path)
            for node in ast.walk(tree):
                what = _shell_use(node)
                if what:
                    found.append('%s:%d: %s' % (
                        os.path.relpath(path, root), node.lineno, what))
    return found


def _shell_use(node):
    if isinstance(node, ast.keyword) and node.arg == 'shell':
        if not (isinstance(node.value, ast.Constant)
                and node.value.value is False):
            return 'shell=%s' % ast.unparse(node.value)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        module, name = node.value.id, node.attr
        if ((module, name) in _SHELL_CALLS
                or (module == 'os' and name.startswith(('spawn', 'exec')))):
            return '%s.%s' % (module, name)
    if isinstance(node, ast.ImportFrom) and node.module:
        for alias in node.names:
            if ((node.module, alias.name) in _SHELL_CALLS
                    or (node.module == 'os'
                        and alias.name.startswith(('spawn', 'exec')))):
                return 'from %s import %s' % (node.module, alias.name)
    return None
