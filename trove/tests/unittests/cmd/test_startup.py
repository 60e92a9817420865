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

import os
from unittest import mock

import fixtures
from oslo_config import cfg as oslo_cfg

from trove.cmd import startup
from trove.tests import base


class KeyFileTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.folder = self.useFixture(fixtures.TempDir()).path

    def write(self, name, text, mode=0o600):
        path = os.path.join(self.folder, name)
        with open(path, 'w') as stream:
            stream.write(text)
        os.chmod(path, mode)
        return path

    def test_the_last_file_setting_the_key_is_its_source(self):
        first = self.write('a.conf', '[DEFAULT]\ninstance_rpc_encr_key = k1\n')
        second = self.write('b.conf', '[DEFAULT]\ninstance_rpc_encr_key = '
                                      'k2\n')
        other = self.write('c.conf', '[DEFAULT]\ndebug = true\n')
        self.assertEqual(second, startup.key_source([first, second, other]))
        self.assertIsNone(startup.key_source([other]))

    def test_a_key_file_others_may_read_is_refused(self):
        path = self.write('guest_info.conf',
                          '[DEFAULT]\ninstance_rpc_encr_key = k1\n', 0o640)
        error = self.assertRaises(startup.StartupError,
                                  startup.check_key_file, [path])
        self.assertIn('its mode is 0640', str(error))
        self.assertIn('Run chmod 600 %s.' % path, str(error))
        self.assertEqual(2, error.exit_status)
        os.chmod(path, 0o600)
        self.assertIsNone(startup.check_key_file([path]))

    def test_every_file_holding_a_key_is_checked_not_only_the_last(self):
        shared = self.write('a.conf', '[DEFAULT]\ninstance_rpc_encr_key = '
                                      'k1\n', 0o644)
        private = self.write('b.conf', '[DEFAULT]\ninstance_rpc_encr_key = '
                                       'k2\n')
        error = self.assertRaises(startup.StartupError,
                                  startup.check_key_file, [shared, private])
        self.assertIn('Run chmod 600 %s.' % shared, str(error))


class FilesToReadTest(base.TestCase):
    """The files oslo.config reads, in its order, to check them first."""

    def setUp(self):
        super().setUp()
        self.folder = self.useFixture(fixtures.TempDir()).path
        self.conf_d = os.path.join(self.folder, 'conf.d')
        os.mkdir(self.conf_d)
        self.in_dir = [os.path.join(self.conf_d, name)
                       for name in ('guest_info.conf', 'trove.conf')]
        self.single = os.path.join(self.folder, 'single.conf')
        for path in self.in_dir + [self.single]:
            open(path, 'w').close()

    def test_files_named_on_the_command_line_in_its_order(self):
        self.assertEqual(
            self.in_dir + [self.single],
            startup._files_to_read(
                ['--config-dir', self.conf_d, '--config-file=' + self.single,
                 'database-list'], ['/etc/trove/default.conf'],
                ['/etc/trove/conf.d']))
        self.assertEqual(
            [self.single] + self.in_dir,
            startup._files_to_read(
                ['--config-file', self.single, '--config-dir=' + self.conf_d],
                [], []))

    def test_defaults_only_where_the_command_line_names_none(self):
        self.assertEqual(
            ['/etc/trove/default.conf'] + self.in_dir,
            startup._files_to_read(
                [], ['/etc/trove/default.conf'],
                [self.conf_d, os.path.join(self.folder, 'missing')]))
        self.assertEqual(
            self.in_dir + [self.single],
            startup._files_to_read(['--config-file', self.single],
                                   ['/etc/trove/default.conf'],
                                   [self.conf_d]))


class ParseErrorTest(base.TestCase):

    def test_the_file_and_line_are_named_not_the_line_s_text(self):
        path = self.useFixture(fixtures.TempDir()).join('guest_info.conf')
        with open(path, 'w') as stream:
            stream.write('[DEFAULT]\nguest_id = g1\n'
                         'instance_rpc_encr_key  s3cret-key\n')
        self.add_secret('s3cret-key')
        refusal = self.assertRaises(oslo_cfg.ConfigFileParseError,
                                    oslo_cfg.ConfigOpts(),
                                    ['--config-file', path])
        error = startup._parse_error(refusal)
        self.assertFalse('s3cret-key' in str(error), 'the key is shown')
        self.assertEqual(
            "%s, line 3 cannot be read as configuration: No ':' or '=' "
            "found in assignment (the line is not shown, as it may hold a "
            "secret)." % path, str(error))
        self.assertEqual(2, error.exit_status)


class PrepareMarkerTest(base.TestCase):

    def conf_with(self, path, where):
        conf = mock.Mock(prepare_marker_file=path)
        conf.get_location.return_value = oslo_cfg.LocationInfo(where, '')
        return conf

    def test_a_marker_at_the_default_path_is_a_warning_naming_it(self):
        path = self.useFixture(fixtures.TempDir()).join('prepare.end')
        open(path, 'w').close()
        with mock.patch.object(startup.LOG, 'warning') as warning:
            startup.warn_of_prepare_marker(
                self.conf_with(path, oslo_cfg.Locations.opt_default))
            startup.warn_of_prepare_marker(
                self.conf_with(path, oslo_cfg.Locations.user))
        self.assertEqual(1, warning.call_count)
        self.assertEqual({'path': path}, warning.call_args.args[1])

    def test_no_marker_no_line(self):
        with mock.patch.object(startup.LOG, 'warning') as warning:
            startup.warn_of_prepare_marker(self.conf_with(
                '/nonexistent/prepare.end', oslo_cfg.Locations.opt_default))
        warning.assert_not_called()
