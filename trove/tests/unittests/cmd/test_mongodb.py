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

import ast
import inspect
import json
from unittest import mock

import fixtures

from trove.cmd import mongodb
from trove.common import exception
from trove.guestagent.datastore.experimental.mongodb import exceptions
from trove.tests import base
from trove.tests import helpers


def page_of(names, limit, marker, payload):
    """One page of ``names``, as a guest answers a list call."""
    names = sorted(names)
    start = 0 if marker is None else len([n for n in names if n <= marker])
    page = names[start:start + limit]
    more = start + limit < len(names)
    return [payload(name) for name in page], page[-1] if more else None


class FakeGuest:
    """A guest agent holding ``names``, answering as the Manager does."""

    def __init__(self, names=()):
        self.names = sorted(names)
        self.calls = []

    def rpc_ping(self, timeout):
        self.calls.append(('ping', timeout))
        return True

    def outcome(self, method, timeout, **arguments):
        answer = getattr(self, '_answer_' + method)
        return answer(**arguments)

    def _answer_create_database(self, databases):
        self.calls.append(('create', databases))
        names = [db['_name'] for db in databases]
        existed = [name for name in names if name in self.names]
        self.names.extend(name for name in names if name not in existed)
        return {'created': [name for name in names if name not in existed],
                'existed': existed}

    def _answer_delete_database(self, database):
        self.calls.append(('delete', database))
        self.names.remove(database['_name'])
        return {'deleted': database['_name'], 'users_kept': []}

    def list_databases(self, limit=None, marker=None, include_marker=False):
        self.calls.append(('list', limit, marker))
        return page_of(self.names, limit, marker, helpers.payload)


class CommandTestCase(base.TestCase):
    """Runs trove-mongodb in this process against a fake guest."""

    def setUp(self):
        super().setUp()
        self.stdout = self.capture('sys.stdout')
        self.stderr = self.capture('sys.stderr')
        self.guest = FakeGuest(['hr', 'sales'])
        self.useFixture(fixtures.MonkeyPatch(
            'trove.cmd.mongodb.remote_guest',
            lambda instance, **kwargs: self.guest))
        # No configuration file of the machine's may change the tests.
        self.useFixture(fixtures.MonkeyPatch(
            'oslo_config.cfg.find_config_files', lambda **kwargs: []))
        # A command refuses to run without one.
        self.config_file = self.useFixture(fixtures.TempDir()).join(
            'trove-guestagent.conf')
        with open(self.config_file, 'w') as stream:
            stream.write('[DEFAULT]\n')

    def run_command(self, *argv):
        return mongodb.run(['--config-file', self.config_file] + list(argv))

    def assert_one_error_line(self, status, *fragments):
        helpers.assert_one_error_line(self, status, self.stdout.getvalue(),
                                      self.stderr.getvalue(), *fragments)


class CommandTest(CommandTestCase):

    def test_list_prints_troveclients_table(self):
        self.assertEqual(0, self.run_command('database-list', 'i1'))
        self.assertEqual('+-------+\n'
                         '| Name  |\n'
                         '+-------+\n'
                         '| hr    |\n'
                         '| sales |\n'
                         '+-------+\n', self.stdout.getvalue())

    def test_list_follows_next_marker_through_every_page(self):
        self.guest.names = ['db%02d' % n for n in range(7)]
        self.assertEqual(0, self.run_command('database-list', 'i1',
                                             '--page-size', '3',
                                             '--format', 'json'))
        # The keys of openstack database db list -f json.
        self.assertEqual([{'Name': 'db%02d' % n} for n in range(7)],
                         json.loads(self.stdout.getvalue()))
        self.assertEqual([('list', 3, None), ('list', 3, 'db02'),
                          ('list', 3, 'db05')], self.guest.calls)

    def test_options_go_before_or_after_the_command(self):
        self.assertEqual(0, self.run_command('--format', 'json',
                                             'database-list', 'i1'))
        self.assertEqual(2, len(json.loads(self.stdout.getvalue())))

    def test_a_page_that_does_not_advance_stops_the_listing(self):
        self.guest.list_databases = mock.Mock(
            return_value=([{'_name': 'a'}], 'a'))
        self.assert_one_error_line(self.run_command('database-list', 'i1'),
                                   'do not advance')

    def test_create_sends_troves_payload_and_prints_the_outcome(self):
        self.assertEqual(0, self.run_command(
            'database-create', 'i1', 'orders', '--character_set', 'utf8',
            '--collate', 'utf8_bin'))
        self.assertEqual([('ping', 5), ('create', [{'_name': 'orders',
                                                    '_character_set': 'utf8',
                                                    '_collate': 'utf8_bin'}])],
                         self.guest.calls)
        self.assertEqual('Database orders was created on instance i1.\n',
                         self.stdout.getvalue())
        self.assertEqual('', self.stderr.getvalue())

    def test_bad_names_are_refused_before_sending(self):
        self.assert_one_error_line(
            self.run_command('database-create', 'i1', 'a.b'),
            "'a.b'", 'must not contain')
        self.assertEqual([], self.guest.calls)

    def test_reserved_names_are_not_deleted(self):
        self.assert_one_error_line(
            self.run_command('database-delete', 'i1', 'LOCAL'),
            "'LOCAL'", 'reserved')
        self.assertEqual([], self.guest.calls)

    def test_reserved_names_are_not_created(self):
        self.assert_one_error_line(
            self.run_command('database-create', 'i1', 'Admin'),
            "'Admin'", 'reserved')
        self.assertEqual([], self.guest.calls)

    def test_the_command_reaches_the_plugin_only_through_public_entries(self):
        tree = ast.parse(inspect.getsource(mongodb))
        imported = ['%s.%s' % (node.module, alias.name)
                    for node in ast.walk(tree)
                    if isinstance(node, ast.ImportFrom)
                    for alias in node.names]
        self.assertIn('trove.guestagent.db.models', imported)
        self.assertEqual([], [name for name in imported if name.startswith(
            'trove.guestagent.datastore.')])

    def test_an_empty_instance_is_refused(self):
        self.assert_one_error_line(self.run_command('database-list', ' '),
                                   '<instance>')

    def test_guest_errors_print_their_message(self):
        self.guest.list_databases = mock.Mock(
            side_effect=exception.GuestTimeout(
                guest_id='i1', method='list_databases', timeout=5,
                topic='guestagent.i1', exchange='trove'))
        self.assert_one_error_line(self.run_command('database-list', 'i1'),
                                   'did not answer list_databases within 5')

    def test_mongodb_errors_print_their_message(self):
        self.guest.list_databases = mock.Mock(
            side_effect=exceptions.MongoDBUnreachable(
                host='h', port=1, timeout=2, operation='listDatabases',
                reason='refused'))
        self.assert_one_error_line(self.run_command('database-list', 'i1'),
                                   'MongoDB at h:1 is unreachable',
                                   'nothing was changed')

    def test_unexpected_errors_print_one_line_without_traceback(self):
        self.guest.list_databases = mock.Mock(
            side_effect=RuntimeError('broken\nsecond line'))
        self.assert_one_error_line(self.run_command('database-list', 'i1'),
                                   'RuntimeError: broken', '--debug')
        self.assertNotIn('Traceback', self.stderr.getvalue())

    def test_debug_adds_the_traceback(self):
        self.guest.list_databases = mock.Mock(
            side_effect=RuntimeError('broken'))
        self.assertEqual(1, self.run_command('--debug', 'database-list',
                                             'i1'))
        self.assertIn('Traceback', self.stderr.getvalue())

    def test_a_missing_config_file_is_one_line_with_status_2(self):
        status = self.run_command('--config-file', '/nonexistent/x.conf',
                                  'database-list', 'i1')
        self.assertEqual(2, status)
        self.assertEqual('', self.stdout.getvalue())
        self.assertEqual('ERROR: Cannot read the configuration file '
                         '/nonexistent/x.conf: No such file or directory.\n',
                         self.stderr.getvalue())

    def test_usage_errors_are_one_line_with_status_2(self):
        error = self.assertRaises(SystemExit, self.run_command,
                                  'database-lst', 'i1')
        self.assertEqual(2, error.code)
        lines = self.stderr.getvalue().splitlines()
        self.assertEqual(1, len(lines))
        self.assertIn("invalid choice: 'database-lst'", lines[0])

    def test_a_usage_error_is_a_json_object_too_with_format_json(self):
        for format_args in (['--format', 'json'], ['--format=json']):
            self.stdout.seek(0)
            self.stdout.truncate()
            error = self.assertRaises(SystemExit, self.run_command,
                                      'database-lst', 'i1', *format_args)
            self.assertEqual(2, error.code)
            printed = json.loads(self.stdout.getvalue())['error']
            self.assertEqual(('UsageError', 2),
                             (printed['type'], printed['exit_status']))
            self.assertIn("invalid choice: 'database-lst'",
                          printed['message'])

    def test_local_runs_the_manager_in_process(self):
        admin = mock.Mock()
        admin.list_databases.return_value = ([{'_name': 'x'}], None)
        admin.create_database.return_value = {'created': ['y'],
                                              'existed': []}
        with mock.patch('trove.guestagent.datastore.experimental.mongodb.'
                        'service.MongoDBAdmin', return_value=admin):
            self.assertEqual(0, self.run_command('--local', 'database-list',
                                                 'i1', '--format', 'json'))
            self.assertEqual(0, self.run_command(
                'database-create', 'i1', 'y', '--local', '--format', 'json'))
        self.assertEqual([], self.guest.calls)
        admin.list_databases.assert_called_once_with(20, None, False)
        admin.create_database.assert_called_once_with(
            [{'_name': 'y', '_character_set': None, '_collate': None}])
        self.assertIn('"result": "created"', self.stdout.getvalue())


USER_PASSWORD = 'pw-cli-unit-4f2a'


class FakeUserGuest(FakeGuest):
    """A guest agent holding users, answering as the Manager does."""

    def __init__(self):
        super().__init__(['shop', 'hr'])
        self.users = {}
        self.root_password = None

    def _answer_create_user(self, users):
        self.calls.append(('create_user', users))
        for user in users:
            self.users[user['_name']] = [schema['_name'] for schema
                                         in user['_databases']]
        return {'created': [user['_name'] for user in users]}

    def _answer_delete_user(self, user):
        self.calls.append(('delete_user', user))
        del self.users[user['_name']]
        return {'deleted': user['_name']}

    def _answer_grant_access(self, username, hostname, databases):
        self.calls.append(('grant_access', username, hostname, databases))
        self.users[username].extend(databases)

    def _answer_revoke_access(self, username, hostname, database):
        self.calls.append(('revoke_access', username, hostname, database))
        self.users[username].remove(database)

    def _answer_enable_root_with_password(self, root_password):
        self.calls.append(('enable_root', root_password))
        password = root_password or 'generated-%s' % USER_PASSWORD
        return {'_name': 'admin.root', '_host': '%', '_password': password,
                '_databases': []}

    def _payload(self, name):
        return {'_name': name, '_host': '%', '_password': None,
                '_databases': [{'_name': db, '_character_set': None,
                                '_collate': None}
                               for db in sorted(self.users[name])]}

    def list_users(self, limit=None, marker=None, include_marker=False):
        self.calls.append(('list_users', limit, marker))
        return page_of(self.users, limit, marker, self._payload)

    def get_user(self, username, hostname):
        return self._payload(username) if username in self.users else None

    def list_access(self, username, hostname):
        return self._payload(username)['_databases']

    def is_root_enabled(self):
        return False


class UserCommandTest(CommandTestCase):

    def setUp(self):
        super().setUp()
        self.add_secret(USER_PASSWORD)
        self.guest = FakeUserGuest()
        self.useFixture(fixtures.MonkeyPatch(
            'trove.cmd.mongodb.remote_guest',
            lambda instance, **kwargs: self.guest))

    def printed(self):
        return self.stdout.getvalue() + self.stderr.getvalue()

    def test_create_sends_trove_s_payload_and_never_prints_the_password(self):
        self.assertEqual(0, self.run_command(
            'user-create', 'i1', 'shop.alice', USER_PASSWORD,
            '--databases', 'shop', 'hr'))
        self.assertIn(('create_user', [{
            '_name': 'shop.alice', '_host': '%', '_password': USER_PASSWORD,
            '_databases': helpers.payloads('shop', 'hr')}]), self.guest.calls)
        self.assertEqual('User shop.alice was created on instance i1.\n',
                         self.stdout.getvalue())
        self.assertNotIn(USER_PASSWORD, self.printed())

    def test_reserved_users_and_databases_are_refused_before_sending(self):
        for argv, fragment in (
                (('user-create', 'i1', 'admin.os_admin', USER_PASSWORD),
                 'ignore_users'),
                (('user-create', 'i1', 'Admin.Root', USER_PASSWORD),
                 'ignore_users'),
                (('user-create', 'i1', 'shop.bob', USER_PASSWORD,
                  '--databases', 'local'), "'local'"),
                (('user-grant-access', 'i1', 'shop.alice', 'shop',
                  'CONFIG'), "'CONFIG'"),
                (('user-revoke-access', 'i1', 'shop.alice', 'admin'),
                 "'admin'"),
                (('user-delete', 'i1', 'admin.root'), 'ignore_users'),
                (('user-create', 'i1', 'alice', USER_PASSWORD),
                 '<database>.<username>'),
                (('user-create', 'i1', 'shop.alice', USER_PASSWORD,
                  '--host', '10.0.0.1'), 'have no host')):
            self.stderr.truncate(0)
            self.stderr.seek(0)
            self.assert_one_error_line(self.run_command(*argv), fragment)
            self.assertNotIn(USER_PASSWORD, self.printed())
        self.assertEqual([], self.guest.calls)

    def test_list_show_and_access_print_troveclient_s_tables(self):
        self.guest.users = {'shop.alice': ['shop', 'hr'], 'hr.bob': []}
        self.assertEqual(0, self.run_command('user-list', 'i1',
                                             '--page-size', '1'))
        self.assertEqual('+------------+------+-----------+\n'
                         '| Name       | Host | Databases |\n'
                         '+------------+------+-----------+\n'
                         '| hr.bob     | %    |           |\n'
                         '| shop.alice | %    | hr, shop  |\n'
                         '+------------+------+-----------+\n',
                         self.stdout.getvalue())
        self.assertEqual([('list_users', 1, None),
                          ('list_users', 1, 'hr.bob')], self.guest.calls)
        self.stdout.truncate(0)
        self.stdout.seek(0)
        self.assertEqual(0, self.run_command('user-show', 'i1', 'shop.alice',
                                             '--format', 'json'))
        self.assertEqual({'databases': 'hr, shop', 'host': '%',
                          'name': 'shop.alice'},
                         json.loads(self.stdout.getvalue()))
        self.stdout.truncate(0)
        self.stdout.seek(0)
        self.assertEqual(0, self.run_command('user-show-access', 'i1',
                                             'shop.alice', '--format',
                                             'json'))
        self.assertEqual([{'Name': 'hr'}, {'Name': 'shop'}],
                         json.loads(self.stdout.getvalue()))

    def test_show_of_a_missing_user_is_one_error_line(self):
        self.assert_one_error_line(
            self.run_command('user-show', 'i1', 'shop.nobody'),
            "'shop.nobody' does not exist")

    def test_grant_revoke_and_delete_send_names(self):
        self.guest.users = {'shop.alice': ['shop']}
        self.assertEqual(0, self.run_command('user-grant-access', 'i1',
                                             'shop.alice', 'hr', 'x'))
        self.assertEqual(0, self.run_command('user-revoke-access', 'i1',
                                             'shop.alice', 'x'))
        self.assertEqual(0, self.run_command('user-delete', 'i1',
                                             'shop.alice'))
        self.assertEqual(
            [('grant_access', 'shop.alice', '%', ['hr', 'x']),
             ('revoke_access', 'shop.alice', '%', 'x'),
             ('delete_user', {'_name': 'shop.alice', '_host': '%',
                              '_password': None, '_databases': []})],
            [call for call in self.guest.calls if call[0] != 'ping'])

    def test_root_enable_shows_a_generated_password_only(self):
        self.assertEqual(0, self.run_command('root-enable', 'i1',
                                             '--format', 'json'))
        self.assertEqual({'name': 'admin.root',
                          'password': 'generated-%s' % USER_PASSWORD},
                         json.loads(self.stdout.getvalue()))
        # The generated password is the command's result: not a leak.
        self._secrets.remove(USER_PASSWORD)
        self.stdout.truncate(0)
        self.stdout.seek(0)
        self.add_secret(USER_PASSWORD)
        self.assertEqual(0, self.run_command('root-enable', 'i1',
                                             '--root_password',
                                             USER_PASSWORD))
        self.assertNotIn(USER_PASSWORD, self.printed())
        self.assertEqual(('enable_root', USER_PASSWORD),
                         self.guest.calls[-1])

    def test_local_user_commands_run_the_manager_in_process(self):
        admin = mock.Mock()
        admin.create_users.return_value = ['shop.alice']
        admin.list_users.return_value = ([], None)
        admin.enable_root.return_value = {
            '_name': 'admin.root', '_host': '%', '_password': USER_PASSWORD,
            '_databases': []}
        admin.is_root_enabled.return_value = True
        with mock.patch('trove.guestagent.datastore.experimental.mongodb.'
                        'service.MongoDBAdmin', return_value=admin):
            for argv in (
                    ('user-create', 'i1', 'shop.alice', USER_PASSWORD,
                     '--databases', 'shop'),
                    ('user-list', 'i1'),
                    ('user-grant-access', 'i1', 'shop.alice', 'hr'),
                    ('user-revoke-access', 'i1', 'shop.alice', 'hr'),
                    ('user-delete', 'i1', 'shop.alice'),
                    ('root-enable', 'i1', '--root_password', USER_PASSWORD),
                    ('root-show', 'i1')):
                self.assertEqual(0, self.run_command('--local', *argv),
                                 self.stderr.getvalue())
        self.assertEqual([], self.guest.calls)
        admin.create_users.assert_called_once_with([{
            '_name': 'shop.alice', '_host': '%', '_password': USER_PASSWORD,
            '_databases': helpers.payloads('shop')}])
        admin.list_users.assert_called_once_with(20, None, False)
        admin.grant_access.assert_called_once_with('shop.alice', '%', ['hr'])
        admin.revoke_access.assert_called_once_with('shop.alice', '%', 'hr')
        admin.delete_user.assert_called_once_with({
            '_name': 'shop.alice', '_host': '%', '_password': None,
            '_databases': []})
        admin.enable_root.assert_called_once_with(USER_PASSWORD)
        self.assertNotIn(USER_PASSWORD, self.printed())
        self.assertIn('| is_root_enabled | True  |', self.stdout.getvalue())
