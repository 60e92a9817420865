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

"""Trove's encrypted envelopes on the message bus, in both directions.

Between Trove's API or taskmanager and a guest, the context travels as
``{'context': <encrypted context>}`` and each argument and each answer as
its encrypted text (:mod:`trove.common.crypto`). From a guest to
trove-conductor, which serves every instance and must find the key first,
the context becomes ``{'context': <encrypted context>, 'csz-instance-id':
<guest id>}`` and each argument the JSON text of ``{"entity": <encrypted
value>, "csz-instance-id": <guest id>}``.

A value that does not decrypt is never used as it came: it is replaced by
an :class:`Unreadable` (an argument or an answer) or a context marked
:attr:`~trove.common.context.RequestContext.unreadable`, so that whoever
has the whole request, the method's name included, refuses it at once.
"""

import json

import oslo_messaging as messaging

from trove.common import context as trove_context
from trove.common import crypto
from trove.common.i18n import _

CONTEXT_KEY = 'context'
INSTANCE_ID_KEY = 'csz-instance-id'


class Unreadable:
    """What stands for a value that did not decrypt; ``reason`` says why."""

    __slots__ = ('reason',)

    def __init__(self, reason):
        self.reason = reason

    def __repr__(self):
        return 'Unreadable(%r)' % self.reason


def unreadable_context(reason):
    """The context of a request whose own context cannot be read."""
    ctxt = trove_context.anonymous()
    ctxt.unreadable = reason
    return ctxt


class SecureSerializer(messaging.Serializer):
    """Encrypts what ``inner`` makes with the instance's ``key``.

    The same envelope serves Trove's side and the guest's: arguments and
    contexts on the way in, answers on the way back.
    """

    def __init__(self, inner, key):
        self._inner = inner
        self._key = key

    def serialize_entity(self, ctxt, entity):
        return crypto.encrypt(self._inner.serialize_entity(ctxt, entity),
                              self._key)

    def deserialize_entity(self, ctxt, entity):
        try:
            value = crypto.decrypt(entity, self._key)
        except crypto.DecryptionError as exc:
            return Unreadable(str(exc))
        return self._inner.deserialize_entity(ctxt, value)

    def serialize_context(self, ctxt):
        return {CONTEXT_KEY: crypto.encrypt(
            self._inner.serialize_context(ctxt), self._key)}

    def deserialize_context(self, ctxt):
        text = envelope_text(ctxt)
        if text is None:
            return unreadable_context(_(
                'it came in clear, and this instance takes only messages '
                'encrypted with its key'))
        try:
            values = crypto.decrypt(text, self._key)
        except crypto.DecryptionError as exc:
            return unreadable_context(str(exc))
        return self._inner.deserialize_context(values)


def envelope_text(ctxt):
    """The encrypted text of a context in Trove's envelope, else ``None``.

    The message bus driver adds keys of its own (``msg_id``,
    ``reply_q``, ...) beside it; no context in clear, oslo.context's or
    Trove's, has a ``context`` key.
    """
    if isinstance(ctxt, dict) and isinstance(ctxt.get(CONTEXT_KEY), str):
        return ctxt[CONTEXT_KEY]
    return None


class ConductorSerializer(SecureSerializer):
    """What a guest sends trove-conductor, in the conductor's envelope.

    The same encryption, with the guest's id beside each value, by which
    the conductor finds the key. Only casts go to the conductor, so
    nothing comes back to decrypt.
    """

    def __init__(self, inner, key, guest_id):
        super().__init__(inner, key)
        self._guest_id = guest_id

    def serialize_entity(self, ctxt, entity):
        return json.dumps({'entity': super().serialize_entity(ctxt, entity),
                           INSTANCE_ID_KEY: self._guest_id})

    def deserialize_entity(self, ctxt, entity):
        raise NotImplementedError('trove-conductor answers no guest call')

    def serialize_context(self, ctxt):
        return dict(super().serialize_context(ctxt),
                    **{INSTANCE_ID_KEY: self._guest_id})

    def deserialize_context(self, ctxt):
        raise NotImplementedError('trove-conductor answers no guest call')
