from trove.common import exception
from trove.tests import base


class TroveErrorTest(base.TestCase):

    def test_message_is_filled_from_keyword_arguments(self):
        error = exception.MongoDBUnreachable(
            host='db1', port=27017, timeout=3.0, operation='listDatabases',
            reason='refused')
        self.assertIn('db1:27017', str(error))
        self.assertIn('within 3.0 s', str(error))
        self.assertEqual('db1', error.kwargs['host'])

    def test_explicit_message_wins(self):
        self.assertEqual('plain', str(exception.TroveError('plain')))

    def test_invalid_request_is_also_a_value_error(self):
        error = exception.InvalidDatabaseRequest(problems='x')
        self.assertIsInstance(error, ValueError)
        self.assertIsInstance(error, exception.TroveError)
        self.assertIn('Nothing was changed', str(error))

    def test_mongodb_errors_are_trove_errors(self):
        for cls in (exception.MongoDBConnectionError,
                    exception.MongoDBUnreachable,
                    exception.MongoDBConnectionLost,
                    exception.MongoDBTimeout,
                    exception.MongoDBNotPrimary,
                    exception.MongoDBNotDurable,
                    exception.MongoDBCredentialsMissing,
                    exception.MongoDBAuthenticationError,
                    exception.MongoDBUnauthorized,
                    exception.MongoDBOperationError,
                    exception.CredentialsFileError,
                    exception.DatabaseCreateError,
                    exception.DatabaseDeleteError,
                    exception.DatastoreOperationNotSupported):
            self.assertTrue(issubclass(cls, exception.TroveError), cls)
