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

"""Base test case: isolated configuration and captured logs."""

import io
import logging
import os

import fixtures
from oslo_config import fixture as config_fixture
import testtools

from trove.common import cfg
from trove.guestagent.datastore.experimental.mongodb import connection


class TestCase(testtools.TestCase):
    """Every test gets its own configuration overrides and captured logs.

    After each test, nothing it logged may contain one of the secrets it
    registered with :meth:`add_secret`.
    """

    def setUp(self):
        super().setUp()
        self.conf = self.useFixture(config_fixture.Config(cfg.CONF))
        # The default is the instance's own file under /opt.
        self.conf.config(prepare_marker_file=os.path.join(
            self.useFixture(fixtures.TempDir()).path, 'prepare.end'))
        self.logs = self.useFixture(fixtures.FakeLogger(
            level=logging.DEBUG,
            format='%(levelname)s %(name)s %(message)s'))
        # pymongo's DEBUG records drown a failing test's own log lines; the
        # test that checks them for secrets turns them back on.
        pymongo_logger = logging.getLogger('pymongo')
        self.addCleanup(pymongo_logger.setLevel, pymongo_logger.level)
        pymongo_logger.setLevel(logging.INFO)
        self._secrets = []
        self.addCleanup(self._assert_no_secret_logged)
        self.addCleanup(connection.get_pool().close)

    def add_secret(self, secret):
        if secret:
            self._secrets.append(secret)

    def _assert_no_secret_logged(self):
        output = self.logs.output
        # assertNotIn would print the secret itself when it fails.
        leaked = [index for index, secret in enumerate(self._secrets)
                  if secret in output]
        self.assertEqual([], leaked, 'secrets reached the captured logs')

    def capture(self, name, stream=None):
        """``sys.stdout`` or ``sys.stderr`` (``name``) for this test only.

        :returns: the stream that stands in, a ``StringIO`` by default.
        """
        return self.useFixture(fixtures.MonkeyPatch(
            name, io.StringIO() if stream is None else stream)).new_value

    def assert_logged(self, level, *fragments):
        """Assert one log line at ``level`` holds every fragment."""
        for line in self.logs.output.splitlines():
            if line.startswith(level + ' ') and all(
                    fragment in line for fragment in fragments):
                return
        self.fail('no %s log line with %r in:\n%s'
                  % (level, fragments, self.logs.output))
