"""Reading one row as a model instance in one plain query: the reads every signed-in
request makes (its session, its user, its second-factor device) and a few others as hot.

`fetch(Model, pk=1)` or `fetch(Session, session_key=key, expire_date__gt=now)` gives the
instance the ORM's `.filter(...).first()` would, or None, built the way the ORM builds it
(the database's and the fields' converters, then `Model.from_db`), without compiling a
query each time: the ORM spends about half a millisecond building the SQL of a one-row
lookup, the database a twentieth of that answering it. Decision 0028.

Only equality and `__gt` on concrete columns, joined by AND: anything else is a query for
the ORM.
"""

from __future__ import annotations

from functools import cache

from django.db import connections
from django.db.models import Model

_OPERATORS = {"exact": "=", "gt": ">"}


def fetch(model: type[Model], *, using: str = "default", **conditions) -> Model | None:
    """The instance of `model` matching every condition (`field=value` or
    `field__gt=value`), or None. More than one match gives the first the database returns:
    condition on a primary key or a unique column."""
    connection = connections[using]
    sql, fields = _select(model, tuple(conditions), using, connection.vendor)
    params = [
        field.get_db_prep_value(value, connection)
        for field, value in zip(fields, conditions.values(), strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for position, converters, column in _converters(model, using, connection.vendor):
        value = values[position]
        for converter in converters:
            value = converter(value, column, connection)
        values[position] = value
    return model.from_db(using, _attnames(model), values)


@cache
def _attnames(model: type[Model]) -> tuple[str, ...]:
    return tuple(field.attname for field in model._meta.concrete_fields)


@cache
def _select(
    model: type[Model], lookups: tuple[str, ...], using: str, vendor: str
) -> tuple[str, tuple]:
    """The SELECT for these lookups (per database and vendor: quoting differs) and the
    fields that prepare the lookups' values."""
    quote = connections[using].ops.quote_name
    meta = model._meta
    where, fields = [], []
    for lookup in lookups:
        name, _, operator = lookup.partition("__")
        if operator not in ("", *_OPERATORS):
            raise ValueError(f"rows.fetch knows = and __gt, not __{operator}")
        field = meta.pk if name == "pk" else meta.get_field(name)
        if field not in meta.concrete_fields:
            raise ValueError(f"rows.fetch: {name} is not a column of {meta.label}")
        where.append(f"{quote(field.column)} {_OPERATORS[operator or 'exact']} %s")
        fields.append(field)
    columns = ", ".join(quote(field.column) for field in meta.concrete_fields)
    sql = (
        f"SELECT {columns} FROM {quote(meta.db_table)} "  # noqa: S608  # nosec B608 - model names, placeholders
        f"WHERE {' AND '.join(where) or '1 = 1'} LIMIT 1"
    )
    return sql, tuple(fields)


@cache
def _converters(model: type[Model], using: str, vendor: str) -> tuple:
    """(position, converters, column) for each column whose value the ORM would convert:
    the backend's (SQLite's dates and booleans) then the field's own (`from_db_value`)."""
    connection = connections[using]
    table = model._meta.db_table
    found = []
    for position, field in enumerate(model._meta.concrete_fields):
        column = field.get_col(table)
        converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if converters:
            found.append((position, tuple(converters), column))
    return tuple(found)


def many(sql: str, params: list | tuple, *, using: str = "default") -> list[tuple]:
    """Every row of a read that returns many (the canvass search's cameras), as plain
    tuples, the values the usual cursor gives.

    On PostgreSQL the parameters are bound by the server and the rows come in binary: for
    a hundred rows of forty columns psycopg reads binary numbers and text in about two
    thirds of the time it spends on their text form. (Django's cursors bind on the client,
    in text, so that any statement works; a plain SELECT needs neither.) The statement
    goes through Django's cursor wrapper all the same: its error translation, its query
    log and its execute wrappers see it. On SQLite, the usual cursor.

    Columns of the types Django reads as text (jsonb, inet, cidr) would come back parsed
    in binary: select them `CAST(... AS TEXT)`; a statement that returns one is refused.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    import psycopg
    from psycopg.pq import Format

    connection.ensure_connection()
    connection.validate_thread_sharing()
    raw = psycopg.Cursor(connection.connection)
    raw.format = Format.BINARY
    wrapped = (
        connection.make_debug_cursor(raw)
        if connection.queries_logged
        else connection.make_cursor(raw)
    )
    with wrapped as cursor:
        cursor.execute(sql, params)
        for column in cursor.description or ():
            if column.type_code in _READ_AS_TEXT:
                raise ValueError(
                    f"rows.many: select {column.name} as text (CAST(... AS TEXT)): "
                    "Django reads its type as text, binary rows would parse it"
                )
        return cursor.fetchall()


# jsonb, inet, cidr: the types Django's PostgreSQL backend loads as text.
_READ_AS_TEXT = frozenset({3802, 869, 650})
