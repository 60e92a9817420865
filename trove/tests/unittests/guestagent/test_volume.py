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

"""The figures of a data volume, as Trove shows them."""

import os

import fixtures

from trove.common import exception
from trove.guestagent import volume
from trove.tests import base


def statvfs_result(frsize, blocks, bfree, bavail, bsize=4096):
    """What ``os.statvfs`` answers for a file system of these figures."""
    return os.statvfs_result((bsize, frsize, blocks, bfree, bavail,
                              1000, 900, 900, 0, 255))


class FilesystemStatsTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.folder = self.useFixture(fixtures.TempDir()).path

    def volume_of(self, stats):
        """The figures of a volume whose ``statvfs`` is ``stats``.

        Sizes the test cannot make of a real folder without mounting a
        file system (which needs root).
        """
        self.useFixture(fixtures.MockPatchObject(os, 'statvfs',
                                                 return_value=stats))
        return volume.filesystem_stats(self.folder, 'mongodb')

    def test_the_figures_are_the_folder_s_file_system_s(self):
        # Other processes write to this file system: the figures are
        # compared with the reading the function got, not a later one.
        readings = []
        read = os.statvfs

        def statvfs(path):
            readings.append((path, read(path)))
            return readings[-1][1]
        self.useFixture(fixtures.MockPatchObject(os, 'statvfs',
                                                 side_effect=statvfs))
        figures = volume.filesystem_stats(self.folder, 'mongodb')
        self.assertEqual([self.folder], [path for path, _ in readings])
        stats = readings[0][1]
        # Sizes in GB: the rules the tests below pin with literal figures.
        self.assertEqual({'block_size': stats.f_frsize,
                          'total_blocks': stats.f_blocks,
                          'free_blocks': stats.f_bfree,
                          'avail_blocks': stats.f_bavail,
                          'free': stats.f_bfree * stats.f_frsize,
                          'total': figures['total'],
                          'used': figures['used']},
                         figures)

    def test_blocks_are_counted_in_fragments(self):
        # 2 GiB in 1 KiB fragments, of which 512 MiB free.
        self.assertEqual({'block_size': 1024,
                          'total_blocks': 2097152,
                          'free_blocks': 524288,
                          'avail_blocks': 262144,
                          'total': 2.0,
                          'free': 536870912,
                          'used': 1.5},
                         self.volume_of(statvfs_result(
                             1024, 2097152, 524288, 262144)))

    def test_gigabytes_are_rounded_to_two_places(self):
        # 1265 MiB is 1.2353 GiB; 1264 MiB is 1.2344 GiB.
        figures = self.volume_of(statvfs_result(1048576, 1265, 1, 1))
        self.assertEqual((1.24, 1.23), (figures['total'], figures['used']))

    def test_an_empty_volume_is_0_gb_and_one_that_holds_data_is_not(self):
        empty = self.volume_of(statvfs_result(4096, 0, 0, 0))
        self.assertEqual((0.0, 0, 0.0),
                         (empty['total'], empty['free'], empty['used']))
        # 1 GiB, one 4 KiB block of it used.
        one_block = self.volume_of(statvfs_result(4096, 262144, 262143,
                                                  262143))
        self.assertEqual((1.0, 0.01),
                         (one_block['total'], one_block['used']))

    def test_a_missing_mount_point_says_which_and_what_to_check(self):
        path = os.path.join(self.folder, 'missing')
        error = self.assertRaises(exception.VolumeStatsUnavailable,
                                  volume.filesystem_stats, path, 'mongodb')
        self.assertEqual('Cannot read the figures of the data volume at %s '
                         '(No such file or directory). Check [mongodb] '
                         'mount_point.' % path, str(error))
        self.assertIsInstance(error.__cause__, FileNotFoundError)

    def test_an_error_without_a_description_is_named_by_its_class(self):
        self.useFixture(fixtures.MockPatchObject(os, 'statvfs',
                                                 side_effect=OSError()))
        error = self.assertRaises(exception.VolumeStatsUnavailable,
                                  volume.filesystem_stats, self.folder,
                                  'mongodb')
        self.assertIn('(OSError)', str(error))
