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

"""What trove-mongodb prints, as the OpenStack clients print it.

Tables are prettytable's, left-aligned, as python-troveclient draws them:
prettytable measures a cell by its width on a terminal, so CJK and emoji
names align. JSON has the keys of ``openstack database db list -f json``
(a list's column names). Results go to stdout; warnings and notes for
the operator go to stderr, so that a script reading stdout gets only the
result.
"""

import json
import sys

import prettytable

from trove.common.i18n import _
from trove.guestagent.db import models

# The column of a database listing, as troveclient names it.
NAME_COLUMN = 'Name'


def print_table(headers, rows):
    table = prettytable.PrettyTable(headers)
    table.align = 'l'
    for row in rows:
        table.add_row(row)
    print(table.get_string())


def print_json(value):
    print(json.dumps(value, indent=2, ensure_ascii=False))


def print_databases(names, as_json):
    if as_json:
        print_json([{NAME_COLUMN: name} for name in names])
    else:
        print_table([NAME_COLUMN], [[name] for name in names])


# The columns of a user listing, and of one user, as troveclient shows
# them.
USER_COLUMNS = ('Name', 'Host', 'Databases')


def _user_row(user):
    return [models.MongoDBUser.name_in(user), user.get('_host') or '%',
            ', '.join(models.MongoDBSchema.names_in(
                list(user.get('_databases') or ())))]


def print_users(users, as_json):
    rows = [_user_row(user) for user in users]
    if as_json:
        print_json([dict(zip(USER_COLUMNS, row)) for row in rows])
    else:
        print_table(list(USER_COLUMNS), rows)


def print_properties(properties, as_json):
    """One object, as troveclient's Property/Value table shows it."""
    if as_json:
        print_json(properties)
    else:
        print_table(['Property', 'Value'],
                    [[key, value] for key, value in properties.items()])


def print_user(user, as_json):
    name, host, databases = _user_row(user)
    print_properties({'databases': databases, 'host': host, 'name': name},
                     as_json)


def print_root(root, show_password, as_json):
    """The root user; its password only when it was generated."""
    properties = {'name': models.MongoDBUser.name_in(root)}
    if show_password:
        properties['password'] = root['_password']
    print_properties(properties, as_json)


_RESULT_LINES = {
    'created': _('User %(name)s was created on instance %(instance)s.'),
    'deleted': _('User %(name)s was deleted from instance %(instance)s.'),
    'granted': _('User %(name)s was granted access on instance '
                 '%(instance)s.'),
    'revoked': _('User %(name)s had its access revoked on instance '
                 '%(instance)s.'),
}


def show_result(instance, kind, name, result, as_json):
    """What a change of a user did: a line, or JSON."""
    if as_json:
        print_json({'instance': instance, kind: name, 'result': result})
    else:
        print(_RESULT_LINES[result] % {'name': name, 'instance': instance})


def warn(message):
    sys.stderr.write(_('WARNING: %s\n') % message)


def note(message):
    sys.stderr.write('%s\n' % message)


class Outcome:
    """What an operator's create or delete did, with its warnings.

    :param result: ``created``, ``existed`` or ``deleted``.
    """

    def __init__(self, instance, database, result, line, warnings=()):
        self.instance = instance
        self.database = database
        self.result = result
        self.line = line
        self.warnings = list(warnings)

    @classmethod
    def of_create(cls, instance, name, answer):
        """The outcome of a create of ``name``, from the agent's answer."""
        existed = name in (answer or {}).get('existed', ())
        values = {'name': name, 'instance': instance}
        if not existed:
            return cls(instance, name, 'created',
                       _('Database %(name)s was created on instance '
                         '%(instance)s.') % values)
        return cls(instance, name, 'existed',
                   _('Database %(name)s exists on instance %(instance)s.')
                   % values,
                   [_('Database %(name)s existed already on instance '
                      '%(instance)s; it was left as it was.') % values])

    @classmethod
    def of_delete(cls, instance, name, answer):
        """The outcome of a delete of ``name``, from the agent's answer."""
        values = {'name': name, 'instance': instance,
                  'users': ', '.join((answer or {}).get('users_kept', ()))}
        warnings = []
        if values['users']:
            warnings.append(_('MongoDB kept the users %(users)s, whose '
                              'authentication database was %(name)s; '
                              'remove them with dropUser on database '
                              '%(name)s if they are no longer needed.')
                            % values)
        return cls(instance, name, 'deleted',
                   _('Database %(name)s was deleted from instance '
                     '%(instance)s.') % values, warnings)

    def show(self, as_json):
        for warning in self.warnings:
            warn(warning)
        if as_json:
            print_json({'instance': self.instance,
                        'database': self.database,
                        'result': self.result,
                        'warnings': self.warnings})
        else:
            print(self.line)
