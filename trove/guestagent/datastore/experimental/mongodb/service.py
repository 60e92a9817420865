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

"""The MongoDB work behind the guest agent's database commands."""

import collections
import threading

from oslo_log import log as logging
import pymongo
from pymongo import errors as pymongo_errors

from trove.common import cfg
from trove.common import exception
from trove.common.i18n import _
from trove.common import pagination
from trove.guestagent.datastore.experimental.mongodb import credentials
from trove.guestagent.datastore.experimental.mongodb import errors
from trove.guestagent.datastore.experimental.mongodb import validation
from trove.guestagent.db import models

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

# The empty collection that keeps a new database in existence. MongoDB
# lists a database only while it holds a collection, and os_admin, whose
# roles carry no readWrite, may create a collection but not insert a
# document. So the placeholder stays for the life of the database: dropping
# it while it is the last collection would make the database vanish. The
# tenant may drop it once the database holds collections of its own.
PLACEHOLDER_COLLECTION = 'trove_placeholder'


class ConnectionTarget(collections.namedtuple(
        'ConnectionTarget',
        ['host', 'port', 'username', 'password', 'credentials_path',
         'server_selection_timeout', 'operation_timeout'])):
    """Everything that decides which pooled client an operation uses."""

    def __repr__(self):
        return ('ConnectionTarget(host=%r, port=%r, username=%r, '
                'credentials_path=%r)' % (self.host, self.port, self.username,
                                          self.credentials_path))

    def new_client(self, **options):
        """A new client for this target; ``options`` go to ``MongoClient``.

        The benchmark and the tests pass ``event_listeners`` to see the
        commands the plugin sends.
        """
        auth = {}
        if self.username is not None:
            auth = {'username': self.username, 'password': self.password,
                    'authSource': 'admin'}
        timeout_ms = int(self.server_selection_timeout * 1000)
        # directConnection: the agent manages the mongod on its own
        # instance, even when that node is a replica set member.
        return pymongo.MongoClient(
            self.host, self.port, directConnection=True, connect=False,
            serverSelectionTimeoutMS=timeout_ms, connectTimeoutMS=timeout_ms,
            socketTimeoutMS=int(self.operation_timeout * 1000),
            appname='trove-guestagent', **dict(auth, **options))


class MongoDBConnection:
    """One pooled ``MongoClient`` per connection target, shared by threads.

    The client is created on first use. The credentials file is read again
    only when it changes on disk; when the target changes (another host,
    port or password) the old client is closed and a new one replaces it.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._clients = {}
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

    def get(self):
        """Return ``(target, client)`` for the configured server."""
        conf = CONF.mongodb
        path = conf.admin_credentials_file
        with self._lock:
            creds = self._credentials(path)
            target = ConnectionTarget(
                conf.mongodb_host, conf.mongodb_port,
                creds.username if creds else None,
                creds.password if creds else None, path,
                conf.server_selection_timeout, conf.operation_timeout)
            address = (target.host, target.port)
            pooled_target, client = self._clients.get(address, (None, None))
            if pooled_target != target:
                if client is not None:
                    LOG.info('MongoDB connection settings for %s:%s changed; '
                             'replacing the pooled client.', *address)
                    client.close()
                client = target.new_client()
                self._clients[address] = (target, client)
            return target, client

    def close(self):
        """Close every pooled client (at shutdown, or between tests)."""
        with self._lock:
            for _target, client in self._clients.values():
                client.close()
            self._clients.clear()
            self._credentials_cache = (None, None, None)


_CONNECTION = MongoDBConnection()

# Serializes the check-then-create of create_database within the process.
_CREATE_LOCK = threading.Lock()


def get_connection():
    """The process-wide connection holder."""
    return _CONNECTION


class MongoDBAdmin:
    """Create, list and delete the tenant's databases on the MongoDB server.

    Requests are validated whole before anything changes on the server;
    a refused request raises :class:`~trove.common.exception.
    InvalidDatabaseRequest`, which is also a ``ValueError``.
    """

    def __init__(self, connection=None):
        self._connection = connection or get_connection()

    def check_access(self):
        """Have the server do, once, what the agent's work needs of it.

        A listing of database names shows that the server answers, that it
        accepts the agent's credentials, and that it lets the agent see
        its databases: a ping alone would pass on a server that requires
        authentication the agent lacks.

        :raises MongoDBError: naming why it did not.
        """
        _database_names(*self._connection.get())

    # Listing

    def list_database_names(self):
        """Every database name on the server, the reserved ones included."""
        return _database_names(*self._connection.get())

    def list_databases(self, limit=None, marker=None, include_marker=False):
        """One page of the tenant's databases, sorted by name.

        :returns: ``(serialized schemas, next_marker)``.
        """
        limit, marker, include_marker = validation.validated_page(
            limit, marker, include_marker)
        reserved = models.MongoDBSchema.ignored_names()
        fold_case = models.MongoDBSchema.fold_case
        # Sorting is linear when the server lists names sorted, as mongod
        # does.
        names = sorted(name for name in self.list_database_names()
                       if fold_case(name) not in reserved)
        page, next_marker = pagination.paginate_list(names, limit, marker,
                                                     include_marker)
        return (models.MongoDBSchema.serialize_server_names(page),
                next_marker)

    # Creating

    def create_database(self, databases):
        """Make each database of the batch exist on the server.

        A database that exists already is left exactly as it is. The batch
        is refused whole, before any change, when any item is a bad
        payload, a bad or reserved name, a duplicate, or differs only in
        case from another name of the batch or from an existing database.

        :param databases: a list of serialized schemas.
        :returns: the names of the databases this call created.
        """
        schemas = validation.validated_batch(databases)
        if not schemas:
            LOG.info('No databases to create.')
            return []
        # One client for the whole operation: the configuration and the
        # credentials file are checked once per operation, not per command.
        target, client = self._connection.get()
        # The case check and the creation must be one step: two requests
        # for 'Sales' and 'sales' at once would each find no twin, and a
        # server that does not refuse case twins itself would keep both.
        with _CREATE_LOCK:
            listed = _database_names(target, client)
            validation.refuse_case_twins(schemas, listed)
            existing = set(listed)
            new_names = [schema.name for schema in schemas
                         if schema.name not in existing]
            kept = [schema.name for schema in schemas
                    if schema.name in existing]
            if kept:
                LOG.info('Databases %s exist already; left unchanged.',
                         kept)
            created = []
            for index, name in enumerate(new_names):
                try:
                    _create_placeholder(target, client, name)
                except exception.TroveError as exc:
                    raise _stopped_creating(
                        target, client, exc, created, name,
                        new_names[index + 1:]) from exc
                created.append(name)
            if created:
                try:
                    _flush(target, client)
                except exception.TroveError as exc:
                    raise _create_error(exc, created, False, None,
                                        []) from exc
                LOG.info('Created databases %s.', created)
        return created

    # Deleting

    def delete_database(self, database):
        """Drop one database.

        Users whose authentication database it was are not dropped with it
        (MongoDB keeps them); a WARNING names them so the operator can
        remove them.

        :param database: a serialized schema.
        :returns: the names of the users MongoDB kept.
        :raises DatabaseNotFound: when no database of that name exists,
            naming one that differs only in case, if the server has it.
        """
        name = validation.validated_database(database).name
        target, client = self._connection.get()
        # A database exists exactly while it holds a collection. Asking the
        # one database costs the same however many the server holds; a
        # listing of them all made each delete slower as they grew.
        with errors.translated(target, 'listCollections', name):
            exists = bool(client[name].list_collection_names())
        if not exists:
            # A delete that changes nothing must not pass for one that
            # worked: 'SALES' is not 'sales'.
            raise exception.DatabaseNotFound(
                name=name, hint=_case_twin_hint(target, client, name))
        with errors.translated(target, 'usersInfo', name):
            users = [user['user']
                     for user in client[name].command('usersInfo')['users']]
        with errors.translated(target, 'dropDatabase', name):
            client.drop_database(name)
        try:
            _flush(target, client)
        except exception.TroveError as exc:
            raise exception.DatabaseDeleteError(name=name,
                                                cause=exc) from exc
        LOG.info('Dropped database %r.', name)
        if users:
            LOG.warning('Database %(name)r was dropped but its users '
                        '%(users)s remain: MongoDB keeps users whose '
                        'authentication database is dropped. Remove them '
                        'with dropUser on database %(name)r if they are no '
                        'longer needed.', {'name': name, 'users': users})
        return users


def _database_names(target, client):
    # database-list is a call whose caller gives up after Trove's
    # agent_call_low_timeout (5 s), and listing names is cheap on any
    # server. So a server that holds the connection open but has stopped
    # answering (hung, or its disk is) must fail the listing within
    # server_selection_timeout too, not after operation_timeout, which
    # the writes keep.
    with errors.translated(target, 'listDatabases', 'admin'):
        with pymongo.timeout(target.server_selection_timeout):
            return client.list_database_names()


def _case_twin_hint(target, client, name):
    """What to tell of a database that differs from ``name`` only in case."""
    twin = validation.case_twin(name, _database_names(target, client))
    if twin is None:
        return ''
    return _(' Database names are case-sensitive, and the server has '
             '%r.') % twin


def _create_placeholder(target, client, name):
    with errors.translated(target, 'createCollection', name):
        try:
            client[name].command('create', PLACEHOLDER_COLLECTION)
        except pymongo_errors.OperationFailure as exc:
            # Another request created it since the listing: it exists,
            # which is all this one asked for.
            if exc.code != errors.NAMESPACE_EXISTS:
                raise


def _flush(target, client):
    """Have the server write what it has acknowledged to disk.

    mongod answers a create or a drop before its journal reaches the disk
    (it writes the journal every 100 ms), so a crash just after could undo
    a change the agent has already reported done, and nobody waits for
    the answer of a cast to notice. One ``fsync`` per request covers every
    command of a batch, on any server; os_admin may run it (clusterAdmin).
    """
    with errors.translated(target, 'fsync', 'admin'):
        client.admin.command('fsync')


def _stopped_creating(target, client, cause, created, failed, rest):
    """The error for a batch that stopped at database ``failed``."""
    if isinstance(cause, exception.MongoDBConnectionError):
        # No flush: it would only wait for the server to come back.
        if isinstance(cause.__cause__,
                      pymongo_errors.ServerSelectionTimeoutError):
            # No server to send the command to: it never went out.
            return _create_error(cause, created, False, None,
                                 [failed] + rest)
        # The command went out and no answer came back: the server may
        # have created the database before the connection was lost.
        return _create_error(cause, created, False, failed, rest)
    # The server refused the command: the database was not created, and
    # the server is there to flush the others.
    on_disk = False
    if created:
        try:
            _flush(target, client)
            on_disk = True
        except exception.TroveError as exc:
            LOG.warning('Could not flush the databases created so far to '
                        'disk: %s', exc)
    return _create_error(cause, created, on_disk, None, [failed] + rest)


def _create_error(cause, created, on_disk, uncertain, not_created):
    outcome = [_('Created: %s.') % (created or _('none'))]
    if created and not on_disk:
        outcome.append(_('The server did not confirm that these are on '
                         'disk, so a crash of the server may have lost '
                         'them.'))
    if uncertain is not None:
        outcome.append(_('%r may or may not have been created: the '
                         'connection was lost before the server '
                         'answered.') % uncertain)
    outcome.append(_('Not created: %s.') % (not_created or _('none')))
    return exception.DatabaseCreateError(
        cause=cause, outcome=' '.join(outcome), created=list(created),
        on_disk=on_disk, uncertain=uncertain,
        not_created=list(not_created))
