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

"""Trove's message encryption, written from its description, and values
made by upstream Trove's own code, so that the tests check this project
against Trove's bytes rather than against itself."""

import base64
import hashlib
import json
import os

from cryptography.hazmat.primitives import ciphers
from cryptography.hazmat.primitives.ciphers import algorithms
from cryptography.hazmat.primitives.ciphers import modes

KEY = 'Yq1sT0p8cW4bN6vZ2xK9mD3fH7jL5rQe'
OTHER_KEY = 'Hs2vB9qL4xN7cT1mR8wK3zP6dF0gJ5yA'
PAYLOADS = [{'_name': 'sales', '_character_set': None, '_collate': None}]
# Made by upstream Trove 26.0.0's own trove.common.crypto_utils
# (encode_data(encrypt_data(jsonutils.dumps(PAYLOADS), KEY))), so that
# crypto and secure_rpc are checked against Trove's bytes, not themselves.
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
