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

"""The tenant's path: ``openstack database ...`` through Trove 13's API.

A tenant types the commands (python-troveclient's OSC plugin, as a
process); upstream Trove 13.0.0's ``trove-api`` takes them, checks them
with its own rules and sends the agent its RPC, encrypted with the key
Trove made for the instance; the project's ``trove-guestagent``, started
as Trove starts its own (``--config-dir`` on the ``guest_info.conf``
Trove wrote), carries them out on a SecantusDB server with auth; Trove
13's ``trove-conductor`` takes the heartbeats and outcomes
(:mod:`trove.tests.tenant_trove`). Without MariaDB, RabbitMQ or the
Trove 13 venv these tests fail: they never skip.
"""

import json
import os
import secrets
import time

import fixtures
from pymongo import errors as pymongo_errors

from trove.tests import base
from trove.tests import helpers
from trove.tests import logins
from trove.tests import tenant_trove
from trove.tests import trove_instance

INITIAL_DATABASES = ('orders',)
GIB = 1024.0 ** 3


class TenantPathTestCase(trove_instance.TroveInstanceTestCase):
    """One tenant's Trove 13 instance, its MongoDB and its agent."""

    INITIAL_DATABASES = INITIAL_DATABASES

    @classmethod
    def peer(cls):
        return tenant_trove.shared()

    @classmethod
    def setUpClass(cls):
        cls.TENANT = 'tenant-%s' % cls.__name__.lower()
        cls.token = tenant_trove.new_token()
        super().setUpClass()

    def secrets(self):
        return super().secrets() + [self.token]

    def tenant(self, *args):
        """``openstack ARGS`` as the tenant: ``(status, stdout, stderr)``."""
        completed = self.trove.openstack(self.TENANT, self.token, *args)
        output = completed.stdout + completed.stderr
        leaked = [index for index, secret in enumerate(self.secrets())
                  if secret in output]
        self.assertEqual([], leaked, 'secrets reached the tenant')
        return completed.returncode, completed.stdout, completed.stderr

    def tenant_ok(self, *args):
        status, stdout, stderr = self.tenant(*args)
        self.assertEqual(0, status, 'openstack %s: %s%s'
                         % (' '.join(args), stdout, stderr))
        return stdout

    def listed(self):
        """``openstack database db list``'s names, in its order."""
        output = self.tenant_ok('database', 'db', 'list', self.instance_id,
                                '-f', 'json')
        return [row['Name'] for row in json.loads(output)]

    def notification(self, event_type, since):
        """The payload of the next ``event_type`` trove-conductor emitted.

        Its notification driver ``log`` writes each as JSON.
        """
        line = self.trove.wait_for_conductor_log(
            'oslo.messaging.notification.%s ' % event_type, since=since)
        return json.loads(line[line.index('{'):])['payload']


class DatabaseCommandsTest(TenantPathTestCase):
    """db create, list and delete, as a tenant types them."""

    def setUp(self):
        super().setUp()
        self.addCleanup(self.drop_all_but_the_initial_databases)

    def test_create_list_and_delete(self):
        mark = len(self.trove.conductor_log())
        self.assertEqual(list(INITIAL_DATABASES), self.listed())
        self.assertEqual('', self.tenant_ok(
            'database', 'db', 'create', self.instance_id, 'sales'))
        self.wait_for_names(INITIAL_DATABASES + ('sales',))
        self.notification('dbaas.database_create.end', since=mark)
        self.assertEqual(['orders', 'sales'], self.listed())

        self.assertEqual('', self.tenant_ok(
            'database', 'db', 'delete', self.instance_id, 'sales'))
        self.wait_for_names(INITIAL_DATABASES)
        self.notification('dbaas.database_delete.end', since=mark)
        self.assertEqual(list(INITIAL_DATABASES), self.listed())

    def test_an_existing_name_is_400_and_a_missing_one_404(self):
        status, stdout, stderr = self.tenant(
            'database', 'db', 'create', self.instance_id, 'orders')
        self.assertEqual(1, status)
        self.assertIn('A database with the name "orders" already exists. '
                      '(HTTP 400)', stderr)

        status, stdout, stderr = self.tenant(
            'database', 'db', 'delete', self.instance_id, 'missing')
        self.assertEqual(1, status)
        self.assertIn('Database missing cannot be found on the instance. '
                      '(HTTP 404)', stderr)
        # Case matters: 'ORDERS' is not 'orders', and is not deleted.
        status, stdout, stderr = self.tenant(
            'database', 'db', 'delete', self.instance_id, 'ORDERS')
        self.assertEqual(1, status)
        self.assertIn('(HTTP 404)', stderr)
        self.assertEqual(set(INITIAL_DATABASES), self.names_on_server())

    def test_a_listing_follows_the_api_s_pages(self):
        made = ['page%02d' % number for number in range(25)]
        for name in made:
            self.root[name].create_collection('c')
        # mongod lists its own databases; this server only those that
        # hold a collection.
        for name in ('local', 'config'):
            if name not in self.root.list_database_names():
                self.root[name].create_collection('server_own')
        agent_mark = len(self.agent.log())
        listed = self.listed()
        expected = sorted(set(made) | set(INITIAL_DATABASES))
        self.assertEqual(expected, listed)
        self.assertEqual(sorted(self.names_on_server()), listed)
        self.assertEqual([], [name for name in listed
                              if helpers.is_server_database(name)])
        # 26 names in pages of 5: the API asked the agent six times
        # (and once more to find the instance's volume figures).
        pages = self.agent.log()[agent_mark:].count('Listing databases')
        self.assertEqual(6, pages, self.agent.log()[agent_mark:])

    def test_names_the_api_passes_but_mongodb_cannot_take(self):
        for name, cause in (
                ('admin', "Cannot create database 'admin': it is reserved "
                          "for the server"),
                ('x' * 64, 'is 64 bytes long in UTF-8; mongod allows at '
                           'most 63 bytes'),
                ('two words', "contains ' '")):
            mark = len(self.trove.conductor_log())
            # The API accepts it (202): the tenant sees nothing wrong.
            self.assertEqual('', self.tenant_ok(
                'database', 'db', 'create', self.instance_id, name))
            payload = self.notification('dbaas.database_create.error',
                                        since=mark)
            self.assertIn(cause, payload['message'])
            self.assertNotIn('Traceback', payload['message'])
            self.assertEqual(set(INITIAL_DATABASES), self.names_on_server())

    def test_instance_show_has_the_volume_figures(self):
        shown = json.loads(self.tenant_ok(
            'database', 'instance', 'show', self.instance_id, '-f', 'json'))
        self.assertEqual('HEALTHY', shown['status'])
        # The oracle: statvfs of the mount point (the server's folder
        # here), in GB as Trove rounds it; in use as the test runs.
        expected = os.statvfs(self.server.storage)
        used = (expected.f_blocks - expected.f_bfree) * expected.f_bsize
        self.assertAlmostEqual(used / GIB, shown['volume_used'], delta=0.1)


class StoppedAgentTest(TenantPathTestCase):
    """The agent stopped: the tenant gets an answer, not a hang."""

    def test_a_list_fails_within_the_call_timeout(self):
        before = self.trove.instance_status(self.instance_id)
        # Heartbeats advance while the agent runs...
        helpers.poll(
            lambda: self.trove.instance_status(self.instance_id)[
                'updated_at'] > before['updated_at'],
            trove_instance.STATUS_TIMEOUT,
            'a heartbeat after %s' % before['updated_at'])
        self.assertEqual(0, self.agent.stop())
        status, stdout, stderr = self.tenant(
            'database', 'db', 'list', self.instance_id)
        self.assertEqual(1, status)
        self.assertIn('An error occurred communicating with the guest: '
                      'Timed out waiting for a reply', stderr)
        self.assertIn('(HTTP 400)', stderr)
        # ...and stop with it: three intervals later, the same. Trove 13
        # keeps showing the last status; it has no expiry of its own.
        stopped = self.trove.instance_status(self.instance_id)
        time.sleep(3 * trove_instance.REPORT_INTERVAL)
        self.assertEqual(stopped,
                         self.trove.instance_status(self.instance_id))


class Trove26ApiTest(base.TestCase):
    """Trove 26's API, same client: MongoDB's database commands refused."""

    def test_the_tenant_sees_422_before_any_guest(self):
        trove = tenant_trove.shared_trove_26()
        workdir = self.useFixture(fixtures.TempDir()).path
        tenant = 'tenant-trove-26'
        instance_id = trove.create_instance(
            os.path.join(workdir, 'guest_info.conf'), tenant_id=tenant)
        token = tenant_trove.new_token()
        for command in (('db', 'list', instance_id),
                        ('db', 'create', instance_id, 'sales'),
                        ('db', 'delete', instance_id, 'sales'),
                        ('user', 'list', instance_id)):
            completed = trove.openstack(tenant, token, 'database', *command)
            self.assertEqual(1, completed.returncode, completed.stdout)
            self.assertIn('Operation not supported for datastore mongodb. '
                          '(HTTP 422)', completed.stderr)


class UserCommandsTest(TenantPathTestCase):
    """Users, access and root, as a tenant types them through Trove 13.

    Each claim is checked by logging in to the server as the user.
    """

    INITIAL_DATABASES = ('shop', 'stock')

    def setUp(self):
        super().setUp()
        self.addCleanup(self.drop_tenant_users)
        self.logins = self.useFixture(logins.UserLogins(self.server))
        self.client = self.logins.client
        self.can_write = self.logins.can_write
        self.can_read_admin = self.logins.can_read_admin

    def drop_tenant_users(self):
        for database in self.INITIAL_DATABASES:
            for info in self.root[database].command('usersInfo')['users']:
                self.root[database].command('dropUser', info['user'])
        if self.root.admin.command('usersInfo', 'root')['users']:
            self.root.admin.command('dropUser', 'root')

    def password(self):
        password = 'pw-%s' % secrets.token_urlsafe(12)
        self.add_secret(password)
        return password

    def wait_until(self, check, what):
        helpers.poll(check, trove_instance.STATUS_TIMEOUT, what,
                     details=lambda: self.agent.log()[-3000:])

    def user_rows(self):
        return json.loads(self.tenant_ok(
            'database', 'user', 'list', self.instance_id, '-f', 'json'))

    def test_a_user_reaches_its_databases_and_no_other(self):
        secret = self.password()
        self.assertEqual('', self.tenant_ok(
            'database', 'user', 'create', self.instance_id, 'shop.alice',
            secret, '--databases', 'shop'))
        self.wait_until(lambda: self.can_write('shop.alice', secret, 'shop'),
                        'shop.alice writing shop')
        self.assertFalse(self.can_write('shop.alice', secret, 'stock'))
        self.assertFalse(self.can_read_admin('shop.alice', secret))

        rows = self.user_rows()
        self.assertEqual(['shop.alice'], [row['Name'] for row in rows])
        shown = json.loads(self.tenant_ok(
            'database', 'user', 'show', self.instance_id, 'shop.alice',
            '-f', 'json'))
        self.assertEqual('shop.alice', shown['name'])
        self.assertEqual([{'name': 'shop'}], shown['databases'])

        self.assertEqual('', self.tenant_ok(
            'database', 'user', 'grant', 'access', self.instance_id,
            'shop.alice', 'stock'))
        self.assertTrue(self.can_write('shop.alice', secret, 'stock'))
        access = json.loads(self.tenant_ok(
            'database', 'user', 'show', 'access', self.instance_id,
            'shop.alice', '-f', 'json'))
        self.assertEqual(['shop', 'stock'],
                         sorted(row['Name'] for row in access))

        self.assertEqual('', self.tenant_ok(
            'database', 'user', 'revoke', 'access', self.instance_id,
            'shop.alice', 'stock'))
        self.assertFalse(self.can_write('shop.alice', secret, 'stock'))
        self.assertTrue(self.can_write('shop.alice', secret, 'shop'))

        new_secret = self.password()
        self.assertEqual('', self.tenant_ok(
            'database', 'user', 'update', 'attributes', self.instance_id,
            'shop.alice', '--new_password', new_secret))
        self.wait_until(
            lambda: self.can_write('shop.alice', new_secret, 'shop'),
            'the new password working')
        self.assertRaises(pymongo_errors.OperationFailure,
                          self.client('shop.alice', secret).shop.command,
                          'ping')

        self.assertEqual('', self.tenant_ok(
            'database', 'user', 'delete', self.instance_id, 'shop.alice'))
        self.wait_until(
            lambda: not self.root.shop.command('usersInfo')['users'],
            'shop.alice dropped')
        self.assertRaises(pymongo_errors.OperationFailure,
                          self.client('shop.alice', new_secret).shop.command,
                          'ping')
        self.assertEqual([], self.user_rows())

    def test_a_grant_on_admin_is_refused_before_any_change(self):
        secret = self.password()
        self.tenant_ok('database', 'user', 'create', self.instance_id,
                       'shop.bob', secret, '--databases', 'shop')
        self.wait_until(lambda: self.can_write('shop.bob', secret, 'shop'),
                        'shop.bob writing shop')
        status, stdout, stderr = self.tenant(
            'database', 'user', 'grant', 'access', self.instance_id,
            'shop.bob', 'stock', 'admin')
        self.assertEqual(1, status)
        self.assertIn('admin', stderr)
        self.assertIn('reserved', stderr)
        # Nothing of the request was done: not even stock.
        self.assertFalse(self.can_write('shop.bob', secret, 'stock'))
        self.assertFalse(self.can_read_admin('shop.bob', secret))

    def test_os_admin_cannot_be_made_or_dropped_by_a_tenant(self):
        for name in ('admin.os_admin', 'ADMIN.os_admin', 'admin.root'):
            mark = len(self.trove.conductor_log())
            self.assertEqual('', self.tenant_ok(
                'database', 'user', 'create', self.instance_id, name,
                self.password()))
            payload = self.notification('dbaas.user_create.error',
                                        since=mark)
            self.assertIn('reserved', payload['message'])
        status, stdout, stderr = self.tenant(
            'database', 'user', 'delete', self.instance_id, 'admin.os_admin')
        # Not the tenant's: the agent does not show it to Trove's API.
        self.assertEqual(1, status)
        self.assertIn('User admin.os_admin cannot be found on the '
                      'instance. (HTTP 404)', stderr)
        # The agent still logs in as os_admin: the instance stays healthy.
        self.assertTrue(self.server.admin_client().admin.command('ping'))
        self.assertNotIn('os_admin', [row['Name'] for row in
                                      self.user_rows()])

    def test_root_enable_gives_a_root_that_logs_in(self):
        shown = json.loads(self.tenant_ok(
            'database', 'root', 'show', self.instance_id, '-f', 'json'))
        self.assertEqual('False', str(shown['is_root_enabled']))
        enabled = json.loads(self.tenant_ok(
            'database', 'root', 'enable', self.instance_id, '-f', 'json'))
        self.add_secret(enabled['password'])
        self.assertEqual('admin.root', enabled['name'])
        root = self.client('admin.root', enabled['password'])
        root.shop.probe.insert_one({})
        self.assertIn('os_admin', [user['user'] for user in root.admin.command(
            'usersInfo')['users']])
        shown = json.loads(self.tenant_ok(
            'database', 'root', 'show', self.instance_id, '-f', 'json'))
        self.assertEqual('True', str(shown['is_root_enabled']))
