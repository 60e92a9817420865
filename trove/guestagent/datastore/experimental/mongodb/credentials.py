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

"""The os_admin credentials file: where the agent's MongoDB password lives."""

import collections
import json
import os
import stat

from trove.common.i18n import _
from trove.guestagent.datastore.experimental.mongodb import exceptions

Credentials = collections.namedtuple('Credentials', ['username', 'password'])


class _Secret(str):
    """A password that does not show itself in a repr or a log line."""

    def __repr__(self):
        return "'***'"


def file_identity(path):
    """Return what changes when the file at ``path`` is replaced or edited.

    ``None`` when the file does not exist. A stat is cheap enough to do on
    every operation, so the file itself is only read again when this
    changes.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise exceptions.CredentialsFileError(path=path, reason=exc.strerror)
    return (st.st_ino, st.st_mtime_ns, st.st_size, st.st_mode)


def shared_mode(fd):
    """The mode of the open file ``fd`` if it is not its owner's alone.

    ``None`` when neither group nor others have any bit: a file holding a
    secret must be its owner's alone.
    """
    mode = stat.S_IMODE(os.fstat(fd).st_mode)
    return mode if mode & (stat.S_IRWXG | stat.S_IRWXO) else None


def load_credentials(path):
    """Read the os_admin credentials, or ``None`` when the file is absent.

    :raises CredentialsFileError: when group or others may read the file,
        or it is not a JSON object with a non-empty username and password.
        The message never quotes the file's content.
    """
    try:
        with open(path, 'rb') as stream:
            mode = shared_mode(stream.fileno())
            if mode is not None:
                raise exceptions.CredentialsFileError(
                    path=path,
                    reason=_('its mode is %(mode)04o, so users other than '
                             'its owner may read the admin password. Run '
                             '"chmod 600 %(path)s".')
                    % {'mode': mode, 'path': path})
            raw = stream.read()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise exceptions.CredentialsFileError(path=path, reason=exc.strerror)
    try:
        document = json.loads(raw.decode('utf-8'))
    except (UnicodeDecodeError, ValueError):
        raise exceptions.CredentialsFileError(
            path=path, reason=_('it is not valid UTF-8 JSON.'))
    if not isinstance(document, dict):
        raise exceptions.CredentialsFileError(
            path=path, reason=_('it must hold a JSON object with '
                                '"username" and "password".'))
    for key in ('username', 'password'):
        value = document.get(key)
        if not isinstance(value, str) or not value:
            raise exceptions.CredentialsFileError(
                path=path, reason=_('"%s" is missing, empty or not a '
                                    'string.') % key)
    return Credentials(document['username'], _Secret(document['password']))
