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
import io
import json
from unittest import mock

import fixtures

from trove.cmd import mongodb
from trove.common import exception
from trove.tests import base
from trove.tests import helpers


class FakeGuest:
    """A guest agent holding ``names``, serving pages like the Manager."""

    def __init__(self, names=(), visible_after=0):
        self.names = sorted(names)
        self.calls = []
        self.pending = []
        self.visible_after = visible_after

    def _apply(self):
        if self.pending and len(self.calls) > self.visible_after:
            for change in self.pending:
                change()
            self.pending = []

    def create_database(self, databases):
        self.calls.append(('create', databases))
        self.pending.append(lambda: self.names.extend(
            db['_name'] for db in databases))

    def delete_database(self, database):
        self.calls.append(('delete', database))
        self.pending.append(lambda: self.names.remove(database['_name']))

    def list_databases(self, limit=None, marker=None, include_marker=False):
        self.calls.append(('list', limit, marker))
        self._apply()
        names = sorted(self.names)
        start = 0 if marker is None else len([n for n in names
                                              if n <= marker])
        page = names[start:start + limit]
        more = start + limit < len(names)
        return ([{'_name': n, '_character_set': None, '_collate': None}
                 for n in page], page[-1] if more else None)


class CommandTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.stdout = self.useFixture(fixtures.MonkeyPatch(
            'sys.stdout', io.StringIO())).new_value
        self.stderr = self.useFixture(fixtures.MonkeyPatch(
            'sys.stderr', io.StringIO())).new_value
        self.guest = FakeGuest(['hr', 'sales'])
        self.useFixture(fixtures.MonkeyPatch(
            'trove.cmd.mongodb.remote_guest', lambda instance: self.guest))
        self.useFixture(fixtures.MonkeyPatch(
            'trove.cmd.mongodb.WAIT_INTERVAL', 0.01))
        # No configuration file of the machine's may change the tests.
        self.useFixture(fixtures.MonkeyPatch(
            'oslo_config.cfg.find_config_files', lambda **kwargs: []))

    def run_command(self, *argv):
        return mongodb.run(list(argv))

    def assert_one_error_line(self, status, *fragments):
        helpers.assert_one_error_line(self, status, self.stdout.getvalue(),
                                      self.stderr.getvalue(), *fragments)

    def test_list_prints_troveclients_table(self):
        self.assertEqual(0, self.run_command('database-list', 'i1'))
        self.assertEqual('+-------+\n'
                         '| Name  |\n'
                         '+-------+\n'
                         '| hr    |\n'
                         '| sales |\n'
                         '+-------+\n', self.stdout.getvalue())

    def test_an_empty_list_prints_the_frame(self):
        self.guest.names = []
        self.assertEqual(0, self.run_command('database-list', 'i1'))
        self.assertEqual('+------+\n| Name |\n+------+\n+------+\n',
                         self.stdout.getvalue())

    def test_list_follows_next_marker_through_every_page(self):
        self.guest.names = ['db%02d' % n for n in range(7)]
        self.assertEqual(0, self.run_command('database-list', 'i1',
                                             '--page-size', '3',
                                             '--format', 'json'))
        self.assertEqual([{'name': 'db%02d' % n} for n in range(7)],
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

    def test_create_sends_troves_payload_and_reports_acceptance(self):
        self.assertEqual(0, self.run_command(
            'database-create', 'i1', 'orders', '--character_set', 'utf8',
            '--collate', 'utf8_bin'))
        self.assertEqual([('create', [{'_name': 'orders',
                                       '_character_set': 'utf8',
                                       '_collate': 'utf8_bin'}])],
                         self.guest.calls)
        self.assertEqual('Request to create database orders on instance i1 '
                         'has been accepted.\n', self.stdout.getvalue())

    def test_create_wait_polls_until_listed(self):
        self.guest.visible_after = 3
        self.assertEqual(0, self.run_command('database-create', 'i1',
                                             'orders', '--wait',
                                             '--format', 'json'))
        self.assertEqual({'action': 'create', 'instance': 'i1',
                          'database': 'orders', 'status': 'done'},
                         json.loads(self.stdout.getvalue()))
        self.assertGreater(len(self.guest.calls), 3)

    def test_delete_wait_polls_until_gone(self):
        self.guest.visible_after = 2
        self.assertEqual(0, self.run_command('database-delete', 'i1', 'hr',
                                             '--wait'))
        self.assertEqual('Database hr is not listed on instance i1.\n',
                         self.stdout.getvalue())

    def test_wait_fails_after_its_timeout(self):
        self.guest.visible_after = 10 ** 6
        self.assert_one_error_line(
            self.run_command('database-create', 'i1', 'orders', '--wait',
                             '--timeout', '0.1'),
            'Database orders is not listed on instance i1 after 0.1 s',
            "guest agent's log")

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
            side_effect=exception.MongoDBUnreachable(
                host='h', port=1, timeout=2, operation='listDatabases',
                reason='refused'))
        self.assert_one_error_line(self.run_command('database-list', 'i1'),
                                   'Cannot reach MongoDB at h:1')

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

    def test_a_missing_config_file_is_one_line(self):
        self.assert_one_error_line(
            self.run_command('--config-file', '/nonexistent/x.conf',
                             'database-list', 'i1'), 'x.conf')

    def test_usage_errors_are_one_line_with_status_2(self):
        error = self.assertRaises(SystemExit, self.run_command,
                                  'database-lst', 'i1')
        self.assertEqual(2, error.code)
        lines = self.stderr.getvalue().splitlines()
        self.assertEqual(1, len(lines))
        self.assertIn("invalid choice: 'database-lst'", lines[0])

    def test_local_runs_the_manager_in_process(self):
        admin = mock.Mock()
        admin.list_databases.return_value = ([{'_name': 'x'}], None)
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
        self.assertIn('"status": "done"', self.stdout.getvalue())
