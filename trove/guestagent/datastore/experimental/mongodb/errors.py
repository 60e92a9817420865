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

"""Turn pymongo's failures into the project's errors, keeping the cause."""

import contextlib
import re

from pymongo import errors as pymongo_errors

from trove.common import exception

UNAUTHORIZED = 13
AUTHENTICATION_FAILED = 18
NAMESPACE_EXISTS = 48

# mongod says: "not authorized on sales to execute command { create: ... }"
# and newer servers add "(action: insert)"; keep whichever part is there.
_ACTION_RE = re.compile(r'\(action: (?P<action>\w+)\)')
_COMMAND_RE = re.compile(r'execute command \{ ?(?P<command>\w+)')


def _unauthorized_action(errmsg, operation):
    match = _ACTION_RE.search(errmsg) or _COMMAND_RE.search(errmsg)
    if match:
        return match.group(match.lastgroup)
    return operation


@contextlib.contextmanager
def translated(target, operation, database):
    """Raise the project's error for a pymongo failure inside the block.

    :param target: the :class:`~.service.ConnectionTarget` in use, which
        names the server and the user (never the password).
    :param operation: what was being done, for the message ("create").
    :param database: the database it was done on.
    """
    try:
        yield
    except pymongo_errors.ConnectionFailure as exc:
        # Also a server selection timeout, a reset or a network timeout.
        raise exception.MongoDBConnectionError(
            host=target.host, port=target.port,
            timeout=target.server_selection_timeout,
            reason=_first_line(exc)) from exc
    except pymongo_errors.OperationFailure as exc:
        details = exc.details or {}
        errmsg = details.get('errmsg', str(exc))
        if exc.code == AUTHENTICATION_FAILED:
            raise exception.MongoDBAuthenticationError(
                host=target.host, port=target.port, user=target.username,
                path=target.credentials_path) from exc
        if exc.code == UNAUTHORIZED:
            raise exception.MongoDBUnauthorized(
                user=target.username or '(unauthenticated)',
                action=_unauthorized_action(errmsg, operation),
                database=database) from exc
        raise exception.MongoDBOperationError(
            operation=operation, database=database, reason=errmsg,
            code=exc.code) from exc
    except pymongo_errors.PyMongoError as exc:
        raise exception.MongoDBOperationError(
            operation=operation, database=database,
            reason=_first_line(exc), code=None) from exc


def _first_line(exc):
    # pymongo appends a whole topology description after the first line.
    text = str(exc) or type(exc).__name__
    text = text.split(', Timeout:')[0].split(' (configured timeouts')[0]
    return text.splitlines()[0]
