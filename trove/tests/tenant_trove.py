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

"""The tenant's path: Trove 13's API in front of the agent, as a peer.

Upstream Trove 13.0.0 (Ussuri), the last release whose API forwards
database commands for MongoDB, lives in the venv ``.trove-ussuri`` that
``tools/dev.py`` makes from ``trove/tests/ussuri_peer/``. From there the
harness runs, each as a process of its own, on a MariaDB database and
message-bus topics of its own:

- ``trove-manage db_sync`` and the datastore registration an operator
  types (``datastore_update``, ``datastore_version_update``);
- ``trove-api`` on a free loopback port, its paste pipeline as released
  but for keystonemiddleware's ``authtoken``, replaced by a filter that
  takes the tenant from the URL (``ussuri_peer/peer_stand_ins.py``, which
  also stands in for Nova);
- ``trove-conductor``, which takes the agent's heartbeats and outcomes;
- the driver (``ussuri_peer/driver.py``), which does with Trove's own code
  what its taskmanager does for a new instance: the row and its key, the
  ``guest_info.conf`` it injects, the ``prepare`` cast;
- ``openstack database ...``, the tenant's client, one process a command.

Without MariaDB, the message broker or the venv it raises
:class:`~trove.tests.upstream_trove.UpstreamTroveError`: it never skips.
``TROVE_USSURI_PYTHON`` names the interpreter of another Trove 13 venv.
"""

import os
import socket
import subprocess
import uuid

from trove.tests import helpers
from trove.tests import upstream_trove

ROOT = upstream_trove.ROOT
PEER_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        'ussuri_peer')
TROVE_13 = upstream_trove.PeerVenv(os.path.join(ROOT, '.trove-ussuri'),
                                   'TROVE_USSURI_PYTHON', '13.0.0')

DATASTORE = 'mongodb'
DATASTORE_VERSION = '4.2'
# Small, so that 25 databases take several pages: the API asks the guest
# for a page this long and the client follows the API's next marker.
DATABASES_PAGE_SIZE = 5
# How long Trove's API waits for the guest's answer to a call (Trove 13's
# default is 15 s, later releases' 5 s): a stopped agent costs each
# tenant command that long.
AGENT_CALL_TIMEOUT = 5
# A tenant command: the client's own start-up (a few seconds) and, with
# the agent stopped, the API's calls to it that time out.
COMMAND_TIMEOUT = 120.0


def _api_paste(venv):
    """Trove 13's own api-paste.ini, Keystone's filter replaced."""
    released = os.path.join(os.path.dirname(os.path.dirname(venv.python())),
                            'etc', 'trove', 'api-paste.ini')
    with open(released) as stream:
        text = stream.read()
    text = text.replace(' authtoken ', ' identity ', 1).replace(
        '[filter:authtoken]\n'
        'paste.filter_factory = keystonemiddleware.auth_token:'
        'filter_factory',
        '[filter:identity]\n'
        'paste.filter_factory = peer_stand_ins:identity_filter_factory')
    if 'peer_stand_ins' not in text or ' authtoken ' in text:
        raise upstream_trove.UpstreamTroveError(
            'The api-paste.ini of %s has no authtoken filter to replace'
            % released)
    return text


class ApiDeployment(upstream_trove.Deployment):
    """A deployment whose ``trove-api`` runs too, on a free port."""

    def __init__(self, venv, **kwargs):
        super().__init__(venv=venv, **kwargs)
        self.api_port = helpers.free_port()
        self.paste_file = os.path.join(self.workdir, 'api-paste.ini')

    @property
    def endpoint(self):
        return 'http://127.0.0.1:%d/v1.0' % self.api_port

    def options(self):
        sections = super().options()
        sections['DEFAULT'].update({
            'bind_host': '127.0.0.1',
            'bind_port': self.api_port,
            'trove_api_workers': 1,
            'api_paste_config': self.paste_file,
            'remote_nova_client': 'peer_stand_ins.NovaStandIn',
            'remote_neutron_client': 'peer_stand_ins.NeutronStandIn',
            'databases_page_size': DATABASES_PAGE_SIZE,
            'agent_call_low_timeout': AGENT_CALL_TIMEOUT,
        })
        return sections

    def write_config(self):
        super().write_config()
        with open(self.paste_file, 'w') as stream:
            stream.write(_api_paste(self.venv))


class UssuriDeployment(ApiDeployment):
    """Trove 13 with its API, and the MongoDB datastore registered."""

    def __init__(self, **kwargs):
        super().__init__(TROVE_13, **kwargs)

    def create(self):
        """db_sync, then the MongoDB datastore as an operator adds it."""
        super().create()
        self.manage('datastore_update', DATASTORE, '')
        self.manage('datastore_version_update', DATASTORE,
                    DATASTORE_VERSION, DATASTORE, 'stand-in-image', '', '1')
        self.manage('datastore_update', DATASTORE, DATASTORE_VERSION)


class ApiProcess(upstream_trove.UpstreamProcess):
    """``trove-api`` of ``deployment``, as a process of its own."""

    def __init__(self, deployment):
        super().__init__(deployment, 'api', 'api.out')

    def ready(self):
        """Whether its port takes connections."""
        try:
            socket.create_connection(('127.0.0.1', self.deployment.api_port),
                                     timeout=1).close()
        except OSError:
            return False
        return True


class TenantApi:
    """What a Trove with its API adds to a peer: the process, the client.

    Mixed into a :class:`~trove.tests.upstream_trove.PeerTrove` whose
    deployment is an :class:`ApiDeployment`.
    """

    def processes(self):
        return super().processes() + [self.api]

    def openstack(self, tenant_id, token, *args, timeout=COMMAND_TIMEOUT):
        """Run ``openstack ARGS`` as the tenant; the completed process.

        The tenant's client (python-openstackclient with
        python-troveclient's plugin, from the Trove 13 venv) talks to
        this API's endpoint for ``tenant_id`` with ``token``.
        """
        command = [TROVE_13.tool('openstack'),
                   '--os-auth-type', 'admin_token',
                   '--os-endpoint', '%s/%s' % (self.deployment.endpoint,
                                               tenant_id),
                   '--os-token', token] + list(args)
        return subprocess.run(
            command, env=upstream_trove.clean_environment(),
            stdin=subprocess.DEVNULL, capture_output=True, text=True,
            timeout=timeout, cwd=self.deployment.workdir)


class TenantTrove(TenantApi, upstream_trove.PeerTrove):
    """Trove 13's API, conductor and taskmanager's part, for the tests."""

    def __init__(self, deployment=None):
        super().__init__(deployment or UssuriDeployment(),
                         driver_script=os.path.join(PEER_DIR, 'driver.py'))
        self.api = ApiProcess(self.deployment)

    def create_instance(self, guest_info_path, tenant_id):
        """An ACTIVE MongoDB instance of ``tenant_id``; returns its id.

        Writes its guest_info.conf, key included, to ``guest_info_path``
        as Trove's taskmanager injects it.
        """
        result = self.driver.request('create_instance', dict(
            guest_info_path=guest_info_path, tenant_id=tenant_id,
            datastore=DATASTORE, datastore_version=DATASTORE_VERSION))
        self.instances.append(result['instance_id'])
        return result['instance_id']

    def prepare(self, instance_id, databases=()):
        """Cast ``prepare`` as Trove 13's taskmanager does."""
        return self.driver.request('prepare', dict(
            instance_id=instance_id, databases=list(databases)))

    def instance_status(self, instance_id):
        """``{'status', 'updated_at'}``, read with Trove's own model."""
        return self.driver.request('instance_status',
                                   dict(instance_id=instance_id))


class Trove26Api(TenantApi, upstream_trove.UpstreamTrove):
    """Trove 26 with its API, which refuses MongoDB's database commands."""

    def __init__(self):
        super().__init__(ApiDeployment(upstream_trove.TROVE_26))
        self.api = ApiProcess(self.deployment)


def new_token():
    """A Keystone token stand-in: a secret the guest must never log."""
    return 'gAAAAAB-tenant-%s' % uuid.uuid4().hex


def shared():
    """One started Trove 13 per test process."""
    return upstream_trove.started_once(TenantTrove)


def shared_trove_26():
    """One started Trove 26 with its API per test process."""
    return upstream_trove.started_once(Trove26Api)
