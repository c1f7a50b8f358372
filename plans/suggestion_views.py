"""Experts of the pool suggested for a task area of a plan, as an htmx partial (the ranking is plans/suggestions.py).
Fetched through the plan scope (plans/scopes.py): 404 for a plan outside the user's units."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_GET

from huhang.vocabulary import TaskArea
from plans import selectors, suggestions

if TYPE_CHECKING:
    import uuid

    from django.http import HttpRequest, HttpResponse


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
