"""The plan's state on the unit list and its export (units/unit_list.py): a column with the state's badge and the
past-due flag, and a filter by state."""

from __future__ import annotations

from typing import TYPE_CHECKING

import django_filters
from django.db.models import Case, CharField, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from plans.selectors import STATES, with_plan_state
from units.unit_list import UnitListColumn, UnitListExtension, register_unit_list_extension

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User
    from units.models import Unit

PAST_DUE = "past_due"  # not a state: a plan still unapproved after its due date, whatever its state


def with_plan_state_label(units: QuerySet[Unit], user: User | None = None) -> QuerySet[Unit]:
    """plans.selectors.with_plan_state, and the state's label in the reader's language (`plan_state_label`)."""
    return with_plan_state(units).annotate(
        plan_state_label=Case(
            *(When(plan_state=key, then=Value(str(label))) for key, label in STATES),
            default=Value(""),
            output_field=CharField(),
        )
    )


def by_plan_state(queryset: QuerySet[Unit], name: str, value: str) -> QuerySet[Unit]:
    if value == PAST_DUE:
        return queryset.filter(past_due=True)
    return queryset.filter(plan_state=value)


def plan_filters(request: HttpRequest | None) -> dict[str, django_filters.Filter]:
    return {
        "plan": django_filters.ChoiceFilter(
            label=_("Plan status"),
            choices=[*STATES, (PAST_DUE, _("Past due"))],
            method=by_plan_state,
            empty_label=_("All"),
        )
    }


register_unit_list_extension(
    UnitListExtension(
        name="plans",
        annotate=with_plan_state_label,
        filters=plan_filters,
        columns=[UnitListColumn(label=_("Service plan"), template_name="plans/_unit_list_cell.html")],
    )
)
