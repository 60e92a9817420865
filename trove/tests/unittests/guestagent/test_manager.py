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
from trove.tests import helpers
from trove.tests.unittests.guestagent import stand_ins


class ManagerTest(stand_ins.ManagerTestCase):

    def test_create_delegates_and_logs_the_names(self):
        batch = [{'_name': 'sales'}, {'_name': 'hr'}]
        self.manager.create_database(None, batch)
        self.admin.create_database.assert_called_once_with(batch)
        self.assert_logged('DEBUG', "Creating databases ['sales', 'hr']")

    def test_create_answers_which_were_new_and_which_existed(self):
        self.admin.create_database.return_value = ['hr']
        self.assertEqual(
            {'created': ['hr'], 'existed': ['sales', 'orders']},
            self.manager.create_database(
                None, helpers.payloads('sales', 'hr', 'orders')))

    def test_delete_answers_the_database_and_the_users_kept(self):
        self.admin.delete_database.return_value = ['clerk', 'app']
        self.assertEqual({'deleted': 'sales', 'users_kept': ['clerk', 'app']},
                         self.manager.delete_database(
                             None, helpers.payload('sales')))

    def test_list_delegates_and_returns_the_page(self):
        self.admin.list_databases.return_value = ([{'_name': 'a'}], 'a')
        self.assertEqual(([{'_name': 'a'}], 'a'),
                         self.manager.list_databases(None, 1, 'x', True))
        self.admin.list_databases.assert_called_once_with(1, 'x', True)

    def test_delete_delegates_and_logs_the_name(self):
        self.manager.delete_database(None, {'_name': 'sales'})
        self.admin.delete_database.assert_called_once_with(
            {'_name': 'sales'})
        self.assert_logged('DEBUG', "Deleting database 'sales'")

    def test_names_are_logged_quoted_so_they_cannot_forge_lines(self):
        # Arguments are logged before they are validated.
        self.manager.delete_database(None, {'_name': 'x\nERROR forged'})
        self.manager.create_database(None, [{'_name': 'y\nERROR forged'}])
        self.manager.list_databases(None, 'z\nERROR forged', None,
                                    'w\nERROR forged')
        self.assert_logged('DEBUG', "Deleting database 'x\\nERROR forged'")
        self.assert_logged('DEBUG', "Creating databases ['y\\nERROR forged']")
        self.assert_logged('DEBUG', "limit='z\\nERROR forged'",
                           "include_marker='w\\nERROR forged'")
        self.assertNotIn('\nERROR forged', self.logs.output)

    def test_any_payload_reaches_the_admin_to_be_refused(self):
        # Logging must not fail first with another exception.
        for payload in ([], [{}], {}, '', 0, None, {'_name': []}):
            self.manager.delete_database(None, payload)
            self.admin.delete_database.assert_called_with(payload)
            self.manager.create_database(None, payload)
            self.admin.create_database.assert_called_with(payload)

    def test_logging_survives_malformed_payloads(self):
        self.manager.create_database(None, 'not-a-list')
        self.manager.delete_database(None, None)
        self.assert_logged('DEBUG', "Creating databases ['not-a-list']")

    def test_admin_is_created_on_first_use(self):
        self.assertIsInstance(manager.Manager().admin, service.MongoDBAdmin)
