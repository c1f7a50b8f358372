"""The audit trail's pages: the audit administrator's search and export, and a unit contact's "who opened our
records". Role-gated pages answer 403 to other roles, as the project's other role pages do; the rows come from the
scoped selectors (audit/scopes.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET
from rules.contrib.views import permission_required

from audit import exporting, selectors
from audit.filters import AuditEventFilter
from audit.models import Action
from audit.services import record
from huhang.pagination import page_of

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

PAGE_SIZE = 50


@require_GET
@permission_required("audit.view_trail", raise_exception=True)
def event_list(request: HttpRequest) -> HttpResponse:
    events = AuditEventFilter(request.GET, queryset=selectors.audit_events_for_user(user=request.user))
    page = page_of(request, events.qs, size=PAGE_SIZE)
    return render(request, "audit/event_list.html", {"filter": events, "page_obj": page})


@require_GET
@permission_required("audit.export_trail", raise_exception=True)
def event_export(request: HttpRequest) -> HttpResponse:
    """The events the search shows, as a streamed CSV; the export is itself an event, with its search."""
    events = AuditEventFilter(request.GET, queryset=selectors.audit_events_for_user(user=request.user))
    if not events.is_valid():
        return HttpResponseBadRequest()
    search = {name: value for name, value in request.GET.items() if value and name in events.filters}
    record(Action.EXPORT, request=request, object_type="audit.auditevent", detail={"format": "csv", "search": search})
    response = StreamingHttpResponse(exporting.audit_csv_lines(events.qs), content_type=exporting.CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, exporting.export_filename())
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@permission_required("audit.view_unit_reads", raise_exception=True)
def unit_reads(request: HttpRequest) -> HttpResponse:
    """谁查看了本单位的资料: the programme's reads, downloads and exports of the contact's own unit's records."""
    page = page_of(request, selectors.unit_reads_for_user(user=request.user), size=PAGE_SIZE)
    return render(request, "audit/unit_reads.html", {"page_obj": page, "unit": request.user.unit})
