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

"""Test cases over one instance of an upstream Trove per class.

The instance's MongoDB (SecantusDB with auth and Trove's os_admin) and
its trove-guestagent, started as Trove starts its own: ``--config-dir``
on a folder holding ``trove-guestagent.conf`` and the
``guest_info.conf`` that Trove's own code wrote for the instance, its key
included. The Trove is Trove 26 (:mod:`trove.tests.upstream_trove`) or
Trove 13 behind its API (:mod:`trove.tests.tenant_trove`).
"""

import shutil
import tempfile

from tools.harness import agent as agent_process
from tools.harness import secantus
from trove.tests import base
from trove.tests import helpers
from trove.tests import upstream_trove

# A heartbeat a second, so that a change of status shows within seconds.
REPORT_INTERVAL = 1
# What a status change may take: two heartbeats, the agent's own bound on
# reaching MongoDB (server_selection_timeout, 2 s in the tests), and room
# for a loaded machine. A liveness bound, not a speed target.
STATUS_TIMEOUT = 2 * REPORT_INTERVAL + 2.0 + 20.0


class TroveInstanceTestCase(base.TestCase):
    """One instance of a started upstream Trove per class.

    A subclass gives :meth:`peer` (the started Trove), ``TENANT`` and
    ``INITIAL_DATABASES``, which Trove's ``prepare`` creates unless
    ``PREPARE`` is false. The class has ``trove``, ``server``, ``agent``,
    ``instance_id`` and ``key`` (the instance's RPC key); after each test,
    no secret may be in the agent's or the conductor's logs.
    """

    TENANT = 'tenant-1'
    INITIAL_DATABASES = ()
    PREPARE = True

    @classmethod
    def peer(cls):
        raise NotImplementedError()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.trove = cls.peer()
        cls.workdir = tempfile.mkdtemp(prefix='trove-instance-')
        cls.addClassCleanup(shutil.rmtree, cls.workdir, ignore_errors=True)
        cls.server = secantus.SecantusServer(workdir=cls.workdir)
        cls.addClassCleanup(cls.server.kill)
        cls.server.start()
        options = dict(cls.trove.deployment.guest_options(),
                       report_interval=REPORT_INTERVAL)
        cls.agent = agent_process.AgentProcess(
            cls.server, cls.trove.deployment.transport_url,
            workdir=cls.workdir, options=options, guest_info=True)
        cls.instance_id = cls.trove.create_instance(
            cls.agent.guest_info_file, tenant_id=cls.TENANT)
        cls.agent.guest_id = cls.instance_id
        cls.key = upstream_trove.guest_info(
            cls.agent.guest_info_file)['instance_rpc_encr_key']
        cls.addClassCleanup(agent_process.delete_queues,
                            cls.trove.deployment.transport_url,
                            cls.instance_id)
        cls.addClassCleanup(cls.agent.kill)
        cls.addClassCleanup(cls.agent.stop)
        cls.agent.start()
        if cls.PREPARE:
            cls.trove.prepare(cls.instance_id,
                              databases=cls.INITIAL_DATABASES)
            cls.trove.wait_for_settled_status(cls.instance_id, 'healthy',
                                              timeout=STATUS_TIMEOUT)

    def setUp(self):
        super().setUp()
        for secret in self.secrets():
            self.add_secret(secret)
        self.addCleanup(self.assert_no_secret_in_the_logs)
        self.root = self.server.root_client()
        self.addCleanup(self.root.close)

    def secrets(self):
        """What must never reach a log.

        The key, the server's secrets and those the test registered with
        :meth:`add_secret`.
        """
        return ([self.key] + list(self.server.secret_values())
                + self._secrets)

    def logs_to_check(self):
        """The logs no secret may reach."""
        return [self.agent.log(), self.agent.output(),
                self.trove.conductor_log()]

    def assert_no_secret_in_the_logs(self):
        text = '\n'.join(self.logs_to_check())
        # assertNotIn would print the secret itself when it fails.
        leaked = [index for index, secret in enumerate(self.secrets())
                  if secret in text]
        self.assertEqual([], leaked, 'secrets reached a log')

    def names_on_server(self):
        return helpers.tenant_names(self.root.list_database_names())

    def wait_for_names(self, expected):
        helpers.poll(lambda: self.names_on_server() == set(expected),
                     STATUS_TIMEOUT,
                     'the server holding %s' % sorted(expected),
                     details=lambda: '%s; agent log:\n%s' % (
                         sorted(self.names_on_server()),
                         self.agent.log()[-3000:]))

    def agent_errors_since(self, mark):
        """The agent's ERROR lines after ``mark``, a length of its log."""
        return [line for line in self.agent.log()[mark:].splitlines()
                if ' ERROR ' in line]

    def drop_all_but_the_initial_databases(self):
        for name in self.names_on_server() - set(self.INITIAL_DATABASES):
            self.root.drop_database(name)


class Trove26TestCase(TroveInstanceTestCase):
    """An instance of Trove 26, driven by its guest API class."""

    @classmethod
    def peer(cls):
        return upstream_trove.shared()

    def secrets(self):
        return super().secrets() + [self.trove.auth_token]

    def logs_to_check(self):
        return super().logs_to_check() + [self.trove.driver_log()]

    def refusal_fault(self, request_id, event_type, since):
        """The instance fault a refused request left, as Trove shows it.

        Once trove-conductor has logged the guest's exception at ERROR
        and emitted ``event_type``; the fault's message with its white
        space folded, its details without a traceback.
        """
        line = self.trove.wait_for_conductor_log(
            'Guest exception on request %s' % request_id, since=since)
        self.assertIn('ERROR trove.conductor.manager', line)
        self.trove.wait_for_conductor_log(event_type, request_id,
                                          since=since)
        fault = self.trove.wait_for_fault(self.instance_id)
        self.assertNotIn('Traceback', fault['details'])
        return ' '.join(fault['message'].split())
