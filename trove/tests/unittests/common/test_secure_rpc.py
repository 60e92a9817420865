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

import json

from oslo_context import context as oslo_context

from trove.common import context as trove_context
from trove.common import rpc
from trove.common import secure_rpc
from trove.tests import base
from trove.tests.unittests.common import trove_scheme

KEY = trove_scheme.KEY
OTHER_KEY = trove_scheme.OTHER_KEY
PAYLOADS = trove_scheme.PAYLOADS
TROVE_CIPHERTEXT = trove_scheme.TROVE_CIPHERTEXT
TROVE_CONTEXT = trove_scheme.TROVE_CONTEXT
trove_decrypt = trove_scheme.trove_decrypt


class SecureSerializerTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.add_secret(KEY)
        self.serializer = secure_rpc.SecureSerializer(
            rpc.RequestContextSerializer(), KEY)

    def test_trove_s_arguments_and_context_are_read(self):
        self.assertEqual(PAYLOADS, self.serializer.deserialize_entity(
            None, TROVE_CIPHERTEXT))
        ctxt = self.serializer.deserialize_context(
            {'context': TROVE_CONTEXT})
        self.assertEqual(('req-1', None), (ctxt.request_id, ctxt.unreadable))

    def test_an_argument_that_does_not_decrypt_becomes_unreadable(self):
        value = self.serializer.deserialize_entity(None, 'sales')
        self.assertIsInstance(value, secure_rpc.Unreadable)
        self.assertIn('not base64', value.reason)

    def test_a_clear_or_foreign_context_is_marked_unreadable(self):
        clear = self.serializer.deserialize_context({'request_id': 'req-2'})
        self.assertIn('came in clear', clear.unreadable)
        self.assertNotEqual('req-2', clear.request_id)
        foreign = secure_rpc.SecureSerializer(
            rpc.RequestContextSerializer(), OTHER_KEY).serialize_context(
                trove_context.RequestContext(request_id='req-3',
                                             overwrite=False))
        self.assertIn('another key', self.serializer.deserialize_context(
            foreign).unreadable)

    def test_an_unreadable_context_replaces_the_thread_s_previous_one(self):
        trove_context.RequestContext(request_id='req-earlier')
        ctxt = self.serializer.deserialize_context({'context': 'AAAA'})
        self.assertIs(ctxt, oslo_context.get_current())
        self.assertNotEqual('req-earlier', ctxt.request_id)

    def test_answers_go_back_encrypted(self):
        sent = self.serializer.serialize_entity(None, [PAYLOADS, None])
        self.assertEqual([PAYLOADS, None], trove_decrypt(sent, KEY))

    def test_a_keyless_agent_says_that_a_message_is_encrypted(self):
        ctxt = rpc.RequestContextSerializer().deserialize_context(
            {'context': TROVE_CONTEXT})
        self.assertIn('no instance_rpc_encr_key', ctxt.unreadable)


class ConductorSerializerTest(base.TestCase):
    """The envelope of Trove's ConductorGuestSerializer."""

    def setUp(self):
        super().setUp()
        self.add_secret(KEY)
        self.serializer = secure_rpc.ConductorSerializer(
            rpc.RequestContextSerializer(), KEY, 'guest-7')

    def test_an_argument_is_the_json_text_of_entity_and_instance(self):
        sent = json.loads(self.serializer.serialize_entity(
            None, {'service_status': 'healthy'}))
        self.assertEqual('guest-7', sent['csz-instance-id'])
        self.assertEqual({'service_status': 'healthy'},
                         trove_decrypt(sent['entity'], KEY))

    def test_the_context_carries_the_instance_id_in_clear(self):
        sent = self.serializer.serialize_context(
            trove_context.RequestContext(request_id='req-4',
                                         overwrite=False))
        self.assertEqual({'context', 'csz-instance-id'}, set(sent))
        self.assertEqual('req-4',
                         trove_decrypt(sent['context'], KEY)['request_id'])
