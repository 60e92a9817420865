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

import json

from trove.cmd import output
from trove.tests import base
from trove.tests import helpers


class OutputTest(base.TestCase):
    """What an operator reads: results on stdout, warnings on stderr."""

    def setUp(self):
        super().setUp()
        self.stdout = self.capture('sys.stdout')
        self.stderr = self.capture('sys.stderr')

    def printed(self):
        """What stdout and stderr got since the last call; then empty."""
        shown = (self.stdout.getvalue(), self.stderr.getvalue())
        for stream in (self.stdout, self.stderr):
            stream.seek(0)
            stream.truncate()
        return shown

    # Tables and JSON

    def test_wide_characters_align_in_the_table(self):
        # A CJK character takes two columns of a terminal, an emoji too.
        output.print_databases(['ab', '\u9500\u552e', '\U0001f600x'], False)
        self.assertEqual(('+------+\n'
                          '| Name |\n'
                          '+------+\n'
                          '| ab   |\n'
                          '| \u9500\u552e |\n'
                          '| \U0001f600x  |\n'
                          '+------+\n', ''), self.printed())

    def test_an_empty_list_prints_the_frame(self):
        output.print_databases([], False)
        self.assertEqual(('+------+\n| Name |\n+------+\n+------+\n', ''),
                         self.printed())

    def test_json_keeps_names_as_they_are_not_escaped(self):
        output.print_databases(['\u9500\u552e'], True)
        self.assertEqual(('[\n  {\n    "Name": "\u9500\u552e"\n  }\n]\n', ''),
                         self.printed())

    def test_one_user_is_troveclient_s_property_value_table(self):
        output.print_user({'_name': 'shop.alice', '_host': '%',
                           '_databases': helpers.payloads('hr', 'shop')},
                          False)
        self.assertEqual(('+-----------+------------+\n'
                          '| Property  | Value      |\n'
                          '+-----------+------------+\n'
                          '| databases | hr, shop   |\n'
                          '| host      | %          |\n'
                          '| name      | shop.alice |\n'
                          '+-----------+------------+\n', ''),
                         self.printed())

    def test_a_user_without_host_or_databases_lists_with_host_percent(self):
        output.print_users([{'_name': 'hr.bob', '_host': None,
                             '_databases': None}], True)
        self.assertEqual([{'Name': 'hr.bob', 'Host': '%', 'Databases': ''}],
                         json.loads(self.printed()[0]))

    # Results of a change

    def test_granting_and_revoking_access_have_their_own_lines(self):
        output.show_result('i1', 'user', 'shop.alice', 'granted', False)
        self.assertEqual(('User shop.alice was granted access on instance '
                          'i1.\n', ''), self.printed())
        output.show_result('i1', 'user', 'shop.alice', 'revoked', False)
        self.assertEqual(('User shop.alice had its access revoked on '
                          'instance i1.\n', ''), self.printed())

    def test_a_result_as_json_names_the_kind_of_what_changed(self):
        output.show_result('i1', 'user', 'shop.alice', 'granted', True)
        self.assertEqual({'instance': 'i1', 'user': 'shop.alice',
                          'result': 'granted'},
                         json.loads(self.printed()[0]))

    def test_create_of_an_existing_database_warns(self):
        output.Outcome.of_create('i1', 'hr', {'created': [],
                                              'existed': ['hr']}).show(True)
        stdout, stderr = self.printed()
        self.assertEqual({'instance': 'i1', 'database': 'hr',
                          'result': 'existed',
                          'warnings': ['Database hr existed already on '
                                       'instance i1; it was left as it '
                                       'was.']},
                         json.loads(stdout))
        self.assertEqual('WARNING: Database hr existed already on instance '
                         'i1; it was left as it was.\n', stderr)

    def test_a_delete_that_kept_no_user_is_one_line_without_warning(self):
        # An agent that answers nothing about users kept none.
        for answer in ({'deleted': 'hr', 'users_kept': []}, None):
            output.Outcome.of_delete('i1', 'hr', answer).show(False)
            self.assertEqual(('Database hr was deleted from instance i1.\n',
                              ''), self.printed())
