"""What each role's home page shows. Every figure is read through the role's scope (reports/selectors.py and the
archive's selectors), each in a bounded number of queries."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone

from accounts.models import Role
from archives import selectors as archive
from reports import selectors

if TYPE_CHECKING:
    from accounts.models import User


HOME_UNITS = 20  # the home page lists a team member's first units; the unit list has them all
HOME_REQUESTS = 10  # open requests on a team member's or a unit's home; the request list has them all
HOME_INVITATIONS = 10  # an expert's latest activities and requests, each
HOME_SERVICES = 5  # the latest services a unit received


def home_context(user: User) -> dict[str, Any]:
    units = selectors.listed_units_for_user(user=user)
    context: dict[str, Any] = {"unit_count": units.count()}
    if user.role == Role.BUREAU:
        today = timezone.localdate()
        target = settings.PROGRAMME_TARGETS.get(today.year) or max(settings.PROGRAMME_TARGETS.values())
        context.update(
            plans=selectors.plan_figures(units=units),
            target_year=today.year,
            target=target,
            target_percent=min(100, round(100 * context["unit_count"] / target)) if target else 0,
            units_by_city=selectors.units_by_city(units=units),
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
        context["my_units"] = list(units.select_related("division__city")[:HOME_UNITS])
        context["requests"] = archive.request_figures_for_user(user=user)
        context["open_requests"] = archive.open_requests_for_user(user=user, limit=HOME_REQUESTS)
    elif user.role == Role.EXPERT:
        context["invited_activities"] = archive.recent_activities_for_user(user=user, limit=HOME_INVITATIONS)
        context["invited_requests"] = archive.recent_requests_for_user(user=user, limit=HOME_INVITATIONS)
    elif user.role == Role.UNIT_CONTACT:
        unit = selectors.own_unit_for_user(user=user)
        context["unit"] = unit
        if unit is not None:
            context.update(
                plan_progress=selectors.plan_progress_for_user(user=user),
                open_requests=archive.open_requests_for_user(user=user, limit=HOME_REQUESTS),
                recent_activities=archive.recent_activities_for_user(user=user, limit=HOME_SERVICES),
            )
    return context


def _month_end(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
