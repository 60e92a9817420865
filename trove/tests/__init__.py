"""Tests, and the tools the tests share with the benchmark."""

import warnings

# As in trove.cmd: oslo.messaging imports oslo.service, whose eventlet
# backend warns on import that eventlet is deprecated; nothing here uses
# eventlet, and the warning would clutter test and benchmark output.
warnings.filterwarnings('ignore', message=r'\s*Eventlet is deprecated')
