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

"""The translation function of the project's messages."""

from oslo_i18n import fixture as i18n_fixture

from trove.common import i18n
from trove.tests import base

MESSAGE = 'Cannot reach MongoDB at %(host)s:%(port)s.'


class TranslationTest(base.TestCase):

    def test_a_message_is_returned_as_written(self):
        self.useFixture(i18n_fixture.ToggleLazy(False))
        self.assertEqual(MESSAGE, i18n._(MESSAGE))

    def test_messages_are_looked_up_in_the_trove_domain(self):
        # A lazy message keeps its domain until it is translated.
        self.useFixture(i18n_fixture.ToggleLazy(True))
        message = i18n._(MESSAGE)
        self.assertEqual('trove', message.domain)
        self.assertEqual(MESSAGE, message.translation())
