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

"""Functional tests: the plugin against a real MongoDB-protocol server."""

import atexit
import shutil

import fixtures
from pymongo import monitoring

from tools.harness import secantus
from trove.guestagent.datastore.experimental.mongodb import connection
from trove.guestagent.datastore.experimental.mongodb import manager
from trove.guestagent.datastore.experimental.mongodb import service
from trove.tests import base
from trove.tests import helpers

# The os_admin roles of each test variant; None runs the server without
# authentication.
MODES = {
    'spec': secantus.SPEC_ROLES,
    'readwrite': secantus.READ_WRITE_ROLES,
    'noauth': None,
}

_shared_servers = {}


def _discard(server):
    server.discard()
    shutil.rmtree(server.workdir, ignore_errors=True)


def new_server(mode, **options):
    """A started server for ``mode``, or the external mongod when set.

    On an external mongod with authentication, the mode without it runs
    with the spec's roles.

    :param options: for :class:`~tools.harness.secantus.SecantusServer`.
    """
    url = secantus.external_url()
    if url:
        server = secantus.ExternalServer(
            url, roles=MODES[mode] or secantus.SPEC_ROLES)
    else:
        server = secantus.SecantusServer(roles=MODES[mode], **options)
    server.start()
    return server


def shared_server(mode):
    """One server per mode and test process, reused by its tests."""
    server = _shared_servers.get(mode)
    if server is None or not server.running:
        server = _shared_servers[mode] = new_server(mode)
        atexit.register(_discard, server)
    return server


class PointAgentAt(fixtures.Fixture):
    """Point the plugin at ``server`` and empty it of tenant data."""

    def __init__(self, test, server):
        super().__init__()
        self.test = test
        self.server = server

    def _setUp(self):
        self.test.conf.config(
            group='mongodb', mongodb_host=self.server.host,
            mongodb_port=self.server.port,
            admin_credentials_file=self.server.credentials_file,
            server_selection_timeout=2.0)
        for secret in self.server.secret_values():
            self.test.add_secret(secret)
        self.drop_tenant_databases()

    def drop_tenant_databases(self):
        client = self.server.root_client()
        try:
            for name in client.list_database_names():
                if name not in helpers.SERVER_DATABASES:
                    client.drop_database(name)
        finally:
            client.close()


class AgentCommandListener(fixtures.Fixture):
    """Adds a pymongo command listener to the clients the agent creates."""

    def __init__(self, listener):
        super().__init__()
        self.listener = listener

    def _setUp(self):
        original = connection.ConnectionTarget.new_client
        listener = self.listener

        def new_client(target, **options):
            options.setdefault('event_listeners', []).append(listener)
            return original(target, **options)
        self.useFixture(fixtures.MockPatchObject(
            connection.ConnectionTarget, 'new_client', new_client))
        connection.get_pool().close()


class CommandRecorder(monitoring.CommandListener):
    """Records every command the agent starts, as pymongo sends it."""

    def __init__(self):
        self.commands = []

    def started(self, event):
        self.commands.append(event.command)

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass

    def named(self, name):
        return [command for command in self.commands if name in command]


class FunctionalTestCase(base.TestCase):
    """Runs against the shared server of its ``MODE``."""

    MODE = 'spec'

    def setUp(self):
        super().setUp()
        self.use_server(shared_server(self.MODE))

    def use_server(self, server):
        self.server = server
        self.useFixture(PointAgentAt(self, server))
        self.root = server.root_client()
        self.addCleanup(self.root.close)
        self.admin = service.MongoDBAdmin()
        self.manager = manager.Manager()

    def use_private_server(self, **options):
        """A server of this test's own, which it may stop and restart.

        :param options: for :class:`~tools.harness.secantus.SecantusServer`.
        """
        if secantus.external_url():
            self.skipTest('the external mongod cannot be restarted by tests')
        server = new_server(self.MODE, **options)
        self.addCleanup(_discard, server)
        self.use_server(server)
        return server

    def server_names(self):
        """Database names as the server itself lists them."""
        return set(self.root.list_database_names())

    def tenant_names(self):
        """The tenant's database names, as the server itself lists them."""
        return helpers.tenant_names(self.root.list_database_names())
