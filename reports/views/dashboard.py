"""The programme dashboard (reports/dashboard.py) as a page and as an xlsx download. The bureau's home page shows the
same dashboard under what waits for the bureau; officers and team members open it here for their part of the
programme. Experts and unit contacts have no dashboard (403)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from django.http import FileResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from rules.contrib.views import permission_required

from audit.models import Action
from audit.services import record
from reports.caching import cached_dashboard_for_user
from reports.dashboard import dashboard_document
from reports.exporting.text import document_filename
from reports.exporting.xlsx import XLSX_CONTENT_TYPE, write_xlsx

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse


@require_GET
@permission_required("reports.view_dashboard", raise_exception=True)
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(
        request, "reports/dashboard/dashboard.html", {"dashboard": cached_dashboard_for_user(user=request.user)}
    )


@require_GET
@permission_required("reports.view_dashboard", raise_exception=True)
def dashboard_xlsx(request: HttpRequest) -> FileResponse:
    """The dashboard's tables, one sheet per step: a few dozen rows, written at once rather than queued."""
    document = dashboard_document(cached_dashboard_for_user(user=request.user))
    record(Action.EXPORT, request=request, object_type="reports.dashboard", detail={"format": "xlsx"})
    target = io.BytesIO()
    write_xlsx(document, target)
    target.seek(0)
    return FileResponse(
        target, as_attachment=True, filename=document_filename(document, "xlsx"), content_type=XLSX_CONTENT_TYPE
    )
