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

"""The guest agent over RabbitMQ, for the benchmark's RPC figures.

The agent is ``trove-guestagent`` in a process of its own
(:class:`tools.harness.agent.AgentProcess`) on the benchmark's server,
logging INFO to a file as an agent does. The benchmark process calls it
through the caller API (:mod:`trove.guestagent.api`) with a request
context as Trove's API sends one, exactly as Trove's taskmanager does.

Set ``TROVE_TEST_TRANSPORT_URL`` to use another broker than RabbitMQ at
``rabbit://guest:guest@127.0.0.1:5672/``.
"""

import os

from oslo_context import context

from tools.harness import agent as agent_process
from tools.harness import messaging as test_messaging
from trove.common import rpc
from trove.guestagent import api

# Trove's taskmanager retries an unreachable bus without end; a benchmark
# gives up after this many retries and says why.
SEND_RETRY = 3


def trove_context():
    """A request context as Trove's API sends one, token included."""
    return context.RequestContext(
        auth_token='gAAAAABbench-token', user_id='bench-user',
        project_id='bench-project', request_id='req-bench-0001',
        roles=['member'], overwrite=False)


def unavailable(url):
    """Why the RPC figures cannot be measured on ``url``, or ``None``."""
    if not agent_process.broker_reachable(url):
        return 'RabbitMQ unreachable at %s' % agent_process.describe(url)
    return None


class RpcAgent:
    """One trove-guestagent for ``server``, and the caller API to reach it.

    :param workdir: a directory for the agent's configuration and log.
    """

    def __init__(self, server, url, workdir):
        self.url = url
        os.makedirs(workdir, exist_ok=True)
        # debug off: the agent logs at INFO, as one in production does.
        self.agent = agent_process.AgentProcess(
            server, url, workdir=workdir, options={'debug': 'false'})
        self.api = None
        # The caller's reply queue, named once the transport is closed.
        self.reply_queue = None
        self._transport = None
        self._closed = False

    @property
    def guest_id(self):
        return self.agent.guest_id

    def start(self):
        """Start the agent and connect the caller; the first call waits."""
        agent_process.require_broker(self.url)
        try:
            # Points the process's transport at the broker, whatever it
            # had cached.
            self._transport = test_messaging.Transport(self.url)
            self._transport.setUp()
            self.agent.start()
            self.api = api.API(trove_context(), self.guest_id,
                               retry=SEND_RETRY)
            # Declares the caller's reply queue, and checks the path end
            # to end before anything is timed.
            answer = self.api.rpc_ping()
            if answer is not True:
                raise agent_process.AgentError(
                    'rpc_ping answered %r, not True' % (answer,))
        except BaseException:
            self.close()
            raise

    def close(self):
        """Stop the agent and remove every queue this run declared."""
        if self._closed:
            return
        self._closed = True
        try:
            try:
                # A clean stop also removes the agent's fanout queue.
                self.agent.stop()
            finally:
                self.agent.kill()
                if self._transport is not None:
                    # The caller's reply queue, which oslo.messaging
                    # declared on the first call; named before the
                    # transport that knows it goes.
                    self.reply_queue = agent_process.reply_queue(
                        rpc.get_transport())
                    self._transport.cleanUp()
                    self._transport = None
            agent_process.delete_queues(self.url, self.guest_id)
        finally:
            self._delete_reply_queue()

    def _delete_reply_queue(self):
        # RabbitMQ would expire it only after rabbit_transient_queues_ttl
        # (30 minutes by default).
        if self.reply_queue is not None:
            agent_process.delete_queue_names(self.url, [self.reply_queue])
