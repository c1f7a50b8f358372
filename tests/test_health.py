import pytest
from django.db import connection
from django.urls import reverse


def test_healthz_reports_database_and_in_process_tasks(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "in-process", "worker": "ok"}
    assert "no-cache" in response.headers["Cache-Control"]


def test_healthz_is_503_when_the_database_is_down(client, db, monkeypatch):
    class UnreachableDatabase:
        def cursor(self):
            raise connection.Database.OperationalError("connection refused")

    # Only the health module's view of the connection breaks; the test's own teardown still needs the real one.
    monkeypatch.setattr("huhang.health.connection", UnreachableDatabase())
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "error"


def test_healthz_is_503_when_the_broker_is_unreachable(client, db, celery_app, monkeypatch):
    unreachable = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    monkeypatch.setenv("CELERY_BROKER_URL", unreachable)  # Celery prefers the environment to its conf
    celery_app.conf.update(task_always_eager=False, broker_url=unreachable)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["broker"] == "error"


def test_healthz_reveals_no_data(client, db):
    assert set(client.get(reverse("healthz")).json()) == {"status", "database", "broker", "worker"}


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_healthz_only_answers_get(client, db, method):
    assert getattr(client, method)(reverse("healthz")).status_code == 405
