"""Background work of the reports app: thin, each calls a service with ids and is idempotent by construction."""

from celery import shared_task

from reports.exporting.jobs import export_jobs_purge, export_run
from reports.models import ExportJob


@shared_task
def export_report_task(job_id: int) -> str:
    """Builds a queued export; one that is not queued any more (run already) or was purged is left alone."""
    job = ExportJob.objects.filter(pk=job_id).first()
    if job is None:
        return "missing"
    return export_run(job=job).status


@shared_task
def purge_exports_task() -> int:
    """Deletes exports asked for more than a day ago, with their files (scheduled hourly by beat)."""
    return export_jobs_purge()
