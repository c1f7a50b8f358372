"""The reminders without a broker (`make run`): the finder runs in the web process when a cycle is due.

With no broker there is no beat and no worker, so nothing would ever look for deadlines. Instead, after a request's
response is ready, this middleware starts one cycle — the finder, then whatever is due in the outbox (the 9:00
digest, the end of quiet hours, retries) — in a background thread, when the last finder run is older than one cycle.
The thread has its own database connection, so the cycle never runs inside the request's transaction, and closes
it when done; at most one cycle runs at a time in a process, and a process that just checked does not look again
before the cycle could be due. Two processes that both run one store nothing twice and send nothing twice (the
unique keys and row locks of reminders/services.py and reminders/sending.py).

It stays out of the way where a broker is configured (beat and the workers do this) and under the test settings,
unless the setting `REMINDERS_IN_PROCESS` says otherwise.
"""

from __future__ import annotations

import datetime
import logging
import os
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connections
from django.utils import timezone

from reminders.models import FinderRun
from reminders.sending import deliveries_send
from reminders.services import CYCLE, reminders_find

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

TEST_SETTINGS = "huhang.settings.test"

# One cycle at a time in this process, whichever middleware instance (each test client builds its own) starts it.
_running = threading.Lock()


def in_process_enabled() -> bool:
    """`REMINDERS_IN_PROCESS` when set; otherwise on exactly when no broker is configured, except under the test
    settings, where a test that wants it turns it on."""
    explicit = getattr(settings, "REMINDERS_IN_PROCESS", None)
    if explicit is not None:
        return bool(explicit)
    # The settings module's name, not settings.SETTINGS_MODULE: a test's override_settings hides the latter.
    return not settings.CELERY_BROKER_URL and os.environ.get("DJANGO_SETTINGS_MODULE") != TEST_SETTINGS


def cycle_run(*, now: datetime.datetime | None = None) -> None:
    """One cycle: the finder (whose new deliveries due at once go straight out: tasks run in-process), then the
    outbox's other due deliveries."""
    now = now or timezone.now()
    reminders_find(now=now)
    deliveries_send(now=now)


class InProcessCycle:
    """Starts a cycle in a thread when one is due; `clock` is the time the cycle runs at (tests freeze it)."""

    def __init__(self, clock: Callable[[], datetime.datetime] = timezone.now) -> None:
        self.clock = clock
        self.thread: threading.Thread | None = None
        self._next_look = 0.0  # time.monotonic() before which no request looks at the last finder run again

    def start_if_due(self) -> bool:
        """Whether a thread was started (it then decides, on its own connection, whether the cycle is due)."""
        if time.monotonic() < self._next_look or not _running.acquire(blocking=False):
            return False
        self._next_look = time.monotonic() + CYCLE.total_seconds()
        self.thread = threading.Thread(target=self._run, name="reminders-in-process", daemon=True)
        self.thread.start()
        return True

    def wait(self, timeout: float | None = None) -> None:
        if self.thread is not None:
            self.thread.join(timeout)

    def _run(self) -> None:
        try:
            now = self.clock()
            last = FinderRun.objects.order_by("-started_at").values_list("started_at", flat=True).first()
            if last is not None and now - last < CYCLE:
                # Not yet: look again when it will be.
                self._next_look = time.monotonic() + (last + CYCLE - now).total_seconds()
                return
            cycle_run(now=now)
        except Exception:  # a failing cycle must not take the web process down; the next one tries again
            logger.exception("in-process reminders cycle failed")
        finally:
            connections.close_all()  # this thread's own connections
            _running.release()


class InProcessRemindersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.cycle = InProcessCycle()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # After the view: the request's own transaction (ATOMIC_REQUESTS) is committed or rolled back by now.
        if in_process_enabled():
            self.cycle.start_if_due()
        return response
