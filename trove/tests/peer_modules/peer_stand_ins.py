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

"""Stand-ins for Keystone and Nova, so that Trove's API runs alone.

Loaded by Trove's own services in the test venvs (a ``.pth`` file puts
this folder on their path), named in their configuration:

- :func:`identity_filter_factory` replaces keystonemiddleware's
  ``authtoken`` in the API's paste pipeline: it takes the tenant from the
  request's URL (``/v1.0/<tenant>/...``), as a token of that tenant's
  member would give it, and sets the headers Trove's authorization and
  context middlewares read. The token itself travels on untouched: Trove
  puts it in the context it sends to the guest, which must never log it.
- :class:`NovaStandIn` (``remote_nova_client``) answers for every
  instance's server: ACTIVE, with no address and no server group, which
  is what Trove's API asks of Nova before a database command;
  :class:`NeutronStandIn` (``remote_neutron_client``, Trove 26) answers
  that it has no port for it.
"""

import types

from novaclient import api_versions

MEMBER_ROLE = 'member'


class _IdentityFilter:

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        parts = environ.get('PATH_INFO', '').strip('/').split('/')
        tenant = parts[0] if parts and parts[0] else ''
        environ['HTTP_X_TENANT_ID'] = tenant
        environ['HTTP_X_PROJECT_ID'] = tenant
        environ['HTTP_X_USER_ID'] = 'user-of-%s' % tenant
        environ['HTTP_X_ROLE'] = MEMBER_ROLE
        environ['HTTP_X_ROLES'] = MEMBER_ROLE
        environ['HTTP_X_IDENTITY_STATUS'] = 'Confirmed'
        return self.application(environ, start_response)


def identity_filter_factory(global_config, **local_config):
    return _IdentityFilter


class _Servers:

    def get(self, server_id):
        return types.SimpleNamespace(id=server_id, status='ACTIVE',
                                     addresses={}, name=server_id,
                                     flavor={'id': 'stand-in'})

    def list(self, *args, **kwargs):
        return []


class _Flavors:

    def get(self, flavor_id):
        return types.SimpleNamespace(id=flavor_id, name=str(flavor_id),
                                     ram=2048, vcpus=1, disk=10,
                                     ephemeral=0)


class _ServerGroups:

    def list(self, *args, **kwargs):
        return []


class NovaStandIn:
    """Trove's Nova client, as ``remote_nova_client`` makes it."""

    def __init__(self, context=None, region_name=None, **kwargs):
        # trove-manage db_sync (Trove 26) checks it before it tags the
        # instances' servers.
        self.api_version = api_versions.APIVersion('2.60')
        self.servers = _Servers()
        self.flavors = _Flavors()
        self.server_groups = _ServerGroups()


class NeutronStandIn:
    """Trove's Neutron client, as ``remote_neutron_client`` makes it."""

    def __init__(self, context=None, region_name=None, **kwargs):
        pass

    def list_ports(self, **filters):
        return {'ports': []}

    def list_floatingips(self, **filters):
        return {'floatingips': []}
