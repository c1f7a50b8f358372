"""The printed plan and the expert suggestions. Thin: the work is in plans/pdf.py and plans/suggestions.py.

Both fetch through the scopes of accounts/access.py, so a plan outside the user's scope answers 404 — the same
answer as a plan that does not exist.
"""

from __future__ import annotations

import io
import logging
import time
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_GET

from huhang.vocabulary import TaskArea
from plans import pdf, selectors, suggestions

if TYPE_CHECKING:
    import uuid

    from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)


@require_GET
def plan_pdf(request: HttpRequest, uid: uuid.UUID, number: int) -> FileResponse:
    version = selectors.plan_version_get_for_user(user=request.user, uid=uid, number=number)
    started = time.monotonic()
    content = pdf.plan_pdf(version=version)
    logger.info("plan pdf %s v%s rendered in %.2f s", version.plan.uid, version.number, time.monotonic() - started)
    response = FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=pdf.plan_pdf_filename(version=version),
        content_type=pdf.CONTENT_TYPE,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"  # confidential: never kept by a shared cache
    return response


@require_GET
def suggest_experts(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """htmx partial: experts of the pool for `?area=<TaskArea value>` on this plan. Bureau and serving team only:
    404 outside the user's units, 403 for roles that see the plan but do not write or review it."""
    plan = selectors.plan_of_visible_unit(user=request.user, uid=uid)
    if not (request.user.has_perm("plans.write_plans") or request.user.has_perm("plans.review_plans")):
        raise PermissionDenied
    # `new-area` is the area select of the editor's add-measure form, which calls this view as it changes.
    area = request.GET.get("area") or request.GET.get("new-area", "")
    if area not in TaskArea.values:
        return HttpResponseBadRequest()
    people = suggestions.expert_suggestions(plan=plan, area=area)
    return render(
        request,
        "plans/_suggestions.html",
        {"plan": plan, "area": TaskArea(area), "people": people, "unit_field": plan.unit.technical_field},
    )
