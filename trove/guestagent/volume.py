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

"""The figures of a datastore's data volume, as Trove shows them."""

import os

from trove.common import exception

_GIB = 1024.0 ** 3


def _to_gb(size):
    # Trove's rounding (trove.common.utils.to_gb): a volume that holds
    # anything never shows as 0.0 GB.
    if size == 0:
        return 0.0
    return max(round(size / _GIB, 2), 0.01)


def filesystem_stats(path, datastore):
    """``get_filesystem_stats``'s answer for the volume mounted at ``path``.

    Block counts as ``statvfs`` gives them, ``total`` and ``used`` in GB
    and ``free`` in bytes: what Trove's agents answer, and what Trove's API
    turns into the volume figures of ``trove show``.
    """
    try:
        stats = os.statvfs(path)
    except OSError as exc:
        raise exception.VolumeStatsUnavailable(
            path=path, reason=exc.strerror or type(exc).__name__,
            datastore=datastore) from exc
    # Block counts are in fragments of f_frsize bytes (POSIX). Trove's
    # agents multiply by f_bsize, which Linux file systems make the same.
    total = stats.f_blocks * stats.f_frsize
    free = stats.f_bfree * stats.f_frsize
    return {'block_size': stats.f_frsize,
            'total_blocks': stats.f_blocks,
            'free_blocks': stats.f_bfree,
            'avail_blocks': stats.f_bavail,
            'total': _to_gb(total),
            'free': free,
            'used': _to_gb(total - free)}
