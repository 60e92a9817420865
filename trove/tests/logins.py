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

"""Logging in to the server as a tenant's user, to prove what it may do.

The tests of users, access and root check each claim this way, never by
reading the server's user documents alone: a user may write the
databases it was granted, may not write another, may not read
``admin``.
"""

import fixtures
import pymongo
from pymongo import errors as pymongo_errors

LOGIN_TIMEOUT_MS = 3000


class UserLogins(fixtures.Fixture):
    """Clients of ``server`` logged in as its users; closed at cleanup."""

    def __init__(self, server):
        super().__init__()
        self.server = server

    def client(self, name, password):
        """A client logged in as ``name`` (``<database>.<user>``)."""
        database, _dot, username = name.partition('.')
        client = pymongo.MongoClient(
            self.server.host, self.server.port, directConnection=True,
            username=username, password=password, authSource=database,
            serverSelectionTimeoutMS=LOGIN_TIMEOUT_MS)
        self.addCleanup(client.close)
        return client

    def can_write(self, name, password, database):
        """Whether the user may insert a document into ``database``."""
        try:
            self.client(name, password)[database].probe.insert_one({})
        except pymongo_errors.OperationFailure:
            return False
        return True

    def can_read_admin(self, name, password):
        """Whether the user may read the users of ``admin``."""
        try:
            self.client(name, password).admin.command('usersInfo')
        except pymongo_errors.OperationFailure:
            return False
        return True
