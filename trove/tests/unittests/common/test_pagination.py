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

from trove.common import pagination
from trove.tests import base
from trove.tests import helpers

NAMES = ['a', 'b', 'c', 'd', 'e']


class PaginateListTest(base.TestCase):

    def test_without_limit_returns_everything(self):
        self.assertEqual((NAMES, None), pagination.paginate_list(NAMES))

    def test_first_page_names_its_last_item_as_next_marker(self):
        self.assertEqual((['a', 'b'], 'b'),
                         pagination.paginate_list(NAMES, limit=2))

    def test_page_starts_after_the_marker(self):
        self.assertEqual((['c', 'd'], 'd'),
                         pagination.paginate_list(NAMES, 2, marker='b'))

    def test_include_marker_starts_at_the_marker(self):
        self.assertEqual((['b', 'c'], 'c'),
                         pagination.paginate_list(NAMES, 2, 'b', True))

    def test_last_page_has_no_next_marker(self):
        self.assertEqual((['e'], None),
                         pagination.paginate_list(NAMES, 2, marker='d'))

    def test_exact_fit_has_no_next_marker(self):
        self.assertEqual((['d', 'e'], None),
                         pagination.paginate_list(NAMES, 2, marker='c'))

    def test_marker_that_is_not_an_item(self):
        self.assertEqual((['c'], 'c'),
                         pagination.paginate_list(NAMES, 1, marker='bb'))
        self.assertEqual((['c'], 'c'),
                         pagination.paginate_list(NAMES, 1, 'bb', True))

    def test_marker_after_the_last_item_gives_an_empty_page(self):
        self.assertEqual(([], None),
                         pagination.paginate_list(NAMES, 2, marker='z'))

    def test_walk_visits_every_item_once(self):
        for limit in range(1, 7):
            pages = helpers.walk(lambda marker: pagination.paginate_list(
                NAMES, limit, marker), max_pages=len(NAMES))
            self.assertEqual(NAMES, helpers.walked_items(pages))
            self.assertEqual(-(-len(NAMES) // limit), len(pages))
