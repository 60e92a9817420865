#!/usr/bin/env python3
"""Drive the MongoDB Manager against a real MongoDB-protocol server.

Starts SecantusDB with authentication and an os_admin holding the roles a
Trove guest gives it, then creates, lists and deletes databases through
the Manager exactly as the guest agent's RPC endpoint would, printing each
step. The server is stopped and its files removed at the end.
"""

import shutil
import sys

from oslo_log import log as logging

from trove.common import cfg
from trove.common import exception
from trove.guestagent.datastore.experimental.mongodb import manager
from trove.guestagent.datastore.experimental.mongodb import service
from trove.guestagent.db import models
from trove.tests import secantus

CONF = cfg.CONF


def show(step, value=None):
    print('==> %s' % step)
    if value is not None:
        print('    %s' % (value,))


def show_list(mgr):
    schemas, next_marker = mgr.list_databases(None)
    show('database-list', [schema['_name'] for schema in schemas])


def main():
    logging.register_options(CONF)
    CONF([], project='trove')
    logging.setup(CONF, 'trove')
    server = secantus.SecantusServer(roles=secantus.SPEC_ROLES)
    show('starting SecantusDB with --auth on 127.0.0.1:%d' % server.port)
    try:
        server.start()
        CONF.set_override('mongodb_host', server.host, 'mongodb')
        CONF.set_override('mongodb_port', server.port, 'mongodb')
        CONF.set_override('admin_credentials_file', server.credentials_file,
                          'mongodb')
        mgr = manager.Manager()
        batch = [models.MongoDBSchema(name).serialize()
                 for name in ('sales', 'inventory', 'hr')]
        show('database-create sales inventory hr', batch)
        mgr.create_database(None, batch)
        show_list(mgr)
        page, marker = mgr.list_databases(None, limit=2)
        show('database-list, first page of 2',
             '%s next_marker=%r' % ([s['_name'] for s in page], marker))
        show('database-create admin (refused: reserved)')
        try:
            mgr.create_database(None, [{'_name': 'admin'}])
        except exception.InvalidDatabaseRequest as exc:
            show('refused', exc)
        show('database-delete inventory')
        mgr.delete_database(None, models.MongoDBSchema('inventory')
                            .serialize())
        show_list(mgr)
        server.restart()
        show('after a server restart')
        show_list(mgr)
    finally:
        service.get_connection().close()
        server.kill()
        shutil.rmtree(server.workdir, ignore_errors=True)
        show('server stopped')
    return 0


if __name__ == '__main__':
    sys.exit(main())
