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

from trove.common import cfg
from trove.common import exception
from trove.guestagent import conductor
from trove.guestagent.datastore.experimental.mongodb import exceptions
from trove.guestagent.datastore.experimental.mongodb import service
from trove.guestagent.datastore import manager
from trove.guestagent import request_log

CONF = cfg.CONF
LOG = logging.getLogger(__name__)


class Manager(manager.Manager):
    """Receives Trove's database, user and root commands for MongoDBAdmin.

    The rest of Trove's guest API is the base Manager's: ping, prepare,
    heartbeats, volume figures, and a refusal of every other operation.
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

    # A create or delete request and its success are logged at DEBUG, as
    # Trove's MySQL agent logs them: at INFO, the outcome line cost a
    # single create or delete more than all the rest of the plugin. The
    # success goes to trove-conductor as the request's end notification
    # (a WARNING says so when it cannot), and trove-mongodb prints it.
    # What an operator may have to act on is logged higher: a database
    # left as it was (INFO), users MongoDB kept (WARNING), a failure
    # (ERROR, by the RPC endpoint).

    def create_database(self, context, databases):
        """Create the databases; return which were new and which existed.

        Trove casts this and ignores the answer; an operator's command
        calls it and prints the outcome: ``{'created': [names],
        'existed': [names]}``.
        """
        LOG.debug('Creating databases %s.',
                  request_log.payload_names(databases))
        created = self.admin.create_database(databases)
        # Every payload was valid, or the admin would have refused them all.
        requested = request_log.payload_names(databases)
        return {'created': created,
                'existed': [name for name in requested
                            if name not in created]}

    def list_databases(self, context, limit=None, marker=None,
                       include_marker=False):
        LOG.debug('Listing databases (limit=%(limit)r, marker=%(marker)r, '
                  'include_marker=%(include)r).',
                  {'limit': limit, 'marker': marker,
                   'include': include_marker})
        return self.admin.list_databases(limit, marker, include_marker)

    def delete_database(self, context, database):
        """Drop the database; return it and the users MongoDB kept.

        Trove casts this and ignores the answer; an operator's command
        calls it and prints the outcome: ``{'deleted': name,
        'users_kept': [names]}``. A database that does not exist is
        refused (``DatabaseNotFound``), as Trove's other datastores do.
        """
        name = request_log.payload_name(database)
        LOG.debug('Deleting database %r.', name)
        users = self.admin.delete_database(database)
        return {'deleted': name, 'users_kept': users}

    # Users, access and root, as Trove's guest API sends them. Log lines
    # name users, never a password.

    def create_user(self, context, users):
        """Create the users; return their names.

        Trove casts this; an operator's command calls it.
        """
        LOG.debug('Creating users %s.', request_log.user_names(users))
        return {'created': self.admin.create_users(users)}

    def delete_user(self, context, user):
        """Drop the user; return ``{'deleted': name}``."""
        LOG.debug('Deleting user %r.', request_log.user_name(user))
        return {'deleted': self.admin.delete_user(user)}

    def get_user(self, context, username, hostname):
        return self.admin.get_user(username, hostname)

    def list_users(self, context, limit=None, marker=None,
                   include_marker=False):
        LOG.debug('Listing users (limit=%(limit)r, marker=%(marker)r, '
                  'include_marker=%(include)r).',
                  {'limit': limit, 'marker': marker,
                   'include': include_marker})
        return self.admin.list_users(limit, marker, include_marker)

    def change_passwords(self, context, users):
        LOG.debug('Changing the passwords of users %s.',
                  request_log.user_names(users))
        return {'changed': self.admin.change_passwords(users)}

    def update_attributes(self, context, username, hostname, user_attrs):
        LOG.debug('Updating the attributes of user %r.', username)
        return {'changed': self.admin.update_attributes(username, hostname,
                                                        user_attrs)}

    def grant_access(self, context, username, hostname, databases):
        LOG.debug('Granting user %(user)r access to databases %(dbs)s.',
                  {'user': username,
                   'dbs': request_log.payload_names(databases)})
        return self.admin.grant_access(username, hostname, databases)

    def revoke_access(self, context, username, hostname, database):
        LOG.debug('Revoking access of user %(user)r to database %(db)r.',
                  {'user': username,
                   'db': request_log.payload_name(database)})
        return self.admin.revoke_access(username, hostname, database)

    def list_access(self, context, username, hostname):
        return self.admin.list_access(username, hostname)

    def enable_root(self, context):
        """Enable root with a generated password; return the root user."""
        return self.admin.enable_root()

    def enable_root_with_password(self, context, root_password=None):
        """Enable root with ``root_password`` (generated when None)."""
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
