"""Queries a page runs on every cold request, compiled to SQL once per shape and process.

Django builds and compiles a queryset anew each time it runs: for the related stories of an
article page (a union of one short read per tag, counted and ordered) that took longer than the
database took to answer. The SQL of such a query differs from one request to the next only in
its parameters (the story, its section, its tags, the time), so it is compiled once with values
no row holds, and each request binds its own values to the same SQL.

`build` is a module-level function returning the queryset for the values given as keyword
arguments. Each value must reach the SQL as parameters (ids, lists of ids, datetimes), and
`build` must not choose its query by them: what changes the SQL itself (a LIMIT) belongs in
`shape`, and a list's length is part of the shape already (one compilation per length). The
queryset is a `.values()` one and its rows come back as dictionaries (`rows`), which the read
side turns into its story shapes (`stories.py`).
"""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from django.db import connections
from django.db.models import Model, QuerySet

# No row has these: they stand for the real values while the query is compiled.
_FIRST_ID = -7_301_977_500
_FIRST_TIME = datetime(1901, 1, 1, tzinfo=UTC)

Value = int | datetime | list[int]


class _Slot:
    """Where a request's value goes among the compiled query's parameters."""

    def __init__(self, name: str, index: int | None):
        self.name, self.index = name, index

    def value(self, values: dict):
        return values[self.name] if self.index is None else values[self.name][self.index]


def _stand_ins(values: dict[str, Value]) -> dict[str, Value]:
    ids = iter(range(_FIRST_ID, _FIRST_ID - 10_000, -1))
    times = (_FIRST_TIME + timedelta(seconds=n) for n in range(10_000))
    stand_ins = {}
    for name, value in values.items():
        if isinstance(value, datetime):
            stand_ins[name] = next(times)
        elif isinstance(value, list | tuple):
            stand_ins[name] = [next(ids) for _ in value]
        else:
            stand_ins[name] = next(ids)
    return stand_ins


class _Compiled:
    def __init__(self, model: type[Model], compiler, sql: str, bound: list):
        self.model, self.compiler, self.sql, self.bound = model, compiler, sql, bound
        # What turns the database's values into Python's (SQLite's dates and booleans).
        self.converters = compiler.get_converters([column for column, _, _ in compiler.select])

    def params(self, values: dict[str, Value], connection) -> list:
        # Adapted once: the home page's query carries its time in each of its 23 reads.
        adapted = {
            name: connection.ops.adapt_datetimefield_value(value)
            if isinstance(value, datetime)
            else value
            for name, value in values.items()
        }
        return [param.value(adapted) if isinstance(param, _Slot) else param for param in self.bound]


def _compile(build: Callable[..., QuerySet], shape: tuple, values: dict, connection):
    stand_ins = _stand_ins(values)
    queryset = build(shape=shape, **stand_ins)
    compiler = queryset.query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    slots = {}
    for name, stand_in in stand_ins.items():
        for index, one in enumerate(stand_in) if isinstance(stand_in, list) else [(None, stand_in)]:
            if isinstance(one, datetime):
                one = connection.ops.adapt_datetimefield_value(one)
            slots[one] = _Slot(name, index)
    bound = [slots.get(param, param) if _hashable(param) else param for param in params]
    missing = set(slots.values()) - {param for param in bound if isinstance(param, _Slot)}
    if missing:
        names = ", ".join(sorted({slot.name for slot in missing}))
        raise ValueError(f"{build.__qualname__}: {names} must reach the SQL as parameters")
    return _Compiled(queryset.model, compiler, sql, bound)


def _hashable(param) -> bool:
    try:
        hash(param)
    except TypeError:
        return False
    return True


def _compiled(build, shape: tuple, values: dict, connection) -> _Compiled:
    # Kept on the connection object: one per thread, and the SQL is its database's dialect.
    kept = connection.__dict__.setdefault("newsroom_compiled_queries", {})
    key = (build.__module__, build.__qualname__, shape, tuple(_shape_of(values)))
    if key not in kept:
        kept[key] = _compile(build, shape, values, connection)
    return kept[key]


def rows(
    build: Callable[..., QuerySet], *, shape: tuple = (), using: str = "default", **values: Value
) -> list[dict]:
    """What `build(shape=shape, **values)`, a `.values()` queryset, gives, from SQL compiled
    once per shape."""
    connection = connections[using]
    compiled = _compiled(build, shape, values, connection)
    names, found = _fetch(compiled, values, connection)
    return [dict(zip(names, row, strict=True)) for row in found]


def _fetch(compiled: _Compiled, values: dict[str, Value], connection) -> tuple[list[str], list]:
    """The names of the columns, and the rows with Django's conversions applied."""
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, compiled.params(values, connection))
        names = [column[0] for column in cursor.description]
        found = cursor.fetchall()
    if compiled.converters:
        found = compiled.compiler.apply_converters(found, compiled.converters)
    return names, list(found)


def _shape_of(values: dict[str, Value]):
    for name, value in sorted(values.items()):
        yield name, len(value) if isinstance(value, list | tuple) else None
