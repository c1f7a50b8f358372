"""Inserting and updating tens of thousands of rows at once, for the bulk paths (the unit import and its history and
audit rows).

On PostgreSQL the rows go in by COPY, three times faster than `bulk_create`: with psycopg's client-side binding
(Django's default) an INSERT has every value quoted into the statement in Python, escapes and all, while COPY streams
the values. An update copies the new values into a temporary table and updates from it in one statement, where
`bulk_update` writes a CASE over every row for every field (slower with every row). Elsewhere (SQLite: tests,
`make run`) they are `bulk_create` and `bulk_update`.

Either way the rows are what `bulk_create` writes: each field's `pre_save` (auto_now) and `get_db_prep_save`
(personal data encrypted, huhang/crypto.py), parents saved just before giving their keys, and each object has its
primary key afterwards, taken from the table's sequence first. On the COPY path a value of one of Django's plain
fields (text, numbers, dates, keys) that already has its column's Python type goes to psycopg as it is: what the
field's `get_db_prep_save` would return unchanged, without its dozen calls per value (a million for 15,000 units).
No signal is sent, as with `bulk_create`; a COPY passes no execute wrapper either, so it tells the figures' caches
itself (huhang/freshness.py).
"""

from __future__ import annotations

import datetime
import functools
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections, router
from django.db.models import Field, Model, fields
from django.db.models.fields import related
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
    readers = [_column_reader(field, connection, add=True) for field in fields]
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for obj in objs:
            copy.write_row(_row(obj, readers))
    for obj in objs:
        obj._state.adding, obj._state.db = False, connection.alias
    records_changed(connection.alias)


def built(model: type[Model], values: dict[str, Any]) -> Model:
    """`model(**values)`, the same unsaved instance, built faster: the bulk paths build a hundred thousand (units,
    contacts, history rows, audit events), and Django's keyword path looks up and pops every field of every one.

    `values` are keyed by field name, a foreign key by its object (or None) or by its attname (`user_id`); a field
    not given takes its default, as with keywords. The instance is built with positional values, in the order of
    the model's concrete fields, which Django sets as they are, then the given related objects are cached on it as
    the foreign key's descriptor would."""
    arguments, cached, used = [], [], 0
    for field, name, attname, is_relation in _init_fields(model):
        if name in values:
            value, used = values[name], used + 1
            if is_relation:
                cached.append((field, value))
                value = None if value is None else getattr(value, field.target_field.attname)
            arguments.append(value)
        elif attname in values:
            arguments.append(values[attname])
            used += 1
        else:
            arguments.append(field.get_default())
    if used != len(values):
        unknown = set(values).difference(_init_names(model))
        raise TypeError(f"{model.__name__} has no field {', '.join(sorted(unknown))}.")
    instance = model(*arguments)
    for field, obj in cached:
        field.set_cached_value(instance, obj)
    return instance


@functools.cache
def _init_fields(model: type[Model]) -> tuple[tuple[Field, str, str, bool], ...]:
    return tuple(
        (field, field.name, field.attname, isinstance(field, related.ForeignKey))
        for field in model._meta.concrete_fields
    )


@functools.cache
def _init_names(model: type[Model]) -> frozenset[str]:
    return frozenset(name for _field, *names, _is in _init_fields(model) for name in names)


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
        readers = [_column_reader(field, connection, add=False) for field in changed]
        with cursor.copy(sql.SQL("COPY {} FROM STDIN").format(values)) as copy:
            for obj in objs:
                copy.write_row([obj.pk, *_row(obj, readers)])
        assignments = sql.SQL(", ").join(sql.SQL("{0} = {1}.{0}").format(column, values) for column in columns[1:])
        run(
            sql.SQL("UPDATE {} SET {} FROM {} WHERE {}.{} = {}.{}").format(
                table, assignments, values, table, columns[0], values, columns[0]
            )
        )
        run(sql.SQL("DROP TABLE {}").format(values))


def _execute(cursor, connection, statement: sql.Composable) -> None:
    cursor.execute(statement.as_string(connection.connection))


# Django's plain fields, by exact class (a subclass, such as an encrypted field, may prepare its values otherwise),
# and the Python types their get_db_prep_save returns unchanged on PostgreSQL.
PLAIN_TYPES: dict[type[Field], tuple[type, ...]] = {
    **dict.fromkeys((fields.CharField, fields.TextField, fields.EmailField, fields.SlugField), (str,)),
    **dict.fromkeys(
        (
            fields.AutoField,
            fields.BigAutoField,
            fields.IntegerField,
            fields.BigIntegerField,
            fields.SmallIntegerField,
            fields.PositiveIntegerField,
            fields.PositiveSmallIntegerField,
            fields.PositiveBigIntegerField,
        ),
        (int,),
    ),
    fields.BooleanField: (bool,),
    fields.DateField: (datetime.date,),
    fields.DateTimeField: (datetime.datetime,),
    fields.UUIDField: (uuid.UUID,),  # a native uuid column
}


# How one column's value is read from an object: the attribute named, if its type is one of those accepted (None:
# never), else the prepared value.
ColumnReader = tuple[str, tuple[type, ...] | None, Callable[[Model], Any]]


def _column_reader(field: Field, connection, *, add: bool) -> ColumnReader:
    """How `_row` reads one column: `field.get_db_prep_save(field.pre_save(obj, add))`, or the attribute itself when
    the field is a plain one whose preparation would return that value unchanged."""

    def prepared(obj: Model) -> Any:
        return field.get_db_prep_save(field.pre_save(obj, add), connection)

    target = field.target_field if isinstance(field, related.ForeignKey) else field
    accepted = PLAIN_TYPES.get(type(target))
    if accepted is not None and isinstance(field, fields.DateField) and (field.auto_now or field.auto_now_add):
        accepted = None
    return field.attname, accepted, prepared


def _row(obj: Model, readers: list[ColumnReader]) -> list[Any]:
    """The object's values for the columns, in one loop (a function call per value is a million calls)."""
    row = []
    for attname, accepted, prepared in readers:
        if accepted is not None:
            value = getattr(obj, attname)
            # Exactly the type (an enum member or a lazy text is prepared); a datetime only with its time zone.
            kind = type(value)
            if value is None or (kind in accepted and (kind is not datetime.datetime or value.tzinfo is not None)):
                row.append(value)
                continue
        row.append(prepared(obj))
    return row
