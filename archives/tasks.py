"""The archive's background work: thin tasks that call services."""

from celery import shared_task

from archives.staging import staged_uploads_purge


@shared_task
def purge_staged_uploads_task() -> int:
    """Deletes the files kept from forms sent back with errors and never sent again within a day (idempotent)."""
    return staged_uploads_purge()
