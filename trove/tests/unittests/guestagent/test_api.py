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

"""The caller side of the guest API (trove/guestagent/api.py).

Only the oslo.messaging client and server stand in; what goes to them is
the product's own.
"""

from unittest import mock

import fixtures
import oslo_messaging as messaging

from trove.common import context as trove_context
from trove.common import exception
from trove.common import rpc
from trove.common import secure_rpc
from trove.guestagent import api
from trove.tests import base
from trove.tests import messaging as test_messaging

TOKEN = 'tok-api-5e21'
PASSWORD = 'pw-api-90c4'
ROOT_PASSWORD = 'root-api-3d7f'
KEY = 'Wm4cR8tB1xK6nV3qL9zH2dF7jP5sY0gA'
GUEST = 'guest-api'
SECRETS = (TOKEN, PASSWORD, ROOT_PASSWORD, KEY)


def user(name='shop.alice'):
    return {'_name': name, '_host': '%', '_password': PASSWORD,
            '_databases': [{'_name': 'shop'}]}


def masked(value):
    """``value`` with each of the test's secrets named, not shown.

    What a failed comparison prints then holds no secret.
    """
    if isinstance(value, dict):
        return {key: masked(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(masked(item) for item in value)
    if isinstance(value, str) and value in SECRETS:
        return '<secret %d>' % SECRETS.index(value)
    return value


class APITestCase(base.TestCase):
    """An API whose RPC client and server are stand-ins.

    ``client`` stands in for the RPC client, ``cctxt`` for what its
    ``prepare`` gives; ``get_client`` records how the client was made.
    The transport is the in-process driver's, which registers the
    options of oslo.messaging; nothing is sent over it.
    """

    def setUp(self):
        super().setUp()
        self.useFixture(test_messaging.Transport('fake://'))
        self.add_secret(TOKEN)
        self.add_secret(PASSWORD)
        self.add_secret(ROOT_PASSWORD)
        self.add_secret(KEY)
        self.conf.config(agent_call_low_timeout=7)
        self.client = mock.Mock(spec=messaging.RPCClient)
        self.cctxt = self.client.prepare.return_value
        self.get_client = self.useFixture(fixtures.MockPatchObject(
            rpc, 'get_client', return_value=self.client)).mock
        self.context = trove_context.RequestContext(
            auth_token=TOKEN, request_id='req-api-1', overwrite=False)
        self.api = api.API(self.context, GUEST)

    def assert_sent(self, send, name, arguments):
        """``send`` went once, with the context, ``name`` and ``arguments``.

        Compared masked: the arguments hold passwords.
        """
        self.assertEqual(1, send.call_count)
        self.assertIs(self.context, send.call_args.args[0])
        self.assertEqual(masked((name, arguments)),
                         masked((send.call_args.args[1],
                                 send.call_args.kwargs)))


class ClientTest(APITestCase):
    """How the API makes its RPC client."""

    def test_the_client_targets_the_guest_s_topic_in_clear_by_default(self):
        self.get_client.assert_called_once_with(
            messaging.Target(topic='guestagent.guest-api', version='1.3'),
            retry=None, key=None)

    def test_the_instance_key_is_the_client_s_unless_in_clear(self):
        self.conf.config(instance_rpc_encr_key=KEY)
        api.API(self.context, GUEST, retry=2)
        api.API(self.context, GUEST, retry=2, in_clear=True)
        clients = self.get_client.call_args_list[1:]
        self.assertEqual([2, 2], [made.kwargs['retry'] for made in clients])
        self.assertEqual([masked(KEY), None],
                         [masked(made.kwargs['key']) for made in clients])

    def test_no_context_sends_an_operator_s_admin_context(self):
        guest = api.API(None, GUEST)
        self.assertIsInstance(guest.context, trove_context.RequestContext)
        self.assertIs(True, guest.context.is_admin)
        self.assertIsNone(guest.context.auth_token)


class CastTest(APITestCase):
    """Trove's casts go at 1.0, without a timeout, answering nothing."""

    def assert_cast(self, name, arguments):
        self.cctxt.call.assert_not_called()
        self.client.prepare.assert_called_once_with(version='1.0')
        self.assert_sent(self.cctxt.cast, name, arguments)

    def test_create_database(self):
        self.assertIsNone(self.api.create_database([{'_name': 's'}]))
        self.assert_cast('create_database', {'databases': [{'_name': 's'}]})
        self.assert_logged('DEBUG',
                           'Casting create_database to guest guest-api.')

    def test_delete_database(self):
        self.assertIsNone(self.api.delete_database({'_name': 'h'}))
        self.assert_cast('delete_database', {'database': {'_name': 'h'}})

    def test_create_user(self):
        self.assertIsNone(self.api.create_user([user(), user('shop.bob')]))
        self.assert_cast('create_user', {'users': [user(), user('shop.bob')]})

    def test_delete_user(self):
        self.assertIsNone(self.api.delete_user(user()))
        self.assert_cast('delete_user', {'user': user()})

    def test_change_passwords(self):
        users = [{'name': 'shop.alice', 'host': '%', 'password': PASSWORD}]
        self.assertIsNone(self.api.change_passwords(users))
        self.assert_cast('change_passwords', {
            'users': [{'name': 'shop.alice', 'host': '%',
                       'password': PASSWORD}]})

    def test_update_attributes(self):
        self.assertIsNone(self.api.update_attributes(
            'shop.alice', '%', {'password': PASSWORD}))
        self.assert_cast('update_attributes', {
            'username': 'shop.alice', 'hostname': '%',
            'user_attrs': {'password': PASSWORD}})

    def test_require_queue_leaves_casts_as_trove_sends_them(self):
        guest = api.API(self.context, GUEST, require_queue=True)
        guest.create_database([{'_name': 's'}])
        self.assert_cast('create_database', {'databases': [{'_name': 's'}]})


class PrepareTest(APITestCase):
    """``prepare`` declares the agent's queue, then casts at 1.1."""

    def setUp(self):
        super().setUp()
        self.get_server = self.useFixture(fixtures.MockPatchObject(
            rpc, 'get_server')).mock
        self.server = self.get_server.return_value

    def test_the_queue_is_declared_before_the_cast(self):
        order = mock.Mock()
        order.attach_mock(self.server, 'server')
        order.attach_mock(self.cctxt.cast, 'cast')
        self.api.prepare(2048, 'mongodb-server', [], [])
        self.assertEqual(['server.start', 'server.stop', 'server.wait',
                          'cast'],
                         [name for name, args, kwargs in order.mock_calls])
        self.get_server.assert_called_once_with(
            messaging.Target(topic='guestagent.guest-api', server=GUEST,
                             version='1.0'),
            [], key=None)

    def test_the_queue_s_server_is_waited_for_when_stop_fails(self):
        self.server.stop.side_effect = RuntimeError('stop failed')
        self.assertRaises(RuntimeError, self.api.prepare, 2048,
                          'mongodb-server', [], [])
        self.server.wait.assert_called_once_with()
        self.cctxt.cast.assert_not_called()

    def test_the_queue_s_server_has_the_instance_key(self):
        self.conf.config(instance_rpc_encr_key=KEY)
        api.API(self.context, GUEST).prepare(2048, 'mongodb-server', [], [])
        self.assertEqual(masked(KEY),
                         masked(self.get_server.call_args.kwargs['key']))

    def test_prepare_is_a_cast_at_1_1_with_trove_s_arguments(self):
        self.api.prepare(2048, 'mongodb-server mongodb-clients',
                         [{'_name': 'p'}], [user()],
                         root_password=ROOT_PASSWORD, ds_version='7.0')
        self.client.prepare.assert_called_once_with(version='1.1')
        self.cctxt.call.assert_not_called()
        self.assert_sent(self.cctxt.cast, 'prepare', dict(
            packages=['mongodb-server', 'mongodb-clients'],
            databases=[{'_name': 'p'}], memory_mb=2048, users=[user()],
            device_path='/dev/vdb', mount_point='/mnt/volume',
            backup_info=None, config_contents=None,
            root_password=ROOT_PASSWORD, overrides=None,
            cluster_config=None, snapshot=None, modules=None,
            ds_version='7.0'))


class CallTest(APITestCase):
    """The other methods are calls at 1.0 with the low timeout."""

    def assert_call(self, name, arguments, timeout=7):
        self.cctxt.cast.assert_not_called()
        self.client.prepare.assert_called_once_with(version='1.0',
                                                    timeout=timeout)
        self.assert_sent(self.cctxt.call, name, arguments)

    def test_the_answer_is_the_agent_s(self):
        self.cctxt.call.return_value = [[{'_name': 'a'}], 'a']
        self.assertEqual([[{'_name': 'a'}], 'a'],
                         self.api.list_databases(1, 'm', True))
        self.assert_call('list_databases', {'limit': 1, 'marker': 'm',
                                            'include_marker': True})
        self.assert_logged('DEBUG',
                           'Calling list_databases on guest guest-api.')

    def test_list_databases_from_the_start(self):
        self.api.list_databases()
        self.assert_call('list_databases', {'limit': None, 'marker': None,
                                            'include_marker': False})

    def test_list_users(self):
        self.api.list_users(2, 'shop.alice', False)
        self.assert_call('list_users', {'limit': 2, 'marker': 'shop.alice',
                                        'include_marker': False})

    def test_list_users_from_the_start(self):
        self.api.list_users()
        self.assert_call('list_users', {'limit': None, 'marker': None,
                                        'include_marker': False})

    def test_rpc_ping(self):
        self.api.rpc_ping()
        self.assert_call('rpc_ping', {})

    def test_rpc_ping_waits_its_own_timeout_when_given(self):
        self.api.rpc_ping(timeout=3)
        self.assert_call('rpc_ping', {}, timeout=3)

    def test_get_volume_info_asks_for_the_filesystem_stats(self):
        self.api.get_volume_info()
        self.assert_call('get_filesystem_stats', {'fs_path': None})

    def test_get_user_of_any_host_by_default(self):
        self.api.get_user('shop.alice')
        self.assert_call('get_user', {'username': 'shop.alice',
                                      'hostname': '%'})

    def test_grant_access(self):
        self.api.grant_access('shop.alice', '%', ['shop', 'hr'])
        self.assert_call('grant_access', {'username': 'shop.alice',
                                          'hostname': '%',
                                          'databases': ['shop', 'hr']})

    def test_revoke_access(self):
        self.api.revoke_access('shop.alice', 'h1', 'hr')
        self.assert_call('revoke_access', {'username': 'shop.alice',
                                           'hostname': 'h1',
                                           'database': 'hr'})

    def test_list_access_of_any_host_by_default(self):
        self.api.list_access('shop.alice')
        self.assert_call('list_access', {'username': 'shop.alice',
                                         'hostname': '%'})

    def test_enable_root(self):
        self.api.enable_root()
        self.assert_call('enable_root', {})

    def test_enable_root_with_password(self):
        self.api.enable_root_with_password(ROOT_PASSWORD)
        self.assert_call('enable_root_with_password',
                         {'root_password': ROOT_PASSWORD})

    def test_is_root_enabled(self):
        self.api.is_root_enabled()
        self.assert_call('is_root_enabled', {})

    def test_outcome_sends_a_trove_cast_as_a_call_with_its_timeout(self):
        self.cctxt.call.return_value = {'created': ['shop.alice']}
        self.assertEqual({'created': ['shop.alice']},
                         self.api.outcome('create_user', 30, users=[user()]))
        self.assert_call('create_user', {'users': [user()]}, timeout=30)


class RequireQueueTest(APITestCase):
    """An operator's call needs a queue to take it."""

    def setUp(self):
        super().setUp()
        self.api = api.API(self.context, GUEST, require_queue=True)

    def test_a_call_asks_for_at_least_once_delivery(self):
        self.api.rpc_ping()
        kwargs = self.client.prepare.call_args.kwargs
        self.assertEqual({'version', 'timeout', 'transport_options'},
                         set(kwargs))
        self.assertEqual(('1.0', 7), (kwargs['version'], kwargs['timeout']))
        self.assertIs(True, kwargs['transport_options'].at_least_once)

    def test_a_call_no_queue_takes_is_guest_not_listening(self):
        self.cctxt.call.side_effect = messaging.MessageUndeliverable(
            Exception('no route'), 'trove', 'guestagent.guest-api', {})
        error = self.assertRaises(exception.GuestNotListening,
                                  self.api.list_databases)
        self.assertEqual(
            'No guest agent has listened for instance guest-api on this '
            'message bus: topic guestagent.guest-api of exchange trove has '
            'no queue, so nothing was sent. Check the instance ID, and that '
            'its trove-guestagent has started with the same transport_url '
            'and control_exchange.', str(error))


class FailedCallTest(APITestCase):
    """How a call's failure reaches the caller."""

    def test_a_remote_error_becomes_a_guest_error(self):
        remote = messaging.RemoteError('KeyError', "'boom'", [])
        self.cctxt.call.side_effect = remote
        error = self.assertRaises(exception.GuestError,
                                  self.api.list_databases)
        self.assertEqual('The guest agent of instance guest-api failed '
                         "list_databases: KeyError: 'boom'", str(error))

    def test_a_rebuilt_agent_error_is_given_back_as_raised(self):
        # oslo.messaging rebuilds the agent's error over a real bus as a
        # subclass whose str() appends the agent's traceback.
        rebuilt_class = type('InvalidUserRequest_Remote',
                             (exception.InvalidUserRequest,),
                             {'__str__': lambda self: 'msg\nTraceback...'})
        self.cctxt.call.side_effect = rebuilt_class(problems='refused here')
        error = self.assertRaises(exception.InvalidUserRequest,
                                  self.api.grant_access, 'shop.alice', '%',
                                  ['hr'])
        self.assertIs(exception.InvalidUserRequest, type(error))
        self.assertEqual('Invalid user request: refused here. Nothing was '
                         'changed on the server.', str(error))
        self.assertIsNone(error.__cause__)
        self.assertIs(True, error.__suppress_context__)
        self.assert_logged('DEBUG', 'Guest guest-api failed grant_access: '
                                    'msg')

    def test_no_answer_is_a_guest_timeout(self):
        self.conf.config(agent_call_low_timeout=1)
        self.cctxt.call.side_effect = messaging.MessagingTimeout('late')
        error = self.assertRaises(exception.GuestTimeout,
                                  api.API(None, 'nobody').rpc_ping)
        self.assertIn('did not answer rpc_ping within 1 s (topic '
                      'guestagent.nobody on exchange trove)', str(error))

    def test_an_answer_that_does_not_decrypt_is_a_guest_error(self):
        self.cctxt.call.return_value = secure_rpc.Unreadable(
            'it was made with another key')
        error = self.assertRaises(exception.GuestError, self.api.rpc_ping)
        self.assertEqual(
            'The guest agent of instance guest-api failed rpc_ping: its '
            'answer does not decrypt with the instance key configured here '
            '(it was made with another key)', str(error))
