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

"""The line protocol of the peer drivers, in upstream Trove's venvs.

Each driver (``upstream_peer/driver.py`` for Trove 26,
``ussuri_peer/driver.py`` for Trove 13) reads one JSON request a line on
stdin, ``{"id": N, "op": NAME, "args": {...}}``, and answers each with one
line on stdout, ``{"id": N, "ok": true, "result": ...}`` or ``{"id": N,
"ok": false, "error": {"class": ..., "message": ..., ...}}``; its first
line, with id null, is the result of :func:`hello`. The
harness's side is :class:`trove.tests.upstream_trove.Driver`.

This folder is on the path of both venvs (a ``.pth`` file that
``tools/dev.py`` writes); it is no package of the project's. A driver
imports ``trove.cmd`` first, as Trove's own services do, so that eventlet
patches what this module imports.
"""

import json
import logging
import os
import sys
import traceback

from oslo_log import log as oslo_logging
from oslo_serialization import jsonutils

from trove.common import cfg
from trove import rpc
from trove import version

LOG = logging.getLogger('trove_peer_driver')


class RequestError(Exception):
    """A request the driver cannot carry out as asked."""


def error(exc):
    """``exc`` as an answer: its class, module, message and cause."""
    answer = {'class': type(exc).__name__, 'module': type(exc).__module__,
              'message': str(exc)}
    cause = exc.__cause__ or exc.__context__
    if cause is not None:
        answer.update(cause_class=type(cause).__name__,
                      cause_message=str(cause))
    return answer


def handle(operations, line):
    """The answer to one request line, by ``operations[op](**args)``."""
    try:
        request = json.loads(line)
    except ValueError as exc:
        return {'id': None, 'ok': False, 'error': error(exc)}
    try:
        operation = operations.get(request.get('op'))
        if operation is None:
            raise RequestError('no operation %r' % request.get('op'))
        result = operation(**request.get('args', {}))
        reply = {'ok': True, 'result': jsonutils.to_primitive(
            result, convert_instances=True)}
    except Exception as exc:
        LOG.info('Request %(op)s failed: %(error)s',
                 {'op': request.get('op'),
                  'error': traceback.format_exc()})
        reply = {'ok': False, 'error': error(exc)}
    reply['id'] = request.get('id')
    return reply


def _lines(fd):
    """Lines from ``fd``, read without blocking eventlet's other work."""
    pending = b''
    while True:
        # os.read is green under eventlet: the message bus's heartbeats go
        # on while the driver waits for its next request.
        chunk = os.read(fd, 65536)
        if not chunk:
            return
        pending += chunk
        while b'\n' in pending:
            line, pending = pending.split(b'\n', 1)
            if line.strip():
                yield line.decode('utf-8')


def hello():
    return {'trove_version': version.version_info.version_string(),
            'pid': os.getpid()}


def run(argv, operations, configure_db):
    """Run a driver: ``argv`` is ``[script, TROVE_CONF, LOG_FILE]``.

    Trove's configuration and logging, its RPC and its database (with
    ``configure_db(CONF)``), then :func:`serve` until stdin ends. The
    log stays at INFO: Trove logs a new instance's key at DEBUG.
    """
    config_file, log_file = argv[1:3]
    # Only answers go to the real stdout; anything a library prints goes
    # to stderr.
    replies = os.fdopen(os.dup(1), 'w', buffering=1)
    os.dup2(2, 1)
    conf = cfg.CONF
    conf(['--config-file', config_file, '--log-file', log_file,
          '--nodebug'], project='trove')
    oslo_logging.setup(conf, 'trove')
    rpc.init(conf)
    configure_db(conf)
    operations = dict(operations, hello=hello)
    replies.write(json.dumps({'id': None, 'ok': True, 'result': hello()})
                  + '\n')
    for line in _lines(sys.stdin.fileno()):
        replies.write(json.dumps(handle(operations, line)) + '\n')
