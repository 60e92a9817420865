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

"""The guest's reports to trove-conductor (trove/guestagent/conductor.py)."""

from unittest import mock

from trove.common import rpc
from trove.guestagent import conductor
from trove.tests import base
from trove.tests.unittests.guestagent import stand_ins

NOTIFICATION = stand_ins.NOTIFICATION
REFUSED = stand_ins.REFUSED
context_with = stand_ins.context_with


class ConductorApiTest(base.TestCase):
    """What goes to trove-conductor for a request's notification."""

    def setUp(self):
        super().setUp()
        self.client = mock.Mock()
        with mock.patch.object(rpc, 'get_conductor_client',
                               return_value=self.client):
            self.api = conductor.API('guest-7')

    def test_the_context_s_notification_goes_back_for_this_guest(self):
        ctxt = context_with(dict(NOTIFICATION))
        self.api.notify_end(ctxt)
        self.client.cast.assert_called_once_with(
            ctxt, 'notify_end',
            serialized_notification=dict(NOTIFICATION, instance_id='guest-7'),
            notification_args={})

    def test_a_failure_goes_back_as_its_class_and_message(self):
        ctxt = context_with(dict(NOTIFICATION))
        self.api.notify_exc_info(ctxt, REFUSED)
        self.client.cast.assert_called_once_with(
            ctxt, 'notify_exc_info',
            serialized_notification=dict(NOTIFICATION, instance_id='guest-7'),
            message=str(REFUSED),
            exception=['InvalidDatabaseRequest: %s' % REFUSED])
