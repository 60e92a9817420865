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

import configparser
import importlib
import os

from trove.common import cfg
from trove.tests import base

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))))
SAMPLE = os.path.join(ROOT, 'etc', 'trove', 'trove-guestagent.conf.sample')
GENERATOR = os.path.join(ROOT, 'etc', 'oslo-config-generator',
                         'trove-guestagent.conf')


def read_ini(path):
    parser = configparser.ConfigParser(strict=False)
    parser.read(path)
    return parser


class SampleConfigTest(base.TestCase):

    def test_sample_lists_every_option_with_its_help(self):
        with open(SAMPLE) as stream:
            sample = ' '.join(stream.read().replace('#', ' ').split())
        for group, opts in cfg.list_opts():
            self.assertIn('[%s]' % (group.name if group else 'DEFAULT'),
                          sample)
            for opt in opts:
                self.assertIn('%s = ' % opt.name, sample)
                first_words = ' '.join(str(opt.help).split()[:8])
                self.assertIn(first_words, sample)

    def test_sample_shows_the_message_bus_and_logging_options(self):
        with open(SAMPLE) as stream:
            sample = stream.read()
        for line in ('#transport_url = rabbit://', '#control_exchange = trove',
                     '#log_file = <None>', '#debug = false'):
            self.assertIn(line, sample)

    def test_generator_config_names_the_projects_namespaces(self):
        # configparser keeps only the last of repeated keys.
        with open(GENERATOR) as stream:
            settings = [[part.strip() for part in line.split('=', 1)]
                        for line in stream if '=' in line]
        self.assertEqual(
            [['output_file', 'etc/trove/trove-guestagent.conf.sample'],
             ['wrap_width', '79'], ['namespace', 'trove.guestagent'],
             ['namespace', 'oslo.messaging'], ['namespace', 'oslo.log']],
            settings)


class EntryPointsTest(base.TestCase):

    def test_console_scripts_and_hooks_resolve(self):
        entry_points = read_ini(os.path.join(ROOT, 'setup.cfg'))
        found = {}
        for section in ('console_scripts', 'oslo.config.opts',
                        'oslo.config.opts.defaults'):
            for line in entry_points.get('entry_points',
                                         section).strip().splitlines():
                name, target = [part.strip() for part in line.split('=')]
                module, attribute = target.split(':')
                found[name, section] = getattr(
                    importlib.import_module(module), attribute)
        self.assertTrue(all(callable(value) for value in found.values()))
        self.assertIn(('trove-guestagent', 'console_scripts'), found)
        self.assertIn(('trove-mongodb', 'console_scripts'), found)
