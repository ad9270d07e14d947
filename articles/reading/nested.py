"""A row's few related rows read with it, as a JSON array in one of its columns.

An article page needs its story, the story's tags and its bylines. Read as three queries, each
cost a round trip to the database and a queryset built in Python (taggit's manager is the
dearest); nested in the story's row they cost neither. Django 5.2 has no aggregate
building JSON on both databases, hence these two functions. Their SQL is text to Django: the
rows are decoded by `unnest`, and Django's JSON functions would check SQLite's JSON support
with a query of their own.
"""

import json

from django.db.models import Aggregate, F, Func, OuterRef, QuerySet, Subquery, TextField


class JSONRow(Func):
    """The JSON array of these values."""

    function = "JSON_ARRAY"  # SQLite
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSONB_BUILD_ARRAY", **extra_context)


class JSONRows(Aggregate):
    """The JSON array of an expression's values over a group's rows, in no particular order."""

    function = "JSON_GROUP_ARRAY"  # SQLite
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        # jsonb, which Django's PostgreSQL backend reads as text, as SQLite gives it.
        return self.as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


def nested(related: QuerySet, link: str, *fields: str) -> Subquery:
    """For an annotation: the `fields` of the rows of `related` whose `link` is the outer row,
    each row as a JSON array of them (None when there are none). Decode with `unnest`."""
    return Subquery(
        related.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(nested_rows=JSONRows(JSONRow(*(F(field) for field in fields))))
        .values("nested_rows"),
        output_field=TextField(),
    )


def unnest(value: str | None) -> list[list]:
    """The rows `nested` gave, as lists of their fields' values in its order."""
    return json.loads(value) if value else []
