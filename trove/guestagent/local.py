"""The guest agent's operations run in the caller's own process.

``trove-mongodb --local`` uses this where the caller API
(:mod:`trove.guestagent.api`) would send the request over the message
bus: the same database operations, with the same arguments, done by the
MongoDB Manager against the ``[mongodb]`` server of the configuration.
Unlike a cast, each returns once it is done, and raises the Manager's
own error when it fails.
"""

from trove.guestagent.datastore.experimental.mongodb import manager
from trove.guestagent.datastore.experimental.mongodb import service


class LocalAPI:
    """The caller API's database operations, on a Manager in this process."""

    def __init__(self):
        self._manager = manager.Manager()

    def create_database(self, databases):
        self._manager.create_database(None, databases)

    def list_databases(self, limit=None, marker=None, include_marker=False):
        return self._manager.list_databases(None, limit, marker,
                                            include_marker)

    def delete_database(self, database):
        self._manager.delete_database(None, database)

    def close(self):
        """Close the connections to MongoDB this process pooled."""
        service.get_connection().close()
