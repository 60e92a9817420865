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

"""The message bus of a test: oslo.messaging's fake driver or RabbitMQ."""

import fixtures
from oslo_messaging import conffixture

from trove.common import cfg
from trove.common import rpc


class Transport(fixtures.Fixture):
    """Point the process's RPC transport at ``url`` for one test.

    ``fake://`` is oslo.messaging's in-process driver: an agent and a
    caller in the test process reach each other through it. The cached
    transport is dropped before and after, so no test inherits another's.
    """

    def __init__(self, url='fake://'):
        super().__init__()
        self.url = url

    def _setUp(self):
        rpc.cleanup()
        self.addCleanup(rpc.cleanup)
        self.useFixture(conffixture.ConfFixture(cfg.CONF,
                                                transport_url=self.url))
