"""The version of the programme's records, for the caches of figures computed from them (the dashboard): a cached
figure is stored under a key that holds the version, so no figure is read back after a change to the rows it counts.

Every write statement on a watched table bumps the version, whatever issued it — a model's save or delete,
`queryset.update()`, `bulk_create`, a migration's SQL — through a database execute wrapper (Django's database
instrumentation) rather than model signals, which update() and bulk_create bypass; a lower app's bulk path needs no
call of its own. The apps that cache figures name the models they count (`watch`), in their AppConfig.ready.

When the version changes: at once, after the statement (so the writing transaction, and a test running inside one,
reads the new figures), and again when the transaction commits, so that a figure another connection computed from
the rows as they were before the commit, and stored under the first bump's version, is never read. The version lives
in the default cache, which production shares between its web containers (Redis, settings CACHE_URL)."""

from __future__ import annotations

import hashlib
import re
import time
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.backends.signals import connection_created

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.db.models import Model, QuerySet

T = TypeVar("T")
VERSION_KEY = "huhang:records-version"
_WRITE = re.compile(r'(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
_watched: set[str] = set()


def watch(*models: type[Model]) -> None:
    """Bump the version on every write to these models' tables (their many-to-many tables included)."""
    for model in models:
        _watched.add(model._meta.db_table)
        _watched.update(field.remote_field.through._meta.db_table for field in model._meta.local_many_to_many)
    for connection in connections.all(initialized_only=True):  # opened before the apps were ready
        _instrument(None, connection)


def records_version() -> int:
    """The current version of the watched records."""
    version = cache.get(VERSION_KEY)
    if version is None:
        _start()
        version = cache.get(VERSION_KEY, 0)
    return version


def records_changed(using: str = "default") -> None:
    """Bump the version now and, inside a transaction, once more when it commits."""
    _bump()
    connection = transaction.get_connection(using)
    if connection.in_atomic_block and not any(entry[1] is _bump for entry in connection.run_on_commit):
        transaction.on_commit(_bump, using=using)


COUNT_SECONDS = 300  # a cached count or page lives this long at most; a write to a watched table replaces it at once


def cached_for_rows(rows: QuerySet, *parts: object, build: Callable[[], T], seconds: int = COUNT_SECONDS) -> T:
    """`build()`, something computed from `rows` alone (with `parts`: the language, a role), kept in the cache under
    the query's own SQL and parameters (they hold the reader's scope, the filters and any date the query compares
    with), the parts and the records version, so that nothing is read back after a change to the rows. Only for
    queries over watched tables, whose every change starts a new version."""
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:  # a query that can match nothing (`pk__in=[]`) has no SQL: nothing to read
        return build()
    digest = hashlib.sha256(repr((rows.db, sql, params, parts)).encode()).hexdigest()
    key = f"huhang:rows:{digest}:{records_version()}"
    found = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, seconds)
    return found


def cached_count(rows: QuerySet) -> int:
    """`rows.count()` through `cached_for_rows`: a list paged again with the same filters reads its count back
    instead of counting 15,000 units again."""
    if not rows.query.is_sliced:
        rows = rows.order_by()  # a count is the same in any order: one entry for every sort of the list
    return cached_for_rows(rows, "count", build=rows.count)


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet, or the cache dropped it
        _start()


def _start() -> None:
    # A dropped version restarts from the clock (in milliseconds), above any version handed out before, so that
    # figures cached under an earlier version are never read again.
    cache.add(VERSION_KEY, time.time_ns() // 1_000_000, timeout=None)


def _bump_on_write(execute: Callable, sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
    result = execute(sql, params, many, context)
    if sql[:1] in "IUDiud":  # skips every SELECT at the cost of one comparison
        match = _WRITE.match(sql)
        if match and match[1] in _watched:
            records_changed(context["connection"].alias)
    return result


def _instrument(sender: Any, connection: Any, **kwargs: Any) -> None:
    if _bump_on_write not in connection.execute_wrappers:
        connection.execute_wrappers.append(_bump_on_write)


connection_created.connect(_instrument, dispatch_uid="huhang.freshness")
