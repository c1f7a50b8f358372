"""What the apps above units show on a unit's page: panels they register in their `AppConfig.ready()`.

Units know none of those apps, so the page (templates/units/unit_detail.html) has slots, and each app registers a
panel for a slot: its own template, and a function of the unit and the reader that returns the template's context
(`panel` in the template), or None to show nothing. Each function runs a bounded number of queries, so the page
stays at a constant count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from accounts.models import User
    from units.models import Unit

# The slots of the unit page, in the order of the page.
ACTIONS = "actions"  # buttons beside the unit's name, for the reader's own work on the unit
MANAGE = "manage"  # among the bureau's buttons (edit, remove), for the bureau's work on the unit
PROFILE = "profile"  # rows (<dt>/<dd>) at the end of the profile card
ASIDE = "aside"  # cards at the top of the side column, above the timeline
SLOTS = (ACTIONS, MANAGE, PROFILE, ASIDE)

PanelContext = Callable[["Unit", "User"], "dict[str, Any] | None"]


@dataclass(frozen=True)
class UnitPanel:
    slot: str
    template_name: str
    context: PanelContext


@dataclass(frozen=True)
class ShownPanel:
    template_name: str
    context: dict[str, Any]


_panels: list[UnitPanel] = []


def register_unit_panel(*, slot: str, template_name: str, context: PanelContext) -> None:
    """Called from an app's `AppConfig.ready()`; panels of one slot show in the order they were registered."""
    if slot not in SLOTS:
        raise ImproperlyConfigured(f"The unit page has no slot {slot!r} (slots: {', '.join(SLOTS)}).")
    if any(panel.template_name == template_name for panel in _panels):
        return  # registered already
    _panels.append(UnitPanel(slot=slot, template_name=template_name, context=context))


def unit_panels(*, unit: Unit, user: User) -> dict[str, list[ShownPanel]]:
    """The panels the reader sees on the unit's page, by slot."""
    shown: dict[str, list[ShownPanel]] = {slot: [] for slot in SLOTS}
    for panel in _panels:
        context = panel.context(unit, user)
        if context is not None:
            shown[panel.slot].append(ShownPanel(template_name=panel.template_name, context=context))
    return shown
