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

from trove.guestagent.db import models
from trove.tests import base
from trove.tests import helpers

Schema = models.MongoDBSchema


class MongoDBSchemaNameTest(base.TestCase):

    def assert_accepted(self, name):
        # The payload of the design, written out: what Trove sends.
        self.assertEqual(helpers.payload(name), Schema(name).serialize())

    def assert_refused(self, name, *fragments):
        error = self.assertRaises(ValueError, Schema, name)
        for fragment in fragments:
            self.assertIn(fragment, str(error))
        return error

    def test_names_mongod_takes_are_accepted(self):
        # Next to every character mongod refuses, one it takes.
        for name in ('sales', 'Sales_2024', 'a', 'x-y', 'a#b', 'a%b',
                     'a+b', 'a,b', 'a:b', 'a@b', 'a~b', "a'b", 'a*b',
                     'caf\u00e9', '\u6570\u636e', '\u00a0x'):
            self.assert_accepted(name)

    def test_empty_name_is_refused(self):
        self.assert_refused('', 'empty')

    def test_length_counts_utf8_bytes(self):
        self.assert_accepted('a' * 63)
        self.assert_refused('a' * 64, '64 bytes', 'at most 63')
        self.assert_accepted('\u20ac' * 21)  # 63 bytes
        self.assert_refused('\u20ac' * 21 + 'a', '64 bytes')
        self.assert_accepted('\U0001F600' * 15 + 'abc')  # 63 bytes
        self.assert_refused('\U0001F600' * 16, '64 bytes')  # 4 bytes each

    def test_each_forbidden_character_is_refused_and_named(self):
        for character in '/\\. "$':
            self.assert_refused('ab%scd' % character, repr(character))

    def test_nul_and_control_characters_are_refused(self):
        self.assert_refused('ab\x00cd', "'\\x00'")
        self.assert_refused('ab\ncd', 'control character')
        self.assert_refused('ab\x7fcd', 'control character')

    def test_characters_that_disguise_a_name_are_refused(self):
        # A name must read as what it is: 'sales\u202egpj.exe' shows as
        # 'salesexe.jpg', and a zero-width space makes a twin of 'sales'.
        for character, what in (('\u202e', 'format character'),
                                ('\u202d', 'format character'),
                                ('\u2066', 'format character'),
                                ('\u200b', 'format character'),
                                ('\u200d', 'format character'),
                                ('\ufeff', 'format character'),
                                ('\u00ad', 'format character'),
                                ('\u2028', 'line separator'),
                                ('\u2029', 'paragraph separator')):
            name = 'sales%sx' % character
            error = self.assert_refused(
                name, what, 'U+%04X' % ord(character))
            # The message shows the character escaped, never as it is.
            self.assertNotIn(character, str(error))

    def test_other_unicode_letters_and_symbols_are_accepted(self):
        for name in ('caf\u00e9', '\u6570\u636e', '\u0645\u0628\u064a\u0639',
                     '\U0001F600', 'a\u0301'):
            self.assert_accepted(name)

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
        self.assertEqual(
            helpers.payload('sales', 'utf8', 'utf8_bin'),
            Schema('sales', character_set='utf8',
                   collate='utf8_bin').serialize())


class MongoDBSchemaReservedTest(base.TestCase):

    def assert_reserved(self, name):
        schema = Schema(name)
        self.assertTrue(schema.is_ignored(), name)
        for check, verb in ((schema.check_create, 'create'),
                            (schema.check_delete, 'delete')):
            error = self.assertRaises(ValueError, check)
            self.assertIn('Cannot %s database %r' % (verb, name), str(error))
            self.assertIn('reserved', str(error))

    def assert_tenants(self, name):
        schema = Schema(name)
        self.assertFalse(schema.is_ignored(), name)
        self.assertIsNone(schema.check_create())
        self.assertIsNone(schema.check_delete())

    def test_the_server_databases_are_reserved_in_any_case(self):
        for name in ('admin', 'ADMIN', 'aDmIn', 'local', 'Local', 'config',
                     'CONFIG'):
            self.assert_reserved(name)

    def test_other_names_are_the_tenants(self):
        # mongod folds ASCII letters only: these are other names.
        for name in ('admins', 'xadmin', 'adm\u0130n', '\u0430dmin',
                     'con\ufb01g', 'local2', 'conf'):
            self.assert_tenants(name)

    def test_reserved_names_follow_the_configuration_when_used(self):
        self.conf.config(group='mongodb', ignore_dbs=['admin', 'Audit'])
        self.assert_reserved('audit')
        self.assert_reserved('AUDIT')
        self.assert_tenants('local')


class MongoDBSchemaPayloadTest(base.TestCase):

    def test_round_trip(self):
        schema = Schema('sales', character_set='utf8')
        self.assertEqual(helpers.payload('sales', 'utf8'),
                         Schema.deserialize_schema(
                             schema.serialize()).serialize())

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
        self.assertEqual(helpers.payload('sales'), schema.serialize())

    def test_server_names_are_taken_as_they_are(self):
        # A database made outside Trove must not break the listing.
        self.assertEqual(helpers.payloads('odd name', '\u20ac', 'a.b'),
                         Schema.serialize_server_names(
                             ['odd name', '\u20ac', 'a.b']))


class FoldCaseTest(base.TestCase):

    def test_folds_ascii_letters_only_like_mongod(self):
        for name, folded in (('ADMIN', 'admin'), ('Sales_2', 'sales_2'),
                             ('\u00c9T\u00c9', '\u00c9t\u00c9'),
                             ('\u0130X', '\u0130x'), ('STRASSE', 'strasse'),
                             ('\u1e9e', '\u1e9e'), ('\u212aB', '\u212ab')):
            self.assertEqual(folded, Schema.fold_case(name))
