"""Background work of the units app: thin, each calls a service with ids and is idempotent by construction."""

from celery import shared_task

from units.importing import import_job_run, import_jobs_purge
from units.retention import contacts_purge


@shared_task
def import_units_task(job_id: int) -> str:
    """Runs a confirmed large import; a job that is not queued any more (run already) is left alone."""
    return import_job_run(job_id=job_id).status


@shared_task
def purge_import_jobs_task() -> int:
    """Deletes uploaded lists that were checked but never imported (to be scheduled daily by beat)."""
    return import_jobs_purge()


@shared_task
def purge_contacts_task() -> int:
    """Anonymises the contacts of units removed from the list longer ago than CONTACT_RETENTION_DAYS (daily)."""
    return contacts_purge().contacts
