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

import io
import json

from oslo_config import cfg as oslo_cfg

from trove.cmd import errors
from trove.common import exception
from trove.tests import base


class ReportTest(base.TestCase):

    def report(self, error, as_json=False):
        stdout, stderr = io.StringIO(), io.StringIO()
        status = errors.report(error, as_json, stdout, stderr)
        return status, stdout.getvalue(), stderr.getvalue()

    def test_a_failed_operation_is_one_line_and_status_1(self):
        self.assertEqual(
            (1, '', 'ERROR: no outcome\n'),
            self.report(errors.CommandError('no outcome')))

    def test_a_refused_configuration_is_status_2(self):
        for error in (errors.ConfigurationError('bad file'),
                      oslo_cfg.ConfigDirNotFoundError('/nowhere')):
            self.assertEqual(2, self.report(error)[0], error)

    def test_the_project_s_errors_print_their_message(self):
        error = exception.UserNotFound(name='a.b')
        self.assertEqual(
            (1, '', "ERROR: User 'a.b' does not exist, so nothing was "
                    "changed.\n"), self.report(error))

    def test_an_unexpected_error_prints_its_first_line_and_type(self):
        status, _out, err = self.report(RuntimeError('broken\nmore'))
        self.assertEqual((1, 'ERROR: RuntimeError: broken (--debug shows the '
                             'traceback)\n'), (status, err))

    def test_json_has_the_same_fields_every_time(self):
        for error, kind, status in (
                (errors.NoKey(files='a.conf'), 'NoKey', 2),
                (errors.CommandError('x'), 'CommandError', 1),
                (RuntimeError('y'), 'RuntimeError', 1),
                (KeyboardInterrupt(), 'KeyboardInterrupt', 130)):
            returned, out, err = self.report(error, as_json=True)
            document = json.loads(out)
            self.assertEqual(['error'], list(document))
            self.assertEqual({'type', 'message', 'exit_status'},
                             set(document['error']))
            self.assertEqual((kind, status, status),
                             (document['error']['type'],
                              document['error']['exit_status'], returned))
            self.assertIn(document['error']['message'], err)

    def test_ctrl_c_is_its_own_line_and_status_130(self):
        self.assertEqual((130, '', 'Interrupted.\n'),
                         self.report(KeyboardInterrupt()))
        self.assertEqual(
            (130, '', 'Interrupted; nothing was sent.\n'),
            self.report(errors.Interrupted('Interrupted; nothing was '
                                           'sent.')))

    def test_nothing_sent_says_what_did_not_happen(self):
        error = errors.NothingSent(host='h', port=1, reason='refused',
                                   timeout=2, instance='i1',
                                   outcome='Nothing was created.')
        self.assertIn('MongoDB at h:1 is unreachable', str(error))
        self.assertIn('server_selection_timeout). Nothing was created. '
                      'Check that mongod is running', str(error))
