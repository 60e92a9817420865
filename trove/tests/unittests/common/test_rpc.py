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

import datetime
from unittest import mock
import uuid

from oslo_context import context
import oslo_messaging as messaging
from oslo_serialization import jsonutils

from trove.common import cfg
from trove.common import rpc
from trove.tests import base
from trove.tests import messaging as test_messaging


class SerializerTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.serializer = rpc.RequestContextSerializer()

    def test_context_travels_as_a_dict_and_comes_back(self):
        sent = context.RequestContext(auth_token='tok', user_id='alice',
                                      project_id='p1', request_id='req-1',
                                      overwrite=False)
        values = self.serializer.serialize_context(sent)
        self.assertIsInstance(values, dict)
        received = self.serializer.deserialize_context(values)
        self.assertEqual(('tok', 'alice', 'p1', 'req-1'),
                         (received.auth_token, received.user_id,
                          received.project_id, received.request_id))

    def test_no_context_serializes_empty(self):
        self.assertEqual({}, self.serializer.serialize_context(None))

    def test_entities_go_through_json(self):
        self.assertEqual([['a'], None], self.serializer.serialize_entity(
            None, (('a',), None)))

    def assert_as_to_primitive(self, entity):
        expected = jsonutils.to_primitive(entity, convert_instances=True)
        serialized = self.serializer.serialize_entity(None, entity)
        # repr: also tells a list from a tuple and True from 1.
        self.assertEqual(repr(expected), repr(serialized))
        return serialized

    def test_plain_json_serializes_as_to_primitive(self):
        page = [{'_name': 'db%03d' % index, '_character_set': None,
                 '_collate': None} for index in range(3)]
        for entity in [(page, 'db002'), ([], None), True, None, 0, 1.5,
                       'ünïcode', {'nested': [(1, 2.0), {'deep': ('x',)}]},
                       {2: 'int key', None: 'none key', True: [False]},
                       {}, (), [[[[[['six levels']]]]]]]:
            self.assert_as_to_primitive(entity)

    def test_plain_json_is_copied(self):
        entity = {'databases': [{'_name': 'a'}]}
        serialized = self.assert_as_to_primitive(entity)
        serialized['databases'][0]['_name'] = 'changed'
        self.assertEqual({'databases': [{'_name': 'a'}]}, entity)

    def test_other_types_take_to_primitive(self):
        class Name(str):
            pass

        class Thing:
            def __init__(self):
                self.name = 'thing'

        for entity in [datetime.datetime(2024, 5, 6, 7, 8, 9),
                       uuid.UUID(int=7), b'bytes', Name('sub'), Thing(),
                       {'inside': [datetime.date(2024, 5, 6)]},
                       [('ok', frozenset([3]))]]:
            self.assert_as_to_primitive(entity)

    def test_a_base_serializer_of_the_caller_sees_every_entity(self):
        base = mock.Mock(spec=messaging.Serializer)
        serializer = rpc.RequestContextSerializer(base)
        self.assertIs(base.serialize_entity.return_value,
                      serializer.serialize_entity(None, ['plain']))
        base.serialize_entity.assert_called_once_with(None, ['plain'])


class TransportTest(base.TestCase):

    def test_trove_exchange_is_the_default(self):
        self.useFixture(test_messaging.Transport('fake://'))
        rpc.get_transport()
        self.assertEqual('trove', cfg.CONF.control_exchange)

    def test_topic_names_the_guest(self):
        self.assertEqual('guestagent.abc', rpc.topic('abc'))

    def test_one_transport_per_process(self):
        self.useFixture(test_messaging.Transport('fake://'))
        self.assertIs(rpc.get_transport(), rpc.get_transport())

    def test_description_leaves_out_credentials(self):
        self.useFixture(test_messaging.Transport(
            'rabbit://guest:s3cret@127.0.0.1:5672/'))
        self.add_secret('s3cret')
        self.assertEqual('rabbit://127.0.0.1:5672/',
                         rpc.describe_transport())
