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

"""One child process of the harness: start, wait until ready, stop, log.

The test server, the agent, upstream Trove's services and the benchmark's
tenant each run as a :class:`ChildProcess`. Each starts in a process group
of its own and is stopped through it, so that a service that forks
workers leaves none behind, and a test runner's Ctrl-C reaches the
runner only: the harness stops its children itself.
"""

import os
import signal
import subprocess

from tools.harness import helpers

# The checkout: ``python -m tools...`` finds the tools package from here.
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
STOP_TIMEOUT = 30.0
# How much of a log an error quotes.
TAIL = 3000


class ChildProcessError(RuntimeError):
    """A child process did not start, or did not stop, as asked."""


def read_text(path):
    """The text of ``path`` so far; empty when it does not exist yet."""
    try:
        with open(path, errors='replace') as stream:
            return stream.read()
    except FileNotFoundError:
        return ''


def wait_for_line(read, fragments, since, timeout, whose,
                  error=ChildProcessError):
    """Wait until a line of ``read()[since:]`` holds every fragment.

    Returns the line; raises ``error`` naming ``whose`` log after
    ``timeout`` seconds.
    """
    def line_with_fragments():
        for line in read()[since:].splitlines():
            if all(fragment in line for fragment in fragments):
                return line
        return None

    try:
        return helpers.poll(line_with_fragments, timeout,
                            'a %s log line with %r' % (whose, fragments),
                            details=lambda: read()[-TAIL:])
    except helpers.PollTimeout as exc:
        raise error(str(exc)) from None


class ChildProcess:
    """A process the harness starts, waits for, stops and reads.

    :param name: what the process is, for errors (``trove-conductor``).
    :param output_file: where its stdout and stderr go, unless
        :meth:`launch` is given other streams.
    :param log_file: the log it writes itself, if any.
    :param error: the exception class of its errors.
    """

    stop_timeout = STOP_TIMEOUT

    def __init__(self, name, output_file=None, log_file=None,
                 error=ChildProcessError):
        self.name = name
        self.output_file = output_file
        self.log_file = log_file
        self.error = error
        self._process = None

    @property
    def running(self):
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self):
        return self._process.pid

    @property
    def returncode(self):
        return self._process.returncode if self._process else None

    def log(self):
        """What the process has logged so far."""
        return read_text(self.log_file) if self.log_file else ''

    def output(self):
        """What the process has written to its output file so far."""
        return read_text(self.output_file) if self.output_file else ''

    def details(self):
        """The tails of its output and log, for an error."""
        return '%s\n%s' % (self.output()[-TAIL:], self.log()[-TAIL:])

    def launch(self, args, **kwargs):
        """Start ``args`` in a process group of its own; the Popen.

        stdout and stderr go to :attr:`output_file` unless ``kwargs``
        name other streams; stdin is empty unless ``kwargs`` names one.
        """
        kwargs.setdefault('stdin', subprocess.DEVNULL)
        if self.output_file is None:
            self._process = subprocess.Popen(
                args, start_new_session=True, close_fds=True, **kwargs)
            return self._process
        with open(self.output_file, 'ab') as output:
            kwargs.setdefault('stdout', output)
            kwargs.setdefault('stderr', output)
            self._process = subprocess.Popen(
                args, start_new_session=True, close_fds=True, **kwargs)
        return self._process

    def wait_until_ready(self, ready, timeout):
        """Poll ``ready()`` until it is true; kill the process if never.

        :raises: :attr:`error` when the process exits first, or after
            ``timeout`` seconds.
        """
        def started():
            if self._process.poll() is not None:
                raise self.error('%s exited with status %s:\n%s'
                                 % (self.name, self._process.returncode,
                                    self.details()))
            return ready()
        try:
            helpers.poll(started, timeout, '%s ready' % self.name,
                         details=self.details)
        except helpers.PollTimeout as exc:
            self.kill()
            raise self.error(str(exc)) from None

    def wait_for_log(self, *fragments, since=0, timeout=30.0):
        """Wait until one log line holds every fragment; return the line.

        :param since: where in the log to start looking, as a length of
            :meth:`log` taken before.
        """
        return wait_for_line(self.log, fragments, since, timeout,
                             self.name, self.error)

    def signal(self, signum=signal.SIGTERM):
        """Send ``signum`` to the process's group."""
        os.killpg(self._process.pid, signum)

    def ask_to_stop(self):
        """SIGTERM, as an init system stops a service."""
        self.signal(signal.SIGTERM)

    def wait(self, timeout=None):
        """Wait for the process to exit; return its status.

        Kills it and raises :attr:`error` after ``timeout`` seconds
        (:attr:`stop_timeout` by default).
        """
        timeout = timeout or self.stop_timeout
        try:
            return self._process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise self.error('%s did not exit within %.0f s of its stop '
                             'signal' % (self.name, timeout)) from None

    def stop(self, timeout=None):
        """Ask the process to stop and wait for it; its exit status.

        Kills it when it does not exit within ``timeout`` seconds
        (:attr:`stop_timeout` by default).
        """
        if not self.running:
            return self.returncode
        self.ask_to_stop()
        try:
            return self._process.wait(timeout=timeout or self.stop_timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return self.returncode

    def kill(self):
        """SIGKILL the process's group, as a crash would, and reap it."""
        if self.running:
            try:
                self.signal(signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._process.wait()
