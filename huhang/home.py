"""What each role's home page shows. Every figure is read through the role's scope."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from accounts.access import visible_units
from accounts.models import Role

if TYPE_CHECKING:
    from accounts.models import User


HOME_UNITS = 20  # the home page lists a team member's first units; the unit list has them all


def home_context(user: User) -> dict[str, Any]:
    # "Guided" units are those on the list now; a removed unit no longer counts towards the target.
    units = visible_units(user).filter(is_listed=True)
    context: dict[str, Any] = {"unit_count": units.count()}
    if user.role == Role.BUREAU:
        context["plans"] = _plan_figures(units)
        year = timezone.localdate().year
        target = settings.PROGRAMME_TARGETS.get(year) or max(settings.PROGRAMME_TARGETS.values())
        context.update(
            target_year=year,
            target=target,
            target_percent=min(100, round(100 * context["unit_count"] / target)) if target else 0,
            units_by_city=units.values("division__city__name").annotate(total=Count("pk")).order_by("-total"),
        )
    elif user.role == Role.OFFICER:
        context["division"] = user.division
    elif user.role == Role.TEAM_MEMBER:
        context["my_units"] = units.select_related("division__city").filter(is_listed=True)[:HOME_UNITS]
    elif user.role == Role.UNIT_CONTACT:
        context["unit"] = units.select_related("division__city").first()
    return context


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
