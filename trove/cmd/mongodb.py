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
    trove-mongodb user-create <instance> <name> <password>
                              [--databases <db> ...]
    trove-mongodb user-list|user-show|user-delete|user-show-access
                              <instance> [<name>]
    trove-mongodb user-grant-access <instance> <name> <db> [<db> ...]
    trove-mongodb user-revoke-access <instance> <name> <db>
    trove-mongodb root-enable <instance> [--root_password P]
    trove-mongodb root-show <instance>
    trove-mongodb queue-delete <instance>
    trove-mongodb help [<command>]

``<instance>`` is the guest id: the command goes over RPC, through the
caller API, to the trove-guestagent serving ``guestagent.<instance>``, with
the message bus of the configuration (``--config-file``, ``--config-dir``,
else the agent's own ``trove-guestagent.conf``; with none found it sends
nothing), encrypted with the instance's key (``--no-key``: in clear, for
an instance without one). ``--local`` runs the Manager in this process
against the configured MongoDB instead. ``queue-delete`` removes a
retired instance's queues from the message bus.

A create or delete prints its outcome as the agent reports it
(:mod:`trove.cmd.delivery`), and the agent's warnings. Output is a table
like troveclient's, or JSON with ``--format json`` (:mod:`trove.cmd.
output`). A failure prints one line on stderr (and, with ``--format
json``, an object on stdout) and exits 1, 2 for a usage error or a
refused configuration, 130 for Ctrl-C (:mod:`trove.cmd.errors`);
``--debug`` adds the files read, the traceback and the libraries' debug
logs.
"""

import argparse
import functools
import logging
import os
import sys
import threading
import traceback

from trove.cmd import broker
from trove.cmd import delivery
from trove.cmd import errors
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
INTERRUPTED = errors.INTERRUPTED
# How long the command gives the message bus transport to close.
CLOSE_TIMEOUT = 1.0

_LIBRARY_LOGGERS = ('oslo_messaging', 'oslo.messaging', 'kombu', 'amqp',
                    'pymongo', 'stevedore')


CommandError = errors.CommandError

# The request each command sends, for a line that names it.
METHODS = {
    'database-create': 'create_database',
    'database-list': 'list_databases',
    'database-delete': 'delete_database',
    'user-create': 'create_user',
    'user-list': 'list_users',
    'user-show': 'get_user',
    'user-delete': 'delete_user',
    'user-grant-access': 'grant_access',
    'user-revoke-access': 'revoke_access',
    'user-show-access': 'list_access',
    'root-enable': 'enable_root_with_password',
    'root-show': 'is_root_enabled',
}
# What did not happen when MongoDB was never reached, whole sentences for
# the translators; NOT_CHANGED for the other commands.
NOT_CREATED = _('No command was sent to it, so nothing was created.')
NOT_DELETED = _('No command was sent to it, so nothing was deleted.')
NOT_CHANGED = _('No command was sent to it, so nothing was changed.')
NOT_DONE = {
    'database-create': NOT_CREATED,
    'database-delete': NOT_DELETED,
    'user-create': NOT_CREATED,
    'user-delete': NOT_DELETED,
}


class ArgumentParser(argparse.ArgumentParser):
    """Reports a usage error in one line, as every other error.

    :param argv: the command line, to explain a name taken for an option.
    """

    def __init__(self, *args, argv=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.argv = list(argv)

    def error(self, message):
        line = '%s%s (see %s --help)' % (
            message, self._dash_hint(message), self.prog)
        if self._wants_json():
            # A script parses stdout whatever went wrong.
            errors.write_json('UsageError', line, errors.USAGE)
        self.exit(errors.USAGE, '%s: error: %s\n' % (PROG, line))

    def _wants_json(self):
        for index, token in enumerate(self.argv):
            if token == '--format=json' or (
                    token == '--format'
                    and self.argv[index + 1:index + 2] == ['json']):
                return True
        return False

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


def remote_guest(instance, no_key=False, wait=False, files=()):
    """The caller API for the agent of ``instance``, over the message bus.

    :param no_key: the operator says the instance has no key: send in
        clear.
    :param wait: the request may wait for an agent, so a queue without
        one is no error.
    :param files: the configuration files read, to name them.
    :raises NoKey: no key is configured and ``no_key`` is not given.
    :raises NoListener: the instance's queue has no consumer.
    """
    startup.check_guest_id(instance)
    if rpc.instance_key() is None and not no_key:
        raise errors.NoKey(files=', '.join(files))
    listening = broker.consumers(instance, BROKER_CHECK_TIMEOUT)
    if listening == 0 and not wait:
        raise errors.NoListener(
            queue=rpc.topic(instance), instance=instance,
            address=rpc.describe_transport())
    return api.API(None, instance, retry=SEND_RETRIES, require_queue=True,
                   in_clear=no_key)


def list_names(guest, page_size):
    """Every database name, following ``next_marker`` through the pages."""
    return models.MongoDBSchema.names_in(
        list(_every_page(guest.list_databases, page_size)))


def list_users(guest, page_size):
    """Every user payload, following ``next_marker`` through the pages."""
    return _every_page(guest.list_users, page_size)


def _every_page(list_page, page_size):
    """The items of every page ``list_page(limit, marker)`` answers."""
    items, marker = [], None
    for _page in range(MAX_PAGES):
        page, next_marker = list_page(limit=page_size, marker=marker)
        items.extend(page)
        if next_marker is None:
            return items
        if marker is not None and next_marker <= marker:
            raise CommandError(_('The guest answered next_marker %(next)r '
                                 'after marker %(marker)r; the pages do '
                                 'not advance, so the listing stops.')
                               % {'next': next_marker, 'marker': marker})
        marker = next_marker
    raise CommandError(_('The guest kept answering more pages after %d; '
                         'the listing stops.') % MAX_PAGES)


def _carry_out(args, guest, method, **arguments):
    """The agent's answer to ``method`` (a change) with ``arguments``.

    In this process the Manager answers it; over RPC the caller API's
    ``outcome`` asks the agent as a call, also for Trove's casts.
    """
    if args.local:
        return getattr(guest, method)(**arguments)

    def request(remote, timeout):
        return remote.outcome(method, timeout, **arguments)
    return delivery.deliver(guest, args.instance, request, args.wait,
                            args.timeout)


def do_database_create(args, guest):
    # Validated as Trove's API validates before it sends anything.
    schema = models.MongoDBSchema(args.name,
                                  character_set=args.character_set,
                                  collate=args.collate)
    schema.check_create()
    answer = _carry_out(args, guest, 'create_database',
                        databases=[schema.serialize()])
    output.Outcome.of_create(args.instance, schema.name, answer).show(
        args.format == 'json')


def do_database_delete(args, guest):
    schema = models.MongoDBSchema(args.database)
    schema.check_delete()
    answer = _carry_out(args, guest, 'delete_database',
                        database=schema.serialize())
    output.Outcome.of_delete(args.instance, schema.name, answer).show(
        args.format == 'json')


def do_database_list(args, guest):
    output.print_databases(list_names(guest, args.page_size),
                           args.format == 'json')


# Users, access and root. Names and databases are validated here as
# Trove's API validates them; a password is never printed, but for the
# one root-enable generates, shown once as the result.

def _user(name, **kwargs):
    user = models.MongoDBUser(name, **kwargs)
    user.check_change()
    return user


def do_user_create(args, guest):
    user = models.MongoDBUser(args.name, password=args.password,
                              host=args.host, databases=args.databases)
    user.check_create()
    _carry_out(args, guest, 'create_user', users=[user.serialize()])
    output.show_result(args.instance, 'user', user.name, 'created',
                       args.format == 'json')


def do_user_delete(args, guest):
    user = _user(args.name, host=args.host)
    _carry_out(args, guest, 'delete_user', user=user.serialize())
    output.show_result(args.instance, 'user', user.name, 'deleted',
                       args.format == 'json')


def do_user_list(args, guest):
    output.print_users(list_users(guest, args.page_size),
                       args.format == 'json')


def do_user_show(args, guest):
    user = _user(args.name, host=args.host)
    found = guest.get_user(user.name, user.host)
    if found is None:
        raise exception.UserNotFound(name=user.name)
    output.print_user(found, args.format == 'json')


def do_user_grant_access(args, guest):
    user = _user(args.name, host=args.host)
    schemas = [models.MongoDBSchema(name) for name in args.databases]
    user.check_grant(schemas)
    _carry_out(args, guest, 'grant_access', username=user.name,
               hostname=user.host,
               databases=[schema.name for schema in schemas])
    output.show_result(args.instance, 'user', user.name, 'granted',
                       args.format == 'json')


def do_user_revoke_access(args, guest):
    user = _user(args.name, host=args.host)
    schema = models.MongoDBSchema(args.database)
    schema.check_grant()
    _carry_out(args, guest, 'revoke_access', username=user.name,
               hostname=user.host, database=schema.name)
    output.show_result(args.instance, 'user', user.name, 'revoked',
                       args.format == 'json')


def do_user_show_access(args, guest):
    user = _user(args.name, host=args.host)
    access = guest.list_access(user.name, user.host)
    output.print_databases(
        models.MongoDBSchema.names_in(list(access)),
        args.format == 'json')


def do_root_enable(args, guest):
    root = _carry_out(args, guest, 'enable_root_with_password',
                      root_password=args.root_password)
    # A password the operator gave is not echoed back.
    output.print_root(root, show_password=args.root_password is None,
                      as_json=args.format == 'json')


def do_root_show(args, guest):
    output.print_properties({'is_root_enabled': guest.is_root_enabled()},
                            args.format == 'json')


def do_queue_delete(args):
    deleted = broker.delete_queues(args.instance, BROKER_CHECK_TIMEOUT)
    if args.format == 'json':
        output.print_json({'instance': args.instance, 'deleted': deleted})
    elif deleted:
        print(_('Deleted the queues %(queues)s of instance %(instance)s.')
              % {'queues': ', '.join(deleted), 'instance': args.instance})
    else:
        print(_('Instance %s has no queue on the message bus.')
              % args.instance)


def _add_user_commands(commands, instance_help):
    """The troveclient user and root commands; returns their parsers."""
    name_help = _('Name of user, as <database>.<username>.')
    host_help = _('Optional host of user: MongoDB users have none, so '
                  'only "%" is taken.')

    def command(name, func, help_text, user=True):
        parser = commands.add_parser(name, help=help_text)
        parser.add_argument('instance', metavar='<instance>',
                            help=instance_help)
        if user:
            parser.add_argument('name', metavar='<name>', help=name_help)
        parser.set_defaults(func=func)
        return parser

    create = command('user-create', do_user_create,
                     _('Creates a user on an instance.'))
    create.add_argument('password', metavar='<password>',
                        help=_('Password of user.'))
    create.add_argument('--databases', metavar='<databases>', nargs='+',
                        default=[],
                        help=_('Optional list of databases the user may '
                               'read and write.'))
    listing = command('user-list', do_user_list,
                      _('Lists the users for an instance.'), user=False)
    _add_page_size_option(listing)
    show = command('user-show', do_user_show, _('Shows details of a user '
                                                'of an instance.'))
    delete = command('user-delete', do_user_delete,
                     _('Deletes a user from an instance.'))
    grant = command('user-grant-access', do_user_grant_access,
                    _('Grants access to a database(s) for a user.'))
    grant.add_argument('databases', metavar='<databases>', nargs='+',
                       help=_('List of databases.'))
    revoke = command('user-revoke-access', do_user_revoke_access,
                     _('Revokes access to a database for a user.'))
    revoke.add_argument('database', metavar='<database>',
                        help=_('A single database.'))
    show_access = command('user-show-access', do_user_show_access,
                          _('Shows access details of a user of an '
                            'instance.'))
    for parser in (create, show, delete, grant, revoke, show_access):
        parser.add_argument('--host', metavar='<host>', default=None,
                            help=host_help)
    for parser in (create, delete, grant, revoke):
        _add_wait_options(parser)
    root_enable = command('root-enable', do_root_enable,
                          _('Enables root for an instance and resets if '
                            'already exists.'), user=False)
    root_enable.add_argument(
        '--root_password', '--password', metavar='<root_password>',
        default=None,
        help=_('Root password to set (generated when not given; a '
               'generated one is shown once).'))
    _add_wait_options(root_enable)
    root_show = command('root-show', do_root_show,
                        _('Gets status if root was ever enabled for an '
                          'instance.'), user=False)
    return [create, listing, show, delete, grant, revoke, show_access,
            root_enable, root_show]


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
        '--no-key', action='store_true', default=default(False),
        help=_('Send in clear: the instance has no instance_rpc_encr_key. '
               'Without it, a command refuses to send when no key is '
               'configured.'))
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
        description=_('Manage the databases, users and root of a Trove '
                      'MongoDB instance through its guest agent.'))
    parser.add_argument('--version', action='version',
                        version='%s %s' % (PROG, version.release()))
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

    user_commands = _add_user_commands(commands, instance_help)
    queue_delete = commands.add_parser(
        'queue-delete', help=_('Deletes the queues of a retired instance '
                               'from the message bus; refuses while its '
                               'agent consumes them.'))
    queue_delete.add_argument('instance', metavar='<instance>',
                              help=instance_help)
    queue_delete.set_defaults(func=do_queue_delete)
    for command in [create, listing, delete, queue_delete] + user_commands:
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
    """Read the configuration as the agent does; the files read."""
    config_args = []
    for path in args.config_file:
        config_args += ['--config-file', path]
    if args.config_dir:
        config_args += ['--config-dir', args.config_dir]
    # The agent's own configuration is the default, where it keeps it.
    # --local sends nothing over the message bus: MongoDB's defaults do.
    files = startup.load_config(config_args, PROG,
                                default_prog=startup.AGENT_PROG,
                                required=not args.local)
    startup.log_files_read(files)
    startup.check_options()
    startup.check_key_file(files)
    return files


def _run(args, files):
    if not args.instance.strip():
        raise CommandError(_('<instance> must not be empty.'))
    if args.command == 'queue-delete':
        startup.check_guest_id(args.instance)
        args.func(args)
        return 0
    if not args.local:
        guest = remote_guest(args.instance, no_key=args.no_key,
                             wait=getattr(args, 'wait', False), files=files)
        try:
            args.func(args, guest)
        except exception.UnreadableMessage as exc:
            raise _key_refusal(args, exc, files) from None
        except exception.TroveError as exc:
            if getattr(exc, 'command_sent', None) is False:
                raise _nothing_sent(args, exc) from None
            raise
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


def _key_refusal(args, refusal, files):
    """The instance's refusal of a request, as the sender can fix it."""
    values = {'instance': args.instance, 'operation': METHODS[args.command],
              'reason': refusal.kwargs.get('reason', refusal)}
    if args.no_key or rpc.instance_key() is None:
        return errors.ClearRefused(**values)
    refused = (errors.KeyUnwanted if refusal.kwargs.get('has_key') is False
               else errors.KeyRefused)
    return refused(source=startup.key_source(files), **values)


def _nothing_sent(args, cause):
    """MongoDB was never reached: what did not happen, in words."""
    return errors.NothingSent(
        instance=args.instance,
        outcome=NOT_DONE.get(args.command, NOT_CHANGED),
        **{key: cause.kwargs.get(key, '?')
           for key in ('host', 'port', 'reason', 'timeout')})


def _run_reporting(args):
    """Run the command of ``args``; report a failure in one line."""
    try:
        return _run(args, _load_config(args))
    except Exception as exc:
        if args.debug and not isinstance(exc, (exception.TroveError,
                                               ValueError)):
            traceback.print_exc()
        return errors.report(exc, as_json=args.format == 'json')
    except KeyboardInterrupt as exc:
        return errors.report(exc, as_json=args.format == 'json')


def main(argv=None):
    """The console script: one command, then the transport is closed."""
    try:
        status = run(sys.argv[1:] if argv is None else argv, cleanup=True)
    except KeyboardInterrupt as exc:
        # While the parser printed, or between two steps of run().
        status = errors.report(exc)
    if status == INTERRUPTED:
        _exit_now(status)
    return status


if __name__ == '__main__':
    sys.exit(main())
