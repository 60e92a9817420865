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

"""The MongoDB work behind the guest agent's database and user commands.

Each operation validates its request whole (:mod:`trove.guestagent.db.
models`), logs it once at DEBUG, as Trove's MySQL agent logs its
requests, and returns what it did. A success goes to trove-conductor as
the request's end notification and trove-mongodb prints it; what an
operator may have to act on is logged higher: a database left as it was
(INFO), users MongoDB kept (WARNING), a failure (ERROR, by the RPC
endpoint).
"""

import bisect
import contextlib
import secrets
import threading

from oslo_log import log as logging
import pymongo
from pymongo import errors as pymongo_errors

from trove.common import cfg
from trove.common import exception
from trove.common.i18n import _
from trove.common import pagination
from trove.guestagent.datastore.experimental.mongodb import connection
from trove.guestagent.datastore.experimental.mongodb import errors
from trove.guestagent.datastore.experimental.mongodb import exceptions
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


JOURNALED = {'w': 1, 'j': True}
"""The write concern of every create and drop, of databases and users.

Why DDL is journaled: create and delete are casts, whose caller never
hears of a change lost after the agent reported it done. With ``j:
true`` the server answers once the change is in its journal on disk,
which a crash does not undo, and it waits for that one journal write, not
for a checkpoint of every dirty page. Without it, mongod acknowledges
before its journal reaches the disk (about every 100 ms).

On a replica set member this makes the change durable on that node only.
The agent connects directly to its own node, which takes DDL only while
it is the primary; a failover before a secondary has copied the change
rolls it back. What makes it durable there is w: 'majority': the primary
answers once a majority of the voting members have it in their journals
(writeConcernMajorityJournalDefault), which also waits for the slowest of
that majority.

A server that does not journal DDL (the test server: what it
acknowledged with ``j: true`` is still lost to a SIGKILL) needs ``[mongodb]
checkpoint_after_ddl``: one ``fsync`` after a request's writes
(:func:`_checkpoint`).
"""

# Serializes the check-then-create of create_database within the process.
_CREATE_LOCK = threading.Lock()
# The same for create_users and enable_root.
_USER_LOCK = threading.Lock()

# Bytes of randomness in a generated root password: 192 bits, 32
# characters of URL-safe base64.
ROOT_PASSWORD_BYTES = 24
# What replaces a password that an error of the server quoted.
_MASK = '***'


class MongoDBAdmin:
    """Create, list and delete the tenant's databases on the MongoDB server.

    Requests are validated whole before anything changes on the server;
    a refused request raises :class:`~trove.common.exception.
    InvalidDatabaseRequest`, which is also a ``ValueError``.

    :param pool: the :class:`~.connection.ConnectionPool` to use; the
        process-wide one by default.
    """

    def __init__(self, pool=None):
        self._pool = pool or connection.get_pool()

    def check_access(self):
        """Have the server do, once, what the agent's work needs of it.

        A listing of database names shows that the server answers, that it
        accepts the agent's credentials, and that it lets the agent see
        its databases: a ping alone would pass on a server that requires
        authentication the agent lacks.

        :raises MongoDBError: naming why it did not.
        """
        self.list_database_names()

    # Listing

    def list_database_names(self):
        """Every database name on the server, the reserved ones included."""
        with self._pool.acquire() as conn:
            return _database_names(conn)

    def list_databases(self, limit=None, marker=None, include_marker=False):
        """One page of the tenant's databases, sorted by name.

        :returns: ``(serialized schemas, next_marker)``.
        """
        limit, marker, include_marker = _page_asked(
            'databases', limit, marker, include_marker)
        reserved = models.MongoDBSchema.ignored_names()
        fold_case = models.MongoDBSchema.fold_case
        with self._pool.acquire() as conn:
            listed = _database_names(conn)
        # Sorting is linear when the server lists names sorted, as mongod
        # does.
        names = sorted(name for name in listed
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
        :returns: ``{'created': [names], 'existed': [names]}``: which
            databases this call created, and which it found.
        :raises DatabaseCreateError: when the batch stopped part way,
            saying what became of each database.
        """
        schemas = models.validated_batch(databases)
        if not schemas:
            LOG.info('No databases to create.')
            return {'created': [], 'existed': []}
        LOG.debug('Creating databases %s.',
                  [schema.name for schema in schemas])
        checkpoint = CONF.mongodb.checkpoint_after_ddl
        with self._pool.acquire() as conn:
            # The case check and the creation must be one step: two
            # requests for 'Sales' and 'sales' at once would each find no
            # twin, and a server that does not refuse case twins itself
            # would keep both.
            with _CREATE_LOCK:
                listed = _database_names(conn, errors.OPERATION_TIMEOUT)
                models.refuse_case_twins(schemas, listed)
                existing = set(listed)
                new_names = [schema.name for schema in schemas
                             if schema.name not in existing]
                kept = [schema.name for schema in schemas
                        if schema.name in existing]
                if kept:
                    # At INFO, unlike a plain success: without the names
                    # still to create, the line would read as if the
                    # request had created nothing.
                    LOG.info('Databases %(kept)s exist already; left '
                             'unchanged. To create: %(new)s.',
                             {'kept': kept, 'new': new_names or 'none'})
                created = _create_all(conn, new_names, checkpoint)
        if created:
            LOG.debug('Created databases %s.', created)
        return {'created': created, 'existed': kept}

    # Deleting

    def delete_database(self, database):
        """Drop one database.

        Users whose authentication database it was are not dropped with it
        (MongoDB keeps them); a WARNING names them so the operator can
        remove them.

        A database that does not exist is refused, as Trove's other
        datastores do.

        :param database: a serialized schema.
        :returns: ``{'deleted': name, 'users_kept': [names]}``: the
            database, and the users MongoDB kept.
        :raises DatabaseNotFound: when no database of that name exists,
            naming one that differs only in case, if the server has it.
        """
        name = models.validated_database(database).name
        LOG.debug('Deleting database %r.', name)
        checkpoint = CONF.mongodb.checkpoint_after_ddl
        with self._pool.acquire() as conn:
            # A database exists exactly while it holds a collection. Asking
            # the one database costs the same however many the server
            # holds; a listing of them all made each delete slower as they
            # grew.
            with conn.translated('listCollections', name):
                exists = bool(conn.client[name].list_collection_names())
            if not exists:
                # A delete that changes nothing must not pass for one that
                # worked: 'SALES' is not 'sales'.
                raise exception.DatabaseNotFound(
                    name=name, hint=_case_twin_hint(conn, name))
            with conn.translated('usersInfo', name):
                users = [user['user'] for user in
                         conn.client[name].command('usersInfo')['users']]
            try:
                _journaled(conn, name, 'dropDatabase', 1)
            except exceptions.MongoDBNotDurable as exc:
                raise exception.DatabaseDeleteError(name=name,
                                                    cause=exc) from exc
            if checkpoint:
                try:
                    _checkpoint(conn)
                except exception.TroveError as exc:
                    raise exception.DatabaseDeleteError(name=name,
                                                        cause=exc) from exc
        LOG.debug('Dropped database %r.', name)
        if users:
            LOG.warning('Database %(name)r was dropped but its users '
                        '%(users)s remain: MongoDB keeps users whose '
                        'authentication database is dropped. Remove them '
                        'with dropUser on database %(name)r if they are no '
                        'longer needed.', {'name': name, 'users': users})
        return {'deleted': name, 'users_kept': users}

    # Users, access and root. A user is looked up on its own database
    # ({user, db} with usersInfo), which mongod and the test server both
    # answer; admin.system.users is not read: the test server refuses it
    # to os_admin.

    def create_users(self, users):
        """Create each user of the batch with readWrite on its databases.

        The batch is refused whole, before any change, when any item is a
        bad payload, a reserved user, a user in or granted a reserved
        database, a duplicate, or a user that exists already.

        :param users: a list of serialized users.
        :returns: ``{'created': [names]}``.
        :raises UserCreateError: when the batch stopped part way.
        """
        new_users = models.validated_new_users(users)
        if not new_users:
            LOG.info('No users to create.')
            return {'created': []}
        LOG.debug('Creating users %s.', [user.name for user in new_users])
        with self._pool.acquire() as conn:
            _refuse_granting_case_twins(
                conn, [schema for user in new_users
                       for schema in user.databases])
            with _USER_LOCK:
                existing = [user.name for user in new_users
                            if _user_info(conn, user) is not None]
                if existing:
                    raise exception.UserAlreadyExists(
                        names=', '.join(existing))
                with _checkpointed(conn, _('Created users %s')
                                   % _names([user.name
                                             for user in new_users])):
                    created = _write_each(conn, new_users, _create_user,
                                          exception.UserCreateError)
        LOG.debug('Created users %s.', created)
        return {'created': created}

    def delete_user(self, user):
        """Drop one user.

        :param user: a serialized user.
        :returns: ``{'deleted': name}``.
        :raises UserNotFound: when it does not exist.
        """
        user = models.validated_user(user)
        LOG.debug('Deleting user %r.', user.name)
        with self._pool.acquire() as conn:
            _existing_user(conn, user)
            with _checkpointed(conn, _('Dropped user %s') % user.name):
                _journaled(conn, user.database, 'dropUser', user.username)
        LOG.debug('Dropped user %r.', user.name)
        return {'deleted': user.name}

    def get_user(self, username, hostname=None):
        """The serialized user, or ``None`` when the tenant has none such.

        Reserved users, and users of the server's databases, are not the
        tenant's: ``None``, as for a user that does not exist.
        """
        user = self._tenant_user_or_none(username, hostname)
        if user is None:
            return None
        with self._pool.acquire() as conn:
            info = _user_info(conn, user)
        if info is None:
            return None
        return _serialized(user.database, info)

    @staticmethod
    def _tenant_user_or_none(username, hostname):
        try:
            user = models.MongoDBUser(username, host=hostname)
        except ValueError as exc:
            models.raise_user_problem(exc)
        return user if user.is_tenant_user() else None

    def list_users(self, limit=None, marker=None, include_marker=False):
        """One page of the tenant's users, sorted by full name.

        The users are those of the tenant's databases, as the server
        lists them: users left in a database that was dropped (MongoDB
        keeps them) are not listed, and are still found by get_user and
        dropped by delete_user. Databases are visited in the order of
        their users' full names (``<database>.`` as key: no database
        name holds a dot), each with one usersInfo, and only until the
        page is full: a page costs the listing of names and the users of
        the databases it spans, not every user of the server.

        :returns: ``(serialized users, next_marker)``.
        """
        limit, marker, include_marker = _page_asked(
            'users', limit, marker, include_marker)
        reserved = models.MongoDBSchema.ignored_names()
        fold_case = models.MongoDBSchema.fold_case
        databases = sorted((name for name in self.list_database_names()
                            if fold_case(name) not in reserved),
                           key=lambda name: name + '.')
        first = None if marker is None else marker.partition('.')[0] + '.'
        names = []
        users = {}
        with self._pool.acquire() as conn:
            for database in databases:
                if first is not None and database + '.' < first:
                    # Every user of it sorts before the marker.
                    continue
                for info in _database_users(conn, database):
                    name = '%s.%s' % (database, info['user'])
                    names.append(name)
                    users[name] = info
                if limit is not None and _count_from(
                        names, marker, include_marker) > limit:
                    break
        page, next_marker = pagination.paginate_list(names, limit, marker,
                                                     include_marker)
        return ([_serialized(name.partition('.')[0], users[name])
                 for name in page], next_marker)

    def change_passwords(self, users):
        """Set the password of each user of the batch.

        :param users: entries ``{'name', 'host', 'password'}``.
        :returns: ``{'changed': [names]}``: the users changed.
        :raises UserNotFound: naming the users that do not exist, before
            any change.
        """
        changes = models.validated_password_changes(users)
        LOG.debug('Changing the passwords of users %s.',
                  [user.name for user in changes])
        with self._pool.acquire() as conn:
            for user in changes:
                _existing_user(conn, user)
            with _checkpointed(conn, _('Changed the passwords of users %s')
                               % _names([user.name for user in changes])):
                changed = _write_each(conn, changes, _set_password,
                                      exception.UserChangeError)
        LOG.debug('Changed the passwords of users %s.', changed)
        return {'changed': changed}

    def update_attributes(self, username, hostname, user_attrs):
        """Change a user's password; refuse what MongoDB cannot change.

        Trove sends ``{'name', 'password', 'host'}``, any of them ``None``
        or absent. MongoDB users have no host, so only ``%`` is taken. A
        new name is refused: MongoDB cannot rename a user, and a new user
        made in its place would need its password, which the server does
        not give back.

        :returns: ``{'changed': [attributes]}``: the names of the
            attributes changed.
        """
        user = models.validated_user_name(username, hostname)
        password = models.validated_attributes(user, user_attrs)
        LOG.debug('Updating the attributes of user %r.', user.name)
        with self._pool.acquire() as conn:
            _existing_user(conn, user)
            if password is None:
                LOG.info('update_attributes of user %r changes nothing.',
                         user.name)
                return {'changed': []}
            with _checkpointed(conn, _('Changed the password of user %s')
                               % user.name):
                _set_password(conn, models.MongoDBUser(user.name,
                                                       password=password))
        LOG.debug('Changed the password of user %r.', user.name)
        return {'changed': ['password']}

    def grant_access(self, username, hostname, databases):
        """Give the user readWrite on each database.

        :param databases: names, as Trove's API sends them.
        :raises InvalidUserRequest: for a reserved or invalid database,
            before any change.
        """
        user = models.validated_user_name(username, hostname)
        schemas = models.validated_grant(databases)
        LOG.debug('Granting user %(user)r access to databases %(dbs)s.',
                  {'user': user.name,
                   'dbs': [schema.name for schema in schemas]})
        with self._pool.acquire() as conn:
            _refuse_granting_case_twins(conn, schemas)
            _existing_user(conn, user)
            if schemas:
                with _checkpointed(conn, _('Granted user %s access')
                                   % user.name):
                    _journaled(conn, user.database, 'grantRolesToUser',
                               user.username, roles=_access_roles(schemas))
        LOG.debug('Granted user %(user)r access to databases %(dbs)s.',
                  {'user': user.name,
                   'dbs': [schema.name for schema in schemas]})

    def revoke_access(self, username, hostname, database):
        """Take readWrite on ``database`` (a name) from the user.

        :raises AccessNotFound: when the user has no access to it.
        """
        user = models.validated_user_name(username, hostname)
        schemas = models.validated_grant([database])
        LOG.debug('Revoking access of user %(user)r to database %(db)r.',
                  {'user': user.name, 'db': schemas[0].name})
        with self._pool.acquire() as conn:
            info = _existing_user(conn, user)
            if schemas[0].name not in _access_names(info):
                raise exception.AccessNotFound(name=user.name,
                                               database=schemas[0].name)
            with _checkpointed(conn, _('Revoked the access of user %s')
                               % user.name):
                _journaled(conn, user.database, 'revokeRolesFromUser',
                           user.username, roles=_access_roles(schemas))
        LOG.debug('Revoked access of user %(user)r to database %(db)r.',
                  {'user': user.name, 'db': schemas[0].name})

    def list_access(self, username, hostname):
        """The serialized databases the user has readWrite on, by name."""
        user = models.validated_user_name(username, hostname)
        with self._pool.acquire() as conn:
            info = _existing_user(conn, user)
        return models.MongoDBSchema.serialize_server_names(
            _access_names(info))

    def enable_root(self, root_password=None):
        """Make ``admin.root`` with the role ``root``; reset its password.

        :param root_password: the password, or ``None`` to have one
            generated (``secrets``).
        :returns: the serialized root user, with its password: the only
            place it is ever shown.
        """
        if root_password is None:
            root_password = secrets.token_urlsafe(ROOT_PASSWORD_BYTES)
        try:
            root = models.MongoDBUser.root(root_password)
        except ValueError as exc:
            models.raise_user_problem(exc)
        roles = [{'role': root.ROOT_ROLE, 'db': root.database}]
        with self._pool.acquire() as conn:
            with _USER_LOCK:
                exists = _user_info(conn, root) is not None
                command = 'updateUser' if exists else 'createUser'
                with _checkpointed(conn, _('Enabled root')):
                    with _password_kept(root_password):
                        _journaled(conn, root.database, command,
                                   root.username, pwd=root_password,
                                   roles=roles)
        LOG.info('Root is enabled: user %(name)r %(what)s.',
                 {'name': root.name,
                  'what': 'has a new password' if exists else 'was created'})
        return root.serialize()

    def is_root_enabled(self):
        """Whether ``admin.root`` exists."""
        with self._pool.acquire() as conn:
            return _user_info(conn, models.MongoDBUser.root(None)) is not None


def _page_asked(listed, limit, marker, include_marker):
    """The arguments of a page of ``listed``, validated and logged."""
    limit, marker, include_marker = models.validated_page(
        limit, marker, include_marker)
    LOG.debug('Listing %(listed)s (limit=%(limit)r, marker=%(marker)r, '
              'include_marker=%(include)r).',
              {'listed': listed, 'limit': limit, 'marker': marker,
               'include': include_marker})
    return limit, marker, include_marker


def _refuse_granting_case_twins(conn, schemas):
    """Refuse access to a name differing only in case from a database."""
    if schemas:
        models.refuse_case_twins(schemas, _database_names(conn),
                                 exception.InvalidUserRequest)


def _count_from(names, marker, include_marker):
    """How many of the sorted ``names`` a page after ``marker`` may take."""
    if marker is None:
        return len(names)
    if include_marker:
        return len(names) - bisect.bisect_left(names, marker)
    return len(names) - bisect.bisect_right(names, marker)


def _user_info(conn, user):
    """The server's record of ``user`` (no credentials), or ``None``."""
    with conn.translated('usersInfo', user.database):
        reply = conn.client[user.database].command(
            'usersInfo', {'user': user.username, 'db': user.database})
    found = reply.get('users') or []
    return found[0] if found else None


def _existing_user(conn, user):
    """The record of ``user``; :class:`UserNotFound` when there is none."""
    info = _user_info(conn, user)
    if info is None:
        raise exception.UserNotFound(name=user.name)
    return info


def _database_users(conn, database):
    """The tenant's users of one database, sorted by user name."""
    with conn.translated('usersInfo', database):
        found = conn.client[database].command('usersInfo')['users']
    found = [info for info in found if info.get('db') == database]
    found.sort(key=lambda info: info['user'])
    reserved = models.MongoDBUser.ignored_names()
    fold_case = models.MongoDBUser.fold_case
    return [info for info in found
            if fold_case('%s.%s' % (database, info['user'])) not in reserved]


def _access_names(info):
    """The tenant's databases the user has readWrite on, sorted."""
    reserved = models.MongoDBSchema.ignored_names()
    fold_case = models.MongoDBSchema.fold_case
    return sorted({role['db'] for role in info.get('roles', ())
                   if role.get('role') == models.MongoDBUser.ACCESS_ROLE
                   and fold_case(role.get('db', '')) not in reserved})


def _access_roles(schemas):
    return [{'role': models.MongoDBUser.ACCESS_ROLE, 'db': schema.name}
            for schema in schemas]


def _serialized(database, info):
    return models.MongoDBUser.serialize_server_user(
        database, info['user'], _access_names(info))


@contextlib.contextmanager
def _checkpointed(conn, done):
    """Checkpoint once the block's user writes are done, when configured.

    With [mongodb] checkpoint_after_ddl, as for databases (see
    :data:`JOURNALED`).

    :param done: what the block did, for the error when the checkpoint
        fails.
    """
    yield
    if not CONF.mongodb.checkpoint_after_ddl:
        return
    try:
        _checkpoint(conn)
    except exception.TroveError as exc:
        raise exception.UserChangeNotDurable(done=done, cause=exc) from exc


def _write_each(conn, users, write, error):
    """``write(conn, user)`` for each user; return the names written.

    :param error: raised, with the cause and the names written and not
        written, when one write fails.
    """
    done = []
    for index, user in enumerate(users):
        try:
            write(conn, user)
        except exception.TroveError as exc:
            raise error(cause=exc, done=_names(done),
                        not_done=_names([each.name
                                         for each in users[index:]])
                        ) from exc
        done.append(user.name)
    return done


def _create_user(conn, user):
    with _password_kept(user.password):
        _journaled(conn, user.database, 'createUser', user.username,
                   pwd=user.password, roles=user.roles)


def _set_password(conn, user):
    with _password_kept(user.password):
        _journaled(conn, user.database, 'updateUser', user.username,
                   pwd=user.password)


class _password_kept:
    """Mask ``password`` in an error raised in the block.

    The agent never puts a password in a message; a server might quote the
    command it refused, and the error would carry it to the log, to
    trove-conductor and to the caller.
    """

    def __init__(self, password):
        self.password = password

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, traceback):
        if exc is None or not self.password:
            return False
        if isinstance(exc, exception.TroveError):
            _mask(exc, self.password)
        cause = exc.__cause__
        if cause is not None and self.password in '%s %r' % (
                cause, getattr(cause, 'details', None)):
            exc.__cause__ = None
            exc.__suppress_context__ = True
        return False


def _mask(error, password):
    """Mask ``password`` in what ``error`` says, keeping its own words.

    The values the message was filled with (the server's reason, say)
    are masked and the message filled again, so that a short password
    does not also mask the words of the message around them.
    """
    if password not in error.message and not any(
            password in str(value) for value in error.kwargs.values()):
        return
    template = type(error).message
    try:
        from_template = template % error.kwargs == error.message
    except (KeyError, TypeError, ValueError):
        from_template = False
    for key, value in list(error.kwargs.items()):
        if password in str(value):
            error.kwargs[key] = str(value).replace(password, _MASK)
    if from_template:
        # The template's own words hold no secret, whatever they match.
        error.message = template % error.kwargs
    else:
        error.message = error.message.replace(password, _MASK)
    error.args = (error.message,)


def _database_names(conn, bound=errors.LISTING_TIMEOUT):
    """Every database name on the server: the agent's one way to list them.

    :param bound: which timeout bounds the listing. A listing is cheap on
        any server, and database-list is a call whose caller gives up
        after Trove's agent_call_low_timeout (5 s): so by default a server
        that holds the connection open but has stopped answering (hung,
        or its disk is) fails the listing within server_selection_timeout
        (``errors.LISTING_TIMEOUT``). The listing of a create, a cast,
        is bounded as its writes are (``errors.OPERATION_TIMEOUT``).
    """
    with conn.translated('listDatabases', 'admin', bound):
        if bound != errors.LISTING_TIMEOUT:
            return conn.client.list_database_names()
        with pymongo.timeout(conn.target.server_selection_timeout):
            return conn.client.list_database_names()


def _case_twin_hint(conn, name):
    """What to tell of a database that differs from ``name`` only in case."""
    twin = models.CaseIndex(_database_names(conn)).twin(name)
    if twin is None:
        return ''
    return _(' Database names are case-sensitive, and the server has '
             '%r.') % twin


def _journaled(conn, database, command, value, allowed=(), **fields):
    """Send ``command`` with the journaled write concern; return the reply.

    :param allowed: error codes answered instead of raised.
    :param fields: the command's other fields.
    :raises MongoDBNotDurable: when the server did the command but did not
        confirm the journal write.
    """
    document = dict({command: value}, **fields)
    document['writeConcern'] = JOURNALED
    with conn.translated(command, database):
        reply = conn.client[database].command(
            document, allowable_errors=list(allowed))
        # pymongo returns these in the reply of a command it does not
        # know to be a write.
        failure = reply.get('writeConcernError')
        if failure:
            raise pymongo_errors.WriteConcernError(
                failure.get('errmsg', ''), failure.get('code'), failure)
    return reply


def _checkpoint(conn):
    """Have the server write every change it has acknowledged to disk.

    Only with [mongodb] checkpoint_after_ddl (see :data:`JOURNALED`). One
    ``fsync`` per request covers every command of a batch; os_admin may
    run it (clusterAdmin).
    """
    with conn.translated('fsync', 'admin'):
        conn.client.admin.command('fsync')


def _create_all(conn, names, checkpoint):
    """Create each database of ``names``; return those created.

    :raises DatabaseCreateError: when one could not be created, naming
        what became of each.
    """
    created = []
    for index, name in enumerate(names):
        try:
            # NamespaceExists: another request created it since the
            # listing; it exists, which is all this one asked for.
            _journaled(conn, name, 'create', PLACEHOLDER_COLLECTION,
                       allowed=[errors.NAMESPACE_EXISTS])
        except exceptions.MongoDBNotDurable as exc:
            # Created, but its journal write is not confirmed.
            raise _create_error(exc, created + [name], False, None,
                                names[index + 1:]) from exc
        except exception.TroveError as exc:
            raise _stopped_creating(conn, exc, created, name,
                                    names[index + 1:], checkpoint) from exc
        created.append(name)
    if created and checkpoint:
        try:
            _checkpoint(conn)
        except exception.TroveError as exc:
            raise _create_error(exc, created, False, None, []) from exc
    return created


def _stopped_creating(conn, cause, created, failed, rest, checkpoint):
    """The error for a batch that stopped at database ``failed``.

    Without a checkpoint, each database created is on disk: it was
    created :data:`JOURNALED`.
    """
    if isinstance(cause, exceptions.MongoDBConnectionError):
        # No checkpoint: it would only wait for the server to come back.
        if cause.command_sent:
            # The server may have created it before the connection failed.
            return _create_error(cause, created, not checkpoint, failed,
                                 rest)
        return _create_error(cause, created, not checkpoint, None,
                             [failed] + rest)
    # The server refused the command: the database was not created, and
    # the server is there to checkpoint the others.
    on_disk = True
    if created and checkpoint:
        try:
            _checkpoint(conn)
        except exception.TroveError as exc:
            on_disk = False
            LOG.warning('Could not checkpoint the databases created so '
                        'far: %s', exc)
    return _create_error(cause, created, on_disk, None, [failed] + rest)


def _names(names):
    """Names for a message, as they are: none of them holds a space."""
    return ', '.join(names) if names else _('none')


def _create_error(cause, created, on_disk, uncertain, not_created):
    """:param on_disk: whether every database of ``created`` is on disk."""
    outcome = [_('Created: %s.') % _names(created)]
    if created and not on_disk:
        outcome.append(_('The server did not confirm that all of these are '
                         'on disk, so a crash of the server may have lost '
                         'some of them.'))
    if uncertain is not None:
        outcome.append(_('Perhaps created: %s (the command went out and no '
                         'answer came back).') % uncertain)
    outcome.append(_('Not created: %s.') % _names(not_created))
    return exception.DatabaseCreateError(
        cause=cause, outcome=' '.join(outcome), created=list(created),
        on_disk=on_disk, uncertain=uncertain,
        not_created=list(not_created))
