"""Background work of the audit trail: thin, calling audit/archiving.py, idempotent by construction."""

from celery import shared_task

from audit.archiving import audit_archive


@shared_task
def archive_audit_task() -> int:
    """Archives the events older than the retention (scheduled nightly by beat); returns how many."""
    return audit_archive().rows
