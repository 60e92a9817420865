"""The MongoDB datastore Manager: the guest agent's RPC surface."""

from oslo_log import log as logging

from trove.guestagent.datastore.experimental.mongodb import service

LOG = logging.getLogger(__name__)


def _names(payloads):
    """The database names of a batch, for a log line; never raises."""
    if not isinstance(payloads, (list, tuple)):
        payloads = [payloads]
    return [payload.get('_name') if isinstance(payload, dict) else payload
            for payload in payloads]


class Manager(object):
    """Receives Trove's database commands and delegates to MongoDBAdmin."""

    MANAGER = 'mongodb'

    def __init__(self, admin=None):
        self._admin = admin

    @property
    def admin(self):
        if self._admin is None:
            self._admin = service.MongoDBAdmin()
        return self._admin

    def create_database(self, context, databases):
        LOG.info('Creating databases %s.', _names(databases))
        self.admin.create_database(databases)

    def list_databases(self, context, limit=None, marker=None,
                       include_marker=False):
        LOG.debug('Listing databases (limit=%(limit)s, marker=%(marker)r, '
                  'include_marker=%(include)s).',
                  {'limit': limit, 'marker': marker,
                   'include': include_marker})
        return self.admin.list_databases(limit, marker, include_marker)

    def delete_database(self, context, database):
        LOG.info('Deleting database %s.', _names(database)[0])
        self.admin.delete_database(database)
