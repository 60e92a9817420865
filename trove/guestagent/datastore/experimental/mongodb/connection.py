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

"""The agent's connection to its MongoDB server.

:class:`ConnectionTarget` says where and as whom to connect;
:class:`ConnectionPool` keeps one pooled ``MongoClient`` for the target the
configuration names now, shared by every thread; :class:`Connection` is
what one operation uses from start to end: the target and the client made
for it, and the translation of pymongo's failures into the project's
errors.
"""

import collections
import contextlib
import threading

from oslo_log import log as logging
import pymongo

from trove.common import cfg
from trove.guestagent.datastore.experimental.mongodb import credentials
from trove.guestagent.datastore.experimental.mongodb import errors
from trove.guestagent.datastore.experimental.mongodb import exceptions

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

APP_NAME = 'trove-guestagent'

# An operation that failed with one of these (or with an error they
# caused) has the pool make a new client for the next operation. pymongo
# holds the server as unknown after either until its monitor has looked
# again, which can take longer than server_selection_timeout, so the next
# operations would fail only after that, and even a listing, which a
# secondary serves.
STALE_CLIENT_ERRORS = (exceptions.MongoDBAuthenticationError,
                       exceptions.MongoDBNotPrimary)


def _stale_client(error):
    """Whether ``error``, or an error that caused it, says so."""
    while error is not None:
        if isinstance(error, STALE_CLIENT_ERRORS):
            return True
        error = error.__cause__
    return False


class ConnectionTarget(collections.namedtuple(
        'ConnectionTarget',
        ['host', 'port', 'username', 'password', 'credentials_path',
         'server_selection_timeout', 'operation_timeout'])):
    """Everything that decides which client an operation uses.

    ``username`` and ``password`` are ``None`` when the credentials file
    ``credentials_path`` does not exist: the agent then connects without
    authentication.
    """

    def __repr__(self):
        return ('ConnectionTarget(host=%r, port=%r, username=%r, '
                'credentials_path=%r)' % (self.host, self.port, self.username,
                                          self.credentials_path))

    def new_client(self, **options):
        """A new client for this target; ``options`` go to ``MongoClient``.

        The tests pass ``event_listeners`` to see the commands the plugin
        sends.
        """
        auth = {}
        if self.username is not None:
            auth = {'username': self.username, 'password': self.password,
                    'authSource': 'admin'}
        options = dict(auth, **options)
        # The translation of errors must know whether a command went out.
        options['event_listeners'] = (list(options.get('event_listeners')
                                           or []) + [errors.CHECKOUTS])
        timeout_ms = int(self.server_selection_timeout * 1000)
        # directConnection: the agent manages the mongod on its own
        # instance, even when that node is a replica set member.
        return pymongo.MongoClient(
            self.host, self.port, directConnection=True, connect=False,
            serverSelectionTimeoutMS=timeout_ms, connectTimeoutMS=timeout_ms,
            socketTimeoutMS=int(self.operation_timeout * 1000),
            appname=APP_NAME, **options)


class Connection:
    """The target and the client of one operation, from start to end.

    One object for the whole operation: the configuration and the
    credentials file are looked at once, when the pool hands it out, and
    every command of the operation goes to the same client.
    """

    def __init__(self, target, client):
        self.target = target
        self.client = client

    def translated(self, operation, database,
                   bound=errors.OPERATION_TIMEOUT):
        """Raise the project's error for a pymongo failure in the block.

        :param operation: the server command sent in the block.
        :param database: the database it is sent to.
        :param bound: which timeout bounds the block, for the message.
        """
        return errors.Translated(self, operation, database, bound)


class _PooledClient:
    """A client, the target it was made for, and how many hold it now."""

    def __init__(self, target, client):
        self.target = target
        self.client = client
        self.holders = 0


class ConnectionPool:
    """One pooled ``MongoClient`` for the configured target, for all threads.

    The client is created on first use. The options are read, and the
    credentials file looked at (a ``stat``; it is read again only when it
    changes), each time an operation starts, so a new configuration
    applies to the next operation. When the target changes (another host,
    port, timeout or password), the pool makes a new client for the new
    operations and retires the old one: operations that still hold the old
    client finish with it, and the last of them closes it.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._current = None
        self._retired = []
        self._credentials_cache = (None, None, None)

    def _credentials(self, path):
        identity = credentials.file_identity(path)
        cached_path, cached_identity, cached = self._credentials_cache
        if (cached_path, cached_identity) == (path, identity):
            return cached
        loaded = None if identity is None else credentials.load_credentials(
            path)
        if loaded is None:
            LOG.info('No MongoDB credentials file at %s: connecting without '
                     'authentication.', path)
        self._credentials_cache = (path, identity, loaded)
        return loaded

    def _configured_target(self):
        conf = CONF.mongodb
        path = conf.admin_credentials_file
        creds = self._credentials(path)
        return ConnectionTarget(
            conf.mongodb_host, conf.mongodb_port,
            creds.username if creds else None,
            creds.password if creds else None, path,
            conf.server_selection_timeout, conf.operation_timeout)

    def _hold(self):
        unused = None
        with self._lock:
            target = self._configured_target()
            pooled = self._current
            if pooled is None or pooled.target != target:
                if pooled is not None:
                    LOG.info('MongoDB connection settings changed (now %r); '
                             'new operations use a new client.', target)
                    if pooled.holders:
                        # Its last holder closes it.
                        self._retired.append(pooled)
                    else:
                        unused = pooled
                pooled = self._current = _PooledClient(target,
                                                       target.new_client())
            pooled.holders += 1
        if unused is not None:
            unused.client.close()
        return pooled

    def _release(self, pooled, replace):
        """Let go of ``pooled``; close it if it is retired and was the last.

        :param replace: retire it now, if it is still the pool's.
        """
        with self._lock:
            pooled.holders -= 1
            if replace and self._current is pooled:
                self._current = None
                self._retired.append(pooled)
            if pooled.holders or pooled not in self._retired:
                return
            self._retired.remove(pooled)
        pooled.client.close()

    @contextlib.contextmanager
    def acquire(self):
        """The :class:`Connection` for one operation, as a context manager.

        :raises CredentialsFileError: when the credentials file is unsafe
            or unreadable.
        """
        pooled = self._hold()
        replace = False
        try:
            yield Connection(pooled.target, pooled.client)
        except Exception as exc:
            replace = _stale_client(exc)
            raise
        finally:
            self._release(pooled, replace)

    def close(self):
        """Close every client, held or not (at shutdown, between tests)."""
        with self._lock:
            pooled = [self._current] if self._current else []
            pooled += self._retired
            self._current = None
            self._retired = []
            self._credentials_cache = (None, None, None)
        for each in pooled:
            each.client.close()


_POOL = ConnectionPool()


def get_pool():
    """The process-wide pool."""
    return _POOL
