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

"""The MongoDB datastore's errors: what each says to the operator."""

import inspect

from trove.guestagent.datastore.experimental.mongodb import exceptions
from trove.tests import base

PASSWORD = 'pw-exceptions-unit-8b2c'
CREDENTIALS = '/etc/trove/os_admin.json'
SERVER = {'host': 'db1', 'port': 27017}
COMMAND = {'operation': 'create', 'database': 'sales'}

# Each error with the arguments its raiser gives, then a fragment that
# names the cause and one that says what was, or was not, done.
MESSAGES = [
    (exceptions.CredentialsFileError,
     {'path': CREDENTIALS, 'reason': 'it is readable by others (0644)'},
     'it is readable by others (0644)',
     'Cannot use the MongoDB admin credentials file ' + CREDENTIALS),
    (exceptions.MongoDBUnreachable,
     dict(SERVER, timeout=3.0, operation='create',
          reason='Connection refused'),
     'Cannot reach MongoDB at db1:27017 within 3.0 s ([mongodb] '
     'server_selection_timeout): Connection refused',
     'The create command was not sent, so nothing was changed on the '
     'server'),
    (exceptions.MongoDBConnectionLost,
     dict(SERVER, reason='connection closed', **COMMAND),
     'The connection to MongoDB at db1:27017 was lost',
     'after the create command on database sales was sent (connection '
     'closed), so the server may or may not have done it'),
    (exceptions.MongoDBTimeout,
     dict(SERVER, timeout=30.0, bound='[mongodb] operation_timeout',
          **COMMAND),
     'did not answer the create command on database sales within 30.0 s '
     '([mongodb] operation_timeout)',
     'after it was sent, so the server may or may not have done it'),
    (exceptions.MongoDBNotPrimary,
     dict(SERVER, reason='NotWritablePrimary, code 10107', **COMMAND),
     'is not the primary of its replica set',
     'so it refused the create command on database sales '
     '(NotWritablePrimary, code 10107)'),
    (exceptions.MongoDBAuthenticationError,
     {'user': 'os_admin', 'path': CREDENTIALS},
     'the credentials of user os_admin from ' + CREDENTIALS,
     'MongoDB refused the credentials'),
    (exceptions.MongoDBUnauthorized,
     {'user': 'os_admin', 'action': 'insert', 'database': 'sales'},
     'MongoDB user os_admin is not authorized',
     'to insert on database sales'),
    (exceptions.MongoDBCredentialsMissing,
     {'action': 'listDatabases', 'database': 'admin', 'path': CREDENTIALS},
     'the credentials file %s ([mongodb] admin_credentials_file) does not '
     'exist' % CREDENTIALS,
     'refused to let the agent listDatabases on database admin'),
    (exceptions.MongoDBNotDurable,
     dict(COMMAND, reason='journal write failed'),
     '(journal write failed)',
     'did the create command on database sales but did not confirm that '
     'it reached its journal'),
    (exceptions.MongoDBClientError,
     dict(COMMAND, reason='Cannot use MongoClient after close'),
     'Cannot use MongoClient after close',
     'The agent could not send the create command on database sales'),
    (exceptions.MongoDBOperationError,
     dict(COMMAND, reason='Invalid namespace', code=73),
     'Invalid namespace (code 73)',
     'MongoDB refused create on sales'),
]


class MessageTest(base.TestCase):

    def test_every_message_of_the_module_is_checked_here(self):
        classes = inspect.getmembers(exceptions, inspect.isclass)
        own = {cls for _name, cls in classes
               if cls.__module__ == exceptions.__name__
               and 'message' in vars(cls)}
        self.assertEqual(own, {cls for cls, _args, _cause, _done in MESSAGES})

    def test_each_message_names_its_cause_and_what_was_done(self):
        for cls, arguments, cause, done in MESSAGES:
            message = str(cls(**arguments))
            self.assertIn(cause, message, cls.__name__)
            self.assertIn(done, message, cls.__name__)

    def test_no_message_holds_a_password_given_with_its_arguments(self):
        # A raiser may have the connection's target, password and all.
        self.add_secret(PASSWORD)
        leaked = [cls.__name__ for cls, arguments, _cause, _done in MESSAGES
                  if PASSWORD in str(cls(password=PASSWORD, **arguments))]
        self.assertEqual([], leaked)


class CommandSentTest(base.TestCase):

    def test_a_connection_error_says_whether_the_command_went_out(self):
        for cls, sent in ((exceptions.MongoDBConnectionError, None),
                          (exceptions.MongoDBUnreachable, False),
                          (exceptions.MongoDBConnectionLost, True),
                          (exceptions.MongoDBTimeout, True)):
            self.assertIs(sent, cls.command_sent, cls.__name__)
