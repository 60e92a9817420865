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

"""Errors of the guest agent plugin.

Every error the project raises on purpose derives from :class:`TroveError`
and carries a message that says what went wrong and, where it can, what to
do about it. A message never contains a password or an auth token.
"""

from trove.common.i18n import _

# How oslo.messaging names the class it rebuilds a remote error as.
_REMOTE_SUFFIX = '_Remote'


class TroveError(Exception):
    """Base of the project's own errors.

    Subclasses set ``message`` to a format string; the keyword arguments
    given to the constructor fill it in.
    """

    message = _('An unknown error occurred.')

    def __init__(self, message=None, **kwargs):
        self.kwargs = kwargs
        if message is None:
            message = self.message % kwargs if kwargs else self.message
        self.message = message
        super().__init__(message)

    def __str__(self):
        return self.message

    def as_raised(self):
        """This error as it was raised: its class and message alone.

        oslo.messaging rebuilds an error answered over RPC as a subclass,
        named ``<class>_Remote``, whose ``str()`` appends the remote
        traceback; and an error raised here carries its cause and
        traceback. The copy has neither: the message says all there is to
        say, to a caller and in an answer.
        """
        cls = type(self)
        if cls.__name__.endswith(_REMOTE_SUFFIX):
            cls = cls.__mro__[1]
        return cls(self.message, **self.kwargs)


class InvalidDatabaseRequest(TroveError, ValueError):
    """A create or delete request that is refused before any change.

    It is also a ``ValueError`` so that callers of the pinned interface,
    which promises ``ValueError`` for bad names and payloads, catch it.
    """

    message = _('Invalid database request: %(problems)s. Nothing was '
                'changed on the server.')


class DatabaseCreateError(TroveError):
    """A batch that stopped part way, with what is known of each database.

    ``kwargs`` keep the outcome: ``created`` (the server confirmed them;
    ``on_disk`` says whether it also flushed them to disk), ``uncertain``
    (the database whose command got no answer, or ``None``) and
    ``not_created``.
    """

    message = _('Creating databases failed: %(cause)s %(outcome)s '
                'Retrying the same request is safe: databases that exist '
                'are left as they are.')


class DatabaseDeleteError(TroveError):
    message = _('Database %(name)r was dropped, but the server did not '
                'confirm that the drop is on disk: %(cause)s If the server '
                'crashed, the database may come back; delete it again if '
                'it is listed.')


class DatabaseNotFound(TroveError):
    """A delete of a database that does not exist: nothing was changed."""

    message = _('Database %(name)r does not exist, so nothing was '
                'deleted.%(hint)s')


class InvalidUserRequest(TroveError, ValueError):
    """A user, access or root request refused before any change."""

    message = _('Invalid user request: %(problems)s. Nothing was changed '
                'on the server.')


class UserNotFound(TroveError):
    """A request about a user that does not exist: nothing was changed."""

    message = _('User %(name)r does not exist, so nothing was changed.')


class UserAlreadyExists(TroveError):
    """A create naming users that exist: nothing was changed."""

    message = _('Cannot create users: %(names)s exist already, so nothing '
                'was changed. Change a password with change_passwords.')


class UserCreateError(TroveError):
    """A batch of users that stopped part way.

    ``kwargs`` keep ``done`` and ``not_done``: the names of the users
    created and not created.
    """

    message = _('Creating users failed: %(cause)s Created: %(done)s. Not '
                'created: %(not_done)s.')


class UserChangeError(TroveError):
    """A batch of password changes that stopped part way."""

    message = _('Changing passwords failed: %(cause)s Changed: %(done)s. '
                'Not changed: %(not_done)s.')


class UserChangeNotDurable(TroveError):
    message = _('%(done)s, but the server did not confirm that this is on '
                'disk: %(cause)s If the server crashed, repeat the '
                'request.')


class AccessNotFound(TroveError):
    """A revoke of access the user does not have: nothing was changed."""

    message = _('User %(name)r has no access to database %(database)r, so '
                'nothing was changed.')


class DatastoreOperationNotSupported(TroveError):
    message = _('The %(operation)s operation is not supported by the '
                '%(datastore)s guest agent.')


class UnreadableMessage(TroveError):
    """A request that does not decrypt with the instance's key.

    ``has_key`` says whether the instance has a key at all, so that the
    sender can tell which of the two sides lacks the right one.
    """

    message = _('Refused %(method)s: %(reason)s. Nothing was done. Trove '
                'encrypts the messages of instance %(guest_id)s with the key '
                'it holds for it, which guest_info.conf on the instance must '
                'hold as instance_rpc_encr_key.')


class VolumeStatsUnavailable(TroveError):
    message = _('Cannot read the figures of the data volume at %(path)s '
                '(%(reason)s). Check [%(datastore)s] mount_point.')


class GuestTimeout(TroveError):
    message = _('The guest agent of instance %(guest_id)s did not answer '
                '%(method)s within %(timeout)s s (topic %(topic)s on '
                'exchange %(exchange)s). Check that trove-guestagent runs '
                'there with guest_id %(guest_id)s and reaches the same '
                'message bus.')


class GuestNotListening(TroveError):
    message = _('No guest agent has listened for instance %(guest_id)s on '
                'this message bus: topic %(topic)s of exchange '
                '%(exchange)s has no queue, so nothing was sent. Check the '
                'instance ID, and that its trove-guestagent has started '
                'with the same transport_url and control_exchange.')


class GuestError(TroveError):
    message = _('The guest agent of instance %(guest_id)s failed '
                '%(method)s: %(reason)s')
