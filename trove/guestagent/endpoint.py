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
name. For a cast nobody waits for the answer, so a failure is seen only in
the agent's log: the endpoint logs every failure at ERROR, naming the
method, the databases and the cause. The project's own errors then go back
to a caller as expected failures (no second traceback in the log); any
other exception is a bug and keeps its traceback.

The Manager itself stays a plain object, so that ``--local`` commands and
tests call it directly and get the project's errors unchanged.
"""

import functools
import inspect
import threading

from oslo_log import log as logging
import oslo_messaging as messaging

from trove.common import exception
from trove.common import rpc
from trove.guestagent import request_log

LOG = logging.getLogger(__name__)


def describe_databases(arguments):
    """The database names in a request's arguments, for a log line."""
    payloads = arguments.get('databases')
    if payloads is None and 'database' in arguments:
        payloads = [arguments['database']]
    if payloads is None:
        return None
    return request_log.payload_names(payloads)


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

    def __getattr__(self, name):
        # Only called for names this class lacks. The operations are the
        # methods of the Manager's class: not its private ones, and not
        # its properties or other attributes, callable or not.
        if name.startswith('_') or not inspect.isfunction(
                getattr(type(self._manager), name, None)):
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

    def _run(self, name, method, context, arguments):
        try:
            return method(context, **arguments)
        except exception.TroveError as exc:
            failure = exc
            # Records the error for the reply, which oslo.messaging then
            # sends without logging a traceback.
            expected = messaging.ExpectedException()
        except Exception:
            LOG.exception('Request %(method)s for databases %(databases)s '
                          'failed with an unexpected error.',
                          {'method': name,
                           'databases': describe_databases(arguments)})
            raise
        # Logged outside the handler: oslo.log appends the exception being
        # handled to an ERROR line, which would repeat the cause.
        self._log_failure(name, arguments, failure)
        raise expected

    @staticmethod
    def _log_failure(name, arguments, exc):
        databases = describe_databases(arguments)
        if databases is None:
            LOG.error('Request %(method)s failed: %(cause)s',
                      {'method': name, 'cause': exc})
        else:
            LOG.error('Request %(method)s for databases %(databases)s '
                      'failed: %(cause)s',
                      {'method': name, 'databases': databases,
                       'cause': exc})
