"""What every part of the scale data set shares: its size, its seeded generators, the demo's "now", bulk inserts
that keep the timestamps they are given, and a memoised working-day clock for the requests' time limits."""

from __future__ import annotations

import datetime
import functools
import random
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, models
from psycopg.types.json import Jsonb

from huhang import workdays

TZ = ZoneInfo("Asia/Shanghai")
# As the demo (demo/archive, demo/reports): nothing happens after 24 November 2026; the reminders run at 7:30 on the
# 25th (demo/reminders.py).
LAST_DAY = datetime.date(2026, 11, 24)
# The demo programme has 150 units, 60 people and 40 teams: the scale data adds (factor - 1) times as many.
DEMO_UNITS, DEMO_PEOPLE, DEMO_TEAMS = 150, 60, 40
# The 100× programme: ~750,000 activities and ~150,000 requests over 15,000 units.
ACTIVITIES_PER_UNIT = 50
REQUESTS_PER_UNIT = 10
# Usernames of the scale data's logins start with this: how a database that holds scale data is recognised.
USERNAME_PREFIX = "scale-"
BATCH = 2000


@dataclass
class ScaleUnit:
    """What the later parts need to know of a scale unit, without holding model instances for 15,000 units."""

    pk: int
    name: str
    county: str
    city: str
    category: str
    field: str
    selected_on: datetime.date
    removed_on: datetime.date | None
    contact_id: int = 0
    contact_user_id: int = 0
    profile_id: int = 0
    team_index: int = 0


@dataclass
class ScaleTeam:
    pk: int
    person_ids: list[int]  # leader first, then the two core members
    user_ids: list[int]  # the same order
    unit_indexes: list[int] = field(default_factory=list)


@dataclass
class Scale:
    """The scale data as it is built: each part adds what the next ones read."""

    factor: int
    seed: str
    bureau_id: int
    units: list[ScaleUnit] = field(default_factory=list)
    teams: list[ScaleTeam] = field(default_factory=list)
    experts: list[int] = field(default_factory=list)  # people who signed the undertaking, to invite
    plans: dict[int, dict] = field(default_factory=dict)  # unit pk → approval day and open measures in force
    # A sample of the activities and rated requests, for the typical cases (reports): (key, unit, team, kind, day, when)
    candidates: list[tuple] = field(default_factory=list)
    report: Callable[[str], None] = print

    @property
    def new_units(self) -> int:
        return DEMO_UNITS * (self.factor - 1)

    @property
    def new_people(self) -> int:
        return DEMO_PEOPLE * (self.factor - 1)

    @property
    def new_teams(self) -> int:
        return DEMO_TEAMS * (self.factor - 1)

    def rng(self, part: str) -> random.Random:
        return random.Random(f"scale-{part}-{self.seed}")  # nosec B311 # seeded scale data


def new_uid(rng: random.Random) -> uuid.UUID:
    """A version-4 UUID drawn from the seeded generator: the same data set on every run."""
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def at(rng: random.Random, day: datetime.date, first_hour: int = 9, last_hour: int = 17) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(rng.randint(first_hour, last_hour - 1), rng.randrange(60)), tzinfo=TZ
    )


def day_between(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, max((end - start).days, 0)))


@contextmanager
def foreign_keys_checked_at_the_end(*model_classes: type[models.Model]) -> Iterator[None]:
    """On PostgreSQL, takes the foreign keys of `model_classes`' tables (and their many-to-many tables) off while
    the rows go in and puts the same constraints back afterwards, in the same transaction: each is then checked by
    one join over the whole table instead of one lookup per inserted row (~10 million at 100×, minutes at COMMIT).
    What pg_restore does. Nothing changes elsewhere, nor if the block fails (the transaction rolls back)."""
    if connection.vendor != "postgresql":
        yield
        return
    tables = set()
    for model in model_classes:
        tables.add(model._meta.db_table)
        tables.update(f.remote_field.through._meta.db_table for f in model._meta.local_many_to_many)
    with connection.cursor() as cursor:
        # A table with rows whose deferred checks are still pending (written earlier in this transaction, as a test
        # does) cannot be altered: run those checks now; the constraints are deferred again afterwards.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s) ORDER BY 1, 2",
            [sorted(tables)],
        )
        keys = cursor.fetchall()
        for table, name, _definition in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")  # nosec B608
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the same, for the rows the block wrote to other tables
        for table, name, definition in keys:
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"  # nosec B608
            )
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@contextmanager
def stamps_as_given(*model_classes: type[models.Model]) -> Iterator[None]:
    """bulk_create stamps auto_now(_add) fields with the time of the insert; the scale data's records carry the
    moments they happened, as the demo's do (which moves them afterwards with updates). Restored on exit."""
    changed = []
    for model in model_classes:
        for model_field in model._meta.concrete_fields:
            if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
                changed.append((model_field, model_field.auto_now, model_field.auto_now_add))
                model_field.auto_now = model_field.auto_now_add = False
    try:
        yield
    finally:
        for model_field, auto_now, auto_now_add in changed:
            model_field.auto_now, model_field.auto_now_add = auto_now, auto_now_add


def insert(model: type[models.Model], rows: Iterable[models.Model], *, batch_size: int = BATCH) -> list:
    """bulk_create in batches, keeping the given timestamps; returns the rows with their keys."""
    rows = list(rows)
    with stamps_as_given(model):
        return model.objects.bulk_create(rows, batch_size=batch_size)


def write(model: type[models.Model], rows: list[dict[str, Any]], *, ids: bool = False) -> list[int]:
    """Inserts `rows` (field attnames → values, prepared for the database: no encrypted or JSON fields) into
    `model`'s table; returns their keys in order when `ids`. Fields a row leaves out take their defaults.

    On PostgreSQL by COPY, the keys drawn from the table's sequence beforehand: building 150,000 model instances
    and their bulk_create statements is most of the build at 100×, a COPY of tuples a small part of it. Elsewhere
    (SQLite, small factors) by bulk_create. COPY bypasses the execute wrappers, so the caller tells huhang.freshness
    that the records changed (build_scale does, once, at the end)."""
    if not rows:
        return []
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    if connection.vendor != "postgresql":
        with stamps_as_given(model):
            created = model.objects.bulk_create([model(**row) for row in rows], batch_size=BATCH)
        return [obj.pk for obj in created] if ids else []
    defaults = {f.attname: f.get_default() for f in fields}
    columns = list(defaults)
    json_columns = [c for c, f in zip(columns, fields, strict=True) if isinstance(f, models.JSONField)]
    if json_columns:
        rows = [{**row, **{c: Jsonb(row[c]) for c in json_columns if row.get(c) is not None}} for row in rows]
    table = model._meta.db_table
    keys: list[int] = []
    with connection.cursor() as cursor:
        if ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, len(rows)]
            )
            keys = [key for (key,) in cursor.fetchall()]
        names = ", ".join(connection.ops.quote_name(model._meta.get_field(c).column) for c in columns)
        sql = f"COPY {connection.ops.quote_name(table)} ({'id, ' if ids else ''}{names}) FROM STDIN"  # nosec B608
        with cursor.cursor.copy(sql) as copy:
            if ids:
                for key, row in zip(keys, rows, strict=True):
                    copy.write_row((key, *[row.get(c, defaults[c]) for c in columns]))
            else:
                for row in rows:
                    copy.write_row([row.get(c, defaults[c]) for c in columns])
    return keys


@functools.cache
def _due_from(received: datetime.date, working_days: int) -> datetime.datetime:
    return workdays.end_of_day(workdays.add_working_days(received, working_days))


@functools.cache
def _received(day: datetime.date, before_close: bool) -> datetime.date:
    if workdays.is_working_day(day) and before_close:
        return day
    return workdays.next_working_day(day)


def received_on(moment: datetime.datetime) -> datetime.date:
    """huhang.workdays.received_on, memoised by day (150,000 requests fall on a few hundred days)."""
    local = moment.astimezone(TZ)
    return _received(local.date(), local.time() < workdays.CLOSE_OF_BUSINESS)


def due_at(moment: datetime.datetime, working_days: int) -> datetime.datetime:
    """huhang.workdays.due_at, memoised."""
    return _due_from(received_on(moment), working_days)


@functools.cache
def working_day(day: datetime.date) -> datetime.date:
    return day if workdays.is_working_day(day) else workdays.next_working_day(day)
