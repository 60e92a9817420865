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
