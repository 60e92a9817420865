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

"""Generated bad input: names, payloads, batches and list arguments.

Payloads come from tenants through the API and from anything that can
publish on the message bus. Each generated input must be either accepted,
and then the real server accepts it too, or refused with ``ValueError`` or
a ``TroveError`` before anything changes on the server: never another
exception, never part of a batch.

Every property compares the plugin with an oracle written here from the
rules themselves (mongod's on Linux, the plugin's refusal of control and
format characters and line and paragraph separators, reserved names in
any case, no case twins), so the test does
not grade the product by its own code. Each test class runs at least 1,000
generated examples; the examples are derived from the test code
(``derandomize``), so every run tries the same ones and a failure
reproduces.
"""

import collections
import contextlib
import logging
import unicodedata
from unittest import mock

import fixtures
import hypothesis
from hypothesis import configuration as hypothesis_configuration
from hypothesis import strategies as st

from trove.common import exception
from trove.guestagent.datastore.experimental.mongodb import connection
from trove.guestagent.datastore.experimental.mongodb import service
from trove.guestagent.db import models
from trove.tests.functional import base
from trove.tests.functional import reliability
from trove.tests import helpers

RESERVED = helpers.SERVER_DATABASES
FORBIDDEN = frozenset('/\\. "$\x00')
MAX_NAME_BYTES = 63
REFUSALS = (ValueError, exception.TroveError)


def settings(examples):
    # database=None: no example is saved from one run for the next.
    return hypothesis.settings(
        max_examples=examples, derandomize=True, database=None,
        deadline=None, print_blob=False,
        suppress_health_check=[hypothesis.HealthCheck.too_slow,
                               hypothesis.HealthCheck.data_too_large,
                               hypothesis.HealthCheck.large_base_example])


# The oracle.

# Characters that hide or rearrange what a name shows: control, format
# (bidi overrides, zero-width), line and paragraph separators.
UNREADABLE_CATEGORIES = ('Cc', 'Cf', 'Zl', 'Zp')


def acceptable_name(name):
    """mongod's rules for a name on Linux, and nothing that disguises it.

    The plugin refuses control and format characters and line and
    paragraph separators for the operator's sake.
    """
    if not isinstance(name, str) or not name:
        return False
    try:
        size = len(name.encode('utf-8'))
    except UnicodeEncodeError:
        return False
    return (size <= MAX_NAME_BYTES
            and not any(character in FORBIDDEN for character in name)
            and not any(unicodedata.category(character)
                        in UNREADABLE_CATEGORIES for character in name))


def acceptable_payload(payload):
    return (isinstance(payload, dict) and '_name' in payload
            and acceptable_name(payload['_name'])
            and all(isinstance(payload.get(key), (str, type(None)))
                    for key in ('_character_set', '_collate')))


fold = helpers.fold


def acceptable_batch(batch, existing):
    """Whether create_database must accept ``batch``.

    :param existing: the names of the databases on the server.
    """
    if not isinstance(batch, (list, tuple)):
        return False
    if not all(acceptable_payload(payload) for payload in batch):
        return False
    names = [payload['_name'] for payload in batch]
    folded = [fold(name) for name in names]
    existing_folded = {fold(name): name for name in existing}
    return (len(set(folded)) == len(folded)
            and not set(folded) & set(RESERVED)
            and all(existing_folded.get(fold(name), name) == name
                    for name in names))


def expected_page(names, limit, marker, include_marker):
    """The page and next marker of the design's pagination, for any names.

    :param names: the tenant's names, in any order.
    """
    if marker is None:
        after = sorted(names)
    elif include_marker:
        after = sorted(name for name in names if name >= marker)
    else:
        after = sorted(name for name in names if name > marker)
    if limit is None or len(after) <= limit:
        return after, None
    return after[:limit], after[limit - 1]


def expected_listing(listed):
    """What database-list shows of the names a server lists."""
    return sorted(name for name in listed if fold(name) not in RESERVED)


# The strategies.

# Characters of 1, 2, 3 and 4 bytes in UTF-8.
WIDE_CHARACTERS = ('a', 'Z', '\u00e9', '\u03a9', '\u20ac', '\u4e2d',
                   '\U0001f600', '\U00010348')


def spelled(word, cases):
    return ''.join(character.upper() if upper else character
                   for character, upper in zip(word, cases))


def filled_to(size, characters):
    """A name of exactly ``size`` bytes in UTF-8 from ``characters``."""
    name, used, index = '', 0, 0
    while True:
        character = characters[index % len(characters)]
        width = len(character.encode('utf-8'))
        if used + width > size:
            break
        name, used, index = name + character, used + width, index + 1
    return name + 'a' * (size - used)


def inserted(name, character, position):
    position = position % (len(name) + 1)
    return name[:position] + character + name[position:]


valid_characters = st.characters(
    codec='utf-8', exclude_categories=list(UNREADABLE_CATEGORIES) + ['Cs'],
    exclude_characters=FORBIDDEN)

valid_names = st.one_of(
    # At most 4 bytes a character: 15 characters stay within 63 bytes.
    st.text(valid_characters, min_size=1, max_size=15),
    st.text(st.sampled_from('abcXYZ019_-'), min_size=1, max_size=12),
    st.builds(filled_to, st.integers(58, MAX_NAME_BYTES),
              st.lists(st.sampled_from(WIDE_CHARACTERS), min_size=1,
                       max_size=6)),
)

reserved_spellings = st.builds(
    spelled, st.sampled_from(RESERVED),
    st.lists(st.booleans(), min_size=6, max_size=6))

PATH_LIKE = ('../admin', '..', '.', './sales', 'sales/..', '/etc/passwd',
             '..\\admin', 'a\\b', '$cmd', 'admin.$cmd', '$where', '$ne',
             'local/../admin', '%2e%2e%2fadmin', '~root', '\x00admin',
             'admin\x00', ' admin', 'admin ', 'sales\n', '\u202eadmin',
             'admin\u200b', '\ufeffadmin', 'ADMIN\u0000x')

names = st.one_of(
    valid_names,
    st.text(max_size=80),
    st.text(st.characters(max_codepoint=0x7f), max_size=70),
    st.text(st.characters(categories=['Cc', 'Cf', 'Zl', 'Zp', 'Zs', 'Co',
                                      'Cn', 'Mn']),
            min_size=1, max_size=6),
    st.builds(filled_to, st.integers(60, 67),
              st.lists(st.sampled_from(WIDE_CHARACTERS), min_size=1,
                       max_size=6)),
    st.builds(inserted, valid_names, st.sampled_from(sorted(FORBIDDEN)),
              st.integers(0, 70)),
    st.builds(inserted, valid_names,
              st.characters(categories=list(UNREADABLE_CATEGORIES) + ['Cs']),
              st.integers(0, 70)),
    reserved_spellings,
    st.sampled_from(PATH_LIKE),
    st.text(st.characters(categories=['Cs']), min_size=1, max_size=3),
    st.just(''),
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats()
    | st.text(max_size=10),
    lambda children: (st.lists(children, max_size=3)
                      | st.dictionaries(st.text(max_size=5), children,
                                        max_size=3)),
    max_leaves=8)

not_names = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(),
    st.binary(max_size=10), st.lists(st.text(max_size=5), max_size=3),
    st.builds(dict, _name=st.just('x')),
    st.dictionaries(st.sampled_from(['$ne', '$gt', '$regex', '$where']),
                    json_values, min_size=1, max_size=2))

optional_text = st.one_of(st.none(), st.text(max_size=10), json_values)

payloads = st.one_of(
    # Well formed, any name.
    st.fixed_dictionaries(
        {'_name': names},
        optional={'_character_set': optional_text,
                  '_collate': optional_text}),
    # A name of the wrong type, an operator in place of a name.
    st.fixed_dictionaries({'_name': not_names}),
    # Extra keys, $-operators among them.
    st.builds(lambda payload, extra: dict(extra, **payload),
              st.fixed_dictionaries({'_name': names}),
              st.dictionaries(st.sampled_from(['$set', '$where', 'name',
                                               '_users', '__class__',
                                               '_name ']),
                              json_values, max_size=3)),
    # No _name.
    st.dictionaries(st.sampled_from(['name', '_NAME', '$set', '',
                                     '_character_set']),
                    json_values, max_size=3),
    # Not a dict at all.
    json_values,
    st.text(max_size=10),
)

good_payloads = st.fixed_dictionaries(
    {'_name': valid_names},
    optional={'_character_set': st.none(), '_collate': st.none()})

# Twins and exact names of the databases the tenant holds already.
EXISTING = ('tenant_orders', 'Tenant\u00e9')
existing_like = st.builds(spelled, st.sampled_from(EXISTING),
                          st.lists(st.booleans(), min_size=14, max_size=14))

# Mostly good items, so that about half the batches hold no bad one;
# hypothesis favours the ends of a range, so the rare kinds sit inside it.
batch_items = st.integers(0, 24).flatmap(lambda pick: (
    payloads if pick == 11
    else st.builds(lambda name: {'_name': name}, existing_like)
    if pick == 12 else good_payloads))


def large_batch(size, bad_at, bad_payload):
    batch = [{'_name': 'big%05d' % index} for index in range(size)]
    if bad_at is not None:
        batch.insert(bad_at % (size + 1), bad_payload)
    return batch


large_batches = st.builds(
    large_batch, st.integers(300, 1500),
    st.one_of(st.none(), st.integers(0, 1500)),
    st.one_of(payloads, st.builds(lambda name: {'_name': name},
                                  reserved_spellings)))


def batch_kind(pick):
    # About one batch in 50 is large, so that an accepted one (a second on
    # the server) stays rare; hypothesis favours the ends of a range, so
    # the rare kinds sit inside it.
    if pick == 23:
        return large_batches
    if pick == 24:
        return st.just([])
    if 25 <= pick <= 28:
        return st.one_of(json_values, st.builds(dict, _name=valid_names))
    if pick % 2:
        # Left alone, hypothesis repeats short names, and a duplicate
        # refuses the whole batch.
        return st.lists(batch_items, max_size=8, unique_by=_fold_key)
    return st.lists(batch_items, max_size=8)


def _fold_key(payload):
    if isinstance(payload, dict) and isinstance(payload.get('_name'), str):
        return fold(payload['_name'])
    return repr(payload)


batches = st.integers(0, 49).flatmap(batch_kind)


def one_line(text):
    return len(str(text).splitlines()) <= 1


class ListedNames:
    """A connection pool whose server lists ``names`` and nothing else."""

    def __init__(self, names):
        self._client = mock.Mock(spec=['list_database_names'])
        self._client.list_database_names.return_value = list(names)
        self._target = connection.ConnectionTarget(
            'stand-in', 27017, None, None, None, 1.0, 1.0)

    @contextlib.contextmanager
    def acquire(self):
        yield connection.Connection(self._target, self._client)


class RecordedMessages(logging.Handler):
    """The messages the plugin logs, one per record."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


class GeneratedInputTestCase(base.FunctionalTestCase):

    def setUp(self):
        super().setUp()
        # Even without an example database hypothesis caches what it finds
        # in the source; keep that out of the working tree.
        hypothesis_configuration.set_hypothesis_home_dir(
            self.useFixture(fixtures.TempDir()).path)
        self.addCleanup(hypothesis_configuration.set_hypothesis_home_dir,
                        None)
        self.counts = collections.Counter()
        self.messages = RecordedMessages()
        trove_logger = logging.getLogger('trove')
        trove_logger.addHandler(self.messages)
        self.addCleanup(trove_logger.removeHandler, self.messages)

    def assert_messages_are_single_lines(self):
        # A name holding a line break must not forge a log line.
        broken = [message for message in self.messages.messages
                  if not one_line(message)]
        self.assertEqual([], broken)
        self.messages.messages = []

    def assert_refused(self, error):
        """A refusal is a ValueError or a TroveError on one line."""
        self.assertIsInstance(error, REFUSALS)
        self.assertTrue(one_line(error), str(error))


class GeneratedNamesTest(GeneratedInputTestCase):

    def test_names_are_accepted_by_model_and_server_or_refused(self):
        accepted = []

        @settings(1000)
        @hypothesis.given(names)
        def check(name):
            self.counts['examples'] += 1
            try:
                schema = models.MongoDBSchema(name)
            except REFUSALS as error:
                self.assert_refused(error)
                self.assertFalse(acceptable_name(name), repr(name))
                self.counts['refused'] += 1
                return
            self.assertTrue(acceptable_name(name), repr(name))
            self.assertEqual(name, schema.name)
            self.assertEqual(schema, models.MongoDBSchema.deserialize_schema(
                schema.serialize()))
            accepted.append(name)
        check()
        self.assertGreaterEqual(self.counts['examples'], 1000)

        created, refused_reserved = self.create_on_the_server(accepted)
        self.assert_messages_are_single_lines()
        reliability.report(
            self, 'Generated input',
            '%d generated names: unicode, 58-67 bytes of 1-4 byte '
            'characters, control and format characters, lone surrogates, '
            '/ \\ . " $ space NUL, reserved names in any case, path-like '
            'names' % self.counts['examples'],
            '%d refused with ValueError and %d accepted, each as the '
            'oracle says; through the Manager, the real server created '
            'all %d distinct accepted names, and the %d reserved '
            'spellings among them were refused before any change'
            % (self.counts['refused'], len(accepted), created,
               refused_reserved))

    def create_on_the_server(self, accepted):
        """Create every accepted name through the Manager; count them."""
        by_fold = collections.defaultdict(list)
        reserved = []
        for name in dict.fromkeys(accepted):
            if fold(name) in RESERVED:
                reserved.append(name)
            else:
                by_fold[fold(name)].append(name)
        created = 0
        # Case twins go to different rounds, each dropped before the next.
        for round_ in range(max(map(len, by_fold.values()), default=0)):
            names_ = [twins[round_] for twins in by_fold.values()
                      if len(twins) > round_]
            for start in range(0, len(names_), 500):
                chunk = names_[start:start + 500]
                self.manager.create_database(
                    None, [{'_name': name} for name in chunk])
                self.assertEqual(set(chunk), self.tenant_names())
                created += len(chunk)
                for name in chunk:
                    self.root.drop_database(name)
        before = self.server_names()
        for name in reserved:
            error = self.assertRaises(
                exception.InvalidDatabaseRequest,
                self.manager.create_database, None, [{'_name': name}])
            self.assertIn('reserved', str(error))
        self.assertEqual(before, self.server_names())
        return created, len(reserved)


class GeneratedPayloadsTest(GeneratedInputTestCase):

    def setUp(self):
        super().setUp()
        self.root.tenant_orders.orders.insert_many(
            [{'_id': index} for index in range(5)])
        self.root['Tenant\u00e9'].create_collection('rows')

    def test_payloads_are_deserialized_or_refused(self):
        @settings(600)
        @hypothesis.given(payloads)
        def check(payload):
            self.counts['examples'] += 1
            try:
                schema = models.MongoDBSchema.deserialize_schema(payload)
            except REFUSALS as error:
                self.assert_refused(error)
                self.assertFalse(acceptable_payload(payload), repr(payload))
                self.counts['refused'] += 1
                return
            self.assertTrue(acceptable_payload(payload), repr(payload))
            self.assertEqual(payload['_name'], schema.name)
            self.counts['accepted'] += 1
        check()
        self.assertGreaterEqual(self.counts['examples'], 600)
        reliability.report(
            self, 'Generated input',
            '%d generated payloads: wrong types, missing and extra keys, '
            '$-operators as keys and as names, any JSON value'
            % self.counts['examples'],
            '%d deserialized, %d refused with ValueError, each as the '
            'oracle says; no other exception'
            % (self.counts['accepted'], self.counts['refused']))

    def test_batches_are_created_whole_or_refused_before_any_change(self):
        @settings(400)
        @hypothesis.given(batches)
        # Very large batches, beyond what is worth generating often.
        @hypothesis.example(large_batch(20000, 19999, {'_name': 'Admin'}))
        @hypothesis.example(large_batch(20000, 0, {'_name': 'a' * 64}))
        @hypothesis.example(large_batch(3000, None, None))
        def check(batch):
            self.counts['examples'] += 1
            before = self.server_names()
            expected = acceptable_batch(batch, before)
            try:
                self.manager.create_database(None, batch)
            except REFUSALS as error:
                self.assert_refused(error)
                self.assertFalse(expected, repr(batch)[:500])
                # Never part of a batch.
                self.assertEqual(before, self.server_names())
                self.counts['refused'] += 1
                return
            self.assertTrue(expected, repr(batch)[:500])
            requested = {payload['_name'] for payload in batch}
            after = self.server_names()
            self.assertEqual(before | requested, after)
            for name in after - before:
                self.assertEqual([service.PLACEHOLDER_COLLECTION],
                                 self.root[name].list_collection_names())
                self.root.drop_database(name)
            self.counts['accepted'] += 1
            self.counts['largest'] = max(self.counts['largest'],
                                         len(batch))
            self.counts['created'] += len(after - before)
        check()
        self.assertGreaterEqual(self.counts['examples'], 400)
        self.assertEqual([{'_id': index} for index in range(5)],
                         list(self.root.tenant_orders.orders.find()))
        self.assertEqual(['rows'],
                         self.root['Tenant\u00e9'].list_collection_names())
        self.assert_messages_are_single_lines()
        reliability.report(
            self, 'Generated input',
            '%d generated batches through Manager.create_database on the '
            'real server: mixes of good and bad payloads, case twins of '
            'each other and of existing databases, empty, not a list, '
            'up to 1,500 items, and explicit ones of 20,000 items with one '
            'bad and of 3,000 good items' % self.counts['examples'],
            '%d refused, each before any change (the server\'s list '
            'unchanged); %d accepted, each as the oracle says, creating '
            '%d databases holding only the placeholder (largest batch '
            '%d); existing databases untouched'
            % (self.counts['refused'], self.counts['accepted'],
               self.counts['created'], self.counts['largest']))


class GeneratedDeleteAndListTest(GeneratedInputTestCase):

    VICTIMS = ('victim', 'Victim\u00e9', 'v' * MAX_NAME_BYTES)

    def setUp(self):
        super().setUp()
        self.root.tenant_orders.orders.insert_many(
            [{'_id': index} for index in range(5)])
        self.manager.create_database(
            None, [{'_name': name} for name in self.VICTIMS])

    def test_deletes_drop_what_they_name_or_are_refused(self):
        victims = st.builds(spelled, st.sampled_from(self.VICTIMS),
                            st.lists(st.booleans(), min_size=63,
                                     max_size=63))
        targets = st.one_of(
            payloads, st.builds(lambda name: {'_name': name}, victims),
            st.builds(lambda name, extra: dict(extra, _name=name),
                      st.sampled_from(self.VICTIMS),
                      st.dictionaries(st.sampled_from(['_character_set',
                                                       '$where', 'x']),
                                      st.none(), max_size=2)),
            # Not the tenant's own spelling: that would drop its data.
            st.builds(lambda name: {'_name': name},
                      st.one_of(reserved_spellings, existing_like.filter(
                          lambda name: name not in EXISTING))),
            st.builds(lambda name, decoration: {'_name': decoration % name},
                      st.sampled_from(self.VICTIMS + RESERVED),
                      st.sampled_from(['../%s', '%s/..', './%s', '%s.',
                                       '$%s', '%s\x00', ' %s', '%s\n'])))

        @settings(500)
        @hypothesis.given(targets)
        def check(payload):
            self.counts['examples'] += 1
            before = self.server_names()
            try:
                self.manager.delete_database(None, payload)
            except exception.DatabaseNotFound as error:
                # A valid name of no database: refused, nothing changed.
                self.assert_refused(error)
                self.assertTrue(acceptable_payload(payload), repr(payload))
                self.assertNotIn(fold(payload['_name']), RESERVED)
                self.assertNotIn(payload['_name'], before)
                self.assertEqual(before, self.server_names())
                self.counts['absent'] += 1
                return
            except REFUSALS as error:
                self.assert_refused(error)
                self.assertFalse(acceptable_payload(payload)
                                 and fold(payload['_name']) not in RESERVED,
                                 repr(payload))
                self.assertEqual(before, self.server_names())
                self.counts['refused'] += 1
                return
            self.assertTrue(acceptable_payload(payload), repr(payload))
            self.assertNotIn(fold(payload['_name']), RESERVED)
            self.assertIn(payload['_name'], before)
            self.assertEqual(before - {payload['_name']},
                             self.server_names())
            self.counts['dropped'] += 1
            self.root[payload['_name']].create_collection(
                service.PLACEHOLDER_COLLECTION)
        check()
        self.assertGreaterEqual(self.counts['examples'], 500)
        self.assertEqual([{'_id': index} for index in range(5)],
                         list(self.root.tenant_orders.orders.find()))
        self.assert_messages_are_single_lines()
        reliability.report(
            self, 'Generated input',
            '%d generated Manager.delete_database payloads on the real '
            'server: existing names and their case spellings, reserved '
            'names in any case, path-like decorations, any payload'
            % self.counts['examples'],
            '%d refused before any change; %d dropped exactly the named '
            'database; %d named no database, were refused as not found and '
            'changed nothing'
            % (self.counts['refused'], self.counts['dropped'],
               self.counts['absent']))

    def test_list_arguments_page_or_are_refused(self):
        self.manager.create_database(None, [
            {'_name': name} for name in ('a', 'B', 'b0', '\u00e9t\u00e9',
                                         '\u4e2d', 'zz', 'Z', '\U0001f600',
                                         '0', '_', '~')])
        tenant = sorted(self.tenant_names())
        limits = st.one_of(st.none(), st.integers(1, 12),
                           st.integers(1, 12), st.integers(-3, 30),
                           st.integers(), st.booleans(), st.floats(),
                           st.text(max_size=3), json_values)
        markers = st.one_of(st.none(), st.sampled_from(tenant),
                            st.sampled_from(tenant), st.text(max_size=4),
                            names, not_names)
        include = st.one_of(st.booleans(), st.none(), st.integers(0, 1),
                            st.text(max_size=2))

        @settings(400)
        @hypothesis.given(limits, markers, include)
        def check(limit, marker, include_marker):
            self.counts['examples'] += 1
            try:
                page, next_marker = self.manager.list_databases(
                    None, limit, marker, include_marker)
            except REFUSALS as error:
                self.assert_refused(error)
                self.assertTrue(
                    (marker is not None and not isinstance(marker, str))
                    or (limit is not None
                        and (isinstance(limit, bool)
                             or not isinstance(limit, int) or limit < 1)))
                self.counts['refused'] += 1
                return
            expected = expected_page(tenant, limit, marker, include_marker)
            self.assertEqual(expected, (
                [schema['_name'] for schema in page], next_marker))
            self.counts['paged'] += 1
        check()

        @settings(200)
        @hypothesis.given(st.lists(st.one_of(names, reserved_spellings),
                                   max_size=30))
        def hides_reserved(listed):
            # Names no test server would make (case twins of its own
            # databases, names mongod refuses): what a server lists comes
            # from a stand-in client.
            self.counts['examples'] += 1
            admin = service.MongoDBAdmin(ListedNames(listed))
            self.assertEqual(expected_listing(listed), [
                schema['_name'] for schema in admin.list_databases()[0]])
        hides_reserved()
        self.assertGreaterEqual(self.counts['examples'], 600)
        self.assert_messages_are_single_lines()
        reliability.report(
            self, 'Generated input',
            '%d generated Manager.list_databases arguments (limit, '
            'marker, include_marker of any type) and server listings '
            'with reserved names in any case' % self.counts['examples'],
            '%d pages equal to the design\'s pagination; %d refused with '
            'ValueError; reserved names hidden exactly'
            % (self.counts['paged'], self.counts['refused']))
