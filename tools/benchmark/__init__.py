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

"""The benchmark of the MongoDB plugin against raw pymongo (tools/bench.py).

Each module has one job: :mod:`timing` interleaves and summarises
measurements, :mod:`baseline` is the raw pymongo floor, :mod:`recording`
checks that plugin and baseline send the server the same commands,
:mod:`cases` holds the measured scenarios, :mod:`rpc` runs the guest
agent over RabbitMQ for the RPC figures, :mod:`memory` measures the
agent's peak memory, and :mod:`report` prints the tables.
"""
