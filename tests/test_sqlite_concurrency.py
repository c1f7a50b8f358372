"""The embedded SQLite database (`make run`) never answers "database is locked" when two requests write at once.

Every request is one transaction (ATOMIC_REQUESTS) that reads before it writes: the session, the user, the plan being
autosaved. With SQLite's default deferred transactions, two such requests both read, then both want to write; the
one that asks second cannot wait (its snapshot is stale, or waiting would deadlock) and fails at once with "database
is locked", whatever the busy timeout. The settings begin every transaction IMMEDIATE, in WAL mode, with a timeout:
the second request waits for the first and then goes on.

The race is reproduced every time: two threads, each with its own connection to a file database (an in-memory one
is shared by the threads and shows nothing), read, meet at a barrier, then write.
"""

from __future__ import annotations

import contextlib
import json
import threading

import pytest
from django.db import OperationalError
from django.db.utils import ConnectionHandler

from tests.test_settings import settings_in_subprocess


@pytest.fixture
def own_databases(django_db_blocker):
    """These tests open their own SQLite files, not the test database: pytest-django's guard is lifted for them."""
    with django_db_blocker.unblock():
        yield


def sqlite_options(url: str) -> dict:
    """The OPTIONS the settings give a SQLite DATABASE_URL, as `make run` loads them."""
    result = settings_in_subprocess(
        "huhang.settings.local", {"DATABASE_URL": url}, "__import__('json').dumps(s.DATABASES['default']['OPTIONS'])"
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def two_requests_at_once(path, options: dict) -> list[BaseException | None]:
    """Two transactions that each read the table, wait for the other to have read (or give up after a moment,
    when the other cannot start before this one ends), then insert a row. What each raised, or None."""
    handler = ConnectionHandler({"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path), **options}})
    with handler["default"].cursor() as cursor:
        cursor.execute("CREATE TABLE session (key text)")
    handler["default"].close()
    both_read = threading.Barrier(2, timeout=1)
    errors: list[BaseException | None] = [None, None]

    def request(index: int) -> None:
        connection = handler["default"]  # this thread's own connection
        try:
            # What transaction.atomic() does on SQLite, on this handler's connection instead of the default one.
            connection.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM session")
                cursor.fetchall()
                # Broken after a second when the other one waits for this transaction to end before it can read.
                with contextlib.suppress(threading.BrokenBarrierError):
                    both_read.wait()
                cursor.execute("INSERT INTO session VALUES (%s)", [f"request {index}"])
            connection.commit()
        except OperationalError as error:
            errors[index] = error
            connection.rollback()
        finally:
            connection.set_autocommit(True)
            connection.close()

    threads = [threading.Thread(target=request, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


def test_two_writers_at_once_both_succeed_with_the_portals_sqlite_options(tmp_path, own_databases):
    path = tmp_path / "db.sqlite3"
    options = sqlite_options(f"sqlite:///{path}")

    assert two_requests_at_once(path, {"OPTIONS": options}) == [None, None]

    handler = ConnectionHandler({"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}})
    with handler["default"].cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("SELECT count(*) FROM session")
        assert cursor.fetchone()[0] == 2
    handler["default"].close()


def test_without_them_the_same_race_says_database_is_locked(tmp_path, own_databases):
    """The race above is real: with Django's SQLite defaults one of the two requests fails."""
    errors = two_requests_at_once(tmp_path / "db.sqlite3", {})
    assert sorted(str(error) for error in errors if error) == ["database is locked"]
