"""The figures of the home pages (and, next, the dashboard). Each read starts from the user's scope, so a figure
counts only what the user may see, and each is one or two queries whatever the size of the programme."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.scopes import visible
from archives.scopes import visible_activities
from huhang.vocabulary import TaskArea
from plans.models import Measure, PlanEvent, PlanVersion
from plans.scopes import visible_plan_versions
from plans.selectors import NOT_STARTED, with_plan_state
from plans.unit_list import with_plan_state_label
from teams.models import Assignment
from units.models import ListingEvent
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


# --- The programme's coverage: listed, served, planned, guided (DOMAIN.md, "Programme dashboard") ---------------


def coverage_conditions(*, user: User) -> dict[str, Q]:
    """What each stage of a listed unit's coverage asks, as conditions on units, read through the user's scope:
    `served` an open assignment to a team, `approved` a plan in force, `guided` both and at least one recorded
    service activity. The figures, the unit list's filter (reports/unit_list.py) and the dashboard share them, so a
    figure and the list it links to always agree."""
    served = Q(Exists(visible(user, Assignment).filter(unit=OuterRef("pk"), end__isnull=True)))
    approved = Q(plan__in_force__isnull=False)
    serviced = Q(Exists(visible_activities(user).filter(unit=OuterRef("pk"))))
    return {"served": served, "approved": approved, "guided": served & approved & serviced}


def coverage_figures(*, user: User) -> dict[str, int]:
    """The listed units of the user's scope counted at each stage, in one query: `listed`, `served`, `approved`,
    `guided`, and the two gaps the bureau closes first, `unserved` (no team) and `unapproved` (no plan in force)."""
    conditions = coverage_conditions(user=user)
    return listed_units_for_user(user=user).aggregate(
        listed=Count("pk"),
        **{stage: Count("pk", filter=condition) for stage, condition in conditions.items()},
        unserved=Count("pk", filter=~conditions["served"]),
        unapproved=Count("pk", filter=~conditions["approved"]),
    )


def units_without_team(*, user: User) -> QuerySet[Unit]:
    """Listed units no team serves now, the longest waiting first: each with its city and county and the day it was
    last selected (`listed_on`)."""
    served = coverage_conditions(user=user)["served"]
    selected = ListingEvent.objects.filter(unit=OuterRef("pk"), kind=ListingEvent.Kind.SELECTED).order_by("-date")
    return (
        listed_units_for_user(user=user)
        .exclude(served)
        .select_related("division__city")
        .annotate(listed_on=Subquery(selected.values("date")[:1]))
        .order_by(F("listed_on").asc(nulls_last=True), "name", "pk")
    )


def units_without_approved_plan(*, user: User) -> QuerySet[Unit]:
    """Listed units without a plan in force, with their plan's state, its label and due date
    (plans.unit_list.with_plan_state_label), the earliest due first, so the plans past due lead."""
    units = listed_units_for_user(user=user).filter(plan__in_force__isnull=True).select_related("division__city")
    return with_plan_state_label(units).order_by("plan_due_on", "name", "pk")


# --- What waits for the serving team (the team members' home) ---------------------------------------------------


def returned_plans_for_user(*, user: User) -> QuerySet[PlanVersion]:
    """The versions the bureau returned that the team has not resubmitted yet, in the user's scope, the oldest
    return first: each with its unit, when it was returned (`returned_at`) and the bureau's latest return comment
    (`return_comment`)."""
    returned = PlanEvent.objects.filter(version=OuterRef("pk"), action=PlanEvent.Action.RETURNED).order_by(
        "-created_at", "-pk"
    )
    return (
        visible_plan_versions(user)
        .filter(status=PlanVersion.Status.RETURNED, plan__working=F("pk"))
        .select_related("plan__unit")
        .annotate(
            returned_at=Subquery(returned.values("created_at")[:1]),
            return_comment=Subquery(returned.values("comment")[:1]),
        )
        .order_by("returned_at", "pk")
    )


def drafts_past_due_for_user(*, user: User) -> QuerySet[Unit]:
    """Listed units of the user's scope whose plan is past due and still the team's to write — not started or a
    draft (a returned plan is listed with its comment; a submitted one waits for the bureau) — the longest overdue
    first."""
    units = listed_units_for_user(user=user).select_related("division__city")
    return (
        with_plan_state_label(units)
        .filter(past_due=True, plan_state__in=[NOT_STARTED, PlanVersion.Status.DRAFT])
        .order_by("plan_due_on", "name", "pk")
    )


MEASURE_HORIZON_DAYS = 14  # a measure due within this many days shows on its owner's home


def measures_owned_by(
    *, user: User, due_within: int | None = None, today: datetime.date | None = None
) -> QuerySet[Measure]:
    """The open measures (neither done nor cancelled) that the user owns (Measure.owner is the user's pool entry) in
    the plans in force the user reads — measures have no scope of their own: they are read through their plan's
    versions (plans/scopes.py) — the earliest due first and those without a due date last; with `due_within`, only
    those overdue or due within that many days. Each with its plan and unit."""
    today = today or timezone.localdate()
    in_force = visible_plan_versions(user).filter(plan__in_force=F("pk"))
    measures = Measure.objects.filter(version__in=in_force, owner__user=user).exclude(
        status__in=[Measure.Status.DONE, Measure.Status.CANCELLED]
    )
    if due_within is not None:
        measures = measures.filter(due_on__lte=today + datetime.timedelta(days=due_within))
    return measures.select_related("version__plan__unit").order_by(F("due_on").asc(nulls_last=True), "pk")
