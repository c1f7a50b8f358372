"""The plan card on a unit's page (units/unit_page.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from plans.selectors import plan_is_past_due, plans_for_user
from units.unit_page import ASIDE, register_unit_panel

if TYPE_CHECKING:
    from accounts.models import User
    from units.models import Unit


def plan_card(unit: Unit, user: User) -> dict[str, Any]:
    """The unit's plan as the reader may read it (a city officer or the unit: once a version is approved), with its
    version in work and the version in force (their status and number, not their texts): one query."""
    plans = plans_for_user(user=user).filter(unit=unit).select_related("in_force", "working")
    shown = ("uid", "unit_id", "due_on", "in_force__status", "in_force__number", "working__status", "working__number")
    plan = plans.only(*shown).order_by("pk").first()  # a unit has one plan; the pk order joins nothing
    return {"plan": plan, "past_due": plan is not None and plan_is_past_due(plan)}


register_unit_panel(slot=ASIDE, template_name="plans/_unit_panel.html", context=plan_card)
