"""Short ordered reads of several indexes, combined into one query."""

from django.db.models import QuerySet
from django.db.models.expressions import RawSQL


def ids_of_any(*arms: QuerySet | tuple[QuerySet, str]) -> RawSQL:
    """The ids the querysets select, as one UNION ALL for `pk__in`: each arm's `pk`, or the
    field an arm names as `(queryset, field)`.

    Each arm keeps its own ORDER BY and LIMIT, so each is a short ordered read of an index; an
    OR of the same conditions made the database scan the whole archive instead. The queries
    built with it are compiled once (`compiled`), so twenty arms cost no more per request
    than one.
    """
    parts, params = [], []
    for arm in arms:
        queryset, field = arm if isinstance(arm, tuple) else (arm, "pk")
        sql, arm_params = queryset.values(field).query.sql_with_params()
        # Django compiled `sql`; every value stays a parameter.
        parts.append(f"SELECT * FROM ({sql}) AS arm_{len(parts)}")  # noqa: S608
        params.extend(arm_params)
    return RawSQL(" UNION ALL ".join(parts), params)  # noqa: S611 - compiled by Django
