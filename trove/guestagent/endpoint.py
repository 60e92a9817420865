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

"""The RPC endpoint of the guest agent: a datastore Manager, as served.

Each operation of Trove's guest API that the agent serves is a method of
:class:`ManagerEndpoint` exposed to oslo.messaging, which dispatches only
those (:data:`ACCESS_POLICY`); the operations the agent does not support
are refused by :class:`~trove.guestagent.unsupported.
UnsupportedOperations`. A request whose context or arguments did not
decrypt with the instance's key is refused before the Manager sees it.
For a cast nobody waits for the answer, so a failure is seen only in the
agent's log (and, when Trove asked, in trove-conductor's): the endpoint
logs every failure at ERROR, naming the method, the databases and the
cause. An operation the agent does not support is an expected answer,
logged at INFO. The project's own errors go back to a caller as expected
failures (no traceback in the log or in the answer); any other exception
is a bug and keeps its traceback.

The Manager itself stays a plain object, so that ``--local`` commands and
tests call it directly and get the project's errors unchanged.
"""

import threading

from oslo_log import log as logging
import oslo_messaging as messaging

from trove.common import cfg
from trove.common import context as trove_context
from trove.common import exception
from trove.common import rpc
from trove.common import secure_rpc
from trove.guestagent.db import models
from trove.guestagent import unsupported

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

# Only the methods marked with oslo_messaging.expose are dispatched: not
# the endpoint's own attributes (its target, say), nor the Manager's.
ACCESS_POLICY = messaging.ExplicitRPCAccessPolicy


def describe_databases(arguments):
    """The database names in a request's arguments, for a log line."""
    payloads = arguments.get('databases')
    if payloads is None and 'database' in arguments:
        payloads = [arguments['database']]
    if payloads is None:
        return None
    return models.DatastoreSchema.names_in(payloads)


def describe_users(arguments):
    """The user names in a request's arguments, for a log line.

    Names only: a user payload, and a change_passwords entry, hold a
    password.
    """
    if 'users' in arguments:
        return models.MongoDBUser.names_in(arguments['users'])
    if 'user' in arguments:
        return [models.MongoDBUser.name_in(arguments['user'])]
    username = arguments.get('username')
    if username is not None:
        return [username if isinstance(username, str) else '?']
    return None


class RequestName:
    """A request as log lines name it, formatted only when logged.

    ``create_database for databases ['sales']``, ``grant_access for users
    ['shop.alice'] and databases ['shop']``, or the method alone when the
    request names no databases or users. No other argument is shown:
    passwords travel in them.
    """

    __slots__ = ('method', 'arguments')

    def __init__(self, method, arguments):
        self.method = method
        self.arguments = arguments

    def __str__(self):
        parts = []
        users = describe_users(self.arguments)
        if users is not None:
            parts.append('users %s' % users)
        databases = describe_databases(self.arguments)
        if databases is not None:
            parts.append('databases %s' % databases)
        if not parts:
            return self.method
        return '%s for %s' % (self.method, ' and '.join(parts))


def _unreadable_reason(context, arguments):
    """Why a request did not decrypt, or ``None`` when all of it did."""
    reason = getattr(context, 'unreadable', None)
    if reason is not None:
        return reason
    for value in arguments.values():
        if isinstance(value, secure_rpc.Unreadable):
            return value.reason
    return None


def _expected(failure):
    """``failure`` as the answer to send: its class and message alone.

    oslo.messaging sends an answer's traceback with it (Trove's API then
    shows it in its error) and logs it unless the failure is expected. An
    error of the project's own says all there is to say in its message.
    """
    answer = failure.as_raised()
    expected = messaging.ExpectedException()
    expected.exc_info = (type(answer), answer, None)
    return expected


class ManagerEndpoint(unsupported.UnsupportedOperations):
    """Serves the operations of ``manager`` over RPC, one method each.

    It also counts the requests in flight, so that a shutdown can say what
    it waits for.
    """

    target = messaging.Target(version=rpc.RPC_API_VERSION)

    def __init__(self, manager):
        self._manager = manager
        self._lock = threading.Lock()
        self._in_flight = 0

    @property
    def in_flight(self):
        with self._lock:
            return self._in_flight

    @property
    def datastore(self):
        return self._manager.MANAGER

    # Instance life cycle

    @messaging.expose
    def rpc_ping(self, context):
        return self._serve(self._manager.rpc_ping, context, {})

    @messaging.expose
    def prepare(self, context, **arguments):
        return self._serve(self._manager.prepare, context, arguments)

    @messaging.expose
    def get_filesystem_stats(self, context, fs_path=None):
        return self._serve(self._manager.get_filesystem_stats, context,
                           {'fs_path': fs_path})

    # Databases

    @messaging.expose
    def create_database(self, context, databases):
        return self._serve(self._manager.create_database, context,
                           {'databases': databases})

    @messaging.expose
    def list_databases(self, context, limit=None, marker=None,
                       include_marker=False):
        return self._serve(self._manager.list_databases, context,
                           {'limit': limit, 'marker': marker,
                            'include_marker': include_marker})

    @messaging.expose
    def delete_database(self, context, database):
        return self._serve(self._manager.delete_database, context,
                           {'database': database})

    # Users and access

    @messaging.expose
    def create_user(self, context, users):
        return self._serve(self._manager.create_user, context,
                           {'users': users})

    @messaging.expose
    def list_users(self, context, limit=None, marker=None,
                   include_marker=False):
        return self._serve(self._manager.list_users, context,
                           {'limit': limit, 'marker': marker,
                            'include_marker': include_marker})

    @messaging.expose
    def get_user(self, context, username, hostname):
        return self._serve(self._manager.get_user, context,
                           {'username': username, 'hostname': hostname})

    @messaging.expose
    def delete_user(self, context, user):
        return self._serve(self._manager.delete_user, context,
                           {'user': user})

    @messaging.expose
    def change_passwords(self, context, users):
        return self._serve(self._manager.change_passwords, context,
                           {'users': users})

    @messaging.expose
    def update_attributes(self, context, username, hostname, user_attrs):
        return self._serve(self._manager.update_attributes, context,
                           {'username': username, 'hostname': hostname,
                            'user_attrs': user_attrs})

    @messaging.expose
    def grant_access(self, context, username, hostname, databases):
        return self._serve(self._manager.grant_access, context,
                           {'username': username, 'hostname': hostname,
                            'databases': databases})

    @messaging.expose
    def revoke_access(self, context, username, hostname, database):
        return self._serve(self._manager.revoke_access, context,
                           {'username': username, 'hostname': hostname,
                            'database': database})

    @messaging.expose
    def list_access(self, context, username, hostname):
        return self._serve(self._manager.list_access, context,
                           {'username': username, 'hostname': hostname})

    # Root

    @messaging.expose
    def enable_root(self, context):
        return self._serve(self._manager.enable_root, context, {})

    @messaging.expose
    def enable_root_with_password(self, context, root_password=None):
        return self._serve(self._manager.enable_root_with_password, context,
                           {'root_password': root_password})

    @messaging.expose
    def is_root_enabled(self, context):
        return self._serve(self._manager.is_root_enabled, context, {})

    def _serve(self, operation, context, arguments):
        """Run ``operation(context, **arguments)`` as a request.

        :param operation: the Manager's method, or a refusal, named after
            the request's method.
        """
        name = operation.__name__
        with self._lock:
            self._in_flight += 1
        try:
            try:
                reason = _unreadable_reason(context, arguments)
                if reason is not None:
                    raise exception.UnreadableMessage(
                        method=name, reason=reason, guest_id=CONF.guest_id,
                        has_key=rpc.instance_key() is not None)
                with self._manager.outcome_reported(
                        context, RequestName(name, arguments)):
                    return operation(context, **arguments)
            except exception.TroveError as exc:
                failure = exc
            except Exception:
                LOG.exception('Request %s failed with an unexpected error.',
                              RequestName(name, arguments))
                raise
            # Logged outside the handler: oslo.log appends the exception
            # being handled to an ERROR line, which would repeat the cause.
            self._log_failure(name, arguments, failure)
            raise _expected(failure)
        finally:
            with self._lock:
                self._in_flight -= 1
            # A request that oslo.messaging refuses before it reaches here
            # (an unknown method) leaves the thread's context to be
            # replaced by the next request's, read before anything of it
            # is logged.
            trove_context.forget_current()

    @staticmethod
    def _log_failure(name, arguments, exc):
        if isinstance(exc, exception.DatastoreOperationNotSupported):
            LOG.info('Refused %(method)s: %(cause)s',
                     {'method': name, 'cause': exc})
            return
        if isinstance(exc, exception.UnreadableMessage):
            # Its arguments are not to be trusted, even for a log line.
            LOG.error('%s', exc)
            return
        LOG.error('Request %(request)s failed: %(cause)s',
                  {'request': RequestName(name, arguments), 'cause': exc})
