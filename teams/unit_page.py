"""The serving team on a unit's page (units/unit_page.py): a row of the profile card, and the bureau's button to
assign a team."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from accounts.scopes import visible
from teams.models import Assignment
from units.unit_page import MANAGE, PROFILE, register_unit_panel

if TYPE_CHECKING:
    from accounts.models import User
    from units.models import Unit


def serving_team(unit: Unit, user: User) -> dict[str, Any]:
    """Every reader of the unit may know which team serves it (teams/scopes.py): one query."""
    open_assignments = visible(user, Assignment).filter(unit=unit, end__isnull=True)
    return {"assignment": open_assignments.select_related("team").order_by("-start", "-pk").first()}


def assign_button(unit: Unit, user: User) -> dict[str, Any] | None:
    return {} if user.has_perm("teams.manage_teams") else None


register_unit_panel(slot=PROFILE, template_name="teams/_unit_panel.html", context=serving_team)
register_unit_panel(slot=MANAGE, template_name="teams/_unit_manage.html", context=assign_button)
