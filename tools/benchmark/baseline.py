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

"""The floor: what a careful operator would send by hand, in raw pymongo.

:class:`RawAdmin` is written from MongoDB's own documentation, not from
the plugin: a plain authenticated ``MongoClient``, and for each operation
the checks and the change an operator would make for the same outcome,
durably:

* create: list the databases (``listDatabases``, names only) so that an
  existing database is left alone and a case twin is seen; then make the
  new database exist with an empty collection (``create``) whose write
  concern ``{w: 1, j: true}`` has the server answer once it is in the
  journal.
* delete: ask whether the database has collections (``listCollections``),
  which users stay behind after the drop (``usersInfo``: MongoDB keeps
  them, and the operator removes them), then ``dropDatabase`` with the
  same write concern.
* list: the names, without the server's own databases, sorted, paged.

No ``fsync``: the journal makes each change durable on mongod. The
plugin's validation, logging, pooling and payload building are what the
benchmark measures against it.
"""

import bisect
import functools

import pymongo

from tools.harness import helpers
from trove.guestagent.datastore.experimental.mongodb import service

_SERVER_DATABASES = frozenset(helpers.SERVER_DATABASES)
# Written out here rather than taken from the plugin: the floor must not
# follow the plugin if that changes.
JOURNALED = {'w': 1, 'j': True}


class RawAdmin:
    """Create, list and delete with one pooled ``MongoClient``."""

    def __init__(self, client):
        self.client = client

    def create(self, names):
        """``listDatabases`` (nameOnly), then ``create`` (j) per new name."""
        existing = set(self.client.list_database_names())
        for name in names:
            if name not in existing:
                self.client[name].command(
                    {'create': service.PLACEHOLDER_COLLECTION,
                     'writeConcern': JOURNALED})

    def delete(self, name, users_info=True):
        """``listCollections``, ``usersInfo``, ``dropDatabase`` (j).

        ``users_info=False`` leaves ``usersInfo`` out, to show what it
        costs. A database that does not exist is refused after
        ``listDatabases``, which names one that differs only in case, as
        the plugin's answer does.
        """
        if not self.client[name].list_collection_names():
            self.client.list_database_names()
            return False
        if users_info:
            self.client[name].command('usersInfo')
        self.client[name].command({'dropDatabase': 1,
                                   'writeConcern': JOURNALED})
        return True

    def list_page(self, limit=None, marker=None):
        """One sorted page of the tenant's names and the next marker."""
        names = sorted(name for name in self.client.list_database_names()
                       if name not in _SERVER_DATABASES)
        start = 0 if marker is None else bisect.bisect_right(names, marker)
        end = len(names) if limit is None else start + limit
        page = names[start:end]
        return page, (page[-1] if page and end < len(names) else None)


class RawUsers:
    """Users, as a careful operator would manage them by hand.

    The same commands the plugin sends, written from MongoDB's
    documentation: a user is looked up on its own database (``usersInfo``
    with ``{user, db}``) so that an existing one is not overwritten; a
    grant is checked against the database names (``listDatabases``), so
    that a name differing only in case from an existing database is seen;
    every write waits for the journal.
    """

    def __init__(self, client):
        self.client = client

    def _exists(self, database, user):
        return bool(self.client[database].command(
            'usersInfo', {'user': user, 'db': database})['users'])

    @staticmethod
    def _roles(databases):
        return [{'role': 'readWrite', 'db': name} for name in databases]

    def create_user(self, database, user, password, databases):
        """``listDatabases`` (if it grants), ``usersInfo``, ``createUser``."""
        if databases:
            self.client.list_database_names()
        if self._exists(database, user):
            return False
        self.client[database].command(
            {'createUser': user, 'pwd': password,
             'roles': self._roles(databases), 'writeConcern': JOURNALED})
        return True

    def grant(self, database, user, databases):
        """``listDatabases``, ``usersInfo``, ``grantRolesToUser`` (j)."""
        self.client.list_database_names()
        if not self._exists(database, user):
            return False
        self.client[database].command(
            {'grantRolesToUser': user, 'roles': self._roles(databases),
             'writeConcern': JOURNALED})
        return True

    def list_page(self, limit, marker=None):
        """One page of full user names, and the next marker.

        ``listDatabases``, then ``usersInfo`` on each tenant database in
        the order of its users' full names (``<database>.`` sorts as they
        do), until the page is full.
        """
        databases = sorted((name for name in self.client.list_database_names()
                            if name not in _SERVER_DATABASES),
                           key=lambda name: name + '.')
        names = []
        for database in databases:
            if marker is not None and (database + '.'
                                       < marker.partition('.')[0] + '.'):
                continue
            names.extend(sorted(
                '%s.%s' % (database, info['user']) for info in
                self.client[database].command('usersInfo')['users']))
            start = (0 if marker is None
                     else bisect.bisect_right(names, marker))
            if len(names) - start > limit:
                break
        start = 0 if marker is None else bisect.bisect_right(names, marker)
        page = names[start:start + limit]
        return page, (page[-1] if len(names) > start + limit else None)


class FreshClientAdmin:
    """The naive agent: a new authenticated client for every operation.

    :param connect: returns a new ``MongoClient``.
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
    """A function returning a new client, as an operator would make one.

    ``options`` go to ``MongoClient``.
    """
    if username is not None:
        options.update(username=username, password=password,
                       authSource='admin')
    return functools.partial(pymongo.MongoClient, host, port,
                             directConnection=True, **options)
