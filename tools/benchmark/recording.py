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

"""See the commands a client sends, to check plugin and baseline agree."""

import contextlib

from pymongo import monitoring

from trove.guestagent.datastore.experimental.mongodb import connection


class CommandRecorder(monitoring.CommandListener):
    """Records the name of every command a client starts.

    A command that waits for the journal (write concern ``j: true``) is
    recorded as ``name (j)``.
    """

    def __init__(self):
        self.commands = []

    def started(self, event):
        write_concern = event.command.get('writeConcern') or {}
        journaled = ' (j)' if write_concern.get('j') else ''
        self.commands.append(event.command_name + journaled)

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass

    def take(self):
        """The commands recorded since the last call, then forget them."""
        commands, self.commands = self.commands, []
        return commands


class RecordingPool:
    """Stands in for the plugin's connection pool, recording commands.

    It asks the real pool which target to use (so the configuration and
    credentials file are read as usual) and hands out one client of its
    own for that target, with ``recorder`` listening to it.
    """

    def __init__(self, recorder, pool):
        self._recorder = recorder
        self._pool = pool
        self._target = self._client = None

    @contextlib.contextmanager
    def acquire(self):
        with self._pool.acquire() as conn:
            target = conn.target
        if target != self._target:
            self.close()
            self._client = target.new_client(
                event_listeners=[self._recorder])
            self._target = target
        yield connection.Connection(target, self._client)

    def close(self):
        if self._client is not None:
            self._client.close()
        self._target = self._client = None
