"""Archiving the audit trail: events older than the retention go to a file, and only then leave the table.

The Cybersecurity Law (art. 21) asks for network logs kept at least six months; AUDIT_RETENTION_DAYS (at least 180)
is how long events stay searchable in the portal. Older events are written, a batch at a time, to a gzip'd JSON Lines
file under AUDIT_ARCHIVE_DIR — the file first, complete and flushed to disk — then one transaction records the
AuditArchive row (with the file's sha256) and deletes exactly the events that the file holds, which is the one
DELETE the PostgreSQL trigger lets through (audit/models.py). A run that stops half-way leaves at most a file that no
archive names; the next run writes it again, byte for byte the same, and carries on: idempotent and restartable.
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from audit.models import MINIMUM_RETENTION_DAYS, AuditArchive, AuditEvent

BATCH_SIZE = 50_000  # events per file: a few MB compressed, and one transaction of bounded size
FIELDS = (
    "id",
    "at",
    "user_id",
    "username",
    "role",
    "ip",
    "action",
    "result",
    "object_type",
    "object_id",
    "object_repr",
    "unit_id",
    "path",
    "detail",
)


@dataclass(frozen=True)
class ArchiveRun:
    cutoff: datetime.datetime
    archives: list[AuditArchive]

    @property
    def rows(self) -> int:
        return sum(archive.rows for archive in self.archives)


def retention_days() -> int:
    days = settings.AUDIT_RETENTION_DAYS
    if days < MINIMUM_RETENTION_DAYS:
        raise ImproperlyConfigured(
            f"AUDIT_RETENTION_DAYS is {days}: the audit trail is kept at least {MINIMUM_RETENTION_DAYS} days."
        )
    return days


def archive_dir() -> Path:
    return Path(settings.AUDIT_ARCHIVE_DIR)


def audit_archive(*, now: datetime.datetime | None = None, batch_size: int = BATCH_SIZE) -> ArchiveRun:
    """Archives every event older than the retention, `batch_size` events per file, oldest first."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=retention_days())
    directory = archive_dir()
    directory.mkdir(parents=True, exist_ok=True)
    archives = []
    while True:
        ids = list(AuditEvent.objects.filter(at__lt=cutoff).order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            break
        archives.append(_archive_batch(first_id=ids[0], last_id=ids[-1], cutoff=cutoff, directory=directory))
    return ArchiveRun(cutoff=cutoff, archives=archives)


def _archive_batch(*, first_id: int, last_id: int, cutoff: datetime.datetime, directory: Path) -> AuditArchive:
    file_name = f"audit-{first_id:012d}-{last_id:012d}.jsonl.gz"
    range_ = AuditArchive(first_id=first_id, last_id=last_id, cutoff=cutoff)
    events = AuditEvent.objects.archived_by(range_).order_by("pk").values(*_columns())
    rows, sha256 = _write(directory / file_name, events)
    with transaction.atomic():
        archive = AuditArchive.objects.create(
            first_id=first_id, last_id=last_id, cutoff=cutoff, file_name=file_name, sha256=sha256, rows=rows
        )
        deleted = AuditEvent.objects.delete_archived(archive)
        if deleted != rows:  # an event changed between the file and the delete: keep both, say so
            raise RuntimeError(f"{file_name}: {rows} events written but {deleted} would be deleted.")
    return archive


def _columns() -> list[str]:
    return ["pk" if name == "id" else name for name in FIELDS]


def _write(path: Path, events) -> tuple[int, str]:
    """Writes the events to `path` (through a temporary file, renamed once complete and on disk) and returns how
    many and the sha256 of the file. The same events give the same bytes: gzip's header carries no time or name."""
    temporary = path.with_suffix(".part")
    rows = 0
    with open(temporary, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as compressed:
            for event in events.iterator(chunk_size=2000):
                compressed.write(_line(event))
                rows += 1
        raw.flush()
        os.fsync(raw.fileno())
    os.replace(temporary, path)
    return rows, file_sha256(path)


def _line(event: dict[str, Any]) -> bytes:
    row = {name: event["pk" if name == "id" else name] for name in FIELDS}
    row["at"] = row["at"].isoformat()
    return json.dumps(row, ensure_ascii=False, sort_keys=False).encode() + b"\n"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def archive_verify(archive: AuditArchive) -> bool:
    """True when the archive's file is there and is the file that was written (its sha256)."""
    path = archive_dir() / archive.file_name
    return path.exists() and file_sha256(path) == archive.sha256


def archive_read(archive: AuditArchive) -> list[dict[str, Any]]:
    """The events of an archive's file, for an inspection or a restore."""
    with gzip.open(archive_dir() / archive.file_name, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]
