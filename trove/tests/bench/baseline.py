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

"""The floor: raw pymongo doing the plugin's server work, and nothing else.

:class:`RawAdmin` sends the server exactly the commands the plugin sends
for each operation and does no more in Python than the operation needs
to be correct (skip what exists, hide the server's databases, sort,
page). The plugin's validation, logging and payload building are what
the benchmark measures against it.
"""

import bisect
import functools

from trove.guestagent.datastore.experimental.mongodb import service
from trove.tests import helpers

_SERVER_DATABASES = frozenset(helpers.SERVER_DATABASES)


class RawAdmin:
    """Create, list and delete with one pooled ``MongoClient``."""

    def __init__(self, client):
        self.client = client

    def create(self, names, flush=True):
        """``listDatabases`` (nameOnly), ``create`` per new name, ``fsync``.

        ``fsync`` is part of the plugin's server work: create is a cast,
        so the agent has the server put a new database on disk before it
        reports it done. ``flush=False`` leaves it out, to show what that
        costs.
        """
        existing = set(self.client.list_database_names())
        created = False
        for name in names:
            if name not in existing:
                self.client[name].command(
                    'create', service.PLACEHOLDER_COLLECTION)
                created = True
        if created and flush:
            self.client.admin.command('fsync')

    def delete(self, name, users_info=True, flush=True):
        """``listCollections``, ``usersInfo``, ``dropDatabase``, ``fsync``.

        ``usersInfo`` names the users MongoDB keeps after the drop, for the
        plugin's warning, and ``fsync`` puts the drop on disk.
        ``users_info=False`` and ``flush=False`` leave them out, to show
        what they cost. A database that does not exist is refused after
        ``listDatabases``, which names one that differs only in case.
        """
        if not self.client[name].list_collection_names():
            self.client.list_database_names()
            return False
        if users_info:
            self.client[name].command('usersInfo')
        self.client.drop_database(name)
        if flush:
            self.client.admin.command('fsync')
        return True

    def list_page(self, limit=None, marker=None):
        """One sorted page of the tenant's names and the next marker."""
        names = sorted(name for name in self.client.list_database_names()
                       if name not in _SERVER_DATABASES)
        start = 0 if marker is None else bisect.bisect_right(names, marker)
        end = len(names) if limit is None else start + limit
        page = names[start:end]
        return page, (page[-1] if page and end < len(names) else None)


class FreshClientAdmin:
    """The naive agent: a new authenticated client for every operation.

    :param connect: returns a new, not yet connected ``MongoClient``.
    """

    def __init__(self, connect):
        self._connect = connect

    def _run(self, method, *args):
        client = self._connect()
        try:
            return method(RawAdmin(client), *args)
        finally:
            client.close()

    def create(self, names):
        return self._run(RawAdmin.create, names)

    def delete(self, name):
        return self._run(RawAdmin.delete, name)

    def list_page(self, limit=None, marker=None):
        return self._run(RawAdmin.list_page, limit, marker)


def client_factory(host, port, username=None, password=None, **options):
    """A function returning a new client configured as the plugin's.

    It is built by the plugin's own :class:`~.service.ConnectionTarget`,
    with the plugin's default timeouts, so that a raw client differs from
    the plugin's in nothing but what the benchmark measures. ``options``
    go to ``MongoClient``.
    """
    target = service.ConnectionTarget(
        host, port, username, password, None,
        server_selection_timeout=3.0, operation_timeout=30.0)
    return functools.partial(target.new_client, **options)
