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

from trove.common import exception
from trove.guestagent.datastore.experimental.mongodb import manager
from trove.guestagent import unsupported
from trove.tests import base

IMPLEMENTED = {'create_database', 'list_databases', 'delete_database',
               'prepare', 'rpc_ping', 'get_filesystem_stats',
               'create_user', 'delete_user', 'get_user', 'list_users',
               'change_passwords', 'update_attributes', 'grant_access',
               'revoke_access', 'list_access', 'enable_root',
               'enable_root_with_password', 'is_root_enabled'}


class UnsupportedOperationsTest(base.TestCase):

    def test_every_other_trove_operation_answers_not_supported(self):
        mgr = manager.Manager(admin=object())
        refused = set(unsupported.TROVE_GUEST_OPERATIONS) - IMPLEMENTED
        self.assertGreater(len(refused), 50)
        for operation in sorted(refused):
            error = self.assertRaises(
                exception.DatastoreOperationNotSupported,
                getattr(mgr, operation), None, 'positional', keyword=1)
            self.assertEqual('The %s operation is not supported by the '
                             'mongodb guest agent.' % operation, str(error))

    def test_the_manager_implements_its_operations(self):
        for operation in IMPLEMENTED:
            self.assertIn(operation, unsupported.TROVE_GUEST_OPERATIONS)
            self.assertIsNot(
                getattr(unsupported.UnsupportedOperations, operation),
                getattr(manager.Manager, operation))

    def test_operations_are_listed_once(self):
        self.assertEqual(len(unsupported.TROVE_GUEST_OPERATIONS),
                         len(set(unsupported.TROVE_GUEST_OPERATIONS)))

    def test_refusals_are_named_after_their_operation(self):
        refuse = unsupported.UnsupportedOperations.get_key
        self.assertEqual('get_key', refuse.__name__)
        self.assertIn('get_key', refuse.__doc__)
