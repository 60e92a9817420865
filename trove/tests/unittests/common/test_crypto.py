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
import json

from trove.common import crypto
from trove.tests import base
from trove.tests.unittests.common import trove_scheme

KEY = trove_scheme.KEY
OTHER_KEY = trove_scheme.OTHER_KEY
PAYLOADS = trove_scheme.PAYLOADS
TROVE_CIPHERTEXT = trove_scheme.TROVE_CIPHERTEXT
trove_decrypt = trove_scheme.trove_decrypt
trove_encrypt = trove_scheme.trove_encrypt


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
