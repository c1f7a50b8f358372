"""The plan's state on the unit list and its export (units/unit_list.py): a column with the state's badge and the
past-due flag, and a filter by state."""

from __future__ import annotations

from typing import TYPE_CHECKING

import django_filters
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from huhang.html import format_html
from plans.selectors import STATES, plan_state_q, with_plan_state
from units.unit_list import UnitListColumn, UnitListExtension, register_unit_list_extension, row_url

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest
    from django.utils.safestring import SafeString

    from accounts.models import User
    from units.models import Unit
    from units.unit_list import Reader

NO_UID = "00000000-0000-0000-0000-000000000000"  # no plan's: the sentinel of the plans' URLs (units.unit_list.row_url)
PAST_DUE = "past_due"  # not a state: a plan still unapproved after its due date, whatever its state


STATE_LABELS = dict(STATES)
BADGE_CLASSES = {  # as templates/plans/_status_badge.html
    "approved": "text-bg-success",
    "submitted": "text-bg-primary",
    "returned": "text-bg-warning",
    "draft": "text-bg-info",
}


def annotate_plan_state(units: QuerySet[Unit], user: User | None = None) -> QuerySet[Unit]:
    """plans.selectors.with_plan_state: the state, the plan's uid, the past-due flag; the labels come in Python."""
    return with_plan_state(units, version_numbers=False)


def plan_cell(unit: Unit, reader: Reader) -> SafeString:
    """The plan's state as a badge (a link to the plan where there is one), and the past-due flag. A row's cell,
    built with huhang.html (units.unit_list.unit_rows)."""
    state = unit.plan_state
    badge = format_html(
        '<span class="badge hh-plan-{} {}" data-testid="plan-status" data-status="{}">{}</span>',
        state,
        BADGE_CLASSES.get(state, "text-bg-secondary"),
        state,
        STATE_LABELS.get(state, ""),
    )
    if unit.plan_uid:
        badge = format_html('<a href="{}">{}</a>', row_url("plans:detail", uid=NO_UID)(unit.plan_uid), badge)
    past_due = ""
    if unit.past_due:
        past_due = format_html(
            ' <span class="badge text-bg-danger" data-testid="plan-past-due">{}</span>', gettext("Past due")
        )
    return format_html('<td class="text-nowrap">{}{}</td>', badge, past_due)


def by_plan_state(queryset: QuerySet[Unit], name: str, value: str) -> QuerySet[Unit]:
    if value == PAST_DUE:
        # The list page annotates its rows only; this filter needs the due date of every unit's plan.
        return annotate_plan_state(queryset).filter(past_due=True)
    return queryset.filter(plan_state_q(value))


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
        annotate=annotate_plan_state,
        filters=plan_filters,
        columns=[UnitListColumn(label=_("Service plan"), cell=plan_cell)],
    )
)
