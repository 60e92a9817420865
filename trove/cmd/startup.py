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

"""What both console scripts check as they start, before anything is sent.

:func:`load_config` reads the configuration for both, with oslo.config's
own ``--config-file`` and ``--config-dir`` handling. Each check fails with
:class:`StartupError`, whose one line names the file or value at fault
and what to do; the scripts print it (:func:`trove.cmd.errors.report`)
and exit 2. Without
them, oslo.config and oslo.log end in a traceback that does not always
name the file, and the message bus refuses a long guest id with
``ubyte format requires 0 <= number <= 255``.
"""

import argparse
import glob
import os

from oslo_config import cfg as oslo_cfg
from oslo_config import iniparser
from oslo_log import log as logging

from trove.cmd import errors
from trove.common import cfg
from trove.common.i18n import _
from trove.common import rpc
from trove.guestagent.datastore.experimental.mongodb import credentials
from trove.guestagent.datastore.experimental.mongodb import exceptions

# AMQP 0-9-1 carries a queue name or routing key as a short string.
MAX_BUS_NAME_BYTES = 255


LOG = logging.getLogger(__name__)

PROJECT = 'trove'
# The agent's name: both commands read its configuration by default.
AGENT_PROG = 'trove-guestagent'
KEY_OPTION = 'instance_rpc_encr_key'

StartupError = errors.ConfigurationError


def _files_in_dir(folder):
    # A missing folder is oslo.config's error to report, by name.
    return sorted(glob.glob(os.path.join(os.path.expanduser(folder),
                                         '*.conf')))


def _named_in(argv, option):
    """Whether ``argv`` gives ``option``, as oslo.config tells."""
    return any(arg == option or arg.startswith(option + '=') for arg in argv)


def _files_to_read(argv, default_files, default_dirs):
    """The files oslo.config will read for ``argv``, in its order.

    oslo.config reads each file as it parses the option that names it, so
    they are listed first, to check each before it does: the default files
    unless ``--config-file`` is given, the ``*.conf`` files of the default
    folders that exist unless ``--config-dir`` is given, then what each of
    those options names, in the order of ``argv``.
    """
    files = [] if _named_in(argv, '--config-file') else list(default_files)
    if not _named_in(argv, '--config-dir'):
        for folder in default_dirs:
            if os.path.exists(folder):
                files.extend(_files_in_dir(folder))
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    parser.add_argument('--config-file', action='append', dest='named',
                        type=lambda path: [path])
    parser.add_argument('--config-dir', action='append', dest='named',
                        type=_files_in_dir)
    known, _rest = parser.parse_known_args(argv)
    for named in known.named or ():
        files.extend(named)
    return files


def looked_for(prog=AGENT_PROG):
    """The default files oslo.config would read, as a phrase."""
    names = _(' or ').join('%s.conf' % name for name in (prog, PROJECT))
    return _('%(names)s in ~/.%(project)s/, ~/, /etc/%(project)s/ or '
             '/etc/') % {'names': names, 'project': PROJECT}


def _parse_error(exc):
    """oslo.config's refusal of a file, without the line it quotes.

    That line may be ``instance_rpc_encr_key`` or ``transport_url`` with
    its password, mistyped; its number is enough to find it.
    """
    cause = exc.__context__
    if isinstance(cause, iniparser.ParseError):
        where = _('%(file)s, line %(line)s') % {'file': exc.config_file,
                                                'line': cause.lineno}
        reason = cause.msg
    else:
        where, reason = exc.config_file, _('not an INI file')
    return StartupError(
        _('%(where)s cannot be read as configuration: %(reason)s (the line '
          'is not shown, as it may hold a secret).')
        % {'where': where, 'reason': reason})


def load_config(argv, prog, version=None, default_prog=None,
                required=True):
    """Parse ``argv`` and read the configuration into ``CONF``.

    oslo.config finds the files: ``--config-file`` and ``--config-dir``,
    else the defaults of ``default_prog`` (the command's own name unless
    given). Each is checked first (:func:`check_config_files`).

    :param required: whether running without any file is an error; a
        command that sends nothing over the message bus needs none.
    :returns: the files read, in oslo.config's order.
    :raises StartupError: for a file that cannot be read or is not UTF-8,
        for no file at all when one is required, or for what oslo.config
        refuses.
    """
    default_prog = default_prog or prog
    default_files = oslo_cfg.find_config_files(project=PROJECT,
                                               prog=default_prog)
    default_dirs = oslo_cfg.find_config_dirs(project=PROJECT,
                                             prog=default_prog)
    files = _files_to_read(argv, default_files, default_dirs)
    check_config_files(files)
    try:
        cfg.CONF(argv, project=PROJECT, prog=prog, version=version,
                 default_config_files=default_files,
                 default_config_dirs=default_dirs)
    except oslo_cfg.ConfigFileParseError as exc:
        raise _parse_error(exc) from None
    except oslo_cfg.Error as exc:
        raise StartupError(str(exc)) from None
    if required and not files:
        raise StartupError(
            _('No configuration file was found, so there is no message bus '
              'or instance key to use: give --config-dir with the folder '
              'that holds trove-guestagent.conf and the instance\'s '
              'guest_info.conf (or --config-file). Looked for %s.')
            % looked_for(default_prog))
    return files


def log_files_read(files):
    """Say at DEBUG which files the configuration came from."""
    LOG.debug('Configuration read from: %s',
              ', '.join(files) or 'no file (the defaults)')


def _sets_key(path):
    sections = {}
    try:
        oslo_cfg.ConfigParser(path, sections).parse()
    except Exception:
        # oslo.config has read it already; what it refuses is its to say.
        return False
    return KEY_OPTION in sections.get('DEFAULT', {})


def key_source(files):
    """Which of ``files`` set the instance's RPC key, or ``None``.

    The last that sets it, as oslo.config lets a later file win. Not
    oslo.config's ``get_location``: it names the last file with a
    ``[DEFAULT]`` section, whichever set the option.
    """
    for path in reversed(list(files)):
        if _sets_key(path):
            return path
    return None


def check_key_file(files):
    """Each file holding an instance's RPC key is its owner's alone.

    Every one, not only the one whose key is used: each holds a key.

    :raises StartupError: giving its mode and the chmod that fixes it.
    """
    for path in files:
        if _sets_key(path):
            _check_private(path)


def _check_private(path):
    try:
        with open(path, 'rb') as stream:
            mode = credentials.shared_mode(stream.fileno())
    except OSError:
        # It was read a moment ago; a change since is oslo.config's.
        return
    if mode is not None:
        raise StartupError(
            _('%(path)s holds the instance\'s RPC key (%(option)s), but '
              'its mode is %(mode)04o, so users other than its owner may '
              'read it. Run chmod 600 %(path)s.')
            % {'path': path, 'option': KEY_OPTION, 'mode': mode})


def check_config_files(paths):
    """Each file can be read, and is UTF-8 text as oslo.config reads it.

    :raises StartupError: naming the first file that is not.
    """
    for path in paths:
        try:
            with open(path, 'rb') as stream:
                data = stream.read()
        except OSError as exc:
            raise StartupError(
                _('Cannot read the configuration file %(path)s: '
                  '%(reason)s.') % {'path': path,
                                    'reason': exc.strerror or exc})
        try:
            data.decode('utf-8')
        except UnicodeDecodeError as exc:
            raise StartupError(
                _('The configuration file %(path)s is not UTF-8 text '
                  '(byte 0x%(byte)02x on line %(line)d): save it as '
                  'UTF-8.')
                % {'path': path, 'byte': data[exc.start],
                   'line': data.count(b'\n', 0, exc.start) + 1})


def setup_logging(conf, project):
    """oslo.log's setup, failing in one line when its file cannot open."""
    try:
        logging.setup(conf, project)
    except OSError as exc:
        raise StartupError(
            _('Cannot open the log file %(path)s: %(reason)s. Create its '
              'folder, or set [DEFAULT] log_file (and log_dir) to a file '
              'this user may write.')
            % {'path': exc.filename, 'reason': exc.strerror or exc})


def max_guest_id_bytes():
    """The longest guest id, in UTF-8 bytes, whose names the bus takes.

    The agent's longest name is the queue of its own server,
    ``guestagent.<guest_id>.<guest_id>``.
    """
    return (MAX_BUS_NAME_BYTES - len(rpc.topic('')) - 1) // 2


def guest_id_problem(guest_id):
    """Why the message bus cannot take ``guest_id``, or ``None``."""
    size = len(guest_id.encode('utf-8'))
    limit = max_guest_id_bytes()
    if size <= limit:
        return None
    return (_('The guest id is %(size)d bytes long; the message bus takes '
              'at most %(limit)d, since the agent\'s queue is named '
              '%(queue)s and a queue name has at most %(max)d bytes. '
              'Trove\'s guest ids are instance UUIDs (36 characters).')
            % {'size': size, 'limit': limit, 'max': MAX_BUS_NAME_BYTES,
               'queue': '%s.<guest_id>' % rpc.topic('<guest_id>')})


def check_guest_id(guest_id):
    """``guest_id`` fits the names the message bus gives the agent.

    :raises StartupError: saying how long it is, and the limit.
    """
    problem = guest_id_problem(guest_id)
    if problem:
        raise StartupError(problem)


def check_options(conf=cfg.CONF):
    """Every option of the project has a value of its type and range.

    oslo.config checks a value only when it is read, and a bad one would
    otherwise fail every request that reads it, with a traceback.

    :raises StartupError: naming the option, where it was set and what
        it takes.
    """
    rpc.register_opts(conf)
    problem = cfg.invalid_option(conf)
    if problem is not None:
        raise StartupError(_('invalid configuration: %s') % problem)


def check_credentials_file(path):
    """The credentials file, when it exists, is private and well formed.

    A missing file is no error: the agent then connects without
    authentication. MongoDB itself is not asked: the agent starts while
    it is down.

    :raises StartupError: saying what is wrong with the file.
    """
    try:
        credentials.load_credentials(path)
    except exceptions.CredentialsFileError as exc:
        raise StartupError(str(exc))


def warn_of_prepare_marker(conf=cfg.CONF):
    """Say at start when prepare is already recorded as done, and where.

    Then heartbeats go to trove-conductor at once. A file left at the
    default path by another install would make a never-prepared agent
    report itself ready, so that case is a warning.
    """
    path = conf.prepare_marker_file
    if not os.path.exists(path):
        return
    location = conf.get_location('prepare_marker_file')
    if location and location.location == oslo_cfg.Locations.opt_default:
        LOG.warning('%(path)s exists, so prepare counts as completed and '
                    'heartbeats to trove-conductor start at once. If Trove '
                    'has not prepared this instance yet, that file was left '
                    'by another install: remove it, or set [DEFAULT] '
                    'prepare_marker_file to a path of this instance\'s.',
                    {'path': path})
    else:
        LOG.info('%s records that prepare has completed: heartbeats start '
                 'at once.', path)
