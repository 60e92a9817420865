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

"""Python 3.11 names that Trove 13.0.0 (Ussuri) still uses.

Loaded at start-up by a ``.pth`` file in the Trove 13 test venv only
(``tools/dev.py`` writes it there), never imported by the project: Trove's
own code stays as it is released. Python 3.11 removed
``inspect.getargspec`` (trove-manage dispatches its commands with it) and
the ``collections`` aliases of the ``collections.abc`` classes (Trove's
utils and guest helpers test ``collections.Iterable`` and
``collections.Mapping``).
"""

import collections
import collections.abc
import inspect


def _getargspec(func):
    spec = inspect.getfullargspec(func)
    return inspect.ArgSpec(spec.args, spec.varargs, spec.varkw,
                           spec.defaults)


if not hasattr(inspect, 'getargspec'):
    if not hasattr(inspect, 'ArgSpec'):
        inspect.ArgSpec = collections.namedtuple(
            'ArgSpec', 'args varargs keywords defaults')
    inspect.getargspec = _getargspec
for _name in ('Iterable', 'Mapping'):
    if not hasattr(collections, _name):
        setattr(collections, _name, getattr(collections.abc, _name))
