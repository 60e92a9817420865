"""See the commands a client sends, to check plugin and baseline agree."""

from pymongo import monitoring


class CommandRecorder(monitoring.CommandListener):
    """Records the name of every command a client starts."""

    def __init__(self):
        self.commands = []

    def started(self, event):
        self.commands.append(event.command_name)

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass

    def take(self):
        """The commands recorded since the last call, then forget them."""
        commands, self.commands = self.commands, []
        return commands


class RecordingConnection:
    """Stands in for the plugin's connection holder, recording commands.

    It asks the real holder which target to use (so the configuration
    and credentials file are read as usual) and hands out one client of
    its own for that target, with ``recorder`` listening to it.
    """

    def __init__(self, recorder, connection):
        self._recorder = recorder
        self._connection = connection
        self._target = self._client = None

    def get(self):
        target, _client = self._connection.get()
        if target != self._target:
            self.close()
            self._client = target.new_client(
                event_listeners=[self._recorder])
            self._target = target
        return target, self._client

    def close(self):
        if self._client is not None:
            self._client.close()
        self._target = self._client = None
