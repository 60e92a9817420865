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

"""Keep secrets that travel in RPC messages out of every log line.

A request's context holds the caller's ``auth_token``, and Trove's
``prepare`` carries a ``root_password``. The project never logs either,
but oslo.messaging logs whole messages at its TRACE level, and an
operator may turn that on; this filter masks them there too, with
oslo.utils' rules for secret keys.
"""

import logging

from oslo_utils import strutils


class SecretMaskingFilter(logging.Filter):
    """Masks the values of secret keys (token, password, ...) in a record."""

    def filter(self, record):
        message = record.getMessage()
        masked = strutils.mask_password(message)
        if masked != message:
            record.msg = masked
            record.args = ()
        return True


def install(logger=None):
    """Add the filter to every handler of ``logger`` (the root logger).

    A filter on a handler sees the records of every logger that reaches
    it, which a filter on a logger does not.
    """
    logger = logger or logging.getLogger()
    for handler in logger.handlers:
        if not any(isinstance(existing, SecretMaskingFilter)
                   for existing in handler.filters):
            handler.addFilter(SecretMaskingFilter())
