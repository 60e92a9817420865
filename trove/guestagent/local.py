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

"""The guest agent's operations run in the caller's own process.

``trove-mongodb --local`` uses this where the caller API
(:mod:`trove.guestagent.api`) would send the request over the message
bus: the same database operations, with the same arguments, done by the
MongoDB Manager against the ``[mongodb]`` server of the configuration.
Unlike a cast, each returns once it is done, and raises the Manager's
own error when it fails.
"""

from trove.guestagent.datastore.experimental.mongodb import connection
from trove.guestagent.datastore.experimental.mongodb import manager


class LocalAPI:
    """The caller API's operations, on a Manager in this process."""

    def __init__(self):
        self._manager = manager.Manager()

    def create_database(self, databases):
        return self._manager.create_database(None, databases)

    def list_databases(self, limit=None, marker=None, include_marker=False):
        return self._manager.list_databases(None, limit, marker,
                                            include_marker)

    def delete_database(self, database):
        return self._manager.delete_database(None, database)

    def create_user(self, users):
        return self._manager.create_user(None, users)

    def delete_user(self, user):
        return self._manager.delete_user(None, user)

    def get_user(self, username, hostname='%'):
        return self._manager.get_user(None, username, hostname)

    def list_users(self, limit=None, marker=None, include_marker=False):
        return self._manager.list_users(None, limit, marker, include_marker)

    def grant_access(self, username, hostname, databases):
        return self._manager.grant_access(None, username, hostname,
                                          databases)

    def revoke_access(self, username, hostname, database):
        return self._manager.revoke_access(None, username, hostname,
                                           database)

    def list_access(self, username, hostname='%'):
        return self._manager.list_access(None, username, hostname)

    def enable_root_with_password(self, root_password=None):
        return self._manager.enable_root_with_password(None, root_password)

    def is_root_enabled(self):
        return self._manager.is_root_enabled(None)

    def close(self):
        """Close the connections to MongoDB this process pooled."""
        connection.get_pool().close()
