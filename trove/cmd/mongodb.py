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

"""trove-mongodb: an operator's database commands, shaped like troveclient's.

    trove-mongodb database-create <instance> <name> [--character_set CS]
                                  [--collate C] [--wait]
    trove-mongodb database-list <instance>
    trove-mongodb database-delete <instance> <database> [--wait]

``<instance>`` is the guest id: the command goes over RPC, through the
caller API, to the trove-guestagent serving ``guestagent.<instance>``, with
the message bus of the configuration (``--config-file``, else the agent's
own ``trove-guestagent.conf``). ``--local`` runs the Manager in this
process against the configured MongoDB instead.

Output is a table like troveclient's, or JSON with ``--format json``. A
failure prints one line on stderr and exits 1 (2 for a usage error);
``--debug`` adds the traceback and the libraries' debug logs.
"""

import argparse
import json
import logging
import sys
import time
import traceback

from oslo_config import cfg as oslo_cfg

from trove.common import cfg
from trove.common import exception
from trove.common.i18n import _
from trove.common import log_filters
from trove.common import rpc
from trove.guestagent import api
from trove.guestagent.db import models
from trove.guestagent import local

CONF = cfg.CONF
PROG = 'trove-mongodb'

# Trove's API asks the guest for pages of databases_page_size (20).
DEFAULT_PAGE_SIZE = 20
DEFAULT_WAIT_TIMEOUT = 60.0
WAIT_INTERVAL = 0.5
# How long to try the message bus before saying it is unreachable, and how
# often to retry sending a cast to it.
BROKER_CHECK_TIMEOUT = 3.0
SEND_RETRIES = 2
# Far more pages than any instance has databases; only a guest that keeps
# inventing markers would reach it.
MAX_PAGES = 100000

_LIBRARY_LOGGERS = ('oslo_messaging', 'oslo.messaging', 'kombu', 'amqp',
                    'pymongo', 'stevedore')


class CommandError(Exception):
    """A command failed for a reason its message states."""


class ArgumentParser(argparse.ArgumentParser):
    """Reports a usage error in one line, as every other error."""

    def error(self, message):
        self.exit(2, '%s: error: %s (see %s --help)\n'
                  % (PROG, message, self.prog))


def remote_guest(instance):
    """The caller API for the agent of ``instance``, over the message bus."""
    rpc.check_broker(BROKER_CHECK_TIMEOUT)
    return api.API(None, instance, retry=SEND_RETRIES)


def list_names(guest, page_size):
    """Every database name, following ``next_marker`` through the pages."""
    names, marker = [], None
    for _page in range(MAX_PAGES):
        page, next_marker = guest.list_databases(limit=page_size,
                                                 marker=marker)
        names.extend(schema['_name'] for schema in page)
        if next_marker is None:
            return names
        if marker is not None and next_marker <= marker:
            raise CommandError(_('The guest answered next_marker %(next)r '
                                 'after marker %(marker)r; the pages do '
                                 'not advance, so the listing stops.')
                               % {'next': next_marker, 'marker': marker})
        marker = next_marker
    raise CommandError(_('The guest kept answering more pages after %d; '
                         'the listing stops.') % MAX_PAGES)


def wait_for(guest, instance, name, listed, timeout, page_size):
    """Poll the list until ``name`` is ``listed`` (or not), or time out."""
    deadline = time.monotonic() + timeout
    while (name in list_names(guest, page_size)) != listed:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            state = _('listed') if listed else _('gone')
            raise CommandError(
                _('Database %(name)s is not %(state)s on instance '
                  '%(instance)s after %(timeout)s s. The request was a '
                  'cast: the guest agent\'s log says whether it failed, '
                  'and why.')
                % {'name': name, 'state': state, 'instance': instance,
                   'timeout': timeout})
        time.sleep(min(WAIT_INTERVAL, remaining))


def _report(args, action, name, done):
    if args.format == 'json':
        _print_json({'action': action, 'instance': args.instance,
                     'database': name,
                     'status': 'done' if done else 'accepted'})
    elif not done:
        print(_('Request to %(action)s database %(name)s on instance '
                '%(instance)s has been accepted.')
              % {'action': action, 'name': name,
                 'instance': args.instance})
    else:
        state = _('is listed') if action == 'create' else _('is not listed')
        print(_('Database %(name)s %(state)s on instance %(instance)s.')
              % {'name': name, 'state': state, 'instance': args.instance})


def do_database_create(args, guest):
    # Validated as Trove's API validates before it sends anything.
    schema = models.MongoDBSchema(args.name,
                                  character_set=args.character_set,
                                  collate=args.collate)
    schema.check_create()
    guest.create_database([schema.serialize()])
    # A local command is done when it returns; a cast only when the list
    # shows it.
    if args.wait and not args.local:
        wait_for(guest, args.instance, schema.name, True, args.timeout,
                 args.page_size)
    _report(args, 'create', schema.name, done=args.local or args.wait)


def do_database_delete(args, guest):
    schema = models.MongoDBSchema(args.database)
    schema.check_delete()
    guest.delete_database(schema.serialize())
    # A local command is done when it returns; a cast only when the list
    # shows it.
    if args.wait and not args.local:
        wait_for(guest, args.instance, schema.name, False, args.timeout,
                 args.page_size)
    _report(args, 'delete', schema.name, done=args.local or args.wait)


def do_database_list(args, guest):
    names = list_names(guest, args.page_size)
    if args.format == 'json':
        _print_json([{'name': name} for name in names])
    else:
        print_table(['Name'], [[name] for name in names])


def _print_json(value):
    print(json.dumps(value, indent=2, ensure_ascii=False))


def print_table(headers, rows):
    """Print rows as troveclient's tables look (prettytable's frame)."""
    widths = [max([len(header)] + [len(str(row[index])) for row in rows])
              for index, header in enumerate(headers)]
    rule = '+' + '+'.join('-' * (width + 2) for width in widths) + '+'

    def line(cells):
        return '| ' + ' | '.join(str(cell).ljust(width)
                                 for cell, width in zip(cells, widths)) + ' |'

    print('\n'.join([rule, line(headers), rule]
                    + [line(row) for row in rows] + [rule]))


def _positive_float(text):
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(_('must be greater than 0'))
    return value


def _positive_int(text):
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(_('must be greater than 0'))
    return value


def _add_common_options(parser, suppress):
    """Options accepted before the command name and after it."""
    def default(value):
        return argparse.SUPPRESS if suppress else value

    parser.add_argument(
        '--config-file', action='append', metavar='PATH',
        default=default([]),
        help=_('Configuration file, as trove-guestagent reads it; may be '
               'repeated. Default: trove-guestagent.conf or trove.conf in '
               '~/.trove, ~, /etc/trove or /etc.'))
    parser.add_argument(
        '--config-dir', metavar='DIR', default=default(None),
        help=_('Directory of *.conf files read after --config-file.'))
    parser.add_argument(
        '--local', action='store_true', default=default(False),
        help=_('Run the MongoDB Manager in this process against the '
               '[mongodb] server of the configuration, instead of asking '
               'the guest agent over RPC.'))
    parser.add_argument(
        '--format', choices=('table', 'json'), default=default('table'),
        help=_('Output format (default: table).'))
    parser.add_argument(
        '--debug', action='store_true', default=default(False),
        help=_('Show debug logs, and the traceback of an error.'))


def _add_wait_options(parser):
    parser.add_argument(
        '--wait', action='store_true',
        help=_('Wait until database-list shows the change (the request is '
               'a cast, so only the list tells that it was done).'))
    parser.add_argument(
        '--timeout', type=_positive_float, default=DEFAULT_WAIT_TIMEOUT,
        metavar='SECONDS',
        help=_('How long --wait waits (default: %s s).')
        % DEFAULT_WAIT_TIMEOUT)


def _add_page_size_option(parser):
    parser.add_argument(
        '--page-size', type=_positive_int, default=DEFAULT_PAGE_SIZE,
        metavar='N',
        help=_('Databases asked for per list call (default: %d, as Trove\'s '
               'databases_page_size).') % DEFAULT_PAGE_SIZE)


def build_parser():
    parser = ArgumentParser(
        prog=PROG,
        description=_('Create, list and delete the databases of a Trove '
                      'MongoDB instance through its guest agent.'))
    _add_common_options(parser, suppress=False)
    commands = parser.add_subparsers(dest='command', metavar='<command>')
    commands.required = True
    instance_help = _('ID of the instance: the guest_id of its agent.')

    create = commands.add_parser(
        'database-create', help=_('Creates a database on an instance.'))
    create.add_argument('instance', metavar='<instance>', help=instance_help)
    create.add_argument('name', metavar='<name>',
                        help=_('Name of the database.'))
    create.add_argument(
        '--character_set', metavar='<character_set>', default=None,
        help=_('Optional character set for database (MongoDB ignores it).'))
    create.add_argument(
        '--collate', metavar='<collate>', default=None,
        help=_('Optional collation type for database (MongoDB ignores '
               'it).'))
    _add_wait_options(create)
    _add_page_size_option(create)
    create.set_defaults(func=do_database_create)

    listing = commands.add_parser(
        'database-list', help=_('Lists available databases on an '
                                'instance.'))
    listing.add_argument('instance', metavar='<instance>',
                         help=instance_help)
    _add_page_size_option(listing)
    listing.set_defaults(func=do_database_list)

    delete = commands.add_parser(
        'database-delete', help=_('Deletes a database from an instance.'))
    delete.add_argument('instance', metavar='<instance>', help=instance_help)
    delete.add_argument('database', metavar='<database>',
                        help=_('Name of the database.'))
    _add_wait_options(delete)
    _add_page_size_option(delete)
    delete.set_defaults(func=do_database_delete)

    for command in (create, listing, delete):
        _add_common_options(command, suppress=True)
    return parser


def _setup_logging(debug):
    """Send logs to stderr for this command; return what undoes it."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter('%(levelname)s: %(message)s'))
    handler.addFilter(log_filters.SecretMaskingFilter())
    root = logging.getLogger()
    saved = [(root, root.level)]
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if debug else logging.WARNING)
    if not debug:
        # The command's own error line says what failed; the libraries'
        # retry warnings would only bury it.
        for name in _LIBRARY_LOGGERS:
            library = logging.getLogger(name)
            saved.append((library, library.level))
            library.setLevel(logging.CRITICAL)

    def undo():
        root.removeHandler(handler)
        for logger, level in saved:
            logger.setLevel(level)
    return undo


def _load_config(args):
    config_args = []
    for path in args.config_file:
        config_args += ['--config-file', path]
    if args.config_dir:
        config_args += ['--config-dir', args.config_dir]
    default_files = oslo_cfg.find_config_files(project='trove',
                                               prog='trove-guestagent')
    CONF(config_args, project='trove', prog=PROG,
         default_config_files=default_files)


def _error(message):
    sys.stderr.write('ERROR: %s\n' % message)
    return 1


def _run(args):
    if not args.instance.strip():
        raise CommandError(_('<instance> must not be empty.'))
    if not args.local:
        args.func(args, remote_guest(args.instance))
        return 0
    guest = local.LocalAPI()
    try:
        args.func(args, guest)
    finally:
        guest.close()
    return 0


def run(argv):
    """Run one command in this process; return the exit status.

    The message bus transport stays open for the process's other users
    (an in-process agent on the ``fake://`` transport, say).
    """
    args = build_parser().parse_args(argv)
    undo_logging = _setup_logging(args.debug)
    try:
        _load_config(args)
        return _run(args)
    except exception.TroveError as exc:
        return _error(exc.message)
    except (CommandError, ValueError, oslo_cfg.Error) as exc:
        return _error(exc)
    except Exception as exc:
        if args.debug:
            traceback.print_exc()
        first_line = (str(exc).splitlines() or [''])[0]
        return _error(_('%(type)s: %(message)s (--debug shows the '
                        'traceback)') % {'type': type(exc).__name__,
                                         'message': first_line})
    finally:
        undo_logging()


def main(argv=None):
    """The console script: one command, then the transport is closed."""
    try:
        return run(sys.argv[1:] if argv is None else argv)
    finally:
        rpc.cleanup()


if __name__ == '__main__':
    sys.exit(main())
