"""What each role's home page shows. Every figure is read through the role's scope."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, F, Min, Q
from django.utils import timezone

from accounts.models import Role
from huhang.vocabulary import TaskArea
from plans.scopes import visible_plan_versions
from units.scopes import visible_units

if TYPE_CHECKING:
    from accounts.models import User


HOME_UNITS = 20  # the home page lists a team member's first units; the unit list has them all
HOME_REQUESTS = 10  # open requests on a team member's or a unit's home; the request list has them all
HOME_INVITATIONS = 10  # an expert's latest activities and requests, each
HOME_SERVICES = 5  # the latest services a unit received


def home_context(user: User) -> dict[str, Any]:
    from archives import selectors as archive

    # "Guided" units are those on the list now; a removed unit no longer counts towards the target.
    units = visible_units(user).filter(is_listed=True)
    context: dict[str, Any] = {"unit_count": units.count()}
    if user.role == Role.BUREAU:
        context["plans"] = _plan_figures(units)
        today = timezone.localdate()
        year = today.year
        target = settings.PROGRAMME_TARGETS.get(year) or max(settings.PROGRAMME_TARGETS.values())
        context.update(
            target_year=year,
            target=target,
            target_percent=min(100, round(100 * context["unit_count"] / target)) if target else 0,
            units_by_city=units.values("division__city__name").annotate(total=Count("pk")).order_by("-total"),
            requests=archive.request_figures_for_user(user=user),
            month_start=today.replace(day=1),
            activities_this_month=archive.activity_count_for_user(
                user=user, since=today.replace(day=1), until=_month_end(today)
            ),
        )
    elif user.role == Role.OFFICER:
        context["division"] = user.division
        context["requests"] = archive.request_figures_for_user(user=user)
    elif user.role == Role.TEAM_MEMBER:
        context["my_units"] = units.select_related("division__city").filter(is_listed=True)[:HOME_UNITS]
        context["requests"] = archive.request_figures_for_user(user=user)
        context["open_requests"] = archive.open_requests_for_user(user=user, limit=HOME_REQUESTS)
    elif user.role == Role.EXPERT:
        context["invited_activities"] = archive.recent_activities_for_user(user=user, limit=HOME_INVITATIONS)
        context["invited_requests"] = archive.recent_requests_for_user(user=user, limit=HOME_INVITATIONS)
    elif user.role == Role.UNIT_CONTACT:
        # The contact's unit even when it has left the list: its requests and services stay theirs to follow.
        unit = (
            visible_units(user)
            .select_related("division__city")
            .annotate(plan_uid=F("plan__uid"), in_force_number=F("plan__in_force__number"))
            .first()
        )
        context["unit"] = unit
        if unit is not None:
            context.update(
                plan_progress=_plan_progress(user),
                open_requests=archive.open_requests_for_user(user=user, limit=HOME_REQUESTS),
                recent_activities=archive.recent_activities_for_user(user=user, limit=HOME_SERVICES),
            )
    return context


def _month_end(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)


def _plan_progress(user: User) -> list[dict[str, Any]]:
    """The measures of the plan in force by task area, in the action plan's order: done / total (cancelled ones
    left out), the next due date still ahead and how many are overdue. One query, through the plan scope."""
    from plans.models import Measure

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


def _plan_figures(units) -> dict[str, int]:
    """Plans approved, waiting for review and past due among the units: two queries."""
    from plans.models import PlanVersion
    from plans.selectors import with_plan_state

    units = with_plan_state(units)
    figures = units.aggregate(
        approved=Count("pk", filter=Q(in_force_number__isnull=False)),
        submitted=Count("pk", filter=Q(plan_state=PlanVersion.Status.SUBMITTED)),
    )
    # Not a third FILTER clause: Django 5.2 then refers to the `past_due` annotation by its alias inside the
    # aggregate, which SQLite reads as a string and PostgreSQL refuses.
    figures["past_due"] = units.filter(past_due=True).count()
    return figures
