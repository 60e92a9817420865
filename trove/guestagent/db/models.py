"""Database schema models shared by Trove's API and the guest agent.

A database travels between them as a serialized schema,
``{'_name': 'sales', '_character_set': None, '_collate': None}``. The
models validate a name when they are built, so the API can refuse a bad
name before it sends anything, and the guest agent can refuse a bad
payload from anything else that reaches the message bus.
"""

import unicodedata

from trove.common.i18n import _

_ASCII_UPPER_TO_LOWER = str.maketrans('ABCDEFGHIJKLMNOPQRSTUVWXYZ',
                                      'abcdefghijklmnopqrstuvwxyz')


def fold_case(name):
    """Fold a database name the way mongod compares names for case.

    mongod refuses a database whose name differs only in case from an
    existing one (DatabaseDifferCase), and it compares ASCII letters only,
    so this does the same rather than ``str.casefold``.
    """
    return name.translate(_ASCII_UPPER_TO_LOWER)


# A search of the joined names costs about what a pass over a tenth of
# them does: past this many folded names, positions_folding_to makes one
# pass instead.
_SEARCHES_AT_MOST = 8


def positions_folding_to(names, folded):
    """Positions of the names whose :func:`fold_case` is in ``folded``.

    The same as ``[i for i, name in enumerate(names) if fold_case(name) in
    folded]``, but without a Python step per name: the guest agent
    answers a database-list within Trove's 5-second call timeout with
    tens of thousands of databases on the server, and folding them one by
    one cost more than a tenth of what the server spends listing them.
    The names are joined with NUL, which no database name may hold, folded
    at once, and searched for each folded name; for many folded names, one
    pass over the folded names is cheaper than a search for each.

    :param names: a sequence of names.
    :param folded: a collection of names already folded.
    :returns: a sorted list of positions in ``names``.
    """
    if not names:
        return []
    joined = '\0'.join(names)
    if joined.count('\0') != len(names) - 1:
        # A name with NUL in it (no MongoDB server makes one): fold one by
        # one rather than miscount.
        return [index for index, name in enumerate(names)
                if fold_case(name) in folded]
    # For ASCII text str.lower is fold_case, and much faster.
    joined = joined.lower() if joined.isascii() else fold_case(joined)
    targets = set(folded)
    if len(targets) > _SEARCHES_AT_MOST:
        return [index for index, name in enumerate(joined.split('\0'))
                if name in targets]
    joined = '\0%s\0' % joined
    positions = []
    for target in targets:
        if '\0' in target:
            # It would match across two names; no name can equal it.
            continue
        needle = '\0%s\0' % target
        index = last = 0
        start = joined.find(needle)
        # Ends: each search starts past the previous match.
        while start != -1:
            index += joined.count('\0', last, start)
            last = start
            positions.append(index)
            start = joined.find(needle, start + 1)
    positions.sort()
    return positions


class DatastoreSchema:
    """A named database of some datastore, with its Trove payload form.

    Subclasses implement :meth:`_validate_name` with their datastore's
    rules.
    """

    _PAYLOAD_KEYS = ('_name', '_character_set', '_collate')

    def __init__(self, name, character_set=None, collate=None):
        self._validate_name(name)
        self._validate_optional_text('character set', character_set)
        self._validate_optional_text('collation', collate)
        self._name = name
        self._character_set = character_set
        self._collate = collate

    @classmethod
    def serialize_server_names(cls, names):
        """The payloads of the databases the server lists, names as they are.

        The server is the authority on what exists: a database made outside
        Trove, with a name these rules refuse, is still listed, and does not
        break the listing. A page may hold every database on the server;
        building a schema object, or even calling a method, per name only to
        serialize it was the largest part of what the plugin adds to the
        server's listing.
        """
        return [{'_name': name, '_character_set': None, '_collate': None}
                for name in names]

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

    def serialize(self):
        """Return the payload Trove sends for this database."""
        return {'_name': self._name,
                '_character_set': self._character_set,
                '_collate': self._collate}

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
            raise ValueError(_('The database payload %s has no "_name" '
                               'key.') % _describe_keys(payload))
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


def payload_name(payload):
    """The database name of a payload, for a log line; never raises."""
    return payload.get('_name') if isinstance(payload, dict) else payload


def payload_names(payloads):
    """The database names of a batch, for a log line; never raises."""
    if not isinstance(payloads, (list, tuple)):
        payloads = [payloads]
    return [payload_name(payload) for payload in payloads]


def _describe_keys(payload):
    return '{%s}' % ', '.join(sorted(repr(key) for key in payload)[:5])


class MongoDBSchema(DatastoreSchema):
    """A MongoDB database name, valid by mongod's rules on Linux.

    mongod refuses an empty name, a name of 64 or more bytes in UTF-8, and
    names with any of ``/ \\ . " $``, a space or NUL. This model also
    refuses other control characters: mongod would take them, but they
    make names that no operator can read back in ``database-list``.
    """

    MAX_NAME_BYTES = 63
    FORBIDDEN_CHARACTERS = frozenset('/\\. "$\x00')

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
            if unicodedata.category(character) == 'Cc':
                raise ValueError(_('The MongoDB database name %(name)r '
                                   'contains the control character '
                                   '%(char)r.')
                                 % {'name': name, 'char': character})
