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

"""The models, and what a valid request is: a model or a refusal."""

import hypothesis
from hypothesis import strategies as st

from trove.common import exception
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


User = models.MongoDBUser
PASSWORD = 'pw-unit-5e0c1'


class CaseIndexTest(base.TestCase):

    def test_a_twin_differs_only_in_case(self):
        index = models.CaseIndex(['Sales', 'hr'])
        self.assertEqual('Sales', index.twin('sales'))
        self.assertEqual('Sales', index.twin('SALES'))
        self.assertIsNone(index.twin('Sales'))
        self.assertIsNone(index.twin('orders'))

    def test_only_ascii_letters_fold_as_mongod_folds_them(self):
        index = models.CaseIndex(['stra\u00dfe'])
        self.assertEqual('stra\u00dfe', index.twin('STRA\u00dfE'))
        self.assertIsNone(index.twin('strasse'))

    def test_one_rule_for_a_batch_the_server_and_a_grant(self):
        error = self.assertRaises(exception.InvalidDatabaseRequest,
                                  models.validated_batch,
                                  helpers.payloads('a', 'A'))
        self.assertIn("'A' differs only in case from 'a'", str(error))
        error = self.assertRaises(exception.InvalidUserRequest,
                                  models.refuse_case_twins,
                                  [Schema('B')], ['b'],
                                  exception.InvalidUserRequest)
        self.assertIn("'B' differs only in case from the existing database "
                      "'b'", str(error))
        models.refuse_case_twins([Schema('b')], ['b', 'B'])


class MongoDBUserTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.add_secret(PASSWORD)

    def assert_refused(self, *fragments, **kwargs):
        name = kwargs.pop('name', 'shop.alice')
        error = self.assertRaises(ValueError, User, name, **kwargs)
        for fragment in fragments:
            self.assertIn(fragment, str(error))
        self.assertNotIn(PASSWORD, str(error))
        return error

    def test_the_name_is_database_dot_username(self):
        user = User('shop.alice', password=PASSWORD)
        self.assertEqual(('shop.alice', 'shop', 'alice'),
                         (user.name, user.database, user.username))
        # The user part may hold dots; the database part cannot.
        self.assertEqual(('shop', 'a.b'), (User('shop.a.b').database,
                                           User('shop.a.b').username))

    def test_names_without_both_parts_are_refused(self):
        for name in ('alice', '.alice', 'shop.', '', '.'):
            self.assert_refused('<database>.<username>', name=name)
        self.assert_refused('string', name=None)

    def test_the_database_part_follows_the_schema_rules(self):
        self.assert_refused('invalid database', 'contains', name='sh$p.a')
        self.assert_refused('64 bytes', name='a' * 64 + '.alice')

    def test_the_user_part_has_limits(self):
        User('shop.' + 'a' * 128)
        self.assert_refused('129 characters', 'at most 128',
                            name='shop.' + 'a' * 129)
        self.assert_refused('control character', name='shop.al\x00ice')
        self.assert_refused('control character', name='shop.al\nice')
        self.assert_refused('format character', name='shop.al\u202eice')

    def test_the_password_is_never_shown(self):
        user = User('shop.alice', password=PASSWORD)
        self.assertEqual("MongoDBUser('shop.alice')", repr(user))
        self.assertNotIn(PASSWORD, str(user))
        self.assertNotIn(PASSWORD, '%s %r %s' % (user, user, [user]))

    def test_a_bad_password_is_named_by_its_type_only(self):
        self.assert_refused('non-empty string', 'an empty string',
                            password='')
        self.assert_refused('non-empty string', 'int', password=12345)

    def test_only_the_any_host_is_accepted(self):
        self.assertEqual('%', User('shop.alice').host)
        self.assertEqual('%', User('shop.alice', host='%').host)
        self.assert_refused("'10.0.0.1'", 'have no host', host='10.0.0.1')
        self.assert_refused('string', host=7)

    def test_serialize_is_trove_s_payload(self):
        user = User('shop.alice', password=PASSWORD,
                    databases=['shop', {'_name': 'hr'}, Schema('shop')])
        self.assertEqual({'_name': 'shop.alice', '_host': '%',
                          '_password': PASSWORD,
                          '_databases': helpers.payloads('shop', 'hr')},
                         user.serialize())
        self.assertEqual([{'role': 'readWrite', 'db': 'shop'},
                          {'role': 'readWrite', 'db': 'hr'}], user.roles)

    def test_deserialize_takes_trove_s_payload_and_round_trips(self):
        payload = {'_name': 'shop.alice', '_host': '%',
                   '_password': PASSWORD,
                   '_databases': helpers.payloads('shop'),
                   # Trove 13 adds these; they are ignored.
                   '_username': 'alice', '_database': {'_name': 'shop'},
                   '_roles': [], '_is_root': False}
        user = User.deserialize_user(payload)
        self.assertEqual(('shop.alice', PASSWORD, ['shop']),
                         (user.name, user.password,
                          [schema.name for schema in user.databases]))
        self.assertEqual(user.serialize(),
                         User.deserialize_user(user.serialize()).serialize())

    def test_a_bad_payload_is_refused_without_its_values(self):
        for payload, fragment in (
                (['shop.alice', PASSWORD], 'dict'),
                ({'name': 'shop.alice', '_password': PASSWORD}, '"_name"'),
                ({'_name': 'shop.alice', '_databases': 'shop'}, 'list'),
                ({'_name': 'shop.alice', '_databases': [{'x': 1}]},
                 '"_name"')):
            error = self.assertRaises(ValueError, User.deserialize_user,
                                      payload)
            self.assertIn(fragment, str(error))
            self.assertNotIn(PASSWORD, str(error))

    def test_change_passwords_entries_have_their_own_shape(self):
        user = User.deserialize_password_change(
            {'name': 'shop.alice', 'host': '%', 'password': PASSWORD})
        self.assertEqual(('shop.alice', PASSWORD), (user.name,
                                                    user.password))
        user = User.deserialize_password_change(
            {'_name': 'shop.alice', '_password': PASSWORD})
        self.assertEqual(('shop.alice', PASSWORD), (user.name,
                                                    user.password))
        error = self.assertRaises(ValueError,
                                  User.deserialize_password_change,
                                  {'password': PASSWORD})
        self.assertIn('"name"', str(error))
        self.assertNotIn(PASSWORD, str(error))

    def test_reserved_users_ignore_ascii_case(self):
        for name in ('admin.os_admin', 'ADMIN.os_admin', 'admin.OS_ADMIN',
                     'admin.root', 'Admin.Root'):
            self.assertTrue(User(name).is_ignored(), name)
            self.assertFalse(User(name).is_tenant_user(), name)
        self.assertFalse(User('shop.root').is_ignored())
        self.conf.config(group='mongodb', ignore_users=['shop.Ops'])
        self.assertTrue(User('SHOP.ops').is_ignored())
        self.assertFalse(User('admin.root').is_ignored())

    def test_reserved_users_cannot_be_created_or_changed(self):
        for name in ('admin.os_admin', 'ADMIN.os_admin', 'admin.root'):
            user = User(name, password=PASSWORD)
            error = self.assertRaises(ValueError, user.check_create)
            self.assertIn('ignore_users', str(error))
            error = self.assertRaises(ValueError, user.check_change)
            self.assertIn('ignore_users', str(error))

    def test_no_user_lives_in_a_reserved_database(self):
        for name in ('admin.bob', 'local.bob', 'config.bob', 'Admin.bob'):
            user = User(name, password=PASSWORD)
            self.assertFalse(user.is_tenant_user())
            error = self.assertRaises(ValueError, user.check_create)
            self.assertIn('ignore_dbs', str(error))
            self.assertRaises(ValueError, user.check_change)

    def test_no_reserved_database_is_ever_granted(self):
        for database in ('admin', 'local', 'config', 'ADMIN'):
            user = User('shop.alice', password=PASSWORD,
                        databases=['shop', database])
            error = self.assertRaises(ValueError, user.check_create)
            self.assertIn(repr(database), str(error))
            self.assertIn('Cannot grant access', str(error))
            self.assertRaises(ValueError, Schema(database).check_grant)
        Schema('shop').check_grant()

    def test_a_user_to_create_needs_a_password(self):
        error = self.assertRaises(ValueError, User('shop.alice').check_create)
        self.assertIn('no password', str(error))
        User('shop.alice', password=PASSWORD,
             databases=['shop']).check_create()

    def test_root_is_admin_root_with_the_root_role(self):
        root = User.root(PASSWORD)
        self.assertEqual(('admin.root', 'admin', 'root', PASSWORD),
                         (root.name, root.database, root.username,
                          root.password))
        self.assertEqual({'_name': 'admin.root', '_host': '%',
                          '_password': PASSWORD, '_databases': []},
                         root.serialize())

    def test_server_users_are_listed_as_they_are_without_password(self):
        self.assertEqual({'_name': 'shop.x y', '_host': '%',
                          '_password': None,
                          '_databases': helpers.payloads('hr', 'shop')},
                         User.serialize_server_user('shop', 'x y',
                                                    ['hr', 'shop']))


# User requests of any shape: a user or a refusal, never the password.

PASSWORD = 'pw-fuzz-c9e1'
SETTINGS = hypothesis.settings(
    max_examples=200, derandomize=True, database=None, deadline=None,
    print_blob=False,
    suppress_health_check=[hypothesis.HealthCheck.too_slow,
                           hypothesis.HealthCheck.data_too_large])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6)
# Names near the rules: reserved ones in any case, dots, control
# characters, empty parts.
user_names = st.one_of(
    st.sampled_from(['shop.alice', 'admin.os_admin', 'ADMIN.root',
                     'admin.bob', 'local.x', 'shop.', '.alice', 'alice',
                     'shop.a.b', 'sh$p.a', 'shop.al\x00ice', 'config.c']),
    st.text(alphabet='abAB.$\x00\u202e ', max_size=10), json_values)
databases = st.one_of(
    st.lists(st.one_of(
        st.sampled_from(['shop', 'admin', 'Local', 'a.b', '']),
        st.fixed_dictionaries({'_name': st.sampled_from(['hr', 'config'])}),
        json_values), max_size=3),
    json_values)
passwords = st.one_of(st.just(PASSWORD), st.just(''), json_values)
# Near what Trove sends, so that most batches pass or fail on one rule.
near_names = st.sampled_from(['shop.alice', 'shop.bob', 'hr.carol',
                              'admin.os_admin', 'ADMIN.root', 'Admin.bob',
                              'local.x', 'config.c', 'shop.a.b'])
near_databases = st.lists(st.sampled_from(
    ['shop', 'hr', 'admin', 'ADMIN', 'Local', 'config', 'a.b', '']),
    max_size=3)
near_payloads = st.fixed_dictionaries(
    {'_name': near_names, '_password': st.just(PASSWORD),
     '_host': st.sampled_from(['%', None]),
     '_databases': near_databases.map(
         lambda names: [{'_name': name} for name in names])})
wild_payloads = st.one_of(
    st.fixed_dictionaries(
        {'_name': user_names},
        optional={'_password': passwords, '_host': st.one_of(
            st.sampled_from(['%', '10.0.0.1']), json_values),
            '_databases': databases, '_is_root': json_values}),
    st.fixed_dictionaries(
        {'name': user_names},
        optional={'password': passwords, 'host': json_values}),
    json_values)
user_payloads = st.one_of(near_payloads, near_payloads, wild_payloads)
near_changes = st.fixed_dictionaries(
    {'name': near_names, 'host': st.just('%'),
     'password': st.just(PASSWORD)})


class UserRequestFuzzTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.add_secret(PASSWORD)

    def assert_user_or_refusal(self, call, *args):
        try:
            return call(*args)
        except exception.InvalidUserRequest as exc:
            self.assertNotIn(PASSWORD, str(exc))
            return None

    @SETTINGS
    @hypothesis.given(st.lists(user_payloads, max_size=3) | json_values)
    def test_a_create_batch_is_users_to_create_or_one_refusal(self, users):
        created = self.assert_user_or_refusal(
            models.validated_new_users, users)
        for user in created or ():
            # What passed may be created: a tenant's user, a password,
            # no reserved database granted.
            self.assertTrue(user.is_tenant_user())
            self.assertIsInstance(user.password, str)
            self.assertTrue(user.password)
            self.assertEqual('%', user.host)
            self.assertFalse(any(schema.is_ignored()
                                 for schema in user.databases))
            self.assertNotIn(PASSWORD, repr(user))

    @SETTINGS
    @hypothesis.given(st.lists(near_changes | user_payloads, max_size=3)
                      | json_values)
    def test_a_password_change_is_users_or_one_refusal(self, users):
        changes = self.assert_user_or_refusal(
            models.validated_password_changes, users)
        for user in changes or ():
            self.assertTrue(user.is_tenant_user())
            self.assertTrue(user.password)

    @SETTINGS
    @hypothesis.given(near_names | user_names,
                      st.sampled_from(['%', None]) | json_values,
                      near_databases | databases)
    def test_names_and_grants_are_checked_or_refused(self, name, host,
                                                     grant):
        user = self.assert_user_or_refusal(models.validated_user_name,
                                           name, host)
        if user is not None:
            self.assertTrue(user.is_tenant_user())
        schemas = self.assert_user_or_refusal(models.validated_grant,
                                              grant)
        for schema in schemas or ():
            self.assertIsInstance(schema, models.MongoDBSchema)
            self.assertFalse(schema.is_ignored())
