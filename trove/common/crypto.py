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

"""Trove's encryption of the RPC messages between its services and a guest.

Trove encrypts each value with the instance's key
(``[DEFAULT] instance_rpc_encr_key``): the value's JSON text, padded to
AES's block of 16 bytes with N bytes of value N (PKCS#7), is encrypted
with AES in CBC mode under a fresh random IV; the AES key is the 32 ASCII
characters of the hexadecimal MD5 digest of the instance key; the IV goes
in front of the ciphertext and the whole is base64-encoded. The scheme is
Trove's, and this module must produce and accept exactly its bytes.

The scheme carries no integrity check and no protection against replay:
a message altered on purpose (its IV changed, say) or sent again can
decrypt as well as the original, and nothing here can tell. What it does
tell is a value that this key did not make: padding that is not PKCS#7,
or a plaintext that is not UTF-8 JSON. Such a value is refused; unlike
Trove's own agent, nothing falls back to using it as it came.

Which of those two failed is never told apart outside this module: an
answer that said so would let anyone on the message bus decrypt captured
messages and forge new ones, one guessed byte at a time (a padding
oracle).
"""

import base64
import binascii
import hashlib
import json
import os

from cryptography.hazmat.primitives import ciphers
from cryptography.hazmat.primitives.ciphers import algorithms
from cryptography.hazmat.primitives.ciphers import modes
from cryptography.hazmat.primitives import padding

from trove.common.i18n import _

BLOCK_BYTES = 16


class DecryptionError(ValueError):
    """A value that this key cannot have made; the message says why."""


def _cipher(key, iv):
    # MD5 is Trove's key derivation, part of the wire format, not a
    # choice made here.
    aes_key = hashlib.md5(key.encode('utf-8'),
                          usedforsecurity=False).hexdigest().encode('ascii')
    return ciphers.Cipher(algorithms.AES(aes_key), modes.CBC(iv))


def encrypt(value, key):
    """The base64 text Trove sends for ``value`` (anything JSON can hold)."""
    padder = padding.PKCS7(BLOCK_BYTES * 8).padder()
    plain = padder.update(json.dumps(value).encode('utf-8'))
    plain += padder.finalize()
    iv = os.urandom(BLOCK_BYTES)
    encryptor = _cipher(key, iv).encryptor()
    sealed = iv + encryptor.update(plain) + encryptor.finalize()
    return base64.b64encode(sealed).decode('ascii')


def decrypt(text, key):
    """The value that ``text``, made by :func:`encrypt`, carries.

    :raises DecryptionError: saying that ``text`` is not encrypted text at
        all, or that it does not decrypt with ``key``; never which step of
        the decryption failed, nor the text or the key.
    """
    if not isinstance(text, str):
        raise DecryptionError(_('a %s came where encrypted text was '
                                'expected') % type(text).__name__)
    try:
        sealed = base64.b64decode(text.encode('ascii'), validate=True)
    except (UnicodeEncodeError, binascii.Error):
        raise DecryptionError(_('text that is not base64 came where '
                                'encrypted text was expected')) from None
    if len(sealed) < 2 * BLOCK_BYTES or len(sealed) % BLOCK_BYTES:
        raise DecryptionError(_('%d bytes came, which are not an IV and '
                                'whole AES blocks') % len(sealed))
    decryptor = _cipher(key, sealed[:BLOCK_BYTES]).decryptor()
    padded = decryptor.update(sealed[BLOCK_BYTES:]) + decryptor.finalize()
    unpadder = padding.PKCS7(BLOCK_BYTES * 8).unpadder()
    try:
        plain = unpadder.update(padded) + unpadder.finalize()
        return json.loads(plain.decode('utf-8'))
    except ValueError:
        # Bad padding and a bad plaintext end alike (see above).
        raise DecryptionError(_('it does not decrypt with this key: '
                                'another key made it, or it was '
                                'altered')) from None
