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

oslo.messaging dispatches each request to the Manager's method of the same
name. A request whose context or arguments did not decrypt with the
instance's key is refused before the Manager sees it. For a cast nobody
waits for the answer, so a failure is seen only in the agent's log (and,
when Trove asked, in trove-conductor's): the endpoint logs every failure
at ERROR, naming the method, the databases and the cause. An operation the
agent does not support is an expected answer, logged at INFO. The
project's own errors go back to a caller as expected failures (no
traceback in the log or in the answer); any other exception is a bug and
keeps its traceback.

The Manager itself stays a plain object, so that ``--local`` commands and
tests call it directly and get the project's errors unchanged.
"""

import functools
import threading

from oslo_log import log as logging
import oslo_messaging as messaging

from trove.common import cfg
from trove.common import context as trove_context
from trove.common import exception
from trove.common import rpc
from trove.common import secure_rpc
from trove.guestagent import request_log

CONF = cfg.CONF
LOG = logging.getLogger(__name__)


def describe_databases(arguments):
    """The database names in a request's arguments, for a log line."""
    payloads = arguments.get('databases')
    if payloads is None and 'database' in arguments:
        payloads = [arguments['database']]
    if payloads is None:
        return None
    return request_log.payload_names(payloads)


def describe_users(arguments):
    """The user names in a request's arguments, for a log line.

    Names only: a user payload, and a change_passwords entry, hold a
    password.
    """
    if 'users' in arguments:
        return request_log.user_names(arguments['users'])
    if 'user' in arguments:
        return [request_log.user_name(arguments['user'])]
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


class OperationsOnly(messaging.RPCAccessPolicyBase):
    """Dispatches a request to the Manager's operations, and nothing else.

    oslo.messaging's default policy allows every attribute of an endpoint
    whose name does not start with an underscore, the endpoint's own
    ``target`` included.
    """

    def is_allowed(self, endpoint, method):
        return endpoint.is_operation(method)


def _expected(failure):
    """``failure`` as the answer to send: its class and message alone.

    oslo.messaging sends an answer's traceback with it (Trove's API then
    shows it in its error) and logs it unless the failure is expected. An
    error of the project's own says all there is to say in its message.
    """
    answer = type(failure)(failure.message, **failure.kwargs)
    expected = messaging.ExpectedException()
    expected.exc_info = (type(answer), answer, None)
    return expected


class ManagerEndpoint:
    """Serves the public methods of ``manager`` over RPC.

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

    def is_operation(self, name):
        """Whether ``name`` is an operation of Trove's guest API.

        Only those reach the Manager: not its other methods (its
        heartbeat, say), and nothing of the endpoint's own.
        """
        return name in self._manager.OPERATIONS

    def __getattr__(self, name):
        # Only called for names this class lacks.
        if not self.is_operation(name):
            raise AttributeError(name)
        return functools.partial(self._serve, name,
                                 getattr(self._manager, name))

    def _serve(self, name, method, context, **arguments):
        with self._lock:
            self._in_flight += 1
        try:
            return self._run(name, method, context, arguments)
        finally:
            with self._lock:
                self._in_flight -= 1
            # A request that oslo.messaging refuses before it reaches here
            # (an unknown method) leaves the thread's context to be
            # replaced by the next request's, read before anything of it
            # is logged.
            trove_context.forget_current()

    def _run(self, name, method, context, arguments):
        try:
            reason = _unreadable_reason(context, arguments)
            if reason is not None:
                raise exception.UnreadableMessage(
                    method=name, reason=reason, guest_id=CONF.guest_id)
            with self._manager.outcome_reported(
                    context, RequestName(name, arguments)):
                return method(context, **arguments)
        except exception.TroveError as exc:
            failure = exc
        except Exception:
            LOG.exception('Request %s failed with an unexpected error.',
                          RequestName(name, arguments))
            raise
        # Logged outside the handler: oslo.log appends the exception being
        # handled to an ERROR line, which would repeat the cause.
        self._log_failure(name, arguments, failure)
        raise _expected(failure)

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
