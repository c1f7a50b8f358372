"""The serving team's buttons to log its work, on a unit's page (units/unit_page.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from units.unit_page import ACTIONS, register_unit_panel

if TYPE_CHECKING:
    from accounts.models import User
    from units.models import Unit


def log_buttons(unit: Unit, user: User) -> dict[str, Any] | None:
    """For a listed unit, to the team that serves it (archives/rules.py)."""
    return {} if unit.is_listed and user.has_perm("archives.record_activity", unit) else None


register_unit_panel(slot=ACTIONS, template_name="archives/_unit_actions.html", context=log_buttons)
