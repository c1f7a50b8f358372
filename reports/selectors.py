"""The figures of the home pages (and, next, the dashboard). Each read starts from the user's scope, so a figure
counts only what the user may see, and each is one or two queries whatever the size of the programme."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Min, Q, QuerySet
from django.utils import timezone

from huhang.vocabulary import TaskArea
from plans.models import Measure, PlanVersion
from plans.scopes import visible_plan_versions
from plans.selectors import with_plan_state
from units.scopes import visible_units

if TYPE_CHECKING:
    from accounts.models import User
    from units.models import Unit


def listed_units_for_user(*, user: User) -> QuerySet[Unit]:
    """The units on the list now within the user's scope: a unit removed from the list no longer counts as guided."""
    return visible_units(user).filter(is_listed=True)


def units_by_city(*, units: QuerySet[Unit]) -> list[dict[str, Any]]:
    """`units` counted by city, the largest first: one GROUP BY query."""
    return list(units.values("division__city__name").annotate(total=Count("pk")).order_by("-total"))


def plan_figures(*, units: QuerySet[Unit]) -> dict[str, int]:
    """Plans approved, waiting for review and past due among `units`: two queries (plus the programme settings the
    due-date rule reads)."""
    units = with_plan_state(units)
    figures = units.aggregate(
        approved=Count("pk", filter=Q(in_force_number__isnull=False)),
        submitted=Count("pk", filter=Q(plan_state=PlanVersion.Status.SUBMITTED)),
    )
    # Not a third FILTER clause: Django 5.2 then refers to the `past_due` annotation by its alias inside the
    # aggregate, which SQLite reads as a string and PostgreSQL refuses.
    figures["past_due"] = units.filter(past_due=True).count()
    return figures


def own_unit_for_user(*, user: User) -> Unit | None:
    """A unit contact's unit with its plan's uid and the number of the version in force, even when the unit has left
    the list: its requests and services stay the contact's to follow."""
    return (
        visible_units(user)
        .select_related("division__city")
        .annotate(plan_uid=F("plan__uid"), in_force_number=F("plan__in_force__number"))
        .first()
    )


def plan_progress_for_user(*, user: User) -> list[dict[str, Any]]:
    """The measures of the plans in force the user may read, by task area in the action plan's order: done / total
    (cancelled ones left out), the next due date still ahead and how many are overdue. One query."""
    today = timezone.localdate()
    in_force = visible_plan_versions(user).filter(plan__in_force=F("pk"))
    pending = ~Q(status=Measure.Status.DONE)
    rows = (
        Measure.objects.filter(version__in=in_force)
        .exclude(status=Measure.Status.CANCELLED)
        .values("area")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status=Measure.Status.DONE)),
            next_due=Min("due_on", filter=pending & Q(due_on__gte=today)),
            overdue=Count("pk", filter=pending & Q(due_on__lt=today)),
        )
        .order_by()
    )
    by_area = {row["area"]: row for row in rows}
    return [
        {**by_area[area], "label": label, "percent": round(100 * by_area[area]["done"] / by_area[area]["total"])}
        for area, label in TaskArea.choices
        if area in by_area
    ]
