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

"""A MongoDB Manager whose MongoDB and trove-conductor are stand-ins, and
the notification Trove's API puts in a request's context."""

from unittest import mock

from trove.common import context as trove_context
from trove.common import exception
from trove.guestagent import conductor
from trove.guestagent.datastore.experimental.mongodb import manager
from trove.guestagent.datastore.experimental.mongodb import service
from trove.tests import base

# What Trove's API serializes into the context of a database-create: its
# DBaaSDatabaseCreate notification, marked for the guest to finish.
NOTIFICATION = {'notification_classname':
                'trove.common.notification.DBaaSDatabaseCreate',
                'server_type': 'guest', 'request_id': 'req-n1',
                'tenant_id': 't1', 'client_ip': '10.0.0.1',
                'server_ip': '10.0.0.2', 'instance_id': 'i1',
                'dbname': 'sales'}
REFUSED = exception.InvalidDatabaseRequest(problems="'x.y' is bad")


def context_with(notification):
    return trove_context.RequestContext.from_dict(
        {'request_id': 'req-n1', 'trove_notification': notification})


class ManagerTestCase(base.TestCase):
    """Each test gets ``manager``, with ``admin`` and ``conductor`` mocks."""

    def setUp(self):
        super().setUp()
        self.admin = mock.Mock(spec=service.MongoDBAdmin)
        # What the admin answers: what it created, found and dropped.
        self.admin.create_database.return_value = {'created': [],
                                                   'existed': []}
        self.admin.delete_database.return_value = {'deleted': 'sales',
                                                   'users_kept': []}
        self.admin.create_users.return_value = {'created': []}
        self.conductor = mock.Mock(spec=conductor.API)
        self.manager = manager.Manager(admin=self.admin,
                                       conductor_api=self.conductor)
