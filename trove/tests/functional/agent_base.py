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

"""The base of the tests that run trove-guestagent as its own process.

Each test class starts a SecantusDB server with auth and Trove's
os_admin, and a trove-guestagent process for it with a guest id of its
own, on the real RabbitMQ; the tests drive the agent through the caller
API and through ``trove-mongodb``. Without a reachable broker these tests
fail: they never skip.
"""

import secrets
import shutil
import tempfile

from oslo_context import context

from tools.harness import agent as agent_process
from tools.harness import secantus
from trove.common import cfg
from trove.common import rpc
from trove.guestagent import api
from trove.tests import base
from trove.tests import helpers
from trove.tests import messaging as test_messaging

CONF = cfg.CONF

AUTH_TOKEN = 'gAAAAABtrove-e2e-token-5f0c1d'
ROOT_PASSWORD = 'prepare-root-password-9b2e'
POLL_TIMEOUT = 30.0


def trove_context():
    """A request context as Trove's API sends one."""
    return context.RequestContext(
        auth_token=AUTH_TOKEN, user_id='alice', project_id='tenant-1',
        request_id='req-e2e-0001', roles=['member'], overwrite=False)


class AgentTestCase(base.TestCase):
    """One server and one trove-guestagent process per test class."""

    AGENT_OPTIONS = {}
    MONGODB_OPTIONS = {}
    # True: the agent starts as Trove starts its own, with --config-dir on
    # a guest_info.conf holding the instance's key (:attr:`key`).
    GUEST_INFO = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.transport_url = agent_process.transport_url()
        agent_process.require_broker(cls.transport_url)
        cls.workdir = tempfile.mkdtemp(prefix='trove-e2e-')
        cls.server = secantus.SecantusServer(roles=secantus.SPEC_ROLES,
                                             workdir=cls.workdir)
        cls.agent = agent_process.AgentProcess(
            cls.server, cls.transport_url, workdir=cls.workdir,
            options=cls.AGENT_OPTIONS, guest_info=cls.GUEST_INFO,
            mongodb_options=cls.MONGODB_OPTIONS)
        cls.key = secrets.token_hex(16) if cls.GUEST_INFO else None
        if cls.GUEST_INFO:
            cls.agent.write_guest_info(key=cls.key)
        try:
            cls.server.start()
            cls.agent.start()
        except Exception:
            cls._discard()
            raise

    @classmethod
    def tearDownClass(cls):
        cls._discard()
        super().tearDownClass()

    @classmethod
    def _discard(cls):
        try:
            # A clean stop also removes the agent's fanout queue.
            try:
                cls.agent.stop()
            finally:
                cls.agent.kill()
                cls.server.kill()
            agent_process.delete_queues(cls.transport_url,
                                        cls.agent.guest_id)
        finally:
            shutil.rmtree(cls.workdir, ignore_errors=True)

    def setUp(self):
        super().setUp()
        note_reply_queue = self.delete_reply_queue(rpc.get_transport)
        self.useFixture(test_messaging.Transport(self.transport_url))
        self.addCleanup(note_reply_queue)
        for secret in self.server.secret_values() + [AUTH_TOKEN,
                                                     ROOT_PASSWORD,
                                                     self.key]:
            self.add_secret(secret)
        # This process sends as Trove would, with the instance's key.
        self.conf.config(instance_rpc_encr_key=self.key)
        self.addCleanup(self._assert_no_secret_in_agent_log)
        self.root = self.server.root_client()
        self.addCleanup(self.root.close)
        self.drop_tenant_databases()
        self.guest_id = self.agent.guest_id
        self.api = api.API(trove_context(), self.guest_id)
        self.log_mark = len(self.agent.log())

    def delete_reply_queue(self, get_transport):
        """Delete the reply queue of a transport of the test, at its end.

        Call it before the transport's cleanup is registered, and register
        what it returns after: the name is taken while the transport is
        open, and the queue deleted once it is closed, since a queue
        deleted under its consumer would only be declared again.

        :param get_transport: returns the transport, when called.
        """
        names = []
        self.addCleanup(agent_process.delete_queue_names,
                        self.transport_url, names)

        def note():
            name = agent_process.reply_queue(get_transport())
            if name:
                names.append(name)
        return note

    def wait_for_log(self, *fragments):
        """The agent's log line, written by this test, with ``fragments``."""
        return self.agent.wait_for_log(*fragments, since=self.log_mark)

    def _assert_no_secret_in_agent_log(self):
        text = self.agent.log() + self.agent.output()
        leaked = [index for index, secret in enumerate(self._secrets)
                  if secret in text]
        self.assertEqual([], leaked, 'secrets reached the agent log')

    def drop_tenant_databases(self):
        if self.server.running:
            for name in self.server_names():
                self.root.drop_database(name)

    def server_names(self):
        """The tenant's databases, as the server itself lists them."""
        return helpers.tenant_names(self.root.list_database_names())

    def wait_until(self, predicate, what, timeout=POLL_TIMEOUT):
        helpers.poll(predicate, timeout, what,
                     details=lambda: self.agent.log()[-4000:])

    def listed_names(self):
        schemas, next_marker = self.api.list_databases()
        self.assertIsNone(next_marker)
        return [schema['_name'] for schema in schemas]

    def assert_one_error_line(self, completed, *fragments):
        helpers.assert_one_error_line(self, completed.returncode,
                                      completed.stdout, completed.stderr,
                                      *fragments)
