"""Checks of a create or delete request, before anything changes.

A request is refused whole, with every problem named, so that a tenant's
batch is never half applied because of one bad item.
"""

from trove.common import cfg
from trove.common import exception
from trove.common.i18n import _
from trove.guestagent.db import models

CONF = cfg.CONF

# At most this many problems are spelled out in one refusal.
_MAX_PROBLEMS_SHOWN = 10


def reserved_names():
    """The folded names of the server's own databases, as configured."""
    return {models.fold_case(name) for name in CONF.mongodb.ignore_dbs}


def validated_batch(databases):
    """Deserialize a batch, refusing it whole with every problem named."""
    if not isinstance(databases, (list, tuple)):
        raise exception.InvalidDatabaseRequest(
            problems=_('databases must be a list of database payloads, not '
                       '%s') % type(databases).__name__)
    reserved = reserved_names()
    problems = []
    schemas = []
    seen = {}
    for index, payload in enumerate(databases):
        try:
            schema = models.MongoDBSchema.deserialize_schema(payload)
        except ValueError as exc:
            problems.append(_('item %(index)d: %(error)s')
                            % {'index': index, 'error': exc})
            continue
        folded = models.fold_case(schema.name)
        if folded in reserved:
            problems.append(_reserved(schema))
        elif seen.get(folded) == schema.name:
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
        or a database of the server's own.
    """
    try:
        schema = models.MongoDBSchema.deserialize_schema(database)
    except ValueError as exc:
        _raise_problems([str(exc)])
    if models.fold_case(schema.name) in reserved_names():
        _raise_problems([_reserved(schema)])
    return schema


def _reserved(schema):
    return _('%r is reserved for the server') % schema.name


def refuse_case_twins(schemas, existing, listed):
    """Refuse names that differ only in case from an existing database.

    :param existing: the set of the server's names.
    :param listed: the same names as a sequence.
    """
    new = {models.fold_case(schema.name): schema.name for schema in schemas
           if schema.name not in existing}
    # Only the names that fold like a new one are looked at: folding
    # every existing name cost a tenth of the server's listing.
    twins = {}
    for position in models.positions_folding_to(listed, new):
        twins.setdefault(models.fold_case(listed[position]),
                         listed[position])
    problems = [_('%(name)r differs only in case from the existing '
                  'database %(twin)r') % {'name': name, 'twin': twins[fold]}
                for fold, name in new.items() if fold in twins]
    _raise_problems(problems)


def _raise_problems(problems):
    if not problems:
        return
    # The schema's messages are sentences; the refusal joins them into one.
    shown = [problem.rstrip('.') for problem in problems[:_MAX_PROBLEMS_SHOWN]]
    if len(problems) > len(shown):
        shown.append(_('and %d more') % (len(problems) - len(shown)))
    raise exception.InvalidDatabaseRequest(problems='; '.join(shown))
