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

import fixtures
from oslo_config import cfg as oslo_cfg

from trove.common import cfg
from trove.guestagent.datastore.experimental.mongodb import connection
from trove.guestagent.db import models
from trove.tests import base


class ConfigTest(base.TestCase):

    def test_defaults_match_the_design(self):
        conf = cfg.CONF.mongodb
        self.assertEqual('localhost', conf.mongodb_host)
        self.assertEqual(27017, conf.mongodb_port)
        self.assertEqual(['admin', 'local', 'config'], conf.ignore_dbs)
        # A list against a server that is gone must fail with its own
        # error before Trove's caller gives up on the call.
        self.assertLess(conf.server_selection_timeout,
                        cfg.CONF.agent_call_low_timeout)

    def test_every_option_is_listed_with_help(self):
        listed = {opt.name: opt for _group, opts in cfg.list_opts()
                  for opt in opts}
        for name in ('mongodb_host', 'mongodb_port', 'ignore_dbs',
                     'admin_credentials_file', 'server_selection_timeout'):
            self.assertIn(name, listed)
        for opt in listed.values():
            self.assertTrue(opt.help, '%s has no help text' % opt.name)

    def test_the_plugin_reads_options_when_it_uses_them(self):
        # Set after every module is imported: a value copied at import
        # would not follow.
        self.conf.config(group='mongodb', ignore_dbs=['audit'],
                         mongodb_host='127.0.0.2', mongodb_port=27999)
        self.assertTrue(models.MongoDBSchema('audit').is_ignored())
        self.assertFalse(models.MongoDBSchema('admin').is_ignored())
        with connection.get_pool().acquire() as conn:
            self.assertEqual(('127.0.0.2', 27999),
                             (conn.target.host, conn.target.port))


class InvalidOptionTest(base.TestCase):
    """A bad value is named at start, whichever library's option it is."""

    def conf_from(self, text):
        path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                            'trove-guestagent.conf')
        with open(path, 'w') as stream:
            stream.write(text)
        conf = oslo_cfg.ConfigOpts()
        conf.register_opts(cfg.agent_opts)
        conf.register_opts(cfg.mongodb_opts, group=cfg.mongodb_group)
        conf.register_opt(oslo_cfg.IntOpt('rabbit_transient_queues_ttl'),
                          group='oslo_messaging_rabbit')
        conf([], default_config_files=[path])
        return conf, path

    def test_a_library_s_option_is_named_with_its_file(self):
        conf, path = self.conf_from(
            '[oslo_messaging_rabbit]\nrabbit_transient_queues_ttl = soon\n')
        self.assertEqual(
            "[oslo_messaging_rabbit] rabbit_transient_queues_ttl in %s must "
            "be a valid value: invalid literal for int() with base 10: "
            "'soon'" % path, cfg.invalid_option(conf))

    def test_valid_values_are_no_problem(self):
        conf, _path = self.conf_from(
            '[oslo_messaging_rabbit]\nrabbit_transient_queues_ttl = 60\n')
        self.assertIsNone(cfg.invalid_option(conf))
