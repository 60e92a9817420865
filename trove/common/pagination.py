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

"""Marker-based pagination, as Trove's API pages database lists."""

import bisect


def paginate_list(sorted_items, limit=None, marker=None,
                  include_marker=False):
    """Return one page of ``sorted_items`` and the marker of the next one.

    The page starts after ``marker`` (at it when ``include_marker`` is
    true); the marker need not be one of the items. ``next_marker`` is the
    last item of the page when more items follow it, else ``None``. The
    caller validates the arguments.

    :param sorted_items: a list sorted in ascending order.
    :param limit: the largest page size, a positive integer, or ``None``
        for no limit.
    :returns: ``(page, next_marker)``.
    """
    if marker is None:
        start = 0
    elif include_marker:
        start = bisect.bisect_left(sorted_items, marker)
    else:
        start = bisect.bisect_right(sorted_items, marker)
    end = len(sorted_items) if limit is None else start + limit
    page = sorted_items[start:end]
    next_marker = page[-1] if page and end < len(sorted_items) else None
    return page, next_marker
