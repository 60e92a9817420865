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

"""What Trove's ``prepare`` asks of a new instance beyond its data.

Trove casts ``prepare`` once, when it creates the instance, with
everything the guest should set up. This plugin creates the databases,
users and root passed with the new instance (the Manager does) and logs
the rest as skipped, by name, never by value (the arguments hold
configuration contents).
"""

from oslo_log import log as logging

LOG = logging.getLogger(__name__)

# Trove's prepare arguments, other than databases and users, grouped by
# the part of instance preparation they drive.
_SKIPPED_PARTS = (
    (('packages',), 'installing packages'),
    (('device_path', 'mount_point'), 'mounting the data volume'),
    (('memory_mb', 'config_contents'), 'writing the MongoDB configuration'),
    (('overrides',), 'applying configuration overrides'),
    (('backup_info',), 'restoring a backup'),
    (('cluster_config',), 'joining a cluster'),
    (('snapshot',), 'setting up replication'),
    (('modules',), 'applying modules'),
)
_KNOWN_ARGUMENTS = frozenset(
    [key for keys, _part in _SKIPPED_PARTS for key in keys]
    + ['ds_version', 'users', 'root_password'])


def log_skipped(arguments):
    """Log which parts of ``prepare(**arguments)`` this plugin skips."""
    parts = [part for keys, part in _SKIPPED_PARTS
             if any(arguments.get(key) for key in keys)]
    # Trove's agents start the datastore last; here the operator runs it.
    parts.append('starting MongoDB')
    LOG.info('prepare (datastore version %(version)s): skipped, out of '
             'scope for this plugin: %(parts)s.',
             {'version': arguments.get('ds_version') or 'not given',
              'parts': '; '.join(parts)})
    unknown = sorted(set(arguments) - _KNOWN_ARGUMENTS)
    if unknown:
        LOG.info('prepare: ignored arguments unknown to this plugin: %s.',
                 ', '.join(unknown))
