"""The trail is append-only three times over: the model, its queryset and — on PostgreSQL — a trigger that refuses the
app's own database role an UPDATE, and a DELETE of any event not yet archived, whatever the session sets."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audit.models import Action, AuditArchive, AuditEvent
from audit.services import record
from tests.audit.conftest import postgresql_only


@pytest.fixture
def event(db):
    return record(Action.LOGIN, username="alice")


def test_the_model_refuses_to_save_an_event_again(event):
    event.username = "mallory"
    with pytest.raises(TypeError):
        event.save()


def test_the_model_refuses_to_delete_an_event(event):
    with pytest.raises(TypeError):
        event.delete()


def test_the_queryset_refuses_update_and_delete(event):
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(username="mallory")
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).username == "alice"


def test_an_archive_row_is_written_once(db):
    archive = AuditArchive.objects.create(
        first_id=1, last_id=1, cutoff=timezone.now() - datetime.timedelta(days=200), file_name="a", sha256="0", rows=0
    )
    with pytest.raises(TypeError):
        archive.save()
    with pytest.raises(TypeError):
        archive.delete()
    with pytest.raises(TypeError):
        AuditArchive.objects.all().delete()


# --- The PostgreSQL trigger --------------------------------------------------------------------------------------


def _raw(sql: str, params=()) -> None:
    """Raw SQL as the app's role, in a savepoint so that a refusal leaves the test's transaction usable."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _raw_after_ignoring(trigger: str, sql: str, params) -> None:
    """`sql` after the session told pgtrigger to ignore `trigger`, as any session of the app's role may."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pgtrigger.ignore', %s, true)", ["{" + trigger + "}"])
        cursor.execute(sql, params)


@postgresql_only
def test_the_database_refuses_an_update_of_an_event(event):
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("UPDATE audit_auditevent SET username = 'mallory' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).username == "alice"


@postgresql_only
def test_the_database_refuses_a_delete_of_an_unarchived_event(event):
    with pytest.raises(DatabaseError, match="has not been archived"):
        _raw("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@postgresql_only
def test_the_session_cannot_switch_the_trigger_off(event):
    """django-pgtrigger's own triggers obey `SET pgtrigger.ignore`; the trail's are compiled without that door."""
    # What pgtrigger.ignore() does — set `pgtrigger.ignore` for the transaction — done by the session itself: the
    # context manager prefixes its SET to every statement, which PostgreSQL refuses in a prepared statement (the
    # settings' server-side binding) before any trigger runs.
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'pgtrigger_audit_event_append_only%%'")
        (name,) = cursor.fetchone()
    with pytest.raises(DatabaseError, match="append-only"):
        _raw_after_ignoring(name, "UPDATE audit_auditevent SET username = 'mallory' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).username == "alice"


@postgresql_only
def test_the_database_refuses_to_change_or_remove_an_archive(db):
    archive = AuditArchive.objects.create(
        first_id=1, last_id=1, cutoff=timezone.now() - datetime.timedelta(days=200), file_name="a", sha256="0", rows=0
    )
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("UPDATE audit_auditarchive SET last_id = 999999 WHERE id = %s", [archive.pk])
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("DELETE FROM audit_auditarchive WHERE id = %s", [archive.pk])


@postgresql_only
def test_a_forged_archive_cannot_free_a_young_event(event):
    """An archive may hold only events older than the legal 180 days, so no archive row covers a recent event."""
    with pytest.raises(DatabaseError, match="older than 180 days"):
        _raw(
            "INSERT INTO audit_auditarchive (first_id, last_id, cutoff, file_name, sha256, rows, created_at)"
            " VALUES (%s, %s, now(), 'forged', '0', 1, now())",
            [event.pk, event.pk],
        )
    with pytest.raises(DatabaseError, match="has not been archived"):
        _raw("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])


@postgresql_only
def test_an_archived_event_may_leave_and_no_other(db):
    now = timezone.now()
    old = AuditEvent.objects.create(action=Action.LOGIN, username="old", at=now - datetime.timedelta(days=200))
    young = AuditEvent.objects.create(action=Action.LOGIN, username="young", at=now)
    AuditArchive.objects.create(
        first_id=old.pk, last_id=young.pk, cutoff=now - datetime.timedelta(days=181), file_name="b", sha256="0", rows=1
    )
    # Both ids are in the archive's range; only the event older than its cutoff is in its file and may go.
    with pytest.raises(DatabaseError, match="has not been archived"):
        _raw("DELETE FROM audit_auditevent WHERE id = %s", [young.pk])
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [old.pk])
    assert list(AuditEvent.objects.values_list("username", flat=True)) == ["young"]
