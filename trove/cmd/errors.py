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

"""The console scripts' errors, and the one way both of them report one.

An error is one ``ERROR: <message>`` line on stderr, and the exit status
says its kind, the same from ``trove-mongodb`` and ``trove-guestagent``:
``2`` when the configuration is refused (a file missing or unreadable, a
key missing, a file mode too open: running again fails again until the
operator changes something), ``1`` when an operation failed, ``130`` for
Ctrl-C. With ``--format json`` a script also gets, on stdout, the same
fields every time::

    {"error": {"type": "...", "message": "...", "exit_status": 2}}
"""

import json
import sys

from oslo_config import cfg as oslo_cfg

from trove.common import exception
from trove.common.i18n import _

FAILED = 1
REFUSED = 2
# argparse's own, for a command line it cannot parse.
USAGE = 2
# As a shell reports a command ended by Ctrl-C.
INTERRUPTED = 130


class CommandError(exception.TroveError):
    """An operation failed for a reason its message states."""

    exit_status = FAILED


class ConfigurationError(CommandError):
    """The configuration is refused; the message names the file or value."""

    exit_status = REFUSED


class BrokerUnreachable(CommandError):
    message = _('Cannot reach the message bus at %(address)s (%(reason)s) '
                'as user %(user)s, from transport_url %(url)s. Check '
                '[DEFAULT] transport_url and that RabbitMQ is running '
                'there.')


class BrokerLoginRefused(ConfigurationError):
    message = _('RabbitMQ at %(address)s refused the login of user '
                '%(user)s: check the user name and password in [DEFAULT] '
                'transport_url (%(url)s), as RabbitMQ has them.')


class Interrupted(CommandError):
    """Ctrl-C: the message says whether the request may still be done."""

    exit_status = INTERRUPTED
    message = _('Interrupted.')


def exit_status(error):
    """The exit status that reports ``error``."""
    if isinstance(error, KeyboardInterrupt):
        return INTERRUPTED
    if isinstance(error, oslo_cfg.Error):
        return REFUSED
    return getattr(error, 'exit_status', FAILED)


def describe(error):
    """The one line that says what ``error`` is."""
    if isinstance(error, KeyboardInterrupt):
        return Interrupted.message
    if isinstance(error, (exception.TroveError, oslo_cfg.Error,
                          ValueError)):
        return str(error)
    first_line = (str(error).splitlines() or [''])[0]
    return _('%(type)s: %(message)s (--debug shows the traceback)') % {
        'type': type(error).__name__, 'message': first_line}


def report(error, as_json=False, stdout=None, stderr=None):
    """Print ``error`` as both commands do; return its exit status."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    status = exit_status(error)
    message = describe(error)
    # Ctrl-C is the operator's own doing, not an error to flag.
    prefix = '' if status == INTERRUPTED else 'ERROR: '
    stderr.write('%s%s\n' % (prefix, message))
    if as_json:
        write_json(type(error).__name__, message, status, stdout)
    return status


def write_json(error_type, message, status, stdout=None):
    """An error as the JSON object a script reads on stdout."""
    (stdout or sys.stdout).write(json.dumps({'error': {
        'type': error_type, 'message': message, 'exit_status': status}},
        ensure_ascii=False) + '\n')


class KeyRefused(ConfigurationError):
    """The instance refused a request sent with the key configured here."""

    message = _('Instance %(instance)s refused %(operation)s: %(reason)s. '
                'Nothing was done. This command encrypted it with '
                'instance_rpc_encr_key from %(source)s: make that key the '
                'same as instance_rpc_encr_key in the instance\'s '
                'guest_info.conf.')


class KeyUnwanted(ConfigurationError):
    """An instance without a key refused a request sent encrypted."""

    message = _('Instance %(instance)s refused %(operation)s: %(reason)s. '
                'Nothing was done. This command encrypted it with '
                'instance_rpc_encr_key from %(source)s, and the instance '
                'has no key: give --no-key, or set the same '
                'instance_rpc_encr_key in the instance\'s guest_info.conf.')


class ClearRefused(ConfigurationError):
    """The instance refused a request sent in clear."""

    message = _('Instance %(instance)s refused %(operation)s: %(reason)s. '
                'Nothing was done. This command sent it in clear '
                '(--no-key): give --config-dir with a folder whose '
                'guest_info.conf holds the instance\'s '
                'instance_rpc_encr_key.')


class NoKey(ConfigurationError):
    message = _('No instance_rpc_encr_key is set in %(files)s, so the '
                'request would go in clear, which an instance with a key '
                'refuses: give --config-dir with the folder that holds the '
                'instance\'s guest_info.conf, or --no-key if the instance '
                'has no key.')


class NoListener(CommandError):
    message = _('No guest agent is listening on %(queue)s: the queue is on '
                'the message bus at %(address)s but has no consumer, so '
                'nothing was sent. Start the trove-guestagent of instance '
                '%(instance)s (if the instance is retired, remove its '
                'queues with trove-mongodb queue-delete %(instance)s).')


class NothingSent(CommandError):
    """MongoDB was down: the agent sent it nothing, so nothing changed."""

    message = _('MongoDB at %(host)s:%(port)s is unreachable from the agent '
                'of instance %(instance)s (%(reason)s; waited %(timeout)s s, '
                '[mongodb] server_selection_timeout). %(outcome)s Check '
                'that mongod is running and that [mongodb] mongodb_host and '
                'mongodb_port point at it.')
