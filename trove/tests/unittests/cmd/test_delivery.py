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

import io
import threading
import time

import fixtures

from trove.cmd import delivery
from trove.common import exception
from trove.tests import base


def guest_timeout(method, timeout):
    """What the caller API raises when no answer came in time."""
    return exception.GuestTimeout(guest_id='i1', method=method,
                                  timeout=timeout, topic='guestagent.i1',
                                  exchange='trove')


class Clock:
    """The clock delivery reads: it moves only when a test moves it."""

    def __init__(self):
        self.now = 100.0

    def monotonic(self):
        return self.now


class Terminal(io.StringIO):
    """stderr on a terminal; ``written`` is set by its first write."""

    def __init__(self):
        super().__init__()
        self.written = threading.Event()

    def isatty(self):
        return True

    def write(self, text):
        self.written.set()
        return super().write(text)


class StandInGuest:
    """The caller API of instance i1: its ping takes ``ping_takes`` s."""

    def __init__(self, clock, answering=True, ping_takes=0.0):
        self.clock = clock
        self.answering = answering
        self.ping_takes = ping_takes
        self.calls = []

    def rpc_ping(self, timeout):
        self.calls.append(('ping', timeout))
        self.clock.now += self.ping_takes
        if not self.answering:
            raise guest_timeout('rpc_ping', timeout)
        return True


class DeliverTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.clock = Clock()
        self.useFixture(fixtures.MonkeyPatch('trove.cmd.delivery.time',
                                             self.clock))
        self.stderr = self.capture('sys.stderr', Terminal())
        self.guest = StandInGuest(self.clock)

    def deliver(self, answer=None, wait=False, timeout=10):
        """``answer(timeout)`` is the agent's answer to the request."""
        def request(guest, call_timeout):
            guest.calls.append(('call', call_timeout))
            return answer(call_timeout) if answer else 'done'
        return delivery.deliver(self.guest, 'i1', request, wait, timeout)

    def assert_refused(self, message, exit_status, **kwargs):
        error = self.assertRaises(delivery.DeliveryError, self.deliver,
                                  **kwargs)
        self.assertEqual((message, exit_status),
                         (str(error), error.exit_status))

    def test_no_agent_answering_sends_nothing(self):
        self.guest.answering = False
        self.assert_refused(
            'No agent answered for instance i1 within 5 s, so nothing was '
            'sent: check that its trove-guestagent is running on this '
            'message bus (--wait queues the request until one answers).', 1)
        self.assertEqual([('ping', 5)], self.guest.calls)
        self.assertEqual('', self.stderr.getvalue())

    def test_the_ping_is_no_longer_than_the_timeout(self):
        self.deliver(timeout=0.5)
        self.assertEqual(('ping', 0.5), self.guest.calls[0])

    def test_the_call_gets_what_the_ping_left_and_at_least_a_second(self):
        for ping_takes, call_timeout in ((3.0, 7.0), (9.5, 1.0)):
            self.guest.calls = []
            self.guest.ping_takes = ping_takes
            self.assertEqual('done', self.deliver(timeout=10))
            self.assertEqual([('ping', 5), ('call', call_timeout)],
                             self.guest.calls)

    def test_an_agent_that_answers_without_an_outcome_says_where_to_look(self):
        def no_outcome(call_timeout):
            raise guest_timeout('create_database', call_timeout)
        self.assert_refused(
            "The agent of instance i1 answers, but gave no outcome within "
            "10 s: database-list shows whether the request was done, and "
            "the agent's log why not.", 1, answer=no_outcome)

    def test_ctrl_c_before_sending_says_nothing_was_sent(self):
        self.guest.rpc_ping = self.interrupt
        error = self.assertRaises(delivery.Interrupted, self.deliver)
        self.assertEqual(('Interrupted; nothing was sent.', 130),
                         (str(error), error.exit_status))
        self.assertEqual([], self.guest.calls)

    @staticmethod
    def interrupt(timeout):
        raise KeyboardInterrupt()

    def test_waiting_on_a_terminal_shows_the_answering_agent(self):
        self.guest.ping_takes = 3.0

        def once_drawn(call_timeout):
            # Ends once the line is on the terminal, not before.
            self.stderr.written.wait(10)
            return 'done'
        self.assertEqual('done', self.deliver(once_drawn, wait=True))
        drawn = self.stderr.getvalue().split('\r\x1b[K')
        self.assertEqual({'Waiting for the agent of instance i1: 0 s of 7 s '
                          '(Ctrl-C stops waiting)'}, set(drawn[1:-1]))
        # The line is cleared at the end: nothing follows the last erase.
        self.assertEqual(('', ''), (drawn[0], drawn[-1]))

    def test_without_wait_no_line_is_drawn_even_on_a_terminal(self):
        def slow(call_timeout):
            # Long enough for the line to be redrawn, were it drawn.
            time.sleep(3 * delivery.TICK)
            return 'done'
        self.assertEqual('done', self.deliver(slow))
        self.assertEqual('', self.stderr.getvalue())
