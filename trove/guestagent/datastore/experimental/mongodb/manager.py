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

from trove.common import cfg
from trove.common import exception
from trove.guestagent import conductor
from trove.guestagent.datastore.experimental.mongodb import exceptions
from trove.guestagent.datastore.experimental.mongodb import service
from trove.guestagent.datastore import manager

CONF = cfg.CONF


class Manager(manager.Manager):
    """Receives Trove's database, user and root commands for MongoDBAdmin.

    The rest of Trove's guest API is the base Manager's: ping, prepare,
    heartbeats and volume figures; the RPC endpoint refuses every other
    operation.
    """

    MANAGER = 'mongodb'

    def __init__(self, admin=None, conductor_api=None):
        super().__init__(conductor_api)
        self._admin = admin

    @property
    def admin(self):
        if self._admin is None:
            self._admin = service.MongoDBAdmin()
        return self._admin

    @property
    def mount_point(self):
        return CONF.mongodb.mount_point

    # Trove's guest API: each operation is MongoDBAdmin's, which
    # validates and logs the request and returns what it did. The RPC
    # endpoint runs each inside outcome_reported; Trove casts create and
    # delete and ignores the answer, an operator's command calls them and
    # prints it.

    # Databases

    def create_database(self, context, databases):
        return self.admin.create_database(databases)

    def list_databases(self, context, limit=None, marker=None,
                       include_marker=False):
        return self.admin.list_databases(limit, marker, include_marker)

    def delete_database(self, context, database):
        return self.admin.delete_database(database)

    # Users and access

    def create_user(self, context, users):
        return self.admin.create_users(users)

    def delete_user(self, context, user):
        return self.admin.delete_user(user)

    def get_user(self, context, username, hostname):
        return self.admin.get_user(username, hostname)

    def list_users(self, context, limit=None, marker=None,
                   include_marker=False):
        return self.admin.list_users(limit, marker, include_marker)

    def change_passwords(self, context, users):
        return self.admin.change_passwords(users)

    def update_attributes(self, context, username, hostname, user_attrs):
        return self.admin.update_attributes(username, hostname, user_attrs)

    def grant_access(self, context, username, hostname, databases):
        return self.admin.grant_access(username, hostname, databases)

    def revoke_access(self, context, username, hostname, database):
        return self.admin.revoke_access(username, hostname, database)

    def list_access(self, context, username, hostname):
        return self.admin.list_access(username, hostname)

    # Root

    def enable_root(self, context):
        return self.admin.enable_root()

    def enable_root_with_password(self, context, root_password=None):
        return self.admin.enable_root(root_password)

    def is_root_enabled(self, context):
        return self.admin.is_root_enabled()

    def get_service_status(self):
        """healthy when MongoDB answers the agent and lets it work.

        shutdown when it cannot be reached; unknown (which Trove shows as
        an error) when it answers but refuses the agent, or fails.
        """
        try:
            self.admin.check_access()
        except exceptions.MongoDBConnectionError as exc:
            return conductor.SHUTDOWN, exc
        except exception.TroveError as exc:
            return conductor.UNKNOWN, exc
        return conductor.HEALTHY, None
