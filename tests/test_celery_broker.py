"""Tasks through the real broker and a real worker (CI exports CELERY_BROKER_URL pointing at Redis)."""

import datetime
import os

import pytest
from celery.contrib.testing.worker import start_worker
from celery.fixups.django import DjangoWorkerFixup
from django.urls import reverse
from django.utils import timezone

from huhang.celery import app
from huhang.tasks import heartbeat_task, ping_task
from reminders.models import FinderRun
from reminders.tasks import find_reminders_task, queue_due_deliveries_task

pytestmark = pytest.mark.broker

BROKER_URL = os.environ.get("CELERY_BROKER_URL")


def test_tests_run_tasks_in_process_unless_they_start_a_worker():
    assert app.conf.task_always_eager
    assert ping_task.delay().get(timeout=1) == "pong"


def test_celery_reads_the_django_settings():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_time_limit > app.conf.task_soft_time_limit > 0
    assert "heartbeat" in app.conf.beat_schedule
    assert app.conf.beat_schedule["heartbeat"]["task"] == heartbeat_task.name


@pytest.fixture
def real_worker(celery_app, monkeypatch):
    if not BROKER_URL:
        if os.environ.get("CI"):
            pytest.fail("CI must run the Celery tests through the real broker: CELERY_BROKER_URL is not set")
        pytest.skip("CELERY_BROKER_URL is not set: no broker to test against")
    celery_app.conf.task_always_eager = False
    # Celery's Django fixup closes every database connection when a worker (or its solo pool) starts, which is
    # right for a forked worker process but here would close the test's own connection: this worker runs in a
    # thread of the test process.
    monkeypatch.setattr(DjangoWorkerFixup, "close_database", lambda self, **kwargs: None)
    monkeypatch.setattr(DjangoWorkerFixup, "on_worker_process_init", lambda self, **kwargs: None)
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield celery_app


def test_a_task_makes_the_round_trip_through_the_broker(real_worker):
    result = ping_task.delay()
    assert result.get(timeout=10) == "pong"
    assert result.successful()
    assert app.conf.broker_url.startswith("redis://")


def test_healthz_sees_the_broker_and_a_worker(client, db, real_worker):
    # The reminders' finder ran a minute ago, as beat has it run every cycle.
    started = timezone.now() - datetime.timedelta(minutes=1)
    FinderRun.objects.create(started_at=started, finished_at=started + datetime.timedelta(seconds=1))
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok", "worker": "ok", "reminders": "ok"}


def test_beat_runs_the_reminders_finder_every_cycle_and_the_outbox_every_minute(settings):
    schedule = app.conf.beat_schedule
    assert schedule["find-reminders"]["task"] == find_reminders_task.name
    assert schedule["find-reminders"]["schedule"] == settings.REMINDERS_CYCLE_MINUTES * 60
    assert schedule["send-due-reminders"]["task"] == queue_due_deliveries_task.name
    assert schedule["send-due-reminders"]["schedule"] == 60
