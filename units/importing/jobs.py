"""Import jobs: an uploaded file kept on the server between preview and confirmation, and large imports run on the
task queue with their progress recorded."""

from __future__ import annotations

import datetime
import functools
import threading
import time
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections, transaction
from django.http import Http404
from django.utils import timezone

from accounts.scopes import visible
from huhang.text import clean_text
from units.importing import reading
from units.importing.result import ImportResult, Problem
from units.importing.writing import import_check, import_run
from units.models import ImportJob

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from accounts.models import User

# A confirmed import this large runs on the task queue, with a progress bar. Reading, checking and writing take
# about half a millisecond a row (written a batch at a time, units/importing/writing.py), so an import in the request
# stays well within a second.
BACKGROUND_FROM_ROWS = 500
PROGRESS_INTERVAL = 1.0  # seconds between two progress records of a running job


def import_job_get_for_user(*, user: User, uid: Any) -> ImportJob:
    """A job of the user's own: 404 for anyone else's (or none), 403 for an uploader who may no longer import."""
    try:
        job = visible(user, ImportJob).get(uid=uid)
    except (ImportJob.DoesNotExist, ValueError, ValidationError) as missing:
        raise Http404 from missing
    if not user.has_perm("units.manage_units"):
        raise PermissionDenied
    return job


def _forget_file(job: ImportJob) -> None:
    """Deletes the stored upload once the transaction commits (a rollback keeps the job and so needs the file)."""
    if job.file:
        storage, name = job.file.storage, job.file.name
        transaction.on_commit(lambda: storage.delete(name))
        job.file = ""


@transaction.atomic
def import_job_create(*, actor: User, upload: UploadedFile) -> ImportJob:
    """Stores an uploaded file and checks it: the preview. The file is kept only when it may be imported."""
    job = ImportJob(created_by=actor, original_name=clean_text(upload.name)[:255])
    if upload.size is not None and upload.size > reading.MAX_FILE_BYTES:
        result = ImportResult(problems=[reading.too_large()])
    else:
        job.file.save("upload.xlsx", upload, save=False)
        result = import_check(path=job.file.path)
    if not result.ok:
        _forget_file(job)
    job.status = ImportJob.Status.CHECKED if result.ok else ImportJob.Status.FAILED
    job.total = len(result.rows) if result.ok else 0
    job.result = result.as_json()
    job.full_clean()
    job.save()
    return job


@transaction.atomic
def import_job_confirm(*, actor: User, job: ImportJob) -> ImportJob:
    """Imports a checked file: at once when it is small, on the task queue when it is large.

    Confirming twice (a double click) imports once: only a checked job is queued.
    """
    from units.tasks import import_units_task

    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportJob.Status.CHECKED:
        return job
    job.status = ImportJob.Status.QUEUED
    job.save(update_fields=["status", "updated_at"])
    if job.total >= BACKGROUND_FROM_ROWS:
        transaction.on_commit(functools.partial(import_units_task.delay, job.pk))
        return job
    return import_job_run(job_id=job.pk)


def import_job_run(*, job_id: int) -> ImportJob:
    """Runs a queued job's import. Idempotent: a job that is not queued (already run, or running) is left alone."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, done=0, updated_at=timezone.now()
    )
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if not claimed:
        return job
    try:
        result = import_run(actor=job.created_by, path=job.file.path, on_progress=_JobProgress(job.pk))
    except Exception:
        job.status = ImportJob.Status.FAILED
        job.result = ImportResult(problems=[Problem(None, "", "internal_error")]).as_json()
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "result", "finished_at", "updated_at"])
        raise
    job.status = ImportJob.Status.DONE if result.committed else ImportJob.Status.FAILED
    job.total = len(result.rows)
    job.done = job.total if result.committed else 0
    job.result = result.as_json()
    job.finished_at = timezone.now()
    _forget_file(job)
    job.save(update_fields=["status", "total", "done", "result", "finished_at", "file", "updated_at"])
    return job


class _JobProgress:
    """Records a running job's progress where its progress page can read it.

    The import writes every unit in one transaction, so progress saved through the same connection would appear
    only at its end. It is saved through a connection of its own, in a helper thread, and so never waits for the
    import. Not on SQLite, which lets one connection write at a time, nor when the import runs inside an outer
    transaction (in a request), which holds the job's row.
    """

    def __init__(self, job_pk: int):
        self.job_pk = job_pk
        self.enabled = connection.vendor != "sqlite" and not connection.in_atomic_block
        self.recorded_at = time.monotonic()

    def __call__(self, done: int) -> None:
        if not self.enabled or time.monotonic() - self.recorded_at < PROGRESS_INTERVAL:
            return
        self.recorded_at = time.monotonic()
        writer = threading.Thread(target=self._record, args=(done,), daemon=True)
        writer.start()
        writer.join()

    def _record(self, done: int) -> None:
        try:
            ImportJob.objects.filter(pk=self.job_pk).update(done=done)
        finally:
            connections.close_all()  # this thread's connections only


def import_jobs_purge(*, older_than: datetime.timedelta = datetime.timedelta(days=1)) -> int:
    """Deletes checked files that were never confirmed: a confidential list must not linger on the server."""
    stale = ImportJob.objects.filter(status=ImportJob.Status.CHECKED, created_at__lt=timezone.now() - older_than)
    count = 0
    for job in stale:
        with transaction.atomic():
            _forget_file(job)
            job.delete()
        count += 1
    return count
