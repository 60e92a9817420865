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

"""User requests of any shape: a user or a refusal, never the password."""

import hypothesis
from hypothesis import strategies as st

from trove.common import exception
from trove.guestagent.datastore.experimental.mongodb import validation
from trove.guestagent.db import models
from trove.tests import base

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
            validation.validated_new_users, users)
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
            validation.validated_password_changes, users)
        for user in changes or ():
            self.assertTrue(user.is_tenant_user())
            self.assertTrue(user.password)

    @SETTINGS
    @hypothesis.given(near_names | user_names,
                      st.sampled_from(['%', None]) | json_values,
                      near_databases | databases)
    def test_names_and_grants_are_checked_or_refused(self, name, host,
                                                     grant):
        user = self.assert_user_or_refusal(validation.validated_user_name,
                                           name, host)
        if user is not None:
            self.assertTrue(user.is_tenant_user())
        schemas = self.assert_user_or_refusal(validation.validated_grant,
                                              grant)
        for schema in schemas or ():
            self.assertIsInstance(schema, models.MongoDBSchema)
            self.assertFalse(schema.is_ignored())
