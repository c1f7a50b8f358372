"""The embedded default (`make run`: no broker, tasks in-process): a request starts one reminders cycle in a
background thread when the last finder run is older than one cycle (reminders/middleware.py).

The cycle runs on its own connection, so these tests commit their data (transactional) for it to see."""

from __future__ import annotations

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.db.backends.signals import connection_created
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from reminders.kinds import Kind
from reminders.middleware import InProcessCycle, InProcessRemindersMiddleware, in_process_enabled
from reminders.models import Delivery, FinderRun, Reminder
from reminders.services import CYCLE
from tests.factories import UnitFactory, UserFactory, assign, team_led_by
from tests.reminders.factories import EmailDeliveryFactory

pytestmark = pytest.mark.django_db(transaction=True)

OFFICE_HOURS = datetime.datetime(2026, 5, 12, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a working Tuesday
WAIT = 30  # seconds; only reached when something hangs


@pytest.fixture
def enabled(settings):
    settings.REMINDERS_IN_PROCESS = True
    settings.CELERY_BROKER_URL = ""


def ran_before(ago: datetime.timedelta, now: datetime.datetime | None = None) -> FinderRun:
    started = (now or timezone.now()) - ago
    return FinderRun.objects.create(started_at=started, finished_at=started + datetime.timedelta(seconds=1))


def cycle_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "reminders-in-process"]


def request_and_wait(client) -> None:
    """A page request, then the end of the cycle it may have started (started before the response returned)."""
    assert client.get(reverse("healthz")).status_code == 200
    for thread in cycle_threads():
        thread.join(WAIT)


# --- When it runs --------------------------------------------------------------------------------------------------


def test_the_setting_decides_and_its_default_follows_the_broker_and_the_test_settings(settings):
    settings.CELERY_BROKER_URL = ""
    del settings.REMINDERS_IN_PROCESS  # the default, whether or not the settings module sets it
    assert not in_process_enabled()  # under the test settings, off unless a test turns it on
    settings.REMINDERS_IN_PROCESS = True
    assert in_process_enabled()
    settings.REMINDERS_IN_PROCESS = False
    assert not in_process_enabled()


def test_the_default_is_off_when_a_broker_is_configured(settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"
    del settings.REMINDERS_IN_PROCESS
    assert not in_process_enabled()


def test_under_the_tests_a_request_starts_no_cycle(client, settings):
    del settings.REMINDERS_IN_PROCESS
    request_and_wait(client)
    assert not FinderRun.objects.exists()


def test_with_a_broker_a_request_starts_no_cycle(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"  # never reached: the middleware stays out of the way
    del settings.REMINDERS_IN_PROCESS
    request_and_wait(client)
    assert not FinderRun.objects.exists()


def test_a_request_runs_a_cycle_when_the_finder_never_ran(client, enabled):
    request_and_wait(client)
    assert FinderRun.objects.filter(finished_at__isnull=False).count() == 1


def test_a_request_runs_a_cycle_when_the_last_run_is_older_than_one_cycle(client, enabled):
    ran_before(CYCLE + datetime.timedelta(seconds=5))
    request_and_wait(client)
    assert FinderRun.objects.count() == 2


def test_a_recent_run_means_no_cycle(client, enabled):
    ran_before(datetime.timedelta(minutes=1))
    request_and_wait(client)
    assert FinderRun.objects.count() == 1


def test_after_a_look_the_next_one_waits_until_a_cycle_is_due(enabled):
    ran_before(datetime.timedelta(minutes=1), now=OFFICE_HOURS)
    cycle = InProcessCycle(clock=lambda: OFFICE_HOURS)
    assert cycle.start_if_due()  # looks, on its own connection: not due
    cycle.wait(WAIT)
    assert not cycle.start_if_due()  # the requests that follow do not even look
    assert FinderRun.objects.count() == 1


def test_many_requests_at_once_start_one_cycle(enabled):
    """Eight requests arriving together in one process: one cycle."""
    middleware = InProcessRemindersMiddleware(lambda request: HttpResponse("ok"))
    start = threading.Barrier(8)
    request = RequestFactory().get("/")

    def serve() -> None:
        start.wait(WAIT)
        middleware(request)

    threads = [threading.Thread(target=serve) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    middleware.cycle.wait(WAIT)
    assert FinderRun.objects.count() == 1


def test_the_cycle_runs_on_its_own_connection_after_the_response_and_closes_it(client, enabled):
    opened = []

    def record(sender, connection, **kwargs) -> None:
        opened.append((threading.current_thread().name, connection))

    connection_created.connect(record)
    try:
        request_and_wait(client)
    finally:
        connection_created.disconnect(record)
    [cycle_connection] = [c for name, c in opened if name == "reminders-in-process"]
    assert cycle_connection is not connection  # not the request's (this thread's) connection
    # Django never closes SQLite's in-memory test database (it would vanish); every other connection it closes.
    if not (connection.vendor == "sqlite" and cycle_connection.is_in_memory_db()):
        assert cycle_connection.connection is None  # closed when the cycle ended
    assert FinderRun.objects.count() == 1


# --- What a cycle does ---------------------------------------------------------------------------------------------


def test_a_cycle_finds_and_sends_what_is_due(enabled):
    """The cycle's clock frozen at a working Tuesday 10:00: an e-mail waiting in the outbox goes, and a unit out of
    contact is found (its leader's e-mail goes in tomorrow's digest)."""
    leader = UserFactory(username="lead", team_member=True, email="lead@example.gov.cn")
    team = team_led_by(leader, "西湖团队")
    unit = UnitFactory()
    assign(unit, team, start=timezone.localdate(OFFICE_HOURS) - datetime.timedelta(days=60))
    waiting = EmailDeliveryFactory(not_before=OFFICE_HOURS - datetime.timedelta(hours=1))

    cycle = InProcessCycle(clock=lambda: OFFICE_HOURS)
    assert cycle.start_if_due()
    cycle.wait(WAIT)

    waiting.refresh_from_db()
    assert waiting.status == Delivery.Status.SENT
    assert [message.to for message in mail.outbox] == [[waiting.user.email]]
    assert Reminder.objects.filter(kind=Kind.NO_CONTACT, object_id=unit.pk).exists()
    digest = Delivery.objects.get(reminder__kind=Kind.NO_CONTACT, user=leader)
    assert (digest.status, digest.not_before) == (Delivery.Status.PENDING, OFFICE_HOURS.replace(day=13, hour=9))
    assert FinderRun.objects.get().started_at == OFFICE_HOURS

    # Another process's middleware, within the cycle: it looks, finds the run recent, and does nothing.
    other = InProcessCycle(clock=lambda: OFFICE_HOURS + datetime.timedelta(minutes=1))
    assert other.start_if_due()
    other.wait(WAIT)
    assert FinderRun.objects.count() == 1
    assert len(mail.outbox) == 1
