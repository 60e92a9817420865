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

"""The request context of an RPC request (trove/common/context.py)."""

from oslo_context import context as oslo_context

from trove.common import context as trove_context
from trove.tests import base

TOKEN = 'tok-context-6a3f'
# What Trove's API puts in the context of a database-create.
NOTIFICATION = {'notification_classname':
                'trove.common.notification.DBaaSDatabaseCreate',
                'server_type': 'guest', 'request_id': 'req-c1',
                'tenant_id': 't1', 'instance_id': 'i1', 'dbname': 'sales'}


class ContextTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        self.add_secret(TOKEN)
        # Whatever a test leaves as the thread's context is not the next's.
        self.addCleanup(trove_context.forget_current)


class RequestContextTest(ContextTestCase):

    def test_the_notification_is_sent_under_trove_notification(self):
        values = trove_context.RequestContext(
            notification=dict(NOTIFICATION), request_id='req-c1',
            overwrite=False).to_dict()
        self.assertEqual(NOTIFICATION, values['trove_notification'])
        self.assertEqual('req-c1', values['request_id'])

    def test_without_a_notification_none_is_sent(self):
        values = trove_context.RequestContext(request_id='req-c2',
                                              overwrite=False).to_dict()
        self.assertNotIn('trove_notification', values)

    def test_the_notification_comes_back_as_trove_serialized_it(self):
        ctxt = trove_context.RequestContext.from_dict(
            {'request_id': 'req-c3',
             'trove_notification': dict(NOTIFICATION, extra=[1, 2])})
        self.assertEqual(dict(NOTIFICATION, extra=[1, 2]), ctxt.notification)
        self.assertIsNone(ctxt.unreadable)

    def test_a_notification_given_to_from_dict_wins(self):
        ctxt = trove_context.RequestContext.from_dict(
            {'trove_notification': dict(NOTIFICATION)},
            notification={'dbname': 'other'})
        self.assertEqual({'dbname': 'other'}, ctxt.notification)

    def test_a_round_trip_keeps_the_notification_and_admin_flag(self):
        # The caller's identity and token: test_rpc's serializer round trip.
        sent = trove_context.RequestContext(
            notification=dict(NOTIFICATION), is_admin=True,
            request_id='req-c4', overwrite=False)
        received = trove_context.from_dict(sent.to_dict())
        self.assertIsInstance(received, trove_context.RequestContext)
        self.assertEqual((NOTIFICATION, True, 'req-c4', None),
                         (received.notification, received.is_admin,
                          received.request_id, received.unreadable))


class FromDictTest(ContextTestCase):
    """How the agent reads the context of an incoming request."""

    def test_trove_extra_keys_are_accepted(self):
        values = trove_context.RequestContext(request_id='req-2',
                                              overwrite=False).to_dict()
        values.update({'limit': 5, 'marker': 'm', 'notification': {},
                       'service_catalog': [{'type': 'database'}]})
        ctxt = trove_context.from_dict(values)
        self.assertEqual('req-2', ctxt.request_id)
        # Only Trove's trove_notification is the notification.
        self.assertIsNone(ctxt.notification)

    def test_a_context_that_is_not_a_dict_is_replaced(self):
        ctxt = trove_context.from_dict(None)
        self.assertIsInstance(ctxt, trove_context.RequestContext)
        self.assertIsNone(ctxt.user_id)
        self.assert_logged('WARNING', 'Ignoring a request context of type '
                                      'NoneType')

    def test_the_context_read_replaces_the_thread_s_current_one(self):
        trove_context.from_dict({'request_id': 'req-previous'})
        ctxt = trove_context.from_dict({'request_id': 'req-c5'})
        self.assertIs(ctxt, oslo_context.get_current())


class CurrentContextTest(ContextTestCase):

    def test_anonymous_has_no_caller_and_replaces_the_current_one(self):
        trove_context.from_dict({'request_id': 'req-previous',
                                 'user': 'alice', 'auth_token': TOKEN})
        ctxt = trove_context.anonymous()
        self.assertIs(ctxt, oslo_context.get_current())
        self.assertEqual((None, None, None, False, None),
                         (ctxt.user_id, ctxt.project_id, ctxt.auth_token,
                          ctxt.is_admin, ctxt.notification))
        self.assertNotEqual('req-previous', ctxt.request_id)

    def test_forget_current_unsets_the_thread_s_context(self):
        trove_context.from_dict({'request_id': 'req-c6'})
        trove_context.forget_current()
        self.assertIsNone(oslo_context.get_current())

    def test_forget_current_without_a_current_context_is_harmless(self):
        trove_context.forget_current()
        trove_context.forget_current()
        self.assertIsNone(oslo_context.get_current())

    def test_the_admin_context_is_admin_and_leaves_the_current_one(self):
        current = trove_context.from_dict({'request_id': 'req-c7'})
        admin = trove_context.admin_context()
        self.assertIs(True, admin.is_admin)
        self.assertIsNone(admin.auth_token)
        self.assertIs(current, oslo_context.get_current())


class SecretTest(ContextTestCase):
    """The caller's auth token is carried, never shown."""

    def setUp(self):
        super().setUp()
        self.ctxt = trove_context.RequestContext(
            notification=dict(NOTIFICATION), auth_token=TOKEN,
            user_id='alice', request_id='req-c8', overwrite=False)

    def assert_no_token(self, text):
        # assertNotIn would print the token itself when it fails.
        self.assertEqual(-1, text.find(TOKEN), 'the auth token is shown')

    def test_repr_and_str_do_not_show_the_token(self):
        self.assert_no_token(repr(self.ctxt))
        self.assert_no_token(str(self.ctxt))

    def test_the_values_given_to_log_formatters_mask_the_token(self):
        values = self.ctxt.get_logging_values()
        self.assertEqual('***', values['auth_token'])
        self.assertEqual(NOTIFICATION, values['trove_notification'])
        self.assert_no_token(repr(values))
