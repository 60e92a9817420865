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

"""Upstream Trove as the tests' peer: its database, conductor and classes.

Upstream Trove (PyPI ``trove``, the release in
``trove/tests/upstream_peer/requirements.txt``) lives in a venv of its own,
``.trove-upstream`` at the top of the repository (``tools/dev.py``
creates it), since its package name is ours too. From there the harness
runs, as processes of their own:

- ``trove-manage db_sync`` on a fresh MariaDB database of the test run;
- ``trove-conductor`` on that database and the message bus, on a
  conductor topic of its own, so that parallel test processes and other
  users of the broker never take each other's messages;
- the driver (``upstream_peer/driver.py``), which calls Trove's own
  classes for the tests: its guest API with an instance row in its
  database (so the key comes from Trove's own lookup), its notifications,
  its conductor API as a fake guest, its models.

:class:`UpstreamTrove` is the tests' API over them; :func:`shared` gives
one per test process. Without MariaDB, the message broker or the venv,
the harness raises :class:`UpstreamTroveError`: it never skips.

Environment: ``TROVE_UPSTREAM_PYTHON`` names another interpreter of an
upstream Trove venv; ``TROVE_TEST_MARIADB_URL``
(``mysql+pymysql://user:password@host:port``) another MariaDB server;
``TROVE_TEST_TRANSPORT_URL`` another broker (:mod:`tools.harness.agent`).
"""

import atexit
import configparser
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from urllib import parse
import uuid

import kombu

from tools.harness import agent as agent_process
from tools.harness import process

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
PEER_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        'upstream_peer')
DRIVER = os.path.join(PEER_DIR, 'driver.py')
REQUIREMENTS = os.path.join(PEER_DIR, 'requirements.txt')
VENV = os.path.join(ROOT, '.trove-upstream')

PYTHON_VARIABLE = 'TROVE_UPSTREAM_PYTHON'
MARIADB_VARIABLE = 'TROVE_TEST_MARIADB_URL'
DEFAULT_MARIADB_URL = 'mysql+pymysql://root@127.0.0.1:3306'
DATABASE_PREFIX = 'trove_test_'
# Trove's default [DEFAULT] host: its conductor's server queue is named
# after it.
TROVE_HOST = '0.0.0.0'

DB_SYNC_TIMEOUT = 120.0
START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0
# A request waits for its own RPC timeout inside the driver first.
REQUEST_TIMEOUT = 240.0


class UpstreamTroveError(RuntimeError):
    """The harness cannot run upstream Trove as asked."""


class UpstreamCallError(UpstreamTroveError):
    """Trove's code raised: its exception's class and message.

    ``cause_class`` and ``cause_message`` are those of the exception it
    was raised from, when there is one (Trove's guest API turns every
    failure into ``GuestError``, ``GuestTimeout`` and the like).
    """

    def __init__(self, operation, error):
        self.operation = operation
        self.class_name = error.get('class')
        self.message = error.get('message', '')
        self.cause_class = error.get('cause_class')
        self.cause_message = error.get('cause_message')
        super().__init__(
            '%s: %s: %s' % (operation, self.class_name, self.message))


class PeerVenv:
    """A venv of upstream Trove: its interpreter and console scripts.

    :param path: the venv's folder.
    :param variable: the environment variable that names another
        interpreter instead.
    """

    def __init__(self, path, variable, release):
        self.path = path
        self.variable = variable
        self.release = release

    def python(self):
        """The venv's interpreter; fail when there is none."""
        python = os.environ.get(self.variable) or os.path.join(
            self.path, 'bin', 'python')
        if not os.path.isfile(python):
            raise UpstreamTroveError(
                'No upstream Trove %s venv at %s. "python3 tools/dev.py '
                'test" creates it, or point %s at the python of one.'
                % (self.release, python, self.variable))
        return python

    def tool(self, name):
        """The path of the console script ``name`` of the venv."""
        return os.path.join(os.path.dirname(self.python()), name)


TROVE_26 = PeerVenv(VENV, PYTHON_VARIABLE, '26.0.0')


def upstream_source(module):
    """The source text of upstream Trove's ``module`` (a dotted name)."""
    path = subprocess.run(
        [TROVE_26.python(), '-I', '-c',
         'import importlib, sys; '
         'print(importlib.import_module(sys.argv[1]).__file__)', module],
        env=clean_environment(), capture_output=True, text=True,
        timeout=60, check=True).stdout.strip()
    with open(path) as stream:
        return stream.read()


def clean_environment():
    """No variable of this project's venv or Python path for upstream's."""
    keep = ('PATH', 'HOME', 'LANG', 'LC_ALL', 'TMPDIR', 'TZ')
    return {name: os.environ[name] for name in keep if name in os.environ}


def mariadb_url():
    return os.environ.get(MARIADB_VARIABLE) or DEFAULT_MARIADB_URL


def require_mariadb(url):
    """Fail, never skip, when MariaDB is down: the tests need it."""
    host, port = agent_process.url_address(url, 3306)
    if not agent_process.reachable((host, port)):
        raise UpstreamTroveError(
            'No MariaDB answers at %s:%s. Start it with "start-stop-daemon '
            '--start --oknodo --background --exec /usr/sbin/mariadbd" '
            '(.ci/run does), or point %s at one.'
            % (host, port, MARIADB_VARIABLE))


_SQL = '''
import sys
from urllib import parse
import pymysql
url = parse.urlsplit(sys.argv[1])
connection = pymysql.connect(
    host=url.hostname, port=url.port or 3306,
    user=parse.unquote(url.username or 'root'),
    password=parse.unquote(url.password or ''))
try:
    connection.cursor().execute(sys.argv[2])
finally:
    connection.close()
'''


def _run(args, timeout, what):
    try:
        completed = subprocess.run(
            args, env=clean_environment(), stdin=subprocess.DEVNULL,
            capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise UpstreamTroveError('%s did not finish within %.0f s'
                                 % (what, timeout))
    if completed.returncode:
        raise UpstreamTroveError('%s failed with status %s:\n%s'
                                 % (what, completed.returncode,
                                    completed.stderr[-3000:]))
    return completed


def _execute_sql(python, url, statement):
    """One statement on the MariaDB server, with upstream's PyMySQL."""
    _run([python, '-I', '-c', _SQL, url, statement],
         timeout=60.0, what='MariaDB statement %r' % statement)


def _queue_consumers(url, name):
    """How many consumers queue ``name`` has; 0 when it does not exist."""
    parsed = parse.urlsplit(url)
    if parsed.scheme not in ('rabbit', 'amqp'):
        return 1
    with kombu.Connection(parsed._replace(scheme='amqp').geturl(),
                          connect_timeout=5) as connection:
        channel = connection.channel()
        try:
            return channel.queue_declare(name, passive=True).consumer_count
        except Exception:
            # A passive declare of a missing queue closes the channel.
            return 0


def _poll(probe, done, timeout, failure):
    """Call ``probe`` until ``done`` accepts its value; return that value.

    After ``timeout`` seconds, raise with the message ``failure`` makes of
    the last value.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise UpstreamTroveError(failure(value))
        time.sleep(0.1)


def guest_info(path):
    """The ``[DEFAULT]`` values of a guest_info.conf, as a dict.

    It holds the instance's key: compare with it, never print it.
    """
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(path)
    return dict(parser.defaults())


class Deployment:
    """A MariaDB database with Trove's schema, and its trove.conf.

    :param workdir: where trove.conf and the logs go.
    """

    def __init__(self, transport_url=None, database_url=None, workdir=None,
                 venv=TROVE_26):
        suffix = uuid.uuid4().hex[:12]
        self.venv = venv
        self.transport_url = transport_url or agent_process.transport_url()
        self.database_url = database_url or mariadb_url()
        self.database = DATABASE_PREFIX + suffix
        # Trove's guests cast to this topic; a test's agent needs it too.
        self.conductor_queue = 'trove-conductor-%s' % suffix
        self.workdir = workdir or tempfile.mkdtemp(prefix='trove-upstream-')
        self.config_file = os.path.join(self.workdir, 'trove.conf')
        self.created = False

    def guest_options(self):
        """``[DEFAULT]`` options of a guest of this deployment."""
        return {'transport_url': self.transport_url,
                'control_exchange': 'trove',
                'conductor_queue': self.conductor_queue}

    def options(self):
        """trove.conf, as ``{section: {option: value}}``."""
        default = dict(self.guest_options())
        default.update({
            'debug': 'true',
            'trove_conductor_workers': '1',
            # Trove's own defaults, written out because tests rely on them.
            'enable_secure_rpc_messaging': 'true',
            'report_interval': '30',
            'agent_heartbeat_expiry': '90',
        })
        sections = {
            'DEFAULT': default,
            'database': {'connection': '%s/%s?charset=utf8' % (
                self.database_url, self.database)},
            # Notifications go to each process's log, where tests read
            # them; none goes to the message bus.
            'oslo_messaging_notifications': {'driver': 'log'},
            'oslo_messaging_rabbit': {'rabbit_transient_queues_ttl': '60'},
        }
        return sections

    def write_config(self):
        with open(self.config_file, 'w') as stream:
            for section, values in self.options().items():
                stream.write('[%s]\n' % section)
                for key, value in sorted(values.items()):
                    stream.write('%s = %s\n' % (key, value))

    def create(self):
        """Make the database, its schema with db_sync, and trove.conf."""
        require_mariadb(self.database_url)
        agent_process.require_broker(self.transport_url)
        self.venv.python()
        self.write_config()
        _execute_sql(self.venv.python(), self.database_url,
                     'CREATE DATABASE `%s` CHARACTER SET utf8'
                     % self.database)
        self.created = True
        self.manage('db_sync', timeout=DB_SYNC_TIMEOUT)

    def manage(self, *args, timeout=60.0):
        """Run ``trove-manage`` of the venv on this deployment."""
        return _run([self.venv.tool('trove-manage'), '--config-file',
                     self.config_file, '--log-file',
                     os.path.join(self.workdir, 'manage.log')] + list(args),
                    timeout=timeout,
                    what='trove-manage %s' % ' '.join(args))

    def drop(self):
        if self.created:
            _execute_sql(self.venv.python(), self.database_url,
                         'DROP DATABASE IF EXISTS `%s`' % self.database)
            self.created = False


class UpstreamProcess(process.ChildProcess):
    """A process of upstream Trove's, with its log and its output files."""

    stop_timeout = STOP_TIMEOUT

    def __init__(self, deployment, name, output_name):
        super().__init__(
            'trove-%s' % name,
            output_file=os.path.join(deployment.workdir, output_name),
            log_file=os.path.join(deployment.workdir, name + '.log'),
            error=UpstreamTroveError)
        self.service = name
        self.deployment = deployment

    def launch(self, args, **kwargs):
        """Start ``args`` in the work folder, without this venv's variables."""
        return super().launch(args, cwd=self.deployment.workdir,
                              env=clean_environment(), **kwargs)

    def ready(self):
        """Whether the service takes requests; a subclass tells."""
        raise NotImplementedError()

    def start(self, timeout=START_TIMEOUT):
        """Start the service ``trove-<name>`` and wait until it is ready."""
        if self.running:
            return
        self.launch([self.deployment.venv.tool(self.name),
                     '--config-file', self.deployment.config_file,
                     '--log-file', self.log_file])
        self.wait_until_ready(self.ready, timeout)


class ConductorProcess(UpstreamProcess):
    """``trove-conductor`` of ``deployment``, as a process of its own."""

    def __init__(self, deployment):
        super().__init__(deployment, 'conductor', 'conductor.out')

    def ready(self):
        """Whether it consumes its topic."""
        return _queue_consumers(self.deployment.transport_url,
                                self.deployment.conductor_queue)


class Driver(UpstreamProcess):
    """The driver process: Trove's own classes, one JSON request a line."""

    def __init__(self, deployment, script=DRIVER):
        super().__init__(deployment, 'driver', 'driver.err')
        self.name = 'the upstream driver'
        self.script = script
        self.trove_version = None
        self._replies = queue.Queue()
        self._next_id = 0
        self._lock = threading.Lock()

    def start(self, timeout=START_TIMEOUT):
        if self.running:
            return
        self._replies = queue.Queue()
        # -I: neither this repository nor any PYTHON* variable on its
        # path, so ``trove`` is upstream's.
        driver = self.launch(
            [self.deployment.venv.python(), '-I', self.script,
             self.deployment.config_file, self.log_file],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            bufsize=1)
        threading.Thread(target=self._read, args=(driver.stdout,),
                         daemon=True).start()
        hello = self._reply(None, 'start', timeout)
        self.trove_version = hello['trove_version']

    def _read(self, stream):
        for line in stream:
            self._replies.put(line)
        self._replies.put(None)

    def _reply(self, request_id, operation, timeout):
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._replies.get(
                    timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise UpstreamTroveError(
                    'the upstream driver did not answer %s within %.0f s'
                    % (operation, timeout))
            if line is None:
                raise UpstreamTroveError(
                    'the upstream driver exited during %s:\n%s'
                    % (operation, self.output()[-3000:]))
            reply = json.loads(line)
            if reply.get('id') != request_id:
                continue
            if not reply['ok']:
                raise UpstreamCallError(operation, reply['error'])
            return reply['result']

    def request(self, operation, args=None, timeout=REQUEST_TIMEOUT):
        """Run ``operation`` with ``args`` (a dict); return its result."""
        with self._lock:
            if not self.running:
                raise UpstreamTroveError('the upstream driver is not running')
            self._next_id += 1
            request_id = self._next_id
            line = json.dumps({'id': request_id, 'op': operation,
                               'args': args or {}})
            self._process.stdin.write(line + '\n')
            self._process.stdin.flush()
            return self._reply(request_id, operation, timeout)

    def ask_to_stop(self):
        # The driver ends at the end of its input.
        self._process.stdin.close()


class PeerTrove:
    """A started upstream Trove: its deployment, conductor and driver.

    A subclass adds its own processes in :meth:`processes`.
    """

    def __init__(self, deployment, driver_script=DRIVER):
        self.deployment = deployment
        self.conductor = ConductorProcess(self.deployment)
        self.driver = Driver(self.deployment, script=driver_script)
        self.instances = []
        self.timings = {}

    def processes(self):
        """The processes of the deployment, in the order they start."""
        return [self.conductor, self.driver]

    def start(self):
        """db_sync, then each process; ``timings`` says how long each."""
        steps = [('db_sync', self.deployment.create)] + [
            ('%s_start' % service.service, service.start)
            for service in self.processes()]
        for name, step in steps:
            began = time.monotonic()
            step()
            self.timings[name] = time.monotonic() - began

    def ensure_running(self):
        """Restart a process a test stopped."""
        for service in self.processes():
            service.start()

    def stop(self):
        for service in reversed(self.processes()):
            service.stop()
        try:
            names = [self.deployment.conductor_queue,
                     '%s.%s' % (self.deployment.conductor_queue, TROVE_HOST)]
            agent_process.delete_queue_names(self.deployment.transport_url,
                                             names)
            for instance_id in self.instances:
                agent_process.delete_queues(self.deployment.transport_url,
                                            instance_id)
        finally:
            self.deployment.drop()

    def discard(self):
        """Stop everything and remove the work folder."""
        try:
            self.stop()
        finally:
            shutil.rmtree(self.deployment.workdir, ignore_errors=True)

    @property
    def trove_version(self):
        return self.driver.trove_version

    def conductor_log(self):
        return self.conductor.log()

    def driver_log(self):
        return self.driver.log()

    def wait_for_conductor_log(self, *fragments, since=0, timeout=30.0):
        """Wait until one conductor log line holds every fragment.

        Returns the line. ``since``: a length of :meth:`conductor_log`
        taken before.
        """
        return self.conductor.wait_for_log(*fragments, since=since,
                                           timeout=timeout)

    def wait_for_status(self, instance_id, status, timeout=30.0):
        """Wait until the instance's status word is ``status``."""
        return _poll(
            lambda: self.instance_status(instance_id),
            lambda current: current['status'] == status, timeout,
            lambda current: 'instance %s is %r, not %r, after %.0f s'
            % (instance_id, current['status'], status, timeout))

    def wait_for_settled_status(self, instance_id, status, timeout=30.0):
        """Wait until a heartbeat after the first ``status`` says it again.

        Trove's conductor compares a heartbeat's ``sent`` with the last it
        recorded, but prepare's first two heartbeats (``building``, then
        the datastore's status) can arrive together, before either has
        recorded one: both are taken, and the older may be saved last. The
        agent's next heartbeat corrects it; a test starts after that one.
        """
        first = self.wait_for_status(instance_id, status, timeout)
        return _poll(
            lambda: self.instance_status(instance_id),
            lambda current: (current['status'] == status and
                             current['updated_at'] != first['updated_at']),
            timeout,
            lambda current: 'instance %s is %r, with no heartbeat after '
            'the one of %s, after %.0f s'
            % (instance_id, current['status'], first['updated_at'],
               timeout))


class UpstreamTrove(PeerTrove):
    """The tests' API over an upstream Trove deployment.

    Every method runs Trove's own code in the driver. Those that talk to
    a guest take, besides their own arguments:

    - ``context``: TroveContext fields to set (``request_id``,
      ``user_id``, ``project_id``, ``auth_token``...); by default a user of
      the instance's tenant, a fresh request id and :attr:`auth_token`;
    - ``encryption``: ``'instance'`` (the instance's key from Trove's
      lookup, as Trove sends), ``'wrong'`` (another key) or ``'none'``
      (clear, as Trove talks to an instance without a key).
    """

    def __init__(self, deployment=None):
        super().__init__(deployment or Deployment())
        # A Keystone token stand-in in every context: a secret the guest
        # must never log.
        self.auth_token = 'gAAAAAB-harness-%s' % uuid.uuid4().hex

    def _context(self, context):
        values = {'auth_token': self.auth_token,
                  'request_id': 'req-%s' % uuid.uuid4()}
        values.update(context or {})
        return values

    def create_instance(self, guest_info_path, **options):
        """A new instance row, its key made by Trove; returns its id.

        Writes the instance's guest_info.conf, as Trove's taskmanager
        injects it, to ``guest_info_path``. Options: ``tenant_id``,
        ``name``, ``datastore``, ``datastore_version``, ``manager``,
        ``secure`` (False: no key, as with enable_secure_rpc_messaging
        off).
        """
        result = self.driver.request(
            'create_instance', dict(guest_info_path=guest_info_path,
                                    **options))
        self.instances.append(result['instance_id'])
        return result['instance_id']

    def api(self, instance_id, method, context=None, encryption='instance',
            **kwargs):
        """Call a public method of Trove's guest API class.

        ``trove.guestagent.api.API(context, instance_id).method(**kwargs)``:
        its result, or :class:`UpstreamCallError`.
        """
        return self.driver.request('api', dict(
            instance_id=instance_id, method=method, kwargs=kwargs,
            context=self._context(context), encryption=encryption))

    def call(self, instance_id, method, version=None, timeout=None,
             context=None, encryption='instance', **kwargs):
        """Call ``method`` at RPC ``version`` (default 1.0).

        Through the guest API's own ``_call``: its result, or
        :class:`UpstreamCallError`. ``timeout`` defaults to Trove's
        ``agent_call_low_timeout``.
        """
        return self.driver.request('rpc', dict(
            instance_id=instance_id, method=method,
            version=version or '1.0', kwargs=kwargs, cast=False,
            timeout=timeout, context=self._context(context),
            encryption=encryption))

    def cast(self, instance_id, method, version=None, context=None,
             encryption='instance', **kwargs):
        """Cast ``method`` at RPC ``version``; return the request id."""
        context = self._context(context)
        self.driver.request('rpc', dict(
            instance_id=instance_id, method=method,
            version=version or '1.0', kwargs=kwargs, cast=True,
            context=context, encryption=encryption))
        return context['request_id']

    def database_create(self, instance_id, names, precheck=True,
                        check_datastore=False, context=None,
                        encryption='instance'):
        """A database-create as Trove's API sends it.

        Its context carries Trove's ``DBaaSDatabaseCreate`` notification.
        ``names``: database names, or dicts of Trove's API body
        (``{'name': ...}``). ``precheck``: first look for each name with
        ``list_databases`` and refuse one that exists, as Trove's API
        does. ``check_datastore``: run Trove 26's API datastore check
        first, which refuses MongoDB. Returns ``{'request_id',
        'databases'}`` (the payloads sent).
        """
        databases = [name if isinstance(name, dict) else {'name': name}
                     for name in names]
        return self.driver.request('database_create', dict(
            instance_id=instance_id, databases=databases,
            precheck=precheck, check_datastore=check_datastore,
            context=self._context(context), encryption=encryption))

    def database_delete(self, instance_id, name, precheck=True,
                        check_datastore=False, context=None,
                        encryption='instance'):
        """A database-delete as Trove's API sends it.

        Its context carries Trove's ``DBaaSDatabaseDelete`` notification.
        ``precheck``: refuse a name ``list_databases`` does not show, as
        Trove's API does; ``check_datastore`` as for
        :meth:`database_create`. Returns ``{'request_id'}``.
        """
        return self.driver.request('database_delete', dict(
            instance_id=instance_id, name=name, precheck=precheck,
            check_datastore=check_datastore,
            context=self._context(context), encryption=encryption))

    def user_create(self, instance_id, users, context=None,
                    encryption='instance'):
        """A user-create as Trove's API casts it, with its notification.

        ``users``: serialized users, sent as they are. Returns
        ``{'request_id'}``.
        """
        return self.driver.request('user_create', dict(
            instance_id=instance_id, users=list(users),
            context=self._context(context), encryption=encryption))

    def prepare(self, instance_id, databases=(), users=(), memory_mb=2048,
                root_password=None, context=None):
        """``prepare`` as Trove's taskmanager casts it.

        RPC 1.1 with ``ds_version``; the context carries the instance-create
        notification Trove's API started.
        ``databases``: names or API dicts; ``users``: API dicts
        (``{'name', 'password', 'databases': [{'name'}]}``). Returns
        ``{'request_id'}``.
        """
        databases = [name if isinstance(name, dict) else {'name': name}
                     for name in databases]
        return self.driver.request('prepare', dict(
            instance_id=instance_id, databases=databases,
            users=list(users), memory_mb=memory_mb,
            root_password=root_password, context=self._context(context)))

    def datastore_check(self, instance_id):
        """Trove's API check before database and user commands.

        True, or :class:`UpstreamCallError` with Trove's refusal.
        """
        return self.driver.request('datastore_check',
                                   dict(instance_id=instance_id))

    def instance_status(self, instance_id):
        """The instance's service status, read with Trove's model.

        ``{'status'`` (``'new'``, ``'healthy'``, ``'shutdown'``...),
        ``'api_status', 'updated_at', 'uptodate'}``.
        """
        return self.driver.request('instance_status',
                                   dict(instance_id=instance_id))

    def instance_fault(self, instance_id):
        """The fault the conductor saved on an error notification.

        ``{'message', 'details'}``, or None.
        """
        return self.driver.request('instance_fault',
                                   dict(instance_id=instance_id))

    def wait_for_fault(self, instance_id, timeout=30.0):
        """Wait until the conductor has saved a fault for the instance.

        It saves it after it has logged the error notification.
        """
        return _poll(
            lambda: self.instance_fault(instance_id),
            lambda fault: fault is not None, timeout,
            lambda _fault: 'no fault saved for instance %s within %.0f s'
            % (instance_id, timeout))

    def fake_heartbeat(self, instance_id, status, sent=None,
                       encryption='instance'):
        """Cast ``heartbeat`` as the instance's Trove guest does.

        With Trove's conductor API and ``{'service_status': status}``.
        """
        return self.driver.request('fake_guest', dict(
            instance_id=instance_id, method='heartbeat',
            payload={'service_status': status}, sent=sent,
            encryption=encryption))

    def fake_outcome(self, instance_id, failure=None,
                     notification_class='DBaaSDatabaseCreate'):
        """End a notified request as Trove's guest does.

        ``notify_end``, or with ``failure`` (a message) ``notify_exc_info``,
        for a request that carried an API notification. Returns
        ``{'request_id'}``.
        """
        return self.driver.request('fake_guest', dict(
            instance_id=instance_id,
            method='notify_exc_info' if failure else 'notify_end',
            message=failure, notification_class=notification_class))

    def driver_output(self):
        """What the driver wrote to stderr (warnings, tracebacks)."""
        return self.driver.output()


_started = {}


def started_once(factory):
    """One started ``factory()`` per test process, discarded at exit."""
    peer = _started.get(factory)
    if peer is None:
        peer = factory()
        atexit.register(peer.discard)
        try:
            peer.start()
        except Exception:
            atexit.unregister(peer.discard)
            peer.discard()
            raise
        _started[factory] = peer
    peer.ensure_running()
    return peer


def shared():
    """One started Trove 26 deployment per test process."""
    return started_once(UpstreamTrove)
