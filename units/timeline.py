"""The unit page's timeline: everything that happened to a unit, newest first, in one stream.

Built from rows the unit page has already prefetched (units.selectors.unit_detail), so it costs no query.
Later apps (plans, archives) add their events here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from units.models import ListingEvent, Unit


@dataclass(frozen=True)
class TimelineEvent:
    date: datetime.date
    kind: str  # a CSS-friendly key: listing, team, ip_profile …
    icon: str  # a Bootstrap Icons name
    title: str
    detail: str = ""


def unit_timeline(*, unit: Unit, include_listing: bool = True) -> list[TimelineEvent]:
    events: list[TimelineEvent] = []
    if include_listing:
        for event in unit.listing_events.all():
            selected = event.kind == ListingEvent.Kind.SELECTED
            events.append(
                TimelineEvent(
                    date=event.date,
                    kind="listing",
                    icon="flag" if selected else "x-circle",
                    title=(_("Selected for the list") if selected else _("Removed from the list"))
                    + (f"（{event.batch}）" if event.batch else ""),
                    detail=event.reason,
                )
            )
    for assignment in unit.assignments.all():
        events.append(
            TimelineEvent(
                date=assignment.start,
                kind="team",
                icon="people",
                title=_("Served by %(team)s") % {"team": assignment.team.name},
            )
        )
        if assignment.end:
            events.append(
                TimelineEvent(
                    date=assignment.end,
                    kind="team",
                    icon="people",
                    title=_("No longer served by %(team)s") % {"team": assignment.team.name},
                )
            )
    for profile in unit.ip_profiles.all():
        events.append(
            TimelineEvent(
                date=profile.as_of,
                kind="ip_profile",
                icon="graph-up",
                title=_("IP profile recorded: %(patents)d invention patents") % {"patents": profile.invention_patents},
            )
        )
    events.extend(_plan_events(unit))
    return sorted(events, key=lambda e: e.date, reverse=True)


def _plan_events(unit: Unit) -> list[TimelineEvent]:
    """The plan's approvals and the due dates of the measures in force (prefetched by unit_detail)."""
    plan = unit.plan if _has_plan(unit) else None
    if plan is None:
        return []
    events = [
        TimelineEvent(
            date=timezone.localtime(event.created_at).date(),
            kind="plan",
            icon="journal-check",
            title=_("Service plan version %(number)d approved") % {"number": event.version.number},
        )
        for event in plan.events.all()
    ]
    if plan.in_force is not None:
        events.extend(
            TimelineEvent(
                date=measure.due_on,
                kind="measure",
                icon="check2-square",
                title=_("Measure due: %(measure)s") % {"measure": measure.content[:60]},
                detail=measure.get_status_display(),
            )
            for measure in plan.in_force.measures.all()
            if measure.due_on
        )
    return events


def _has_plan(unit: Unit) -> bool:
    from django.core.exceptions import ObjectDoesNotExist

    try:
        unit.plan  # noqa: B018 — the reverse one-to-one raises when the unit has no plan
    except ObjectDoesNotExist:
        return False
    return True
