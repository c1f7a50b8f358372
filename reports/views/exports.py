"""The report exports: asked for from a report page or the exports page, built in the background, followed on
their status page (htmx polls it while the file is being built) and downloaded from there.

Thin: the checks and the work are in reports/exporting/jobs.py. A job is its creator's only: anyone else's is 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST
from rules.contrib.views import permission_required

from audit.models import Action
from audit.services import record
from huhang.forms import add_service_error
from huhang.pagination import page_of
from reports.exporting.forms import ExportForm
from reports.exporting.jobs import describe_jobs, export_job_get_for_user, export_jobs_for_user, export_request
from reports.models import ExportJob

if TYPE_CHECKING:
    import uuid

    from django.http import HttpRequest

CONTENT_TYPES = {
    ExportJob.Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportJob.Format.PDF: "application/pdf",
}
RUNNING = (ExportJob.Status.QUEUED, ExportJob.Status.RUNNING)


@require_GET
@permission_required("reports.view_province_report", raise_exception=True)
def export_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request, ExportForm(user=request.user))


@require_POST
@permission_required("reports.view_province_report", raise_exception=True)
def export_create(request: HttpRequest) -> HttpResponse:
    """Queues the export and shows its progress; a refusal comes back on the exports page's form."""
    form = ExportForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            job = export_request(
                actor=request.user,
                kind=data["kind"],
                period=data["period"],
                params=form.params(),
                format=data["format"],
            )
        except ValidationError as refusal:
            add_service_error(form, refusal)
        else:
            return redirect("reports:export_status", uid=job.uid)
    return _list_page(request, form)


def _list_page(request: HttpRequest, form: ExportForm) -> HttpResponse:
    page = page_of(request, export_jobs_for_user(user=request.user))
    describe_jobs(page.object_list, user=request.user)
    return render(request, "reports/exports/export_list.html", {"form": form, "page_obj": page})


@require_GET
def export_status(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """The job's progress while it runs, its download link when ready. Polled by htmx every second while queued or
    running: the poll gets the card alone, which stops polling once the job has finished."""
    job = export_job_get_for_user(user=request.user, uid=uid)
    describe_jobs([job], user=request.user)
    context = {"job": job, "running": job.status in RUNNING}
    if request.htmx:
        return render(request, "reports/exports/_job_card.html", context)
    return render(request, "reports/exports/export_status.html", context)


@require_GET
def export_download(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """The file, as a download under its Chinese name (RFC 5987 filename*), never inline."""
    job = export_job_get_for_user(user=request.user, uid=uid)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404
    content_type = CONTENT_TYPES[job.format]
    if settings.SENDFILE_X_ACCEL:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.SENDFILE_X_ACCEL.rstrip("/") + "/" + job.file.name
        response["Content-Disposition"] = content_disposition_header(True, job.filename)
    else:
        try:
            handle = job.file.open("rb")
        except FileNotFoundError as gone:
            raise Http404 from gone
        response = FileResponse(handle, as_attachment=True, filename=job.filename, content_type=content_type)
    record(Action.DOWNLOAD, request=request, obj=job, detail={"format": job.format})
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
