"""Inserting and updating tens of thousands of rows at once, for the bulk paths (the unit import and its history and
audit rows).

On PostgreSQL the rows go in by COPY, three times faster than `bulk_create`: with psycopg's client-side binding
(Django's default) an INSERT has every value quoted into the statement in Python, escapes and all, while COPY streams
the values. An update copies the new values into a temporary table and updates from it in one statement, where
`bulk_update` writes a CASE over every row for every field (slower with every row). Elsewhere (SQLite: tests,
`make run`) they are `bulk_create` and `bulk_update`.

Either way the rows are what `bulk_create` writes: each field's `pre_save` (auto_now) and `get_db_prep_save`
(personal data encrypted, huhang/crypto.py), parents saved just before giving their keys, and each object has its
primary key afterwards, taken from the table's sequence first. No signal is sent, as with `bulk_create`; a COPY
passes no execute wrapper either, so it tells the figures' caches itself (huhang/freshness.py).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from django.db import connections, router
from django.db.models import Model
from psycopg import sql

from huhang.freshness import records_changed


def bulk_insert(objs: Sequence[Model]) -> None:
    """Inserts the objects, all of one model, in one statement (two with their keys) on PostgreSQL."""
    if not objs:
        return
    model = type(objs[0])
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objs, batch_size=1_000)
        return
    opts = model._meta
    _take_keys(connection, opts, [obj for obj in objs if obj.pk is None])
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_insert")
    fields = opts.concrete_fields
    columns = sql.SQL(", ").join(sql.Identifier(field.column) for field in fields)
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(opts.db_table), columns)
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for obj in objs:
            copy.write_row([field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields])
    for obj in objs:
        obj._state.adding, obj._state.db = False, connection.alias
    records_changed(connection.alias)


def _take_keys(connection, opts, objs: list[Model]) -> None:
    if not objs:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [opts.db_table, opts.pk.column, len(objs)],
        )
        for obj, (key,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = key


def bulk_update(objs: Sequence[Model], fields: Sequence[str]) -> None:
    """Writes these fields of the objects, all of one model, in three statements on PostgreSQL."""
    if not objs:
        return
    model = type(objs[0])
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model._default_manager.bulk_update(objs, fields, batch_size=250)
        return
    opts = model._meta
    pk, changed = opts.pk, [opts.get_field(name) for name in fields]
    table, values = sql.Identifier(opts.db_table), sql.Identifier(f"bulk_update_{opts.db_table}")
    columns = [sql.Identifier(field.column) for field in (pk, *changed)]
    with connection.cursor() as cursor:
        run = functools.partial(_execute, cursor, connection)  # as text: Django's execute wrappers read it
        run(
            sql.SQL("CREATE TEMPORARY TABLE {} ON COMMIT DROP AS SELECT {} FROM {} WITH NO DATA").format(
                values, sql.SQL(", ").join(columns), table
            )
        )
        with cursor.copy(sql.SQL("COPY {} FROM STDIN").format(values)) as copy:
            for obj in objs:
                copy.write_row(
                    [obj.pk, *(field.get_db_prep_save(field.pre_save(obj, False), connection) for field in changed)]
                )
        assignments = sql.SQL(", ").join(sql.SQL("{0} = {1}.{0}").format(column, values) for column in columns[1:])
        run(
            sql.SQL("UPDATE {} SET {} FROM {} WHERE {}.{} = {}.{}").format(
                table, assignments, values, table, columns[0], values, columns[0]
            )
        )
        run(sql.SQL("DROP TABLE {}").format(values))


def _execute(cursor, connection, statement: sql.Composable) -> None:
    cursor.execute(statement.as_string(connection.connection))
