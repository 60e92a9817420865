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

"""Checks of a request as a whole, and against the server's state.

The rules of one name (valid by mongod's rules, reserved for the server,
may be created or deleted) belong to the schema,
:class:`~trove.guestagent.db.models.MongoDBSchema`. This module applies
them to a request and adds what needs the whole request or the server's
listing: the shape of a batch, names listed twice or differing only in
case, and the arguments of a page. A request is refused whole, with every
problem named, before anything changes, so that a tenant's batch is never
half applied because of one bad item.
"""

from trove.common import exception
from trove.common.i18n import _
from trove.guestagent.db import models

# At most this many problems are spelled out in one refusal.
_MAX_PROBLEMS_SHOWN = 10

_fold_case = models.MongoDBSchema.fold_case


def validated_batch(databases):
    """The schemas of a create request, refused whole with every problem.

    :param databases: a list of serialized schemas.
    :raises InvalidDatabaseRequest: for a batch that is not a list, an item
        that is no valid schema or may not be created, a name listed twice
        or differing only in case from another of the batch.
    """
    if not isinstance(databases, (list, tuple)):
        raise exception.InvalidDatabaseRequest(
            problems=_('databases must be a list of database payloads, not '
                       '%s') % type(databases).__name__)
    problems = []
    schemas = []
    seen = {}
    for index, payload in enumerate(databases):
        try:
            schema = models.MongoDBSchema.deserialize_schema(payload)
            schema.check_create()
        except ValueError as exc:
            problems.append(_('item %(index)d: %(error)s')
                            % {'index': index, 'error': exc})
            continue
        folded = _fold_case(schema.name)
        if seen.get(folded) == schema.name:
            problems.append(_('%r is listed more than once') % schema.name)
        elif folded in seen:
            problems.append(_('%(name)r differs only in case from %(other)r '
                              'in the same request')
                            % {'name': schema.name, 'other': seen[folded]})
        else:
            seen[folded] = schema.name
            schemas.append(schema)
    _raise_problems(problems)
    return schemas


def validated_database(database):
    """The schema of a delete request.

    :param database: one serialized schema.
    :raises InvalidDatabaseRequest: for a payload that is no valid schema
        or a database that may not be deleted.
    """
    try:
        schema = models.MongoDBSchema.deserialize_schema(database)
        schema.check_delete()
    except ValueError as exc:
        _raise_problems([str(exc)])
    return schema


def refuse_case_twins(schemas, listed, error=exception.InvalidDatabaseRequest):
    """Refuse new names that differ only in case from an existing database.

    mongod refuses such a name itself (DatabaseDifferCase), but not every
    server does, and the refusal must come before the batch's first write.
    A grant of such a name would give access to a database that cannot
    exist beside its twin, and none to the twin.

    :param schemas: the validated schemas of a create request or a grant.
    :param listed: the names of the server's databases.
    :param error: the refusal to raise.
    """
    existing = set(listed)
    new = {_fold_case(schema.name): schema.name for schema in schemas
           if schema.name not in existing}
    if not new:
        # Every name exists as it is (a grant's usual case): no listed
        # name needs folding.
        return
    twins = {}
    for name in listed:
        folded = _fold_case(name)
        if folded in new:
            twins.setdefault(folded, name)
    problems = [_('%(name)r differs only in case from the existing '
                  'database %(twin)r') % {'name': name, 'twin': twins[fold]}
                for fold, name in new.items() if fold in twins]
    _raise_problems(problems, error)


def case_twin(name, listed):
    """The name of ``listed`` that differs from ``name`` only in case.

    :returns: that name, or ``None`` when ``listed`` has none (or has
        ``name`` itself).
    """
    if name in listed:
        return None
    folded = _fold_case(name)
    return next((other for other in listed if _fold_case(other) == folded),
                None)


def validated_page(limit, marker, include_marker):
    """The arguments of a list request, as the pagination takes them.

    :returns: ``(limit, marker, include_marker)``, the last one a bool.
    :raises InvalidDatabaseRequest: for a limit that is not a positive
        integer or ``None``, or a marker that is not a name or ``None``.
    """
    problems = []
    if limit is not None and (isinstance(limit, bool)
                              or not isinstance(limit, int) or limit < 1):
        problems.append(_('the limit must be a positive integer or None, '
                          'not %r') % (limit,))
    if marker is not None and not isinstance(marker, str):
        problems.append(_('the marker must be a name or None, not %s')
                        % type(marker).__name__)
    _raise_problems(problems)
    return limit, marker, bool(include_marker)


def _raise_problems(problems, error=exception.InvalidDatabaseRequest):
    if not problems:
        return
    # The schema's messages are sentences; the refusal joins them into one.
    shown = [problem.rstrip('.') for problem in problems[:_MAX_PROBLEMS_SHOWN]]
    if len(problems) > len(shown):
        shown.append(_('and %d more') % (len(problems) - len(shown)))
    raise error(problems='; '.join(shown))


# Users. The rules of one user (its name, reserved users and databases)
# belong to MongoDBUser; these apply them to a request, whole.

def _user_batch(users, build, check):
    """The users of a batch, refused whole with every problem named.

    :param build: makes a user of one payload.
    :param check: the user's check for the request (check_create, ...).
    """
    if not isinstance(users, (list, tuple)):
        raise exception.InvalidUserRequest(
            problems=_('users must be a list of user payloads, not %s')
            % type(users).__name__)
    problems = []
    validated = {}
    for index, payload in enumerate(users):
        try:
            user = build(payload)
            check(user)
        except ValueError as exc:
            problems.append(_('item %(index)d: %(error)s')
                            % {'index': index, 'error': exc})
            continue
        if user.name in validated:
            problems.append(_('%r is listed more than once') % user.name)
        validated[user.name] = user
    _raise_problems(problems, exception.InvalidUserRequest)
    return list(validated.values())


def validated_new_users(users):
    """The users of a create request, each with a password.

    :param users: a list of serialized users.
    :raises InvalidUserRequest: for a batch that is not a list, a bad
        payload, name, password or host, a reserved user, a user in or
        granted a reserved database, or a user listed twice.
    """
    return _user_batch(users, models.MongoDBUser.deserialize_user,
                       models.MongoDBUser.check_create)


def validated_password_changes(users):
    """The users of a change_passwords request, each with a password.

    :param users: entries ``{'name', 'host', 'password'}``, as Trove's API
        sends them.
    """
    def check(user):
        user.check_change()
        if user.password is None:
            raise ValueError(_('no new password for user %r') % user.name)
    return _user_batch(users,
                       models.MongoDBUser.deserialize_password_change,
                       check)


def validated_user(payload):
    """The user of a delete request (a serialized user)."""
    try:
        user = models.MongoDBUser.deserialize_user(payload)
        user.check_change()
    except ValueError as exc:
        _raise_problems([str(exc)], exception.InvalidUserRequest)
    return user


def validated_user_name(username, hostname):
    """The user named by a request's ``username`` and ``hostname``."""
    try:
        user = models.MongoDBUser(username, host=hostname)
        user.check_change()
    except ValueError as exc:
        _raise_problems([str(exc)], exception.InvalidUserRequest)
    return user


def validated_grant(databases):
    """The schemas of the databases a grant names.

    :param databases: names, as Trove's API sends them, or payloads.
    :raises InvalidUserRequest: for a name that is invalid or reserved.
    """
    if not isinstance(databases, (list, tuple)):
        databases = [databases]
    problems = []
    schemas = []
    for database in databases:
        try:
            schema = (models.MongoDBSchema.deserialize_schema(database)
                      if isinstance(database, dict)
                      else models.MongoDBSchema(database))
            schema.check_grant()
        except ValueError as exc:
            problems.append(str(exc))
            continue
        if schema not in schemas:
            schemas.append(schema)
    _raise_problems(problems, exception.InvalidUserRequest)
    return schemas


def raise_user_problem(error):
    """Refuse a user request for ``error``, a ValueError of the models."""
    _raise_problems([str(error)], exception.InvalidUserRequest)


_USER_ATTRIBUTES = ('name', 'password', 'host')


def validated_attributes(user, user_attrs):
    """The new password of an update_attributes request, or ``None``.

    A new name is refused: MongoDB cannot rename a user. A host other
    than ``%`` is refused by the user model.
    """
    if not isinstance(user_attrs, dict):
        _raise_problems([_('user_attrs must be a dict, not %s')
                         % type(user_attrs).__name__],
                        exception.InvalidUserRequest)
    problems = []
    unknown = sorted(repr(key) for key in user_attrs
                     if key not in _USER_ATTRIBUTES)
    if unknown:
        problems.append(_('unknown attributes %s; only name, password and '
                          'host can be given') % ', '.join(unknown))
    new_name = user_attrs.get('name')
    if new_name is not None and new_name != user.name:
        problems.append(_('MongoDB cannot rename user %(name)r to '
                          '%(new)r; create the new user with its password '
                          'and databases, then delete this one')
                        % {'name': user.name, 'new': new_name})
    password = user_attrs.get('password')
    try:
        models.MongoDBUser(user.name, password=password,
                           host=user_attrs.get('host'))
    except ValueError as exc:
        problems.append(str(exc))
    _raise_problems(problems, exception.InvalidUserRequest)
    return password
