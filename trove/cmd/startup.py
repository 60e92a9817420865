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

Each check fails with :class:`StartupError`, whose one line names the file
or value at fault and what to do; the scripts print it and exit. Without
them, oslo.config and oslo.log end in a traceback that does not always
name the file, and the message bus refuses a long guest id with
``ubyte format requires 0 <= number <= 255``.
"""

import argparse
import glob
import os

from oslo_config import cfg as oslo_cfg
from oslo_log import log as logging

from trove.common import cfg
from trove.common import exception
from trove.common.i18n import _
from trove.common import rpc
from trove.guestagent.datastore.experimental.mongodb import credentials
from trove.guestagent.datastore.experimental.mongodb import exceptions

# AMQP 0-9-1 carries a queue name or routing key as a short string.
MAX_BUS_NAME_BYTES = 255


class StartupError(exception.TroveError):
    """A console script cannot start; the message says why."""


def config_files(config_files, config_dirs, project, prog):
    """The files oslo.config reads for these command-line options.

    As oslo.config does: the ``--config-file`` files, else the default
    ones of ``project`` and ``prog``; then the ``*.conf`` files of each
    ``--config-dir``, else of the default folders.
    """
    files = list(config_files or oslo_cfg.find_config_files(
        project=project, prog=prog))
    dirs = config_dirs or oslo_cfg.find_config_dirs(project=project,
                                                    prog=prog)
    for folder in dirs:
        # A missing folder is oslo.config's error to report, by name.
        files.extend(sorted(_conf_files_in(folder)))
    return files


def _conf_files_in(folder):
    return glob.glob(os.path.join(os.path.expanduser(folder), '*.conf'))


def files_in_argv(argv, project, prog):
    """:func:`config_files` for a command line oslo.config will parse."""
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    parser.add_argument('--config-file', action='append', default=[])
    parser.add_argument('--config-dir', action='append', default=[])
    known, _rest = parser.parse_known_args(argv)
    return config_files(known.config_file, known.config_dir, project, prog)


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
