"""Marker-based pagination, as Trove's API pages database lists."""

import bisect

from trove.common.i18n import _


def paginate_list(sorted_items, limit=None, marker=None,
                  include_marker=False):
    """Return one page of ``sorted_items`` and the marker of the next one.

    The page starts after ``marker`` (at it when ``include_marker`` is
    true); the marker need not be one of the items. ``next_marker`` is the
    last item of the page when more items follow it, else ``None``.

    :param sorted_items: a list sorted in ascending order.
    :param limit: the largest page size, or ``None`` for no limit.
    :returns: ``(page, next_marker)``.
    :raises ValueError: for a limit that is not a positive integer.
    """
    if limit is not None:
        if isinstance(limit, bool) or not isinstance(limit, int):
            raise ValueError(_('limit must be a positive integer or None, '
                               'not %r.') % (limit,))
        if limit < 1:
            raise ValueError(_('limit must be a positive integer, not '
                               '%d.') % limit)
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
