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

"""The errors of the MongoDB datastore: its server and its credentials.

:mod:`.errors` decides which of these a pymongo failure is; callers act on
their classes (and on ``command_sent``), never on pymongo's exceptions.
"""

from trove.common import exception
from trove.common.i18n import _


class CredentialsFileError(exception.TroveError):
    message = _('Cannot use the MongoDB admin credentials file %(path)s: '
                '%(reason)s')


class MongoDBError(exception.TroveError):
    """Base of the errors that come from talking to MongoDB."""


class MongoDBConnectionError(MongoDBError):
    """MongoDB could not be reached, or stopped answering.

    ``command_sent`` says whether the command went out: when it did, the
    server may have done it before the connection failed.
    """

    command_sent = None


class MongoDBUnreachable(MongoDBConnectionError):
    """No server to send the command to: it never went out."""

    command_sent = False
    message = _('Cannot reach MongoDB at %(host)s:%(port)s within '
                '%(timeout)s s ([mongodb] server_selection_timeout): '
                '%(reason)s. The %(operation)s command was not sent, so '
                'nothing was changed on the server. Check that mongod is '
                'running and that [mongodb] mongodb_host and mongodb_port '
                'point at it.')


class MongoDBConnectionLost(MongoDBConnectionError):
    """The command went out, and the connection failed before the answer."""

    command_sent = True
    message = _('The connection to MongoDB at %(host)s:%(port)s was lost '
                'after the %(operation)s command on database %(database)s '
                'was sent (%(reason)s), so the server may or may not have '
                'done it. Check that mongod is still running.')


class MongoDBTimeout(MongoDBConnectionError):
    """The command went out, and no answer came within its time."""

    command_sent = True
    message = _('MongoDB at %(host)s:%(port)s did not answer the '
                '%(operation)s command on database %(database)s within '
                '%(timeout)s s (%(bound)s) after it was sent, so the server '
                'may or may not have done it. Check whether mongod or its '
                'disk is overloaded or hung.')


class MongoDBNotPrimary(MongoDBError):
    message = _('MongoDB at %(host)s:%(port)s is not the primary of its '
                'replica set, so it refused the %(operation)s command on '
                'database %(database)s (%(reason)s). Point [mongodb] '
                'mongodb_host and mongodb_port at the primary of the replica '
                'set, or send the request to the guest agent whose MongoDB '
                'is the primary.')


class MongoDBAuthenticationError(MongoDBError):
    message = _('MongoDB refused the credentials of user %(user)s from '
                '%(path)s ([mongodb] admin_credentials_file). Check the user '
                'name and password in that file.')


class MongoDBUnauthorized(MongoDBError):
    message = _('MongoDB user %(user)s is not authorized to %(action)s on '
                'database %(database)s. Grant it the missing privilege '
                '(Trove gives os_admin userAdminAnyDatabase, '
                'dbAdminAnyDatabase and clusterAdmin).')


class MongoDBCredentialsMissing(MongoDBUnauthorized):
    message = _('MongoDB requires authentication and refused to let the '
                'agent %(action)s on database %(database)s without it: the '
                'credentials file %(path)s ([mongodb] '
                'admin_credentials_file) does not exist, so the agent '
                'connected without credentials. Create that file with the '
                'os_admin user name and password, readable by its owner '
                'only.')


class MongoDBNotDurable(MongoDBError):
    """The server did the command but did not confirm it is durable."""

    message = _('MongoDB did the %(operation)s command on database '
                '%(database)s but did not confirm that it reached its '
                'journal (%(reason)s).')


class MongoDBClientError(MongoDBError):
    """pymongo refused, in the agent's process, to send a command."""

    message = _('The agent could not send the %(operation)s command on '
                'database %(database)s: %(reason)s.')


class MongoDBOperationError(MongoDBError):
    message = _('MongoDB refused %(operation)s on %(database)s: %(reason)s '
                '(code %(code)s).')
