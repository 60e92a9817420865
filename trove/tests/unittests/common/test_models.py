from trove.guestagent.db import models
from trove.tests import base

Schema = models.MongoDBSchema


class MongoDBSchemaNameTest(base.TestCase):

    def assert_refused(self, name, *fragments):
        error = self.assertRaises(ValueError, Schema, name)
        for fragment in fragments:
            self.assertIn(fragment, str(error))
        return error

    def test_ordinary_names_are_accepted(self):
        for name in ('sales', 'Sales_2024', 'a', 'x-y', 'caf\u00e9',
                     '\u6570\u636e'):
            self.assertEqual(name, Schema(name).name)

    def test_empty_name_is_refused(self):
        self.assert_refused('', 'empty')

    def test_length_counts_utf8_bytes(self):
        self.assertEqual(63, len(Schema('a' * 63).name))
        self.assert_refused('a' * 64, '64 bytes', 'at most 63')
        self.assertEqual(21, len(Schema('\u20ac' * 21).name))  # 63 bytes
        self.assert_refused('\u20ac' * 21 + 'a', '64 bytes')
        self.assert_refused('\U0001F600' * 16, '64 bytes')  # 4 bytes each

    def test_each_forbidden_character_is_refused_and_named(self):
        for character in '/\\. "$':
            self.assert_refused('ab%scd' % character, repr(character))

    def test_nul_and_control_characters_are_refused(self):
        self.assert_refused('ab\x00cd', "'\\x00'")
        self.assert_refused('ab\ncd', 'control character')
        self.assert_refused('ab\x7fcd', 'control character')

    def test_path_like_names_are_refused(self):
        self.assert_refused('../admin', "'../admin'")

    def test_lone_surrogate_is_refused(self):
        self.assert_refused('ab\ud800', 'surrogate')

    def test_non_string_names_are_refused_with_value_error(self):
        for name in (None, 42, b'sales', ['sales'], {'_name': 'x'}):
            self.assert_refused(name, 'must be a string')

    def test_character_set_and_collation_must_be_text(self):
        self.assertRaises(ValueError, Schema, 'sales', character_set=5)
        self.assertRaises(ValueError, Schema, 'sales', collate=['x'])
        schema = Schema('sales', character_set='utf8', collate='utf8_bin')
        self.assertEqual('utf8', schema.character_set)
        self.assertEqual('utf8_bin', schema.collate)


class MongoDBSchemaPayloadTest(base.TestCase):

    def test_serialize_gives_trove_payload(self):
        self.assertEqual(
            {'_name': 'sales', '_character_set': None, '_collate': None},
            Schema('sales').serialize())

    def test_round_trip(self):
        schema = Schema('sales', character_set='utf8')
        self.assertEqual(schema,
                         Schema.deserialize_schema(schema.serialize()))

    def test_deserialize_validates_the_name(self):
        error = self.assertRaises(ValueError, Schema.deserialize_schema,
                                  {'_name': 'a.b'})
        self.assertIn("'a.b'", str(error))

    def test_missing_name_key_is_refused(self):
        error = self.assertRaises(ValueError, Schema.deserialize_schema,
                                  {'name': 'sales'})
        self.assertIn('"_name"', str(error))
        self.assertIn("'name'", str(error))

    def test_non_mapping_payloads_are_refused(self):
        for payload in (None, 'sales', ['sales'], 3):
            error = self.assertRaises(ValueError, Schema.deserialize_schema,
                                      payload)
            self.assertIn('must be a dict', str(error))

    def test_extra_keys_from_other_releases_are_ignored(self):
        schema = Schema.deserialize_schema(
            {'_name': 'sales', '_character_set': None, '_collate': None,
             '_ignore_dbs': ['admin'], '$where': '1'})
        self.assertEqual(Schema('sales'), schema)

    def test_server_names_are_taken_as_they_are(self):
        # A database made outside Trove must not break the listing.
        self.assertEqual([{'_name': 'odd name', '_character_set': None,
                           '_collate': None}],
                         Schema.serialize_server_names(['odd name']))


class FoldCaseTest(base.TestCase):

    def test_folds_ascii_letters_only_like_mongod(self):
        self.assertEqual('admin', models.fold_case('ADMIN'))
        self.assertEqual('\u00c9t\u00c9', models.fold_case('\u00c9T\u00c9'))

    def test_positions_folding_to_matches_folding_each_name(self):
        names = ['local', 'Admin', 'sales', 'ADMIN', '\u00c9t\u00c9', 'x',
                 'admin']
        many = {'admin', 'x', '\u00c9t\u00c9'} | {'n%d' % i for i in range(9)}
        for folded in ({'admin'}, {'admin', 'local'}, {'\u00c9t\u00c9'},
                       {'nosuch'}, set(), many):
            self.assertEqual(
                [index for index, name in enumerate(names)
                 if models.fold_case(name) in folded],
                models.positions_folding_to(names, folded))

    def test_positions_folding_to_is_not_fooled_by_nul(self):
        # No server makes such names; they must not shift the positions.
        self.assertEqual([2], models.positions_folding_to(
            ['a\x00b', 'c', 'A'], {'a'}))
        self.assertEqual([], models.positions_folding_to(['a', 'b'],
                                                         {'a\x00b'}))
        self.assertEqual([], models.positions_folding_to([], {''}))


class SerializeServerNameTest(base.TestCase):

    def test_same_payload_as_a_schema(self):
        names = ['sales', '\u20ac']
        self.assertEqual([Schema(name).serialize() for name in names],
                         Schema.serialize_server_names(names))
