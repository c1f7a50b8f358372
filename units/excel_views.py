"""Excel import and export of the key-unit list. Thin: the work is in units/importing/ and units/exporting.py.

Import is the bureau's (`units.manage_units`); a job's pages answer 404 to anyone but its uploader. Export follows
`units.export_units` and the user's scope: the rows come from the scoped selector, filtered like the list.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib.auth.decorators import permission_required
from django.http import FileResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.models import Action
from audit.services import record
from huhang.pagination import page_of
from units import exporting, importing
from units.filters import UnitFilter
from units.importing import COLUMNS, ImportResult, reading
from units.models import ImportJob
from units.selectors import unit_list_for_user

if TYPE_CHECKING:
    import uuid

    from django.http import HttpRequest, HttpResponse

PREVIEW_PAGE_SIZE = 25  # new units, and changed ones, shown per page of the preview


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{exporting.XLSX_CONTENT_TYPE}"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("An .xlsx workbook of at most %(size)s MB and %(rows)s rows.") % {
            "size": reading.MAX_FILE_BYTES // (1024 * 1024),
            "rows": reading.MAX_ROWS,
        }


@require_http_methods(["GET", "POST"])
@permission_required("units.manage_units", raise_exception=True)
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportUploadForm(request.POST, request.FILES) if request.method == "POST" else ImportUploadForm()
    if form.is_bound and form.is_valid():
        job = importing.import_job_create(actor=request.user, upload=form.cleaned_data["file"])
        return redirect("units:import_job", uid=job.uid)
    return render(request, "units/import_upload.html", {"form": form})


@require_GET
@permission_required("units.manage_units", raise_exception=True)
def import_template(request: HttpRequest) -> FileResponse:
    return FileResponse(
        exporting.template_file(),
        as_attachment=True,
        filename=exporting.template_filename(),
        content_type=exporting.XLSX_CONTENT_TYPE,
    )


@require_GET
def import_job(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """The job's page: the preview with its problems, the progress of a running import, or its outcome."""
    job = importing.import_job_get_for_user(user=request.user, uid=uid)
    return render(request, "units/import_job.html", _job_context(job, request))


@require_POST
def import_confirm(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    job = importing.import_job_get_for_user(user=request.user, uid=uid)
    job = importing.import_job_confirm(actor=request.user, job=job)
    record(Action.IMPORT, request=request, obj=job, detail={"file": job.original_name})
    return redirect("units:import_job", uid=job.uid)


@require_GET
def import_progress(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """Polled by the job page while the import runs; once it has finished, htmx reloads the page for the outcome."""
    job = importing.import_job_get_for_user(user=request.user, uid=uid)
    response = render(request, "units/import_progress.html", _job_context(job))
    if request.htmx and job.status not in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING):
        response["HX-Refresh"] = "true"
    return response


def _job_context(job: ImportJob, request: HttpRequest | None = None) -> dict:
    result = ImportResult.from_json(job.result)
    context = {
        "job": job,
        "result": result,
        "running": job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING),
    }
    if request is not None and job.status == ImportJob.Status.CHECKED:
        # The preview: what the import changes, one page of each list at a time.
        context["changed_page"] = page_of(request, result.changed_units, size=PREVIEW_PAGE_SIZE, param="changed")
        context["new_page"] = page_of(request, result.new_units, size=PREVIEW_PAGE_SIZE, param="new")
    return context


@require_GET
@permission_required("units.export_units", raise_exception=True)
def export(request: HttpRequest) -> HttpResponse:
    """The list as the user sees it, with the list page's filters, as an .xlsx the import takes back."""
    units = unit_list_for_user(user=request.user)  # with the annotations the apps' filters read (units/unit_list.py)
    filterset = UnitFilter(request.GET, queryset=units, request=request)
    if not filterset.is_valid():
        return HttpResponseBadRequest()
    # Phones and e-mails masked, unless the bureau asks for them in full (?contacts=full); every export is audited.
    in_full = request.GET.get("contacts") == "full" and request.user.has_perm("units.export_contact_details")
    file, rows = exporting.units_export_file(units=filterset.qs, contact_details_in_full=in_full)
    record(
        Action.EXPORT,
        request=request,
        object_type="units.unit",
        object_repr=exporting.export_filename(),
        detail={
            "fields": [column.field for column in COLUMNS if column.field != "seq"],
            "contact_details": "full" if in_full else "masked",
            "rows": rows,
        },
    )
    return FileResponse(
        file,
        as_attachment=True,
        filename=exporting.export_filename(),
        content_type=exporting.XLSX_CONTENT_TYPE,
    )
