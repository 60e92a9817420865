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

"""Database and user models shared by Trove's API and the guest agent.

A database travels between them as a serialized schema,
``{'_name': 'sales', '_character_set': None, '_collate': None}``. A schema
owns the rules of one name: the models validate a name when they are
built, so the API can refuse a bad name before it sends anything, and the
guest agent can refuse a bad payload from anything else that reaches the
message bus; :meth:`DatastoreSchema.check_create` and
:meth:`DatastoreSchema.check_delete` say whether the name is one the
tenant may create or delete, as upstream Trove's schemas do. A MongoDB
user travels as ``{'_name': 'shop.alice', '_host': '%', '_password': ...,
'_databases': [schema payloads]}``; :class:`MongoDBUser` owns the rules of
user names, reserved users and the databases a user may be granted.

What a valid request is lives here too: a batch refused whole with every
problem named (:func:`validated_batch`, :func:`validated_new_users`, ...),
names differing only in case (:class:`CaseIndex`), and the arguments of a
page. :meth:`DatastoreSchema.name_in` and :meth:`MongoDBUser.name_in`
name what a payload holds for a log line, whatever it is.
"""

import unicodedata

from trove.common import cfg
from trove.common import exception
from trove.common.i18n import _

CONF = cfg.CONF


def _as_batch(payloads):
    return payloads if isinstance(payloads, (list, tuple)) else [payloads]


class DatastoreSchema:
    """A named database of some datastore, with its Trove payload form.

    Subclasses implement :meth:`_validate_name` with their datastore's
    rules, and :meth:`is_ignored` with the names its server keeps for
    itself.
    """

    def __init__(self, name, character_set=None, collate=None):
        self._validate_name(name)
        self._validate_optional_text('character set', character_set)
        self._validate_optional_text('collation', collate)
        self._name = name
        self._character_set = character_set
        self._collate = collate

    @staticmethod
    def _payload(name, character_set=None, collate=None):
        return {'_name': name, '_character_set': character_set,
                '_collate': collate}

    @classmethod
    def serialize_server_names(cls, names):
        """The payloads of the databases the server lists, names as they are.

        The server is the authority on what exists: a database made outside
        Trove, with a name these rules refuse, is still listed, and does not
        break the listing. A page may hold every database on the server, so
        no schema object is built per name only to serialize it.
        """
        return list(map(cls._payload, names))

    @staticmethod
    def name_in(payload):
        """The name a payload gives, for a log line or a listing.

        Requests are logged when they fail, whatever a caller sent, so
        this never raises.
        """
        return payload.get('_name') if isinstance(payload, dict) else payload

    @classmethod
    def names_in(cls, payloads):
        """The names of a batch of payloads, for a log line."""
        return [cls.name_in(payload) for payload in _as_batch(payloads)]

    @property
    def name(self):
        return self._name

    @property
    def character_set(self):
        return self._character_set

    @property
    def collate(self):
        return self._collate

    def _validate_name(self, name):
        raise NotImplementedError()

    @staticmethod
    def _validate_optional_text(what, value):
        if value is not None and not isinstance(value, str):
            raise ValueError(_('The %(what)s must be a string or None, not '
                               '%(type)s.') % {'what': what,
                                               'type': type(value).__name__})

    def is_ignored(self):
        """Whether this is one of the server's own databases."""
        raise NotImplementedError()

    def check_create(self):
        """Refuse a database the tenant may not create.

        :raises ValueError: naming the database and why.
        """
        self._check_not_ignored(_('Cannot create database %r'))

    def check_delete(self):
        """Refuse a database the tenant may not delete.

        :raises ValueError: naming the database and why.
        """
        self._check_not_ignored(_('Cannot delete database %r'))

    def check_grant(self):
        """Refuse a database the tenant may not grant a user access to.

        :raises ValueError: naming the database and why.
        """
        self._check_not_ignored(_('Cannot grant access to database %r'))

    def _check_not_ignored(self, refusal):
        if self.is_ignored():
            raise ValueError(_('%s: it is reserved for the server '
                               '([mongodb] ignore_dbs).')
                             % (refusal % self._name))

    def serialize(self):
        """Return the payload Trove sends for this database."""
        return self._payload(self._name, self._character_set, self._collate)

    @classmethod
    def deserialize_schema(cls, payload):
        """Build a schema from a Trove payload.

        Keys other than the three of the payload are ignored, because
        other Trove releases add their own; a payload without ``_name``, or
        that is not a mapping, is refused.

        :raises ValueError: naming what is wrong with the payload or name.
        """
        if not isinstance(payload, dict):
            raise ValueError(_('A database payload must be a dict such as '
                               '{"_name": "sales"}, not %s.')
                             % type(payload).__name__)
        if '_name' not in payload:
            keys = sorted(repr(key) for key in payload)[:5]
            raise ValueError(_('The database payload {%s} has no "_name" '
                               'key.') % ', '.join(keys))
        return cls(payload['_name'],
                   character_set=payload.get('_character_set'),
                   collate=payload.get('_collate'))

    def __eq__(self, other):
        return (type(self) is type(other)
                and self.serialize() == other.serialize())

    def __hash__(self):
        return hash((type(self), self._name))

    def __repr__(self):
        return '%s(%r)' % (type(self).__name__, self._name)


class MongoDBSchema(DatastoreSchema):
    """A MongoDB database name, valid by mongod's rules on Linux.

    mongod refuses an empty name, a name of 64 or more bytes in UTF-8, and
    names with any of ``/ \\ . " $``, a space or NUL. This model also
    refuses other control characters, format characters (bidi overrides,
    zero-width characters) and line and paragraph separators: mongod
    would take them, but they make names that no operator can read back
    as what they are in ``database-list``.

    The server's own databases are those of ``[mongodb] ignore_dbs``, in
    any case: mongod compares names for case (it refuses a database whose
    name differs only in case from an existing one), so ``ADMIN`` is
    refused as ``admin`` is.
    """

    MAX_NAME_BYTES = 63
    FORBIDDEN_CHARACTERS = frozenset('/\\. "$\x00')
    # Unicode categories of characters that hide or rearrange what a name
    # shows: control characters, format characters (bidi overrides such
    # as U+202E, zero-width characters) and line and paragraph separators.
    _UNREADABLE = {'Cc': _('the control character'),
                   'Cf': _('the invisible format character'),
                   'Zl': _('the line separator'),
                   'Zp': _('the paragraph separator')}
    _ASCII_UPPER_TO_LOWER = str.maketrans('ABCDEFGHIJKLMNOPQRSTUVWXYZ',
                                          'abcdefghijklmnopqrstuvwxyz')

    @classmethod
    def fold_case(cls, name):
        """``name`` as mongod compares database names for case.

        mongod folds ASCII letters only, so this does too rather than
        ``str.casefold``; for ASCII text that is ``str.lower``, which is
        cheaper than a translation, and a listing folds every name on the
        server.
        """
        if name.isascii():
            return name.lower()
        return name.translate(cls._ASCII_UPPER_TO_LOWER)

    @classmethod
    def ignored_names(cls):
        """The folded names of the server's own databases, as configured."""
        return frozenset(cls.fold_case(name)
                         for name in CONF.mongodb.ignore_dbs)

    def is_ignored(self):
        return self.fold_case(self._name) in self.ignored_names()

    def _validate_name(self, name):
        if not isinstance(name, str):
            raise ValueError(_('A MongoDB database name must be a string, '
                               'not %s.') % type(name).__name__)
        if not name:
            raise ValueError(_('A MongoDB database name must not be '
                               'empty.'))
        try:
            size = len(name.encode('utf-8'))
        except UnicodeEncodeError:
            raise ValueError(_('The MongoDB database name %r is not valid '
                               'Unicode text (it holds a lone surrogate).')
                             % name)
        if size > self.MAX_NAME_BYTES:
            raise ValueError(_('The MongoDB database name %(name)r is '
                               '%(size)d bytes long in UTF-8; mongod allows '
                               'at most %(max)d bytes.')
                             % {'name': name, 'size': size,
                                'max': self.MAX_NAME_BYTES})
        for character in name:
            if character in self.FORBIDDEN_CHARACTERS:
                raise ValueError(_('The MongoDB database name %(name)r '
                                   'contains %(char)r; names must not '
                                   'contain / \\ . " $, a space or NUL.')
                                 % {'name': name, 'char': character})
        self.check_readable(_('The MongoDB database name'), name)

    @classmethod
    def check_readable(cls, what, name):
        """Refuse a name holding a character that hides what it reads as.

        :param what: the start of the refusal, naming the kind of name.
        """
        for character in name:
            unreadable = cls._UNREADABLE.get(unicodedata.category(character))
            if unreadable is not None:
                raise ValueError(_('%(what)s %(name)r contains %(kind)s '
                                   '%(char)r (U+%(code)04X), which would '
                                   'make it read as another name in a '
                                   'listing.')
                                 % {'what': what, 'name': name,
                                    'kind': unreadable, 'char': character,
                                    'code': ord(character)})


class MongoDBUser:
    """A MongoDB user as Trove names it: ``<database>.<username>``.

    The user lives in ``<database>``, its authentication database, whose
    name follows :class:`MongoDBSchema`'s rules. Each database of
    ``databases`` gives the user the role ``readWrite`` there, and
    nothing else. The password is never part of ``repr`` or ``str``.

    MongoDB has no host part in a user's identity: ``%`` (any host) is the
    only host a user can have, and what Trove sends by default.

    :raises ValueError: for an invalid name, host, password or database.
    """

    # Trove 13's MongoDB user model allows this many characters; mongod
    # has no lower limit of its own.
    MAX_USERNAME_CHARACTERS = 128
    HOST_WILDCARD = '%'
    ROOT_NAME = 'admin.root'
    ROOT_ROLE = 'root'
    ACCESS_ROLE = 'readWrite'

    def __init__(self, name, password=None, host=None, databases=()):
        self._database, self._username = self._split_name(name)
        self._name = name
        if password is not None and (not isinstance(password, str)
                                     or not password):
            # The value itself is a secret: only its type is named.
            raise ValueError(_('The password of MongoDB user %(name)r must '
                               'be a non-empty string, not %(type)s.')
                             % {'name': name,
                                'type': ('an empty string'
                                         if password == '' else
                                         type(password).__name__)})
        self._password = password
        self._host = self._validated_host(name, host)
        self._databases = self._schemas(name, databases)

    @classmethod
    def root(cls, password):
        """The root user that enable_root makes, with the role ``root``."""
        return cls(cls.ROOT_NAME, password=password)

    @classmethod
    def _split_name(cls, name):
        if not isinstance(name, str):
            raise ValueError(_('A MongoDB user name must be a string, not '
                               '%s.') % type(name).__name__)
        database, dot, username = name.partition('.')
        if not dot or not database or not username:
            raise ValueError(_('The MongoDB user name %r is not of the form '
                               '<database>.<username>, as in '
                               'shop.alice.') % name)
        try:
            MongoDBSchema(database)
        except ValueError as exc:
            raise ValueError(_('The MongoDB user name %(name)r names an '
                               'invalid database: %(error)s')
                             % {'name': name, 'error': exc}) from None
        if len(username) > cls.MAX_USERNAME_CHARACTERS:
            raise ValueError(_('The user part of MongoDB user name %(name)r '
                               'is %(size)d characters long; at most '
                               '%(max)d are allowed.')
                             % {'name': name, 'size': len(username),
                                'max': cls.MAX_USERNAME_CHARACTERS})
        MongoDBSchema.check_readable(_('The MongoDB user name'), name)
        return database, username

    @classmethod
    def _validated_host(cls, name, host):
        if host is None or host == cls.HOST_WILDCARD:
            return cls.HOST_WILDCARD
        if not isinstance(host, str):
            raise ValueError(_('The host of MongoDB user %(name)r must be a '
                               'string, not %(type)s.')
                             % {'name': name, 'type': type(host).__name__})
        # Silently ignoring a host would leave the tenant believing the
        # user is limited to it.
        raise ValueError(_('MongoDB user %(name)r cannot be limited to host '
                           '%(host)r: MongoDB users have no host, so only '
                           '"%%" (any host) is allowed.')
                         % {'name': name, 'host': host})

    @staticmethod
    def _schemas(name, databases):
        if databases is None:
            return []
        if not isinstance(databases, (list, tuple)):
            raise ValueError(_('The databases of MongoDB user %(name)r must '
                               'be a list, not %(type)s.')
                             % {'name': name,
                                'type': type(databases).__name__})
        schemas = []
        for database in databases:
            if isinstance(database, MongoDBSchema):
                schema = database
            elif isinstance(database, dict):
                schema = MongoDBSchema.deserialize_schema(database)
            else:
                schema = MongoDBSchema(database)
            if schema not in schemas:
                schemas.append(schema)
        return schemas

    @property
    def name(self):
        return self._name

    @property
    def database(self):
        """The name of the user's authentication database."""
        return self._database

    @property
    def username(self):
        """The user's name within its database."""
        return self._username

    @property
    def password(self):
        return self._password

    @property
    def host(self):
        return self._host

    @property
    def databases(self):
        """The :class:`MongoDBSchema` of each database granted."""
        return list(self._databases)

    @property
    def roles(self):
        """The MongoDB roles of ``databases``: readWrite on each."""
        return [{'role': self.ACCESS_ROLE, 'db': schema.name}
                for schema in self._databases]

    # Reserved users and databases

    @staticmethod
    def fold_case(name):
        return MongoDBSchema.fold_case(name)

    @classmethod
    def ignored_names(cls):
        """The folded names of the reserved users, as configured."""
        return frozenset(cls.fold_case(name)
                         for name in CONF.mongodb.ignore_users)

    def is_ignored(self):
        """Whether this is a reserved user ([mongodb] ignore_users)."""
        return self.fold_case(self._name) in self.ignored_names()

    def in_reserved_database(self):
        """Whether the user lives in one of the server's own databases."""
        return MongoDBSchema(self._database).is_ignored()

    def is_tenant_user(self):
        """Whether the tenant may see and manage this user."""
        return not (self.is_ignored() or self.in_reserved_database())

    def check_create(self):
        """Refuse a user the tenant may not create as given.

        :raises ValueError: naming the user and why.
        """
        self._check_tenant_user(_('Cannot create user %r'))
        if self._password is None:
            raise ValueError(_('Cannot create user %r: it has no '
                               'password.') % self._name)
        self.check_grant(self._databases)

    def check_change(self):
        """Refuse a user the tenant may not change, drop or look at.

        :raises ValueError: naming the user and why.
        """
        self._check_tenant_user(_('Cannot change user %r'))

    @staticmethod
    def check_grant(schemas):
        """Refuse access to a database the tenant may not grant.

        :raises ValueError: naming the first such database.
        """
        for schema in schemas:
            schema.check_grant()

    def _check_tenant_user(self, refusal):
        if self.is_ignored():
            raise ValueError(_('%s: it is reserved ([mongodb] '
                               'ignore_users).') % (refusal % self._name))
        if self.in_reserved_database():
            raise ValueError(_('%(refusal)s: its database %(database)r is '
                               'reserved for the server ([mongodb] '
                               'ignore_dbs); a user lives in one of the '
                               'tenant\'s databases.')
                             % {'refusal': refusal % self._name,
                                'database': self._database})

    # Payloads

    def serialize(self):
        """Return the payload Trove sends for this user."""
        return {'_name': self._name, '_host': self._host,
                '_password': self._password,
                '_databases': [schema.serialize()
                               for schema in self._databases]}

    @classmethod
    def serialize_server_user(cls, database, username, databases):
        """The payload of a user the server lists, names as they are.

        As for databases, the server is the authority: a user made outside
        Trove is listed as it is. A listing never holds a password.

        :param databases: the names of the databases it has access to.
        """
        return {'_name': '%s.%s' % (database, username),
                '_host': cls.HOST_WILDCARD, '_password': None,
                '_databases': MongoDBSchema.serialize_server_names(
                    databases)}

    @staticmethod
    def name_in(payload):
        """The user name of a payload (either shape), for a log or a table.

        Never raises, and never takes anything but the name: the payload
        holds a password. What is not a payload shows as ``'?'``.
        """
        if not isinstance(payload, dict):
            return '?'
        name = payload.get('_name', payload.get('name', '?'))
        return name if isinstance(name, str) else '?'

    @classmethod
    def names_in(cls, payloads):
        """The user names of a batch of payloads, for a log line."""
        return [cls.name_in(payload) for payload in _as_batch(payloads)]

    @classmethod
    def deserialize_user(cls, payload):
        """Build a user from a payload of the ``_name`` shape.

        Other keys are ignored: Trove 13 adds ``_username``, ``_database``,
        ``_roles`` and ``_is_root``.

        :raises ValueError: naming what is wrong; never the password.
        """
        cls._check_payload(payload, '_name')
        return cls(payload['_name'], password=payload.get('_password'),
                   host=payload.get('_host'),
                   databases=payload.get('_databases'))

    @classmethod
    def deserialize_password_change(cls, payload):
        """Build a user from an entry of ``change_passwords``.

        Trove's API sends ``{'name': ..., 'host': ..., 'password': ...}``;
        the ``_name`` shape of the other calls is taken too.

        :raises ValueError: naming what is wrong; never the password.
        """
        if isinstance(payload, dict) and '_name' in payload:
            return cls.deserialize_user(payload)
        cls._check_payload(payload, 'name')
        return cls(payload['name'], password=payload.get('password'),
                   host=payload.get('host'))

    @staticmethod
    def _check_payload(payload, key):
        if not isinstance(payload, dict):
            raise ValueError(_('A user payload must be a dict such as '
                               '{"%(key)s": "shop.alice", ...}, not '
                               '%(type)s.')
                             % {'key': key, 'type': type(payload).__name__})
        if key not in payload:
            keys = sorted(repr(each) for each in payload)[:5]
            raise ValueError(_('The user payload {%(keys)s} has no '
                               '"%(key)s" key.')
                             % {'keys': ', '.join(keys), 'key': key})

    def __repr__(self):
        return '%s(%r)' % (type(self).__name__, self._name)

    __str__ = __repr__


# Requests. The rules of one name belong to the models above; these apply
# them to a request as a whole and add what needs the whole request or
# the server's listing: the shape of a batch, names listed twice or
# differing only in case, and the arguments of a page. A request is
# refused whole, with every problem named, before anything changes, so
# that a tenant's batch is never half applied because of one bad item.

# At most this many problems are spelled out in one refusal.
_MAX_PROBLEMS_SHOWN = 10


class CaseIndex:
    """Names by their case-folded form, to find names differing in case.

    mongod refuses a database whose name differs only in case from an
    existing one (DatabaseDifferCase), but not every server does, so the
    agent refuses such a name itself, before a batch's first write: in a
    batch, against the server's databases, and in a grant (access to a
    database that cannot exist beside its twin, and none to the twin).
    Every such check goes through this class.

    :param names: the names to index; the first of several twins is kept.
    """

    __slots__ = ('_names',)

    def __init__(self, names=()):
        self._names = {}
        for name in names:
            self.add(name)

    def add(self, name):
        self._names.setdefault(MongoDBSchema.fold_case(name), name)

    def twin(self, name):
        """The indexed name differing from ``name`` only in case, or None.

        ``None`` too when ``name`` itself is the indexed one: callers ask
        about a name the index does not hold as it is.
        """
        other = self._names.get(MongoDBSchema.fold_case(name))
        return None if other == name else other


def validated_batch(databases):
    """The schemas of a create request, refused whole with every problem.

    :param databases: a list of serialized schemas.
    :raises InvalidDatabaseRequest: for a batch that is not a list, an item
        that is no valid schema or may not be created, a name listed twice
        or differing only in case from another of the batch.
    """
    if not isinstance(databases, (list, tuple)):
        raise exception.InvalidDatabaseRequest(
            problems=_('databases must be a list of database payloads, not '
                       '%s') % type(databases).__name__)
    problems = []
    schemas = []
    names = set()
    seen = CaseIndex()
    for index, payload in enumerate(databases):
        try:
            schema = MongoDBSchema.deserialize_schema(payload)
            schema.check_create()
        except ValueError as exc:
            problems.append(_('item %(index)d: %(error)s')
                            % {'index': index, 'error': exc})
            continue
        twin = seen.twin(schema.name)
        if twin is not None:
            problems.append(_('%(name)r differs only in case from %(other)r '
                              'in the same request')
                            % {'name': schema.name, 'other': twin})
        elif schema.name in names:
            problems.append(_('%r is listed more than once') % schema.name)
        else:
            names.add(schema.name)
            seen.add(schema.name)
            schemas.append(schema)
    _raise_problems(problems)
    return schemas


def validated_database(database):
    """The schema of a delete request.

    :param database: one serialized schema.
    :raises InvalidDatabaseRequest: for a payload that is no valid schema
        or a database that may not be deleted.
    """
    try:
        schema = MongoDBSchema.deserialize_schema(database)
        schema.check_delete()
    except ValueError as exc:
        _raise_problems([str(exc)])
    return schema


def refuse_case_twins(schemas, listed, error=exception.InvalidDatabaseRequest):
    """Refuse new names that differ only in case from an existing database.

    :param schemas: the validated schemas of a create request or a grant.
    :param listed: the names of the server's databases.
    :param error: the refusal to raise.
    """
    existing = set(listed)
    new = [schema.name for schema in schemas if schema.name not in existing]
    if not new:
        # Every name exists as it is (a grant's usual case): no listed
        # name needs folding.
        return
    index = CaseIndex(listed)
    problems = []
    for name in new:
        twin = index.twin(name)
        if twin is not None:
            problems.append(_('%(name)r differs only in case from the '
                              'existing database %(twin)r')
                            % {'name': name, 'twin': twin})
    _raise_problems(problems, error)


def validated_page(limit, marker, include_marker):
    """The arguments of a list request, as the pagination takes them.

    :returns: ``(limit, marker, include_marker)``, the last one a bool.
    :raises InvalidDatabaseRequest: for a limit that is not a positive
        integer or ``None``, or a marker that is not a name or ``None``.
    """
    problems = []
    if limit is not None and (isinstance(limit, bool)
                              or not isinstance(limit, int) or limit < 1):
        problems.append(_('the limit must be a positive integer or None, '
                          'not %r') % (limit,))
    if marker is not None and not isinstance(marker, str):
        problems.append(_('the marker must be a name or None, not %s')
                        % type(marker).__name__)
    _raise_problems(problems)
    return limit, marker, bool(include_marker)


def _raise_problems(problems, error=exception.InvalidDatabaseRequest):
    if not problems:
        return
    # The schema's messages are sentences; the refusal joins them into one.
    shown = [problem.rstrip('.') for problem in problems[:_MAX_PROBLEMS_SHOWN]]
    if len(problems) > len(shown):
        shown.append(_('and %d more') % (len(problems) - len(shown)))
    raise error(problems='; '.join(shown))


# Users. The rules of one user (its name, reserved users and databases)
# belong to MongoDBUser; these apply them to a request, whole.

def _user_batch(users, build, check):
    """The users of a batch, refused whole with every problem named.

    :param build: makes a user of one payload.
    :param check: the user's check for the request (check_create, ...).
    """
    if not isinstance(users, (list, tuple)):
        raise exception.InvalidUserRequest(
            problems=_('users must be a list of user payloads, not %s')
            % type(users).__name__)
    problems = []
    validated = {}
    for index, payload in enumerate(users):
        try:
            user = build(payload)
            check(user)
        except ValueError as exc:
            problems.append(_('item %(index)d: %(error)s')
                            % {'index': index, 'error': exc})
            continue
        if user.name in validated:
            problems.append(_('%r is listed more than once') % user.name)
        validated[user.name] = user
    _raise_problems(problems, exception.InvalidUserRequest)
    return list(validated.values())


def validated_new_users(users):
    """The users of a create request, each with a password.

    :param users: a list of serialized users.
    :raises InvalidUserRequest: for a batch that is not a list, a bad
        payload, name, password or host, a reserved user, a user in or
        granted a reserved database, or a user listed twice.
    """
    return _user_batch(users, MongoDBUser.deserialize_user,
                       MongoDBUser.check_create)


def validated_password_changes(users):
    """The users of a change_passwords request, each with a password.

    :param users: entries ``{'name', 'host', 'password'}``, as Trove's API
        sends them.
    """
    def check(user):
        user.check_change()
        if user.password is None:
            raise ValueError(_('no new password for user %r') % user.name)
    return _user_batch(users,
                       MongoDBUser.deserialize_password_change,
                       check)


def validated_user(payload):
    """The user of a delete request (a serialized user)."""
    try:
        user = MongoDBUser.deserialize_user(payload)
        user.check_change()
    except ValueError as exc:
        _raise_problems([str(exc)], exception.InvalidUserRequest)
    return user


def validated_user_name(username, hostname):
    """The user named by a request's ``username`` and ``hostname``."""
    try:
        user = MongoDBUser(username, host=hostname)
        user.check_change()
    except ValueError as exc:
        _raise_problems([str(exc)], exception.InvalidUserRequest)
    return user


def validated_grant(databases):
    """The schemas of the databases a grant names.

    :param databases: names, as Trove's API sends them, or payloads.
    :raises InvalidUserRequest: for a name that is invalid or reserved.
    """
    if not isinstance(databases, (list, tuple)):
        databases = [databases]
    problems = []
    schemas = []
    for database in databases:
        try:
            schema = (MongoDBSchema.deserialize_schema(database)
                      if isinstance(database, dict)
                      else MongoDBSchema(database))
            schema.check_grant()
        except ValueError as exc:
            problems.append(str(exc))
            continue
        if schema not in schemas:
            schemas.append(schema)
    _raise_problems(problems, exception.InvalidUserRequest)
    return schemas


def raise_user_problem(error):
    """Refuse a user request for ``error``, a ValueError of the models."""
    _raise_problems([str(error)], exception.InvalidUserRequest)


_USER_ATTRIBUTES = ('name', 'password', 'host')


def validated_attributes(user, user_attrs):
    """The new password of an update_attributes request, or ``None``.

    A new name is refused: MongoDB cannot rename a user. A host other
    than ``%`` is refused by the user model.
    """
    if not isinstance(user_attrs, dict):
        _raise_problems([_('user_attrs must be a dict, not %s')
                         % type(user_attrs).__name__],
                        exception.InvalidUserRequest)
    problems = []
    unknown = sorted(repr(key) for key in user_attrs
                     if key not in _USER_ATTRIBUTES)
    if unknown:
        problems.append(_('unknown attributes %s; only name, password and '
                          'host can be given') % ', '.join(unknown))
    new_name = user_attrs.get('name')
    if new_name is not None and new_name != user.name:
        problems.append(_('MongoDB cannot rename user %(name)r to '
                          '%(new)r; create the new user with its password '
                          'and databases, then delete this one')
                        % {'name': user.name, 'new': new_name})
    password = user_attrs.get('password')
    try:
        MongoDBUser(user.name, password=password,
                    host=user_attrs.get('host'))
    except ValueError as exc:
        problems.append(str(exc))
    _raise_problems(problems, exception.InvalidUserRequest)
    return password
