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

"""A tenant writing to its own database, for the rows under load.

The tenant is a process of its own (``python -m tools.benchmark.tenant``),
so that its writes share nothing with the benchmark's interpreter but the
server. It authenticates as a user of its own with ``readWrite`` on its
database, and inserts a document of about 1 KiB every
:data:`INTERVAL` seconds, one after another on one connection, with the
default write concern, as an application does. It records when each
insert started and how long it took, on ``time.monotonic()``, the
system-wide clock the benchmark reads too, so the benchmark can tell
which inserts ran while its commands did.

It reads its settings as one JSON line on stdin (so the password stays
out of the process list), prints ``ready`` once it writes, stops when
stdin says ``stop``, writes its samples to the file named in the
settings, and prints ``done``.
"""

import array
import json
import secrets
import subprocess
import sys
import threading
import time

import pymongo

from tools.harness import process

MODULE = 'tools.benchmark.tenant'
DATABASE = 'bench_tenant_data'
USER = 'bench_tenant'
# One insert every millisecond at most: a steady stream, below what one
# connection can do, so that the tenant's latency shows the server's
# answer time rather than its own queue.
INTERVAL = 0.001
DOCUMENT_BYTES = 1024
TIMEOUT = 120.0


class TenantError(RuntimeError):
    pass


class Tenant(process.ChildProcess):
    """The tenant process, seen from the benchmark.

    :param root: a client with the root role, which creates the tenant's
        user and drops its user and database at :meth:`close`.
    """

    def __init__(self, server, root, samples_path):
        super().__init__('the tenant process', error=TenantError)
        self.server = server
        self.root = root
        self.samples_path = samples_path
        self.password = secrets.token_urlsafe(18)

    def start(self):
        self.root[DATABASE].command('createUser', USER, pwd=self.password,
                                    roles=[{'role': 'readWrite',
                                            'db': DATABASE}])
        self.launch([sys.executable, '-m', MODULE], cwd=process.ROOT,
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE, text=True)
        self._process.stdin.write(json.dumps({
            'host': self.server.host, 'port': self.server.port,
            'username': USER, 'password': self.password,
            'samples': self.samples_path}) + '\n')
        self._process.stdin.flush()
        self._expect('ready')

    def _expect(self, word):
        line = self._process.stdout.readline().strip()
        if line != word:
            self.kill()
            raise TenantError('the tenant process said %r instead of %r:\n%s'
                              % (line, word, self._process.stderr.read()))

    def stop(self):
        """Stop writing; return ``[(started, seconds), ...]``."""
        self._process.stdin.write('stop\n')
        self._process.stdin.flush()
        self._expect('done')
        self.wait(TIMEOUT)
        samples = array.array('d')
        with open(self.samples_path, 'rb') as stream:
            samples.frombytes(stream.read())
        return list(zip(samples[0::2], samples[1::2]))

    def close(self):
        self.kill()
        self.root[DATABASE].command('dropAllUsersFromDatabase')
        self.root.drop_database(DATABASE)


def write(settings, stop):
    """Insert until ``stop`` is set; return the samples as an array."""
    client = pymongo.MongoClient(
        settings['host'], settings['port'], directConnection=True,
        username=settings['username'], password=settings['password'],
        authSource=DATABASE)
    try:
        documents = client[DATABASE].documents
        documents.insert_one({'warm': True})
        samples = array.array('d')
        print('ready', flush=True)
        payload = 'x' * DOCUMENT_BYTES
        serial = 0
        next_start = time.monotonic()
        while not stop.is_set():
            now = time.monotonic()
            if now < next_start:
                time.sleep(next_start - now)
            started = time.monotonic()
            documents.insert_one({'_id': serial, 'payload': payload})
            samples.append(started)
            samples.append(time.monotonic() - started)
            serial += 1
            next_start = started + INTERVAL
        return samples
    finally:
        client.close()


def main():
    settings = json.loads(sys.stdin.readline())
    stop = threading.Event()
    result = {}

    def run():
        try:
            result['samples'] = write(settings, stop)
        except Exception as exc:
            print('failed: %s' % exc, flush=True)
    writer = threading.Thread(target=run, daemon=True)
    writer.start()
    while sys.stdin.readline().strip() not in ('stop', ''):
        pass
    stop.set()
    writer.join(TIMEOUT)
    if 'samples' not in result:
        return 1
    with open(settings['samples'], 'wb') as stream:
        result['samples'].tofile(stream)
    print('done', flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
