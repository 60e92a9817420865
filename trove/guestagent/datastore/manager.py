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

"""The datastore-neutral part of a guest agent's Manager.

Trove's guest API is served by a datastore's Manager, derived from this
one as upstream Trove's are. This part answers ``rpc_ping``, carries out
``prepare``, reports the datastore's status to trove-conductor (the
heartbeat), reports the outcome of the requests Trove asked to hear about,
and answers ``get_filesystem_stats``. A datastore's Manager names its
datastore in ``MANAGER``, gives its ``mount_point``, implements
:meth:`Manager.get_service_status` and its database operations; the RPC
endpoint refuses the operations it does not serve.
"""

import contextlib
import os

from oslo_log import log as logging

from trove.common import cfg
from trove.common import rpc
from trove.guestagent import conductor
from trove.guestagent import preparation
from trove.guestagent import volume

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

# Senders that finish their notification themselves; for any other (a
# cast marks it 'guest') the guest reports the outcome to the conductor,
# as Trove's own agents do.
_SELF_REPORTING_SENDERS = ('api', 'taskmanager')


def _guest_finishes(context):
    """Whether ``context`` carries a notification the guest must finish."""
    notification = getattr(context, 'notification', None)
    return isinstance(notification, dict) and (
        notification.get('server_type') not in _SELF_REPORTING_SENDERS)


class Manager:
    """Trove's guest API, as every datastore's agent serves it.

    ``MANAGER`` names the datastore, in refusals and reports.

    :param conductor_api: what reports to trove-conductor; by default a
        :class:`~trove.guestagent.conductor.API` for ``[DEFAULT]
        guest_id``, made on first use.
    """

    MANAGER = None

    def __init__(self, conductor_api=None):
        self._conductor = conductor_api
        self._reported_status = None

    @property
    def conductor(self):
        if self._conductor is None:
            self._conductor = conductor.API(CONF.guest_id, rpc.instance_key())
        return self._conductor

    @property
    def mount_point(self):
        """Where the datastore's data volume is mounted."""
        raise NotImplementedError()

    def get_service_status(self):
        """The datastore's status as a Trove status word, and its cause.

        :returns: ``(status, error)``, ``error`` being ``None`` when the
            datastore is healthy, else the error that shows why not.
        """
        raise NotImplementedError()

    @contextlib.contextmanager
    def outcome_reported(self, context, request):
        """Tell trove-conductor how the request of ``context`` ended.

        The RPC endpoint runs every request inside it. Trove's API puts a
        notification in the context of a database-create or -delete (and
        of the user commands that older releases forward), and its
        taskmanager in that of a prepare, leaving their end to the guest:
        the conductor then gets ``notify_end`` on success, or
        ``notify_exc_info`` with the error's message on failure, refusals
        included, which it logs, sends on as the request's error
        notification and saves as the instance's fault. A request without
        such a notification reports nothing.

        :param request: the request as the agent's log lines name it
            ("create_database for databases ['sales']").
        """
        if not _guest_finishes(context):
            yield
            return
        try:
            yield
        except Exception as exc:
            self._report(self.conductor.notify_exc_info, context, request,
                         'failed', exc)
            raise
        self._report(self.conductor.notify_end, context, request,
                     'succeeded')

    # Trove's guest API

    def rpc_ping(self, context):
        return True

    def prepare(self, context, databases=None, users=None,
                root_password=None, **instance_setup):
        """Trove's instance preparation: databases, users and root.

        The databases are created first, then the users, which may be
        given access to them, then root with ``root_password`` when Trove
        sends one (its ``root_on_create``), unless a backup is restored,
        as Trove's agents do. ``instance_setup`` holds Trove's other
        prepare arguments (packages, volume, configuration, ds_version,
        ...), which are the operator's part of the instance here and
        logged as skipped. Trove's agents report ``building`` until
        prepare is done, then the datastore's status at every heartbeat; a
        failure to create the databases, users or root still leaves the
        instance prepared, and is the outcome of the request.
        """
        preparation.log_skipped(instance_setup)
        self._send_heartbeat(conductor.BUILDING)
        try:
            if databases:
                outcome = self.create_database(context, databases)
                # Once per instance, and what the operator asked for it.
                LOG.info('Prepare made sure databases %s exist.',
                         outcome['created'] + outcome['existed'])
            if users:
                outcome = self.create_user(context, users)
                LOG.info('Prepare created users %s.', outcome['created'])
            if root_password and not instance_setup.get('backup_info'):
                self.enable_root_with_password(context, root_password)
                LOG.info('Prepare enabled root.')
        except Exception:
            # Still prepared: MongoDB runs, and the operator may create
            # the databases again. The failure is the request's outcome.
            self._finish_prepare()
            raise
        self._finish_prepare()

    def get_filesystem_stats(self, context, fs_path=None):
        """The figures of the data volume; ``fs_path`` is ignored.

        Trove asks with ``fs_path=None`` and its agents answer for their
        datastore's mount point, as this one does.
        """
        return volume.filesystem_stats(self.mount_point, self.MANAGER)

    # The heartbeat

    @staticmethod
    def prepare_completed():
        return os.path.exists(CONF.prepare_marker_file)

    def _finish_prepare(self):
        self._mark_prepared()
        self.report_status()

    def _mark_prepared(self):
        path = CONF.prepare_marker_file
        os.makedirs(os.path.dirname(path) or '.', exist_ok=True)
        with open(path, 'a'):
            pass
        LOG.info('Prepare has completed; heartbeats to trove-conductor go '
                 'on from now, also after a restart (%s records it).', path)

    def report_status(self):
        """Send trove-conductor the datastore's status: the heartbeat.

        Run every ``report_interval`` seconds, and at the end of prepare.
        Before prepare has completed, nothing is sent, as Trove's agents
        do: the instance is still being built.
        """
        if not self.prepare_completed():
            LOG.debug('Prepare has not completed; no heartbeat.')
            return
        status, error = self.get_service_status()
        if status != self._reported_status:
            if error is None:
                LOG.info('Reporting %(datastore)s as %(status)s to '
                         'trove-conductor.',
                         {'datastore': self.MANAGER, 'status': status})
            else:
                LOG.warning('Reporting %(datastore)s as %(status)s to '
                            'trove-conductor: %(error)s',
                            {'datastore': self.MANAGER, 'status': status,
                             'error': error})
            self._reported_status = status
        self._send_heartbeat(status)

    def _send_heartbeat(self, status):
        try:
            self.conductor.heartbeat(status)
        except Exception as exc:
            # The next heartbeat tries again; Trove shows the instance in
            # error only after agent_heartbeat_expiry without one.
            LOG.warning('Could not send the heartbeat (%(status)s) to '
                        'trove-conductor: %(error)s',
                        {'status': status, 'error': exc})

    def _report(self, send, context, request, outcome, *args):
        try:
            send(context, *args)
        except Exception as exc:
            # The request's own outcome stands, and Trove will not learn
            # it: this line is where it shows, whatever the log level.
            LOG.warning('Request %(request)s %(outcome)s, but could not '
                        'report that to trove-conductor: %(error)s',
                        {'request': request, 'outcome': outcome,
                         'error': exc})
