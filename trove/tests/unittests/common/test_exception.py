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

import inspect
import re

from trove.common import exception
from trove.guestagent.datastore.experimental.mongodb import exceptions
from trove.tests import base


def error_classes():
    """Every exception class the project's error modules define."""
    return [cls for module in (exception, exceptions)
            for _name, cls in inspect.getmembers(module, inspect.isclass)
            if issubclass(cls, BaseException)
            and cls.__module__ == module.__name__]


class TroveErrorTest(base.TestCase):

    def test_message_is_filled_from_keyword_arguments(self):
        error = exceptions.MongoDBUnreachable(
            host='db1', port=27017, timeout=3.0, operation='listDatabases',
            reason='refused')
        self.assertIn('db1:27017', str(error))
        self.assertIn('within 3.0 s', str(error))
        self.assertEqual('db1', error.kwargs['host'])

    def test_explicit_message_wins(self):
        self.assertEqual('plain', str(exception.TroveError('plain')))

    def test_an_invalid_request_says_nothing_changed(self):
        error = exception.InvalidDatabaseRequest(problems="'a.b' is bad")
        self.assertEqual("Invalid database request: 'a.b' is bad. Nothing "
                         "was changed on the server.", str(error))

    def test_as_raised_is_the_class_and_message_alone(self):
        original = exceptions.MongoDBUnreachable(
            host='db1', port=27017, timeout=3.0, operation='listDatabases',
            reason='refused')
        # As oslo.messaging rebuilds it from an answer.
        remote = type('MongoDBUnreachable_Remote', (type(original),),
                      {'__str__': lambda self: 'msg\nTraceback ...'})(
            original.message, **original.kwargs)
        for error in (original, remote):
            error.__cause__ = ValueError('cause')
            raised = error.as_raised()
            self.assertIs(exceptions.MongoDBUnreachable, type(raised))
            self.assertEqual(original.message, str(raised))
            self.assertEqual(original.kwargs, raised.kwargs)
            self.assertIsNone(raised.__cause__)

    def test_every_error_of_the_project_is_a_trove_error(self):
        # Callers (the CLI, the RPC endpoint) tell the project's errors
        # from bugs by this base; a new error must not miss it.
        self.assertEqual([], [cls.__name__ for cls in error_classes()
                              if not issubclass(cls, exception.TroveError)])

    def test_every_message_is_filled_by_its_own_keys(self):
        for cls in error_classes():
            keys = set(re.findall(r'%\((\w+)\)', cls.message))
            error = cls(**{key: '<%s>' % key for key in keys})
            for key in keys:
                self.assertIn('<%s>' % key, str(error), cls.__name__)
            self.assertNotIn('%(', str(error), cls.__name__)
