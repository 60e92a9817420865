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

import logging

from trove.common import log_filters
from trove.tests import base


class SecretMaskingFilterTest(base.TestCase):

    def setUp(self):
        super().setUp()
        for handler in logging.getLogger().handlers:
            handler.addFilter(log_filters.SecretMaskingFilter())
            self.addCleanup(handler.removeFilter, handler.filters[-1])
        self.add_secret('tok-123')
        self.add_secret('pw-456')

    def test_tokens_and_passwords_in_messages_are_masked(self):
        # What oslo.messaging logs of a message at its TRACE level.
        message = {'_context_auth_token': 'tok-123', 'method': 'prepare',
                   'args': {'root_password': 'pw-456'}}
        logging.getLogger('oslo_messaging').info('sending message %s',
                                                 message)
        # The secrets registered above are checked after the test.
        self.assert_logged('INFO', "'_context_auth_token': '***'",
                           "'method': 'prepare'", 'root_password')

    def test_other_messages_pass_unchanged(self):
        logging.getLogger('trove').info('Created databases %s.', ['a'])
        self.assert_logged('INFO', "Created databases ['a'].")

    def test_install_adds_the_filter_once(self):
        logger = logging.getLogger('trove.tests.filter')
        handler = logging.NullHandler()
        logger.addHandler(handler)
        self.addCleanup(logger.removeHandler, handler)
        log_filters.install(logger)
        log_filters.install(logger)
        self.assertEqual(1, len(handler.filters))
