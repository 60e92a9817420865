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

"""How the endpoint names requests: never with a password."""

from unittest import mock

from oslo_context import context

from trove.common import exception
from trove.guestagent import agent as guest_agent
from trove.guestagent import api
from trove.guestagent.datastore.experimental.mongodb import manager
from trove.guestagent.datastore.experimental.mongodb import service
from trove.guestagent import endpoint
from trove.tests import base
from trove.tests import helpers
from trove.tests import messaging as test_messaging

PASSWORD = 'pw-endpoint-71be'
GUEST = 'guest-endpoint'


def user(name='shop.alice'):
    return {'_name': name, '_host': '%', '_password': PASSWORD,
            '_databases': [{'_name': 'shop'}]}


# Each user request as Trove sends it, with its password where it has one.
REQUESTS = {
    'create_user': {'users': [user(), user('shop.bob')]},
    'delete_user': {'user': user()},
    'change_passwords': {'users': [{'name': 'shop.alice', 'host': '%',
                                    'password': PASSWORD}]},
    'update_attributes': {'username': 'shop.alice', 'hostname': '%',
                          'user_attrs': {'password': PASSWORD}},
    'grant_access': {'username': 'shop.alice', 'hostname': '%',
                     'databases': ['shop', 'hr']},
    'enable_root_with_password': {'root_password': PASSWORD},
}


class RequestNameTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.add_secret(PASSWORD)

    def test_user_requests_are_named_by_users_never_passwords(self):
        expected = {
            'create_user': "create_user for users ['shop.alice', "
                           "'shop.bob']",
            'delete_user': "delete_user for users ['shop.alice']",
            'change_passwords': "change_passwords for users "
                                "['shop.alice']",
            'update_attributes': "update_attributes for users "
                                 "['shop.alice']",
            'grant_access': "grant_access for users ['shop.alice'] and "
                            "databases ['shop', 'hr']",
            'enable_root_with_password': 'enable_root_with_password',
        }
        for method, arguments in REQUESTS.items():
            self.assertEqual(expected[method],
                             str(endpoint.RequestName(method, arguments)))

    def test_what_is_not_a_payload_shows_as_a_question_mark(self):
        # A caller may send anything; a string could be a password.
        self.assertEqual(
            "create_user for users ['?', '?']",
            str(endpoint.RequestName('create_user',
                                     {'users': [PASSWORD, {'_name': 7}]})))
        self.assertEqual(
            "delete_user for users ['?']",
            str(endpoint.RequestName('delete_user', {'user': PASSWORD})))


class FailedUserRequestTest(base.TestCase):
    """A failed user request over RPC is logged without its password."""

    def setUp(self):
        super().setUp()
        self.add_secret(PASSWORD)
        self.useFixture(test_messaging.Transport('fake://'))
        self.conf.config(agent_call_low_timeout=2)
        self.admin = mock.Mock(spec=service.MongoDBAdmin)
        failure = exception.InvalidUserRequest(problems='refused here')
        for method in ('create_users', 'delete_user', 'change_passwords',
                       'update_attributes', 'grant_access', 'enable_root'):
            getattr(self.admin, method).side_effect = failure
        agent = guest_agent.GuestAgent(manager.Manager(admin=self.admin),
                                       GUEST)
        agent.start()
        self.addCleanup(agent.wait, 10)
        self.addCleanup(agent.stop)
        self.api = api.API(context.RequestContext(request_id='req-e1'),
                           GUEST)

    def test_the_failure_line_names_the_users_without_passwords(self):
        for method, arguments in REQUESTS.items():
            self.assertRaises(exception.InvalidUserRequest, self.api._call,
                              method, 2, **arguments)
            self.assert_logged('ERROR', 'Request %s' % method,
                               'failed: Invalid user request: refused here')
        self.assert_logged('ERROR', "Request create_user for users "
                                    "['shop.alice', 'shop.bob'] failed")
        helpers.poll(lambda: self.admin.enable_root.called, 5, 'the call')
        # The base TestCase asserts PASSWORD is in no captured log line.
