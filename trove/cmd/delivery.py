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

"""An operator's request to the guest agent, and its outcome.

Trove casts a create or a delete and never hears how it ended; an
operator at a terminal must. So the request goes as a call, after a ping
that tells within ``agent_call_low_timeout`` whether an agent answers for
the instance at all:

* an agent answers: the request is sent, and its outcome (or the agent's
  own error) comes back within ``--timeout``;
* none answers: nothing is sent, and the command says so at once; with
  ``--wait`` the request is sent anyway and waits in the agent's queue,
  which the command says, until an agent answers or ``--timeout`` ends.
  A call's message expires from the queue with its timeout, so an agent
  that starts later does not carry out a request nobody waits for.

While it waits with ``--wait`` on a terminal, the command shows how long
it has waited.
"""

import sys
import threading
import time

from trove.cmd import errors
from trove.cmd import output
from trove.common import cfg
from trove.common import exception
from trove.common.i18n import _

CONF = cfg.CONF

# How often the progress line is redrawn, and how long a call gets at
# least when the ping used up the operator's timeout.
TICK = 0.2
MIN_CALL_TIMEOUT = 1.0


class DeliveryError(errors.CommandError):
    """The request had no outcome; the message says what is known."""


class Interrupted(errors.Interrupted, DeliveryError):
    """Ctrl-C: the message says whether the request may still be done."""


class Progress:
    """A line on a terminal saying how long the command has waited."""

    def __init__(self, stream=None, enabled=None):
        self.stream = stream or sys.stderr
        self.enabled = (self.stream.isatty() if enabled is None
                        else enabled)
        self._shown = False

    def show(self, text):
        if self.enabled:
            self.stream.write('\r\033[K%s' % text)
            self.stream.flush()
            self._shown = True

    def clear(self):
        if self._shown:
            self.stream.write('\r\033[K')
            self.stream.flush()
            self._shown = False


def _call_in_thread(function, sending, on_sending, progress, describe):
    """``function()``'s result, drawing progress while it runs.

    The call runs in a thread of its own so that the terminal line moves
    and Ctrl-C reaches this thread at once.

    :param sending: an event ``function`` sets as it starts sending.
    :param on_sending: called once it has.
    """
    outcome = {}

    def run():
        try:
            outcome['result'] = function()
        except BaseException as exc:
            outcome['error'] = exc

    worker = threading.Thread(target=run, name='trove-mongodb-call',
                              daemon=True)
    started = time.monotonic()
    worker.start()
    sending.wait()
    on_sending()
    try:
        while worker.is_alive():
            progress.show(describe(time.monotonic() - started))
            worker.join(TICK)
    finally:
        progress.clear()
    if 'error' in outcome:
        raise outcome['error']
    return outcome['result']


def _answers(guest, timeout):
    """Whether an agent answers a ping for the instance within ``timeout``."""
    try:
        guest.rpc_ping(timeout)
    except exception.GuestTimeout:
        return False
    return True


def deliver(guest, instance, request, wait, timeout, progress=None):
    """Send ``request`` to the agent of ``instance``; return its answer.

    :param guest: the caller API (:class:`trove.guestagent.api.API`).
    :param request: ``request(guest, timeout)`` sends the call.
    :param wait: wait for an agent that does not answer yet.
    :param timeout: seconds the whole delivery may take.
    :raises DeliveryError: when no outcome came, saying what is known.
    :raises TroveError: the agent's own refusal or failure.
    """
    progress = progress or Progress(enabled=None if wait else False)
    deadline = time.monotonic() + timeout
    values = {'instance': instance, 'timeout': '%g' % timeout}
    ping_timeout = min(CONF.agent_call_low_timeout, timeout)
    sending = threading.Event()
    try:
        answering = _answers(guest, ping_timeout)
        if not answering and not wait:
            values['ping'] = '%g' % ping_timeout
            raise DeliveryError(
                _('No agent answered for instance %(instance)s within '
                  '%(ping)s s, so nothing was sent: check that its '
                  'trove-guestagent is running on this message bus '
                  '(--wait queues the request until one answers).')
                % values)
        call_timeout = max(deadline - time.monotonic(), MIN_CALL_TIMEOUT)

        def send():
            sending.set()
            return request(guest, call_timeout)

        def queued():
            if not answering:
                output.note(_('No agent answers for instance %(instance)s '
                              'yet: the request waits in its queue until '
                              'one does, for at most %(timeout)s s.')
                            % values)

        def describe(elapsed):
            who = (_('the agent of instance %s') if answering
                   else _('an agent for instance %s')) % instance
            return _('Waiting for %(who)s: %(elapsed)d s of %(timeout)d s '
                     '(Ctrl-C stops waiting)') % {
                         'who': who, 'elapsed': elapsed,
                         'timeout': call_timeout}

        return _call_in_thread(send, sending, queued, progress, describe)
    except exception.GuestTimeout:
        if answering:
            raise DeliveryError(
                _('The agent of instance %(instance)s answers, but gave no '
                  'outcome within %(timeout)s s: database-list shows '
                  'whether the request was done, and the agent\'s log '
                  'why not.') % values) from None
        raise DeliveryError(
            _('No agent answered for instance %(instance)s within '
              '%(timeout)s s. The request expired unanswered in its queue, '
              'so no agent will carry it out.') % values) from None
    except KeyboardInterrupt:
        if not sending.is_set():
            raise Interrupted(_('Interrupted; nothing was sent.')) from None
        raise Interrupted(
            _('Interrupted. The request was sent and may still be carried '
              'out: database-list shows whether it was.')) from None
