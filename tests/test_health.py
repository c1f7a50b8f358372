import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from reminders.models import FinderRun
from reminders.services import CYCLE, STALE_AFTER_CYCLES

KEYS = {"status", "database", "broker", "worker", "reminders"}


def finder_ran(ago: datetime.timedelta) -> FinderRun:
    started = timezone.now() - ago
    return FinderRun.objects.create(started_at=started, finished_at=started + datetime.timedelta(seconds=2))


def test_healthz_reports_database_in_process_tasks_and_a_recent_finder_run(client, db):
    finder_ran(datetime.timedelta(minutes=1))
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "in-process",
        "worker": "ok",
        "reminders": "ok",
    }
    assert "no-cache" in response.headers["Cache-Control"]


def test_healthz_is_degraded_not_down_when_the_finder_never_ran(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["reminders"] == "degraded"


def test_healthz_turns_degraded_when_the_last_finder_run_is_older_than_three_cycles(client, db):
    run = finder_ran(STALE_AFTER_CYCLES * CYCLE - datetime.timedelta(seconds=30))
    assert client.get(reverse("healthz")).json()["reminders"] == "ok"
    run.started_at -= datetime.timedelta(minutes=1)
    run.save()
    report = client.get(reverse("healthz")).json()
    assert (report["status"], report["reminders"]) == ("degraded", "degraded")


def test_healthz_ignores_a_finder_run_that_never_finished(client, db):
    FinderRun.objects.create(started_at=timezone.now())
    assert client.get(reverse("healthz")).json()["reminders"] == "degraded"


def test_healthz_is_503_when_the_database_is_down(client, db, monkeypatch):
    class UnreachableDatabase:
        def cursor(self):
            raise connection.Database.OperationalError("connection refused")

    # Only the health module's view of the connection breaks; the test's own teardown still needs the real one.
    monkeypatch.setattr("huhang.health.connection", UnreachableDatabase())
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "error"
    # The apps' checks, which read the database, are not asked; their keys stay, so the JSON keeps its shape.
    assert response.json()["reminders"] == "unknown"
    assert set(response.json()) == KEYS


def test_healthz_is_503_when_the_broker_is_unreachable(client, db, celery_app, monkeypatch):
    unreachable = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    monkeypatch.setenv("CELERY_BROKER_URL", unreachable)  # Celery prefers the environment to its conf
    celery_app.conf.update(task_always_eager=False, broker_url=unreachable)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["broker"] == "error"


def test_healthz_reveals_no_data(client, db):
    finder_ran(datetime.timedelta(minutes=1))
    assert set(client.get(reverse("healthz")).json()) == KEYS
    assert set(client.get(reverse("healthz")).json().values()) <= {"ok", "in-process"}


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_healthz_only_answers_get(client, db, method):
    assert getattr(client, method)(reverse("healthz")).status_code == 405
