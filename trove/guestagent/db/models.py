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

"""Database schema models shared by Trove's API and the guest agent.

A database travels between them as a serialized schema,
``{'_name': 'sales', '_character_set': None, '_collate': None}``. A schema
owns the rules of one name: the models validate a name when they are
built, so the API can refuse a bad name before it sends anything, and the
guest agent can refuse a bad payload from anything else that reaches the
message bus; :meth:`DatastoreSchema.check_create` and
:meth:`DatastoreSchema.check_delete` say whether the name is one the
tenant may create or delete, as upstream Trove's schemas do.
"""

import unicodedata

from trove.common import cfg
from trove.common.i18n import _

CONF = cfg.CONF


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
        several times faster than a translation, and a listing folds every
        name on the server.
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
            unreadable = self._UNREADABLE.get(
                unicodedata.category(character))
            if unreadable is not None:
                raise ValueError(_('The MongoDB database name %(name)r '
                                   'contains %(what)s %(char)r (U+%(code)04X'
                                   '), which would make it read as another '
                                   'name in a listing.')
                                 % {'name': name, 'what': unreadable,
                                    'char': character,
                                    'code': ord(character)})
