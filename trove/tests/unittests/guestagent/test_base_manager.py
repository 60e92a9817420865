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

"""The base Manager's heartbeat and its reports to trove-conductor."""

import os
from unittest import mock

from trove.common import exception
from trove.guestagent.datastore.experimental.mongodb import exceptions
from trove.guestagent.datastore.experimental.mongodb import manager
from trove.guestagent import unsupported
from trove.tests.unittests.guestagent import stand_ins

NOTIFICATION = stand_ins.NOTIFICATION
REFUSED = stand_ins.REFUSED
context_with = stand_ins.context_with


class OutcomeReportTest(stand_ins.ManagerTestCase):
    """Requests run as the RPC endpoint runs them, inside the report."""

    def serve(self, operation, ctxt, *args, **kwargs):
        """Run ``operation``, a method's name or a refusal, as requested."""
        if isinstance(operation, str):
            operation = getattr(self.manager, operation)
        with self.manager.outcome_reported(ctxt, 'the request'):
            return operation(ctxt, *args, **kwargs)

    def test_a_success_ends_with_notify_end(self):
        ctxt = context_with(dict(NOTIFICATION))
        self.serve('create_database', ctxt, [{'_name': 'sales'}])
        self.assertEqual([mock.call.notify_end(ctxt)],
                         self.conductor.mock_calls)
        self.assertEqual(NOTIFICATION, ctxt.notification)

    def test_a_failure_ends_with_notify_exc_info_and_still_raises(self):
        self.admin.delete_database.side_effect = REFUSED
        ctxt = context_with(dict(NOTIFICATION))
        self.assertRaises(exception.InvalidDatabaseRequest, self.serve,
                          'delete_database', ctxt, {'_name': 'x.y'})
        self.assertEqual(
            [mock.call.notify_exc_info(ctxt, REFUSED)],
            self.conductor.mock_calls)
        self.assertEqual(NOTIFICATION, ctxt.notification)

    def test_a_refused_operation_is_reported_as_a_failure(self):
        ctxt = context_with(dict(NOTIFICATION, notification_classname=(
            'trove.common.notification.DBaaSInstanceRestart')))
        error = self.assertRaises(
            exception.DatastoreOperationNotSupported, self.serve,
            unsupported.Refusal('restart', self.manager.MANAGER), ctxt)
        self.assertEqual(
            [mock.call.notify_exc_info(ctxt, error)],
            self.conductor.mock_calls)

    def test_no_report_when_the_sender_finishes_its_own(self):
        for sender in ('api', 'taskmanager'):
            self.serve('create_database',
                       context_with(dict(NOTIFICATION, server_type=sender)),
                       [])
        self.serve('create_database', context_with(None), [])
        self.serve('create_database', None, [])
        self.assertEqual([], self.conductor.mock_calls)

    def test_prepare_reports_once_for_the_databases_it_creates(self):
        ctxt = context_with(dict(NOTIFICATION))
        self.serve('prepare', ctxt, databases=[{'_name': 'sales'}])
        self.admin.create_database.assert_called_once_with(
            [{'_name': 'sales'}])
        reports = [call for call in self.conductor.mock_calls
                   if call[0].startswith('notify')]
        self.assertEqual([mock.call.notify_end(ctxt)], reports)
        self.assertEqual(NOTIFICATION, ctxt.notification)

    def test_a_report_that_cannot_be_sent_leaves_the_outcome(self):
        self.conductor.notify_end.side_effect = RuntimeError('bus down')
        self.serve('create_database', context_with(dict(NOTIFICATION)), [])
        # Trove will not learn it: the line says what the request did.
        self.assert_logged('WARNING', 'Request the request succeeded',
                           'trove-conductor', 'bus down')

    def test_a_failure_that_cannot_be_reported_is_still_named(self):
        self.conductor.notify_exc_info.side_effect = RuntimeError('bus down')
        self.admin.delete_database.side_effect = REFUSED
        self.assertRaises(exception.InvalidDatabaseRequest, self.serve,
                          'delete_database', context_with(dict(NOTIFICATION)),
                          {'_name': 'x.y'})
        self.assert_logged('WARNING', 'Request the request failed',
                           'trove-conductor', 'bus down')


class HeartbeatTest(stand_ins.ManagerTestCase):

    def prepared(self):
        with open(self.manager_marker(), 'w'):
            pass

    @staticmethod
    def manager_marker():
        return manager.CONF.prepare_marker_file

    def test_nothing_is_sent_before_prepare_has_completed(self):
        self.assertFalse(os.path.exists(self.manager_marker()))
        self.manager.report_status()
        self.conductor.heartbeat.assert_not_called()
        self.admin.check_access.assert_not_called()

    def test_each_status_is_the_one_trove_shows(self):
        self.prepared()
        outcomes = [
            (None, 'healthy'),
            (exceptions.MongoDBUnreachable(
                host='h', port=1, timeout=1, operation='listDatabases',
                reason='refused'), 'shutdown'),
            (exceptions.MongoDBTimeout(
                host='h', port=1, timeout=1, operation='listDatabases',
                database='admin', bound='b'), 'shutdown'),
            (exceptions.MongoDBAuthenticationError(
                user='os_admin', path='/f'), 'unknown'),
            (exceptions.MongoDBNotPrimary(
                host='h', port=1, operation='listDatabases',
                database='admin', reason='NotWritablePrimary'), 'unknown'),
            (None, 'healthy'),
        ]
        for error, expected in outcomes:
            self.admin.check_access.side_effect = error
            self.manager.report_status()
            self.assertEqual(mock.call(expected),
                             self.conductor.heartbeat.call_args)
        self.assert_logged('WARNING', 'Reporting mongodb as shutdown',
                           'Cannot reach MongoDB at h:1')
        self.assert_logged('WARNING', 'Reporting mongodb as unknown',
                           'refused the credentials')

    def test_an_unchanged_status_is_logged_once(self):
        self.prepared()
        for _ in range(3):
            self.manager.report_status()
        self.assertEqual(3, self.conductor.heartbeat.call_count)
        self.assertEqual(1, self.logs.output.count('Reporting mongodb'))

    def test_a_heartbeat_that_cannot_be_sent_is_logged_not_raised(self):
        self.prepared()
        self.conductor.heartbeat.side_effect = RuntimeError('bus down')
        self.manager.report_status()
        self.assert_logged('WARNING', 'Could not send the heartbeat '
                                      '(healthy)', 'bus down')


class PrepareTest(stand_ins.ManagerTestCase):

    def test_a_failed_create_is_the_outcome_and_prepare_still_ends(self):
        self.admin.create_database.side_effect = REFUSED
        self.assertRaises(exception.InvalidDatabaseRequest,
                          self.manager.prepare, None,
                          databases=[{'_name': 'x.y'}])
        self.assertTrue(self.manager.prepare_completed())
        self.assertEqual([mock.call.heartbeat('building'),
                          mock.call.heartbeat('healthy')],
                         self.conductor.mock_calls)

    def test_a_lost_building_heartbeat_does_not_stop_prepare(self):
        self.conductor.heartbeat.side_effect = [RuntimeError('bus down'),
                                                None]
        self.manager.prepare(None, databases=[{'_name': 'sales'}])
        self.assertTrue(self.manager.prepare_completed())
        self.admin.create_database.assert_called_once_with(
            [{'_name': 'sales'}])
