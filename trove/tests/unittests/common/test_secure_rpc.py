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

import base64
import hashlib
import json
import os

from cryptography.hazmat.primitives import ciphers
from cryptography.hazmat.primitives.ciphers import algorithms
from cryptography.hazmat.primitives.ciphers import modes

from oslo_context import context as oslo_context

from trove.common import context as trove_context
from trove.common import crypto
from trove.common import rpc
from trove.common import secure_rpc
from trove.tests import base

KEY = 'Yq1sT0p8cW4bN6vZ2xK9mD3fH7jL5rQe'
OTHER_KEY = 'Hs2vB9qL4xN7cT1mR8wK3zP6dF0gJ5yA'
PAYLOADS = [{'_name': 'sales', '_character_set': None, '_collate': None}]
# Made by upstream Trove 26.0.0's own trove.common.crypto_utils
# (encode_data(encrypt_data(jsonutils.dumps(PAYLOADS), KEY))), so that
# this module is checked against Trove's bytes, not against itself.
TROVE_CIPHERTEXT = (
    'sW9IEttEFe+iCOgGQrQ/S/7QRnMzBoiObJj5cVaZvBGDtFwxT4Qo8w5Bqm6H0bS/'
    'HmjUqvKbXCduhOFglcB1nJjwRER8CIsbKciOl6Rua54=')
TROVE_CONTEXT = (
    '1Gi+SVRAzsvG1VpcwsXHzGl5+rPDvPBbFt1MsZonoLCx52NOLNEhUe//VHdqOT68'
    'SBlEyc5xYaBRxkQT/WLjCQ==')


def _aes(key, iv):
    # Trove's scheme, from its description, with the cipher library alone.
    return ciphers.Cipher(
        algorithms.AES(hashlib.md5(key.encode()).hexdigest().encode()),
        modes.CBC(iv))


def trove_encrypt(plain, key):
    """``plain`` (bytes) as Trove encrypts a value's JSON text."""
    count = 16 - len(plain) % 16
    iv = os.urandom(16)
    encryptor = _aes(key, iv).encryptor()
    sealed = encryptor.update(plain + bytes([count]) * count)
    return base64.b64encode(iv + sealed + encryptor.finalize()).decode()


def trove_decrypt(text, key):
    """The value of ``text`` as Trove decrypts it."""
    sealed = base64.b64decode(text)
    decryptor = _aes(key, sealed[:16]).decryptor()
    plain = decryptor.update(sealed[16:]) + decryptor.finalize()
    return json.loads(plain[:-plain[-1]])


class CryptoTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.add_secret(KEY)

    def test_what_trove_encrypted_decrypts(self):
        self.assertEqual(PAYLOADS, crypto.decrypt(TROVE_CIPHERTEXT, KEY))

    def test_a_round_trip_gives_the_value_back_with_a_fresh_iv(self):
        first = crypto.encrypt(PAYLOADS, KEY)
        second = crypto.encrypt(PAYLOADS, KEY)
        self.assertNotEqual(first, second)
        self.assertEqual(PAYLOADS, crypto.decrypt(first, KEY))
        self.assertEqual(PAYLOADS, trove_decrypt(first, KEY))
        sealed = base64.b64decode(first)
        self.assertEqual(0, len(sealed) % 16)
        self.assertNotIn(b'sales', sealed)

    def assert_refused(self, text, key, meaning):
        error = self.assertRaises(crypto.DecryptionError, crypto.decrypt,
                                  text, key)
        self.assertIn(meaning, str(error))
        # assertNotIn would print the key itself when it fails.
        self.assertFalse(key in str(error), 'the key is in the message')
        return error

    def test_another_key_is_refused(self):
        self.assert_refused(TROVE_CIPHERTEXT, OTHER_KEY, 'another key')

    def test_an_altered_last_block_is_refused(self):
        sealed = bytearray(base64.b64decode(TROVE_CIPHERTEXT))
        sealed[-1] ^= 0x01
        self.assert_refused(base64.b64encode(bytes(sealed)).decode(), KEY,
                            'altered')

    def test_bad_padding_and_a_bad_plaintext_are_told_alike(self):
        # Told apart, they would let anyone on the message bus decrypt and
        # forge messages (a padding oracle).
        bad_padding = bytearray(base64.b64decode(TROVE_CIPHERTEXT))
        bad_padding[-1] ^= 0x01
        not_json = trove_encrypt(b'\xff\xfe not JSON', KEY)
        self.assertEqual(
            str(self.assert_refused(
                base64.b64encode(bytes(bad_padding)).decode(), KEY,
                'another key')),
            str(self.assert_refused(not_json, KEY, 'another key')))

    def test_plaintext_is_refused(self):
        self.assert_refused(json.dumps(PAYLOADS), KEY, 'not base64')
        self.assert_refused(PAYLOADS, KEY,
                            'a list came where encrypted text')
        self.assert_refused(base64.b64encode(b'x' * 40).decode(), KEY,
                            'not an IV and whole AES blocks')


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
