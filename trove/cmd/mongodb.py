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
                                  [--collate C] [--wait] [--timeout S]
    trove-mongodb database-list <instance>
    trove-mongodb database-delete <instance> <database> [--wait]
                                  [--timeout S]
    trove-mongodb help [<command>]

``<instance>`` is the guest id: the command goes over RPC, through the
caller API, to the trove-guestagent serving ``guestagent.<instance>``, with
the message bus of the configuration (``--config-file``, ``--config-dir``,
else the agent's own ``trove-guestagent.conf``). ``--local`` runs the
Manager in this process against the configured MongoDB instead.

A create or delete prints its outcome as the agent reports it
(:mod:`trove.cmd.delivery`), and the agent's warnings. Output is a table
like troveclient's, or JSON with ``--format json`` (:mod:`trove.cmd.
output`). A failure prints one line on stderr and exits 1 (2 for a usage
error, 130 for Ctrl-C); ``--debug`` adds the traceback and the libraries'
debug logs.
"""

import argparse
import functools
import logging
import os
import sys
import threading
import traceback

from oslo_config import cfg as oslo_cfg

from trove.cmd import delivery
from trove.cmd import output
from trove.cmd import startup
from trove.common import cfg
from trove.common import exception
from trove.common.i18n import _
from trove.common import log_filters
from trove.common import rpc
from trove.guestagent import api
from trove.guestagent.db import models
from trove.guestagent import local
from trove import version

CONF = cfg.CONF
PROG = 'trove-mongodb'
AGENT_PROG = 'trove-guestagent'

# Trove's API asks the guest for pages of databases_page_size (20).
DEFAULT_PAGE_SIZE = 20
DEFAULT_TIMEOUT = 60.0
# How long to try the message bus before saying it is unreachable, and how
# often to retry sending to it.
BROKER_CHECK_TIMEOUT = 3.0
SEND_RETRIES = 2
# Far more pages than any instance has databases; only a guest that keeps
# inventing markers would reach it.
MAX_PAGES = 100000
# The exit status of a command ended by Ctrl-C, as a shell gives it.
INTERRUPTED = 130
# How long the command gives the message bus transport to close.
CLOSE_TIMEOUT = 1.0

_LIBRARY_LOGGERS = ('oslo_messaging', 'oslo.messaging', 'kombu', 'amqp',
                    'pymongo', 'stevedore')


class CommandError(Exception):
    """A command failed for a reason its message states."""


class ArgumentParser(argparse.ArgumentParser):
    """Reports a usage error in one line, as every other error.

    :param argv: the command line, to explain a name taken for an option.
    """

    def __init__(self, *args, argv=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.argv = list(argv)

    def error(self, message):
        self.exit(2, '%s: error: %s%s (see %s --help)\n'
                  % (PROG, message, self._dash_hint(message), self.prog))

    def _dash_hint(self, message):
        """Why a name that starts with '-' was taken for an option."""
        if ('unrecognized arguments' not in message
                and 'required' not in message):
            return ''
        names = [token for token in self.argv
                 if token.startswith('-') and not token.startswith('--')
                 and token not in ('-h',)]
        if not names:
            return ''
        return _('. %(name)s was read as an option: put a name that '
                 'starts with "-" after "--", as in: %(prog)s '
                 'database-create <instance> -- %(name)s') % {
                     'name': names[0], 'prog': PROG}


def remote_guest(instance):
    """The caller API for the agent of ``instance``, over the message bus."""
    startup.check_guest_id(instance)
    rpc.check_broker(BROKER_CHECK_TIMEOUT)
    return api.API(None, instance, retry=SEND_RETRIES, require_queue=True)


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


def _carry_out(args, guest, method, argument):
    """The agent's answer to ``method`` (a create or delete) of ``argument``.

    In this process the Manager answers it; over RPC the caller API's
    ``<method>_outcome`` asks the agent as a call, not as Trove's cast.
    """
    if args.local:
        return getattr(guest, method)(argument)

    def request(remote, timeout):
        return getattr(remote, method + '_outcome')(argument, timeout)
    return delivery.deliver(guest, args.instance, request, args.wait,
                            args.timeout)


def do_database_create(args, guest):
    # Validated as Trove's API validates before it sends anything.
    schema = models.MongoDBSchema(args.name,
                                  character_set=args.character_set,
                                  collate=args.collate)
    schema.check_create()
    answer = _carry_out(args, guest, 'create_database', [schema.serialize()])
    output.Outcome.of_create(args.instance, schema.name, answer).show(
        args.format == 'json')


def do_database_delete(args, guest):
    schema = models.MongoDBSchema(args.database)
    schema.check_delete()
    answer = _carry_out(args, guest, 'delete_database', schema.serialize())
    output.Outcome.of_delete(args.instance, schema.name, answer).show(
        args.format == 'json')


def do_database_list(args, guest):
    output.print_databases(list_names(guest, args.page_size),
                           args.format == 'json')


def _positive(convert, what):
    def parse(text):
        try:
            value = convert(text)
        except ValueError:
            value = None
        if value is None or value <= 0:
            raise argparse.ArgumentTypeError(
                _('expected %(what)s greater than 0, not %(text)r')
                % {'what': what, 'text': text})
        return value
    return parse


_positive_float = _positive(float, _('a number of seconds'))
_positive_int = _positive(int, _('a whole number'))


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
        help=_('Directory of *.conf files read after --config-file, as '
               'the agent\'s --config-dir: with the instance\'s '
               'guest_info.conf, its RPC key.'))
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
        help=_('When no agent answers for the instance yet, send the '
               'request anyway and wait, up to --timeout, for one to carry '
               'it out (without --wait the command fails at once and sends '
               'nothing). Shows how long it has waited on a terminal.'))
    parser.add_argument(
        '--timeout', type=_positive_float, default=DEFAULT_TIMEOUT,
        metavar='SECONDS',
        help=_('How long to wait for the outcome (default: %g s).')
        % DEFAULT_TIMEOUT)


def _add_page_size_option(parser):
    parser.add_argument(
        '--page-size', type=_positive_int, default=DEFAULT_PAGE_SIZE,
        metavar='N',
        help=_('Databases asked for per list call (default: %d, as Trove\'s '
               'databases_page_size).') % DEFAULT_PAGE_SIZE)


def build_parser(argv=()):
    parser = ArgumentParser(
        prog=PROG, argv=argv,
        description=_('Create, list and delete the databases of a Trove '
                      'MongoDB instance through its guest agent.'))
    parser.add_argument('--version', action='version',
                        version='%s %s' % (PROG, version.version_string()))
    _add_common_options(parser, suppress=False)
    commands = parser.add_subparsers(
        dest='command', metavar='<command>',
        parser_class=functools.partial(ArgumentParser, argv=argv))
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
    delete.set_defaults(func=do_database_delete)

    for command in (create, listing, delete):
        _add_common_options(command, suppress=True)

    helper = commands.add_parser(
        'help', help=_('Shows the help of the command, or of them all.'))
    helper.add_argument('topic', metavar='<command>', nargs='?',
                        choices=sorted(commands.choices),
                        help=_('The command to show the help of.'))
    helper.set_defaults(
        func=None, parser_of=lambda topic: commands.choices.get(topic,
                                                                parser))
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
    # The agent's own configuration is the default, where it keeps it.
    default_files = oslo_cfg.find_config_files(project='trove',
                                               prog=AGENT_PROG)
    startup.check_config_files(startup.config_files(
        args.config_file or default_files,
        [args.config_dir] if args.config_dir else [], 'trove', AGENT_PROG))
    CONF(config_args, project='trove', prog=PROG,
         default_config_files=default_files, default_config_dirs=[])


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


def run(argv, cleanup=False):
    """Run one command in this process; return the exit status.

    :param cleanup: close the message bus transport at the end; otherwise
        it stays open for the process's other users (an in-process agent
        on the ``fake://`` transport, say).
    """
    args = build_parser(argv).parse_args(argv)
    if args.func is None:
        args.parser_of(args.topic).print_help()
        return 0
    undo_logging = _setup_logging(args.debug)
    status = INTERRUPTED
    try:
        status = _run_reporting(args)
        if cleanup and status != INTERRUPTED and not _close_transport():
            status = _exit_now(status)
        return status
    finally:
        undo_logging()


def _close_transport():
    """Close the transport, within CLOSE_TIMEOUT; whether it closed.

    Still with the libraries' loggers quiet: py-amqp warns about the
    broker's last acknowledgements while the connection closes. After a
    call that timed out, oslo.messaging's reply poller may sleep seconds
    before it sees the stop; the command's answer is known by then.
    """
    closer = threading.Thread(target=rpc.cleanup, name='close-transport',
                              daemon=True)
    closer.start()
    closer.join(CLOSE_TIMEOUT)
    return not closer.is_alive()


def _exit_now(status):
    """End the process with ``status``, leaving threads as they are.

    A call may still wait for its answer in another thread, or the
    transport be closing: waiting for them could hang, and ending the
    interpreter under them print tracebacks. The broker drops the reply
    queue by itself.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def _run_reporting(args):
    """Run the command of ``args``; report a failure in one line."""
    try:
        _load_config(args)
        return _run(args)
    except delivery.Interrupted as exc:
        sys.stderr.write('%s\n' % exc)
        return INTERRUPTED
    except KeyboardInterrupt:
        sys.stderr.write(_('Interrupted.') + '\n')
        return INTERRUPTED
    except exception.TroveError as exc:
        return _error(exc.message)
    except (CommandError, delivery.DeliveryError, ValueError,
            oslo_cfg.Error) as exc:
        return _error(exc)
    except Exception as exc:
        if args.debug:
            traceback.print_exc()
        first_line = (str(exc).splitlines() or [''])[0]
        return _error(_('%(type)s: %(message)s (--debug shows the '
                        'traceback)') % {'type': type(exc).__name__,
                                         'message': first_line})


def main(argv=None):
    """The console script: one command, then the transport is closed."""
    try:
        status = run(sys.argv[1:] if argv is None else argv, cleanup=True)
    except KeyboardInterrupt:
        # While the parser printed, or between two steps of run().
        sys.stderr.write(_('Interrupted.') + '\n')
        status = INTERRUPTED
    if status == INTERRUPTED:
        _exit_now(status)
    return status


if __name__ == '__main__':
    sys.exit(main())
