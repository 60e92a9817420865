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


def refuse_case_twins(schemas, listed):
    """Refuse new names that differ only in case from an existing database.

    mongod refuses such a name itself (DatabaseDifferCase), but not every
    server does, and the refusal must come before the batch's first write.

    :param schemas: the validated schemas of a create request.
    :param listed: the names of the server's databases.
    """
    existing = set(listed)
    new = {_fold_case(schema.name): schema.name for schema in schemas
           if schema.name not in existing}
    twins = {}
    for name in listed:
        folded = _fold_case(name)
        if folded in new:
            twins.setdefault(folded, name)
    problems = [_('%(name)r differs only in case from the existing '
                  'database %(twin)r') % {'name': name, 'twin': twins[fold]}
                for fold, name in new.items() if fold in twins]
    _raise_problems(problems)


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
        problems.append(_('the marker must be a database name or None, '
                          'not %s') % type(marker).__name__)
    _raise_problems(problems)
    return limit, marker, bool(include_marker)


def _raise_problems(problems):
    if not problems:
        return
    # The schema's messages are sentences; the refusal joins them into one.
    shown = [problem.rstrip('.') for problem in problems[:_MAX_PROBLEMS_SHOWN]]
    if len(problems) > len(shown):
        shown.append(_('and %d more') % (len(problems) - len(shown)))
    raise exception.InvalidDatabaseRequest(problems='; '.join(shown))
