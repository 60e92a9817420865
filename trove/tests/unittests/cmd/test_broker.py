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

import errno
import os
from unittest import mock

from amqp import exceptions as amqp_exceptions

from trove.cmd import broker
from trove.cmd import errors
from trove.common import cfg
from trove.tests import base
from trove.tests import helpers
from trove.tests import messaging as test_messaging

CONF = cfg.CONF


class BrokerTest(base.TestCase):

    def use_url(self, url):
        self.useFixture(test_messaging.Transport(url))

    def test_an_unreachable_broker_is_named_without_the_password(self):
        port = helpers.free_port()
        self.use_url('rabbit://alice:s3cret@127.0.0.1:%d/' % port)
        self.add_secret('s3cret')
        error = self.assertRaises(errors.BrokerUnreachable,
                                  broker.connect, 1.0)
        # The address, the user, the URL, and the system's own words.
        self.assertIn('127.0.0.1:%d (%s) as user alice' % (
            port, os.strerror(errno.ECONNREFUSED)), str(error))
        self.assertIn('transport_url rabbit://127.0.0.1:%d/' % port,
                      str(error))
        self.assertEqual(1, error.exit_status)

    def test_a_refused_login_names_user_and_url_and_is_status_2(self):
        self.use_url('rabbit://alice:s3cret@broker.example:5673/vh')
        self.add_secret('s3cret')
        connection = mock.Mock()
        connection.connect.side_effect = amqp_exceptions.AccessRefused(
            'ACCESS_REFUSED - Login was refused using authentication '
            'mechanism AMQPLAIN')
        with mock.patch('amqp.Connection',
                        return_value=connection) as connect:
            error = self.assertRaises(errors.BrokerLoginRefused,
                                      broker.connect, 1.0)
        self.assertEqual(
            'RabbitMQ at broker.example:5673 refused the login of user '
            'alice: check the user name and password in [DEFAULT] '
            'transport_url (rabbit://broker.example:5673/vh), as RabbitMQ '
            'has them.', str(error))
        self.assertEqual(2, error.exit_status)
        kwargs = connect.call_args.kwargs
        self.assertEqual(('broker.example:5673', 'alice', 's3cret', 'vh',
                          False),
                         (kwargs['host'], kwargs['userid'],
                          kwargs['password'], kwargs['virtual_host'],
                          kwargs['ssl']))

    def test_tls_settings_of_the_driver_are_honoured(self):
        self.use_url('rabbit://alice:pw@127.0.0.1:5671/')
        url = broker.transport_url()
        self.conf.config(ssl=True, ssl_ca_file='/ca.pem',
                         group='oslo_messaging_rabbit')
        options = broker.tls_options(url)
        self.assertEqual('/ca.pem', options['ca_certs'])

    def test_no_tls_by_default(self):
        self.use_url('rabbit://alice:pw@127.0.0.1:5672/')
        self.assertIs(False, broker.tls_options(broker.transport_url()))

    def test_a_url_it_cannot_parse_is_refused_configuration(self):
        self.use_url('rabbit://alice:s3cret@127.0.0.1:56x2/')
        error = self.assertRaises(errors.ConfigurationError,
                                  broker.connect, 0.1)
        self.assertEqual(2, error.exit_status)
        self.assertIn('[DEFAULT] transport_url is not a message bus URL',
                      str(error))
        self.assertIn("'56x2'", str(error))
        self.assertNotIn('s3cret', str(error))

    def test_a_scheme_no_driver_takes_is_refused_configuration(self):
        self.use_url('rabit://alice:s3cret@127.0.0.1:5672/')
        error = self.assertRaises(errors.ConfigurationError,
                                  broker.connect, 0.1)
        self.assertEqual(2, error.exit_status)
        self.assertIn("transport_url names the scheme 'rabit'", str(error))
        self.assertNotIn('s3cret', str(error))

    def test_the_fake_transport_is_not_checked(self):
        self.use_url('fake://')
        self.assertIsNone(broker.connect(0.1))
        self.assertIsNone(broker.consumers('g1', 0.1))
        self.assertEqual([], broker.delete_queues('g1', 0.1))

    def test_an_instance_s_queues(self):
        self.assertEqual(['guestagent.g1', 'guestagent.g1.g1'],
                         broker.instance_queues('g1'))

    def test_a_queue_with_a_consumer_is_not_deleted(self):
        self.use_url('rabbit://alice:pw@127.0.0.1:5672/')
        connection = mock.Mock()
        connection.channel.return_value.queue_declare.return_value = (
            'guestagent.g1', 0, 1)
        with mock.patch('amqp.Connection', return_value=connection):
            error = self.assertRaises(errors.CommandError,
                                      broker.delete_queues, 'g1', 1.0)
        self.assertIn('has 1 consumer(s)', str(error))
        connection.channel.return_value.queue_delete.assert_not_called()

    def test_a_queue_taken_after_another_was_deleted_says_which(self):
        self.use_url('rabbit://alice:pw@127.0.0.1:5672/')
        connection = mock.Mock()
        channel = connection.channel.return_value
        channel.queue_declare.return_value = ('guestagent.g1', 0, 0)
        channel.queue_delete.side_effect = [
            None, amqp_exceptions.PreconditionFailed('in use')]
        with mock.patch('amqp.Connection', return_value=connection):
            error = self.assertRaises(errors.CommandError,
                                      broker.delete_queues, 'g1', 1.0)
        self.assertIn('guestagent.g1 deleted, guestagent.g1.g1 and any '
                      'after it kept', str(error))
        self.assertNotIn('no queue was deleted', str(error))

    def test_the_driver_s_login_method_is_used(self):
        self.use_url('rabbit://alice:pw@127.0.0.1:5672/')
        broker.transport_url()
        for method, expected in (('PLAIN', 'PLAIN'),
                                 ('RABBIT-CR-DEMO', None)):
            self.conf.config(rabbit_login_method=method,
                             group='oslo_messaging_rabbit')
            with mock.patch('amqp.Connection') as connect:
                broker.connect(1.0)
            self.assertEqual(expected,
                             connect.call_args.kwargs['login_method'])
