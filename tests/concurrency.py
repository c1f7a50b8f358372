"""Two writers at once, on PostgreSQL: the double click or the retry of a slow phone, reproduced every time.

`at_once` runs each call in its own thread and database connection. The threads start together (a Barrier) and each
call runs in a transaction that commits only when every other call has finished, is waiting to commit too, or is
blocked on a lock (a row lock, or the unique index another uncommitted insert holds). So no call can commit before
the others have made their own checks: the interleaving that makes a race is the one the test gets, not the one the
scheduler happens to give. A missing lock or an unhandled unique violation then fails the test on every run.

SQLite lets one connection write at a time, so these tests are for PostgreSQL only (`needs_postgresql`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="two writers at once need PostgreSQL; SQLite serialises them"
)

TIMEOUT = 30  # seconds; only reached when something hangs


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """What each call returned, or the exception it raised, in the order of `calls`."""
    count = len(calls)
    start = threading.Barrier(count, timeout=TIMEOUT)
    commit = threading.Event()
    pids: list[int | None] = [None] * count
    waiting = [False] * count
    results: list[Any] = [None] * count

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pids[index] = cursor.fetchone()[0]
            start.wait()
            with transaction.atomic():
                results[index] = call()
                waiting[index] = True
                commit.wait(TIMEOUT)
        except BaseException as error:  # handed to the test, which asserts on it
            results[index] = error
        finally:
            waiting[index] = True
            connection.close()  # the thread's own connection: the test database can be dropped at the end

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline and not _all_parked(threads, pids, waiting):
        time.sleep(0.01)
    commit.set()
    for thread in threads:
        thread.join(TIMEOUT)
    return results


def _all_parked(threads: list[threading.Thread], pids: list[int | None], waiting: list[bool]) -> bool:
    """Every call is done, waiting to commit, or blocked on a lock in the database."""
    running = [
        pid for thread, pid, parked in zip(threads, pids, waiting, strict=True) if thread.is_alive() and not parked
    ]
    if not running:
        return True
    if None in running:
        return False  # not connected yet
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s) AND wait_event_type = 'Lock'", [running]
        )
        return cursor.fetchone()[0] == len(running)
