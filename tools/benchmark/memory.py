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

"""The agent's peak memory while it lists every database on the server.

The agent is a process of its own (``python -m tools.benchmark.memory``),
so that nothing the benchmark itself holds counts. It connects through
the plugin's pooled client, takes its resident size as the idle figure,
resets the kernel's high-water mark, lists (first page, full walk by
marker, everything at once), and reports the new high-water mark as one
JSON line on stdout.
"""

import argparse
import collections
import gc
import json
import subprocess
import sys

from tools.harness import helpers
from tools.harness import process
from trove.common import cfg

CONF = cfg.CONF
TARGET_MIB = 50
TIMEOUT = 600
AGENT_MODULE = 'tools.benchmark.memory'

MemoryResult = collections.namedtuple(
    'MemoryResult', ['databases', 'idle_kib', 'peak_kib', 'listed',
                     'peak_reset'])


def _status_kib(field):
    with open('/proc/self/status') as status:
        for line in status:
            if line.startswith(field + ':'):
                return int(line.split()[1])
    raise RuntimeError('no %s in /proc/self/status' % field)


def _reset_peak():
    """Reset VmHWM to the current size (Linux 4.0 and later)."""
    try:
        with open('/proc/self/clear_refs', 'w') as clear_refs:
            clear_refs.write('5')
    except OSError:
        # VmHWM then also covers start-up, which only overstates the peak.
        return False
    return True


def run_agent(host, port, credentials_file, page):
    """Measure in this process; returns the result as a dict."""
    # Imported here: the idle figure must include what the agent loads.
    from trove.guestagent.datastore.experimental.mongodb import connection
    from trove.guestagent.datastore.experimental.mongodb import manager

    CONF([], project='trove-bench', default_config_files=[])
    CONF.set_override('mongodb_host', host, 'mongodb')
    CONF.set_override('mongodb_port', port, 'mongodb')
    CONF.set_override('admin_credentials_file', credentials_file, 'mongodb')
    agent = manager.Manager()
    with connection.get_pool().acquire() as conn:
        conn.client.admin.command('ping')
    gc.collect()
    idle = _status_kib('VmRSS')
    reset = _reset_peak()

    pages = helpers.walk(lambda marker: agent.list_databases(
        None, limit=page, marker=marker), 1000000 // page)
    listed = len(helpers.walked_items(pages))
    everything, _marker = agent.list_databases(None)
    return {'databases': len(everything), 'idle_kib': idle,
            'peak_kib': _status_kib('VmHWM'), 'listed': listed,
            'peak_reset': reset}


def measure(host, port, credentials_file, page=100):
    """Run the agent process and return its :class:`MemoryResult`."""
    completed = subprocess.run(
        [sys.executable, '-m', AGENT_MODULE, '--host', host, '--port',
         str(port), '--credentials-file', credentials_file, '--page',
         str(page)],
        cwd=process.ROOT, stdin=subprocess.DEVNULL, capture_output=True,
        text=True, timeout=TIMEOUT)
    if completed.returncode:
        raise RuntimeError('the memory agent failed (%d):\n%s'
                           % (completed.returncode, completed.stderr))
    return MemoryResult(**json.loads(completed.stdout.splitlines()[-1]))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--host', required=True)
    parser.add_argument('--port', type=int, required=True)
    parser.add_argument('--credentials-file', required=True)
    parser.add_argument('--page', type=int, default=100)
    args = parser.parse_args(argv)
    print(json.dumps(run_agent(args.host, args.port, args.credentials_file,
                               args.page)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
