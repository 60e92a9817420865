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


from trove.guestagent.datastore.experimental.mongodb import manager
from trove.guestagent.datastore.experimental.mongodb import service
from trove.tests.unittests.guestagent import stand_ins


# Each operation of the Manager: its arguments after the context, and
# the admin's method and arguments it comes down to.
DELEGATED = [
    ('create_database', ([{'_name': 'sales'}],), 'create_database',
     ([{'_name': 'sales'}],)),
    ('list_databases', (1, 'x', True), 'list_databases', (1, 'x', True)),
    ('delete_database', ({'_name': 'sales'},), 'delete_database',
     ({'_name': 'sales'},)),
    ('create_user', ([{'_name': 'shop.alice'}],), 'create_users',
     ([{'_name': 'shop.alice'}],)),
    ('delete_user', ({'_name': 'shop.alice'},), 'delete_user',
     ({'_name': 'shop.alice'},)),
    ('get_user', ('shop.alice', '%'), 'get_user', ('shop.alice', '%')),
    ('list_users', (2, 'm', False), 'list_users', (2, 'm', False)),
    ('change_passwords', ([{'name': 'shop.alice'}],), 'change_passwords',
     ([{'name': 'shop.alice'}],)),
    ('update_attributes', ('shop.alice', '%', {}), 'update_attributes',
     ('shop.alice', '%', {})),
    ('grant_access', ('shop.alice', '%', ['shop']), 'grant_access',
     ('shop.alice', '%', ['shop'])),
    ('revoke_access', ('shop.alice', '%', 'shop'), 'revoke_access',
     ('shop.alice', '%', 'shop')),
    ('list_access', ('shop.alice', '%'), 'list_access', ('shop.alice', '%')),
    ('enable_root', (), 'enable_root', ()),
    ('enable_root_with_password', ('pw',), 'enable_root', ('pw',)),
    ('is_root_enabled', (), 'is_root_enabled', ()),
]


class ManagerTest(stand_ins.ManagerTestCase):

    def test_each_operation_answers_what_the_admin_did(self):
        for operation, arguments, method, admin_arguments in DELEGATED:
            answer = object()
            getattr(self.admin, method).return_value = answer
            self.assertIs(answer, getattr(self.manager, operation)(
                None, *arguments), operation)
            getattr(self.admin, method).assert_called_with(*admin_arguments)

    def test_list_defaults_are_trove_s(self):
        self.manager.list_databases(None)
        self.admin.list_databases.assert_called_once_with(None, None, False)

    def test_any_payload_reaches_the_admin_to_be_refused(self):
        for payload in ([], [{}], {}, '', 0, None, {'_name': []}):
            self.manager.delete_database(None, payload)
            self.admin.delete_database.assert_called_with(payload)
            self.manager.create_database(None, payload)
            self.admin.create_database.assert_called_with(payload)

    def test_admin_is_created_on_first_use(self):
        self.assertIsInstance(manager.Manager().admin, service.MongoDBAdmin)
