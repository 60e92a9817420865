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

"""Turn pymongo's failures into the project's errors, keeping the cause.

The error is decided here, where pymongo's is caught, from what is known
at that point: whether the command went out (pymongo reports to
:data:`CHECKOUTS` each connection it takes to send a command), which
timeout bounded it, and what the server answered. Callers act on the
class of the error and on ``command_sent``, never on pymongo's exception
underneath.
"""

import os
import re
import threading

from pymongo import errors as pymongo_errors
from pymongo import monitoring

from trove.common.i18n import _
from trove.guestagent.datastore.experimental.mongodb import exceptions

UNAUTHORIZED = 13
AUTHENTICATION_FAILED = 18
NAMESPACE_EXISTS = 48
# The server is shutting down: ShutdownInProgress, InterruptedAtShutdown.
_SHUTTING_DOWN = frozenset([91, 11600])

# What bounds a command, for the message of a timeout.
OPERATION_TIMEOUT = 'operation_timeout'
# A listing runs under pymongo.timeout(server_selection_timeout): see
# service._database_names.
LISTING_TIMEOUT = 'listing'

# mongod says: "not authorized on sales to execute command { create: ... }"
# and newer servers add "(action: insert)"; keep whichever part is there.
_ACTION_RE = re.compile(r'\(action: (?P<action>\w+)\)')
_COMMAND_RE = re.compile(r'execute command \{ ?(?P<command>\w+)')
# An unauthenticated client: "command listDatabases requires
# authentication".
_REQUIRES_AUTHENTICATION = 'requires authentication'


class Checkouts(monitoring.ConnectionPoolListener):
    """Counts, per thread, the connections pymongo has checked out.

    pymongo checks out a connection for each command, on the thread that
    sends it, once the connection is established and authenticated, and
    sends the command right after. So a failure with no new checkout
    counted happened before anything was sent (no server selected, no
    connection made), and a network failure after one happened while the
    command was sent or answered. Only the checkouts do any work: pymongo
    reports every event of its pools to a pool listener, and a command
    listener would cost it more per command.
    """

    def __init__(self):
        self._local = threading.local()

    def count(self):
        return getattr(self._local, 'count', 0)

    def connection_checked_out(self, event):
        self._local.count = self.count() + 1

    def _ignored(self, event):
        """An event of the pool that says nothing about a command."""

    pool_created = pool_ready = pool_cleared = pool_closed = _ignored
    connection_created = connection_ready = connection_closed = _ignored
    connection_check_out_started = _ignored
    connection_check_out_failed = connection_checked_in = _ignored


CHECKOUTS = Checkouts()


class Translated:
    """Raise the project's error for a pymongo failure inside the block.

    A class rather than a generator: it wraps every command the agent
    sends.

    :param connection: the :class:`~.connection.Connection` in use; its
        target names the server and the user (never the password).
    :param operation: the server command sent in the block ("create").
    :param database: the database it is sent to.
    :param bound: :data:`OPERATION_TIMEOUT` or :data:`LISTING_TIMEOUT`,
        which timeout bounds the block once the command is sent.
    """

    __slots__ = ('connection', 'operation', 'database', 'bound',
                 'checkouts')

    def __init__(self, connection, operation, database,
                 bound=OPERATION_TIMEOUT):
        self.connection = connection
        self.operation = operation
        self.database = database
        self.bound = bound

    def __enter__(self):
        self.checkouts = CHECKOUTS.count()
        return self

    def __exit__(self, exc_type, exc, traceback):
        if exc_type is None or not issubclass(exc_type,
                                              pymongo_errors.PyMongoError):
            return False
        sent = CHECKOUTS.count() != self.checkouts
        raise _translation(self.connection, exc, self.operation,
                           self.database, self.bound, sent) from exc


def _translation(connection, exc, operation, database, bound, sent):
    target = connection.target
    if isinstance(exc, pymongo_errors.ServerSelectionTimeoutError):
        answer = _last_answer(connection)
        if answer is not None:
            return _translation(connection, answer, operation, database,
                                bound, False)
    if isinstance(exc, pymongo_errors.NotPrimaryError):
        code = _code(exc)
        if code not in _SHUTTING_DOWN:
            return exceptions.MongoDBNotPrimary(
                host=target.host, port=target.port, operation=operation,
                database=database, reason=_code_name(exc))
        return exceptions.MongoDBConnectionLost(
            host=target.host, port=target.port, operation=operation,
            database=database, reason=_('the server is shutting down'))
    if isinstance(exc, pymongo_errors.ConnectionFailure):
        if not sent:
            return exceptions.MongoDBUnreachable(
                host=target.host, port=target.port,
                timeout=target.server_selection_timeout,
                operation=operation, reason=_reason(exc, target))
        if exc.timeout:
            return _timeout(target, operation, database, bound)
        return exceptions.MongoDBConnectionLost(
            host=target.host, port=target.port, operation=operation,
            database=database, reason=_reason(exc, target))
    if isinstance(exc, pymongo_errors.ExecutionTimeout):
        return _timeout(target, operation, database, bound)
    if isinstance(exc, pymongo_errors.WriteConcernError):
        return exceptions.MongoDBNotDurable(
            operation=operation, database=database, reason=_errmsg(exc))
    if isinstance(exc, pymongo_errors.OperationFailure):
        errmsg = _errmsg(exc)
        if exc.code == AUTHENTICATION_FAILED:
            return exceptions.MongoDBAuthenticationError(
                user=target.username, path=target.credentials_path)
        if exc.code == UNAUTHORIZED:
            action = _unauthorized_action(errmsg, operation)
            if (target.username is None
                    and _REQUIRES_AUTHENTICATION in errmsg
                    and not os.path.exists(target.credentials_path)):
                return exceptions.MongoDBCredentialsMissing(
                    action=action, database=database,
                    path=target.credentials_path)
            return exceptions.MongoDBUnauthorized(
                user=target.username or _('(unauthenticated)'),
                action=action, database=database)
        return exceptions.MongoDBOperationError(
            operation=operation, database=database, reason=errmsg,
            code=exc.code)
    # Not the server's answer: pymongo refused in the agent's process.
    return exceptions.MongoDBClientError(
        operation=operation, database=database,
        reason=_reason(exc, target))


def _timeout(target, operation, database, bound):
    if bound == LISTING_TIMEOUT:
        seconds = target.server_selection_timeout
        what = _('the bound of a listing, [mongodb] '
                 'server_selection_timeout, which keeps database-list '
                 'within the caller\'s wait')
    else:
        seconds = target.operation_timeout
        what = _('[mongodb] operation_timeout')
    return exceptions.MongoDBTimeout(
        host=target.host, port=target.port, operation=operation,
        database=database, timeout=seconds, bound=what)


def _last_answer(connection):
    """The server's answer that made pymongo stop selecting it, if any.

    After the server refuses the credentials, or says it is not the
    primary, pymongo holds it as unknown until its monitor has looked
    again, and a selection that times out meanwhile only quotes that
    answer: it, not the wait, is the cause.
    """
    description = connection.client.topology_description
    for server in description.server_descriptions().values():
        if isinstance(server.error, (pymongo_errors.OperationFailure,
                                     pymongo_errors.NotPrimaryError)):
            return server.error
    return None


def _code(exc):
    code = getattr(exc, 'code', None)
    if code is None:
        code = (exc.details or {}).get('code')
    return code


def _code_name(exc):
    details = exc.details or {}
    name = details.get('codeName')
    code = _code(exc)
    if name and code is not None:
        return '%s, code %s' % (name, code)
    return name or (_('code %s') % code if code is not None else
                    _first_line(exc))


def _errmsg(exc):
    details = exc.details or {}
    errmsg = details.get('errmsg')
    if not isinstance(errmsg, str) or not errmsg:
        errmsg = _first_line(exc)
    return errmsg.rstrip('. ')


def _unauthorized_action(errmsg, operation):
    match = _ACTION_RE.search(errmsg) or _COMMAND_RE.search(errmsg)
    if match:
        return match.group(match.lastgroup)
    return operation


def _reason(exc, target):
    text = _first_line(exc)
    # pymongo starts with the address, which the message names already.
    prefix = '%s:%s: ' % (target.host, target.port)
    if text.startswith(prefix):
        text = text[len(prefix):]
    return text.rstrip('. ')


def _first_line(exc):
    # pymongo appends the timeouts, a whole topology description, or the
    # server's reply as a dict; the first part is the reason.
    text = str(exc) or type(exc).__name__
    for tail in (', Timeout:', ' (configured timeouts', ', full error:'):
        text = text.split(tail)[0]
    return text.splitlines()[0] if text else type(exc).__name__
