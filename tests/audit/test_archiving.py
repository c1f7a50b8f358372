"""Retention and archiving (issue 13, item 4): events older than AUDIT_RETENTION_DAYS go to a gzip'd JSON Lines file
whose sha256 an archive row keeps, then — and only then — leave the table; the run is idempotent and restartable."""

import datetime
import gzip
import hashlib
import json

import pytest
from django.conf import settings
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.utils import timezone

from audit import archiving
from audit.models import Action, AuditArchive, AuditEvent
from audit.tasks import archive_audit_task


def event_at(days_ago: int, username: str) -> AuditEvent:
    return AuditEvent.objects.create(
        action=Action.LOGIN_FAILED, username=username, at=timezone.now() - datetime.timedelta(days=days_ago)
    )


@pytest.fixture
def trail(db):
    """Three events older than 180 days and two younger, written in time order."""
    return {
        "old": [event_at(400, "a"), event_at(300, "b"), event_at(181, "c")],
        "young": [event_at(179, "d"), event_at(0, "e")],
    }


def file_lines(archive_dir, archive: AuditArchive) -> list[dict]:
    with gzip.open(archive_dir / archive.file_name, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def test_the_old_events_go_to_a_file_and_leave_the_table(trail, archive_dir):
    call_command("archive_audit")
    archive = AuditArchive.objects.get()
    old_ids = [event.pk for event in trail["old"]]
    assert (archive.first_id, archive.last_id, archive.rows) == (old_ids[0], old_ids[-1], 3)
    path = archive_dir / archive.file_name
    assert archive.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    lines = file_lines(archive_dir, archive)
    assert [line["id"] for line in lines] == old_ids
    assert [line["username"] for line in lines] == ["a", "b", "c"]
    assert lines[0]["action"] == Action.LOGIN_FAILED
    assert set(AuditEvent.objects.values_list("pk", flat=True)) == {event.pk for event in trail["young"]}


def test_a_second_run_changes_nothing(trail, archive_dir):
    call_command("archive_audit")
    files = sorted(path.name for path in archive_dir.iterdir())
    call_command("archive_audit")
    assert AuditArchive.objects.count() == 1
    assert sorted(path.name for path in archive_dir.iterdir()) == files
    assert AuditEvent.objects.count() == 2


def test_a_run_that_stopped_before_the_delete_is_finished_by_the_next(trail, archive_dir, monkeypatch):
    def crash(self, archive):
        raise RuntimeError("power cut")

    monkeypatch.setattr(type(AuditEvent.objects.all()), "delete_archived", crash)
    with pytest.raises(RuntimeError):
        call_command("archive_audit")
    assert not AuditArchive.objects.exists()  # the archive row and the delete are one transaction
    assert AuditEvent.objects.count() == 5
    left_behind = next(archive_dir.glob("*.jsonl.gz"))
    left_behind.write_bytes(b"half a file")
    monkeypatch.undo()

    call_command("archive_audit")
    archive = AuditArchive.objects.get()
    assert archive.file_name == left_behind.name  # written again, whole
    assert archiving.archive_verify(archive)
    assert AuditEvent.objects.count() == 2


def test_the_same_events_give_the_same_file(trail, archive_dir):
    """gzip's header carries no time or name, so a rerun after a stop writes the file byte for byte again."""
    events = (
        AuditEvent.objects.filter(at__lt=timezone.now() - datetime.timedelta(days=180))
        .order_by("pk")
        .values(*archiving._columns())
    )
    archive_dir.mkdir(parents=True)
    first = archiving._write(archive_dir / "x.jsonl.gz", events)
    second = archiving._write(archive_dir / "x.jsonl.gz", events)
    assert first == second


def test_large_trails_are_archived_a_batch_per_file(trail, archive_dir):
    run = archiving.audit_archive(batch_size=2)
    assert [archive.rows for archive in run.archives] == [2, 1]
    assert len(list(archive_dir.glob("*.jsonl.gz"))) == 2
    assert AuditEvent.objects.count() == 2


def test_the_retention_is_configurable_but_never_under_180_days(trail, settings):
    settings.AUDIT_RETENTION_DAYS = 365
    assert archiving.audit_archive().rows == 1  # only the 400-day-old event
    settings.AUDIT_RETENTION_DAYS = 90
    with pytest.raises(ImproperlyConfigured):
        archiving.audit_archive()
    assert [message.id for message in run_checks(tags=["security"]) if message.id.startswith("audit.")] == [
        "audit.E001"
    ]


def test_the_verify_option_finds_an_altered_file(trail, archive_dir):
    call_command("archive_audit")
    call_command("archive_audit", verify=True)
    archive = AuditArchive.objects.get()
    path = archive_dir / archive.file_name
    path.write_bytes(path.read_bytes() + b"tampered")
    with pytest.raises(CommandError, match=archive.file_name):
        call_command("archive_audit", verify=True)


def test_the_nightly_task_archives(trail):
    assert archive_audit_task() == 3


def test_beat_runs_the_archiving_at_night():
    entry = settings.CELERY_BEAT_SCHEDULE["archive-audit"]
    assert entry["task"] == "audit.tasks.archive_audit_task"
    assert entry["schedule"].hour == {2}
