"""The state of the database, the broker and the workers, for /healthz and container health checks."""

from __future__ import annotations

import logging
from collections.abc import Callable

from celery.exceptions import TimeoutError as CeleryTimeoutError
from django.db import connection

from huhang.celery import app
from huhang.tasks import ping_task

logger = logging.getLogger(__name__)

WORKER_TIMEOUT_SECONDS = 3

# Checks the apps add (an app registers its own in AppConfig.ready, so this module imports none): name → a
# callable answering "ok" or "degraded" — e.g. "reminders", degraded when the finder's last run is older than three
# cycles (reminders.services.finder_health). A degraded app makes the status "degraded", never an HTTP 503: the
# portal still works, only something in the background is late.
_checks: dict[str, Callable[[], str]] = {}


def register(name: str, check: Callable[[], str]) -> None:
    _checks[name] = check


def check() -> dict[str, str]:
    """Database and broker down make the portal unusable ("error"); no worker only delays tasks ("degraded")."""
    database = _database_state()
    broker, worker = _celery_state()
    # The apps' checks read the database: with it down they are not asked, but their keys stay (same JSON shape).
    if database == "ok":
        others = {name: _app_state(name, check) for name, check in _checks.items()}
    else:
        others = dict.fromkeys(_checks, "unknown")
    if "error" in (database, broker):
        status = "error"
    elif worker != "ok" or any(state != "ok" for state in others.values()):
        status = "degraded"
    else:
        status = "ok"
    return {"status": status, "database": database, "broker": broker, "worker": worker, **others}


def _app_state(name: str, check: Callable[[], str]) -> str:
    try:
        return check()
    except Exception:
        logger.exception("health check: %s failed", name)
        return "error"


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        logger.exception("health check: database unreachable")
        return "error"
    return "ok"


def _celery_state() -> tuple[str, str]:
    if app.conf.task_always_eager:
        # No broker configured: tasks run inside the web process.
        return "in-process", "ok" if ping_task.delay().get(timeout=WORKER_TIMEOUT_SECONDS) == "pong" else "error"
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except Exception:
        logger.exception("health check: broker unreachable")
        return "error", "unknown"
    try:
        # `expires` drops pings that no worker picked up in time, so probes never pile up in the queue.
        answer = ping_task.apply_async(expires=WORKER_TIMEOUT_SECONDS).get(timeout=WORKER_TIMEOUT_SECONDS)
    except CeleryTimeoutError:
        return "ok", "no answer"
    except Exception:
        logger.exception("health check: result backend failed")
        return "ok", "error"
    return "ok", "ok" if answer == "pong" else "error"
