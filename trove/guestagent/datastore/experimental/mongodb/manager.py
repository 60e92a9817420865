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

"""The MongoDB datastore Manager: the guest agent's RPC surface."""

from oslo_log import log as logging

from trove.guestagent.datastore.experimental.mongodb import service
from trove.guestagent import preparation
from trove.guestagent import request_log
from trove.guestagent import unsupported

LOG = logging.getLogger(__name__)


class Manager(unsupported.unsupported_operations('mongodb')):
    """Receives Trove's database commands and delegates to MongoDBAdmin.

    Every other operation of Trove's guest API answers
    ``DatastoreOperationNotSupported``.
    """

    MANAGER = 'mongodb'

    def __init__(self, admin=None):
        self._admin = admin

    @property
    def admin(self):
        if self._admin is None:
            self._admin = service.MongoDBAdmin()
        return self._admin

    def create_database(self, context, databases):
        LOG.info('Creating databases %s.',
                 request_log.payload_names(databases))
        self.admin.create_database(databases)

    def list_databases(self, context, limit=None, marker=None,
                       include_marker=False):
        LOG.debug('Listing databases (limit=%(limit)r, marker=%(marker)r, '
                  'include_marker=%(include)r).',
                  {'limit': limit, 'marker': marker,
                   'include': include_marker})
        return self.admin.list_databases(limit, marker, include_marker)

    def delete_database(self, context, database):
        LOG.info('Deleting database %r.', request_log.payload_name(database))
        self.admin.delete_database(database)

    def rpc_ping(self, context):
        return True

    def prepare(self, context, databases=None, **instance_setup):
        """Trove's instance preparation: creates the instance's databases.

        ``instance_setup`` holds Trove's other prepare arguments (packages,
        volume, configuration, users, root password, ...), which are out of
        this plugin's scope and logged as skipped.
        """
        preparation.log_skipped(instance_setup)
        if databases:
            self.create_database(context, databases)
