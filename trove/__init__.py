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

"""OpenStack Trove's guest agent for MongoDB's database commands."""

import warnings


def _quiet_eventlet_probe():
    """Keep the warnings of a mere probe for eventlet off stderr.

    Nothing here uses eventlet, but futurist imports it to see whether it
    is there, and eventlet imports dnspython, whose DNSSEC module names
    cryptography's DSA classes. The warnings that follow (eventlet is
    deprecated; cryptography deprecates DSA) are for those libraries'
    developers: on an operator's terminal they bury the one line a
    command prints, and they say nothing about this agent.
    """
    warnings.filterwarnings('ignore', message=r'\s*Eventlet is deprecated')
    warnings.filterwarnings('ignore', message=r'DSA is deprecated',
                            module=r'dns\.')


def _use_native_threads():
    """Have oslo.service run on native threads, as the whole agent does.

    oslo.service's default backend is eventlet's, whose looping calls never
    run without eventlet's hub, and oslo.messaging loads oslo.service's
    backend when it is imported: so the choice is made here, first.
    """
    _quiet_eventlet_probe()
    from oslo_service import backend
    from oslo_service.backend import exceptions
    try:
        backend.init_backend(backend.BackendType.THREADING)
    except exceptions.BackendAlreadySelected:
        # A tool that loaded oslo.messaging before this package, such as
        # oslo-config-generator, reads options and runs no looping call.
        pass


_use_native_threads()
