from trove.common import cfg
from trove.tests import base


class ConfigTest(base.TestCase):

    def test_defaults_match_the_design(self):
        conf = cfg.CONF.mongodb
        self.assertEqual('localhost', conf.mongodb_host)
        self.assertEqual(27017, conf.mongodb_port)
        self.assertEqual(['admin', 'local', 'config'], conf.ignore_dbs)
        self.assertLessEqual(conf.server_selection_timeout, 10)

    def test_every_option_is_listed_with_help(self):
        listed = {opt.name: opt for _group, opts in cfg.list_opts()
                  for opt in opts}
        for name in ('mongodb_host', 'mongodb_port', 'ignore_dbs',
                     'admin_credentials_file', 'server_selection_timeout'):
            self.assertIn(name, listed)
        for opt in listed.values():
            self.assertTrue(opt.help, '%s has no help text' % opt.name)

    def test_overrides_take_effect_when_read(self):
        self.conf.config(group='mongodb', mongodb_port=27999)
        self.assertEqual(27999, cfg.CONF.mongodb.mongodb_port)
