"""A plan version's text frozen at one moment — the five sections and the measures — as plain JSON.

plan_return stores one on the RETURNED PlanEvent, so that the review of the resubmission compares it with what the
bureau actually returned, whatever history rows exist (seeded, migrated or imported data have none at that
instant). Migration 0003 filled the events returned before this existed; its copy of the layout is frozen there.

    {"source": "recorded" | "history" | "current",
     "sections": {"ip_status": "<p>…</p>", …},
     "measures": [{"id", "position", "area", "content", "owner_id", "owner", "due_on": "YYYY-MM-DD" | null,
                   "status"}, …]}
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from plans.models import SECTIONS, Measure

if TYPE_CHECKING:
    from plans.models import PlanVersion

# Where a snapshot's text comes from. Only "current" is not the text as returned: the migration found no history
# row at the instant of the return and kept the text as it stood when it ran.
RECORDED = "recorded"  # written by plan_return
HISTORY = "history"  # rebuilt by the migration from the history rows at the instant of the return
CURRENT = "current"  # the migration's fallback


def version_snapshot(version: PlanVersion) -> dict[str, Any]:
    """The version's text as it stands now (the sections and its measures, in their order): two queries."""
    measures = Measure.objects.filter(version=version).select_related("owner").order_by("position", "pk")
    return {
        "source": RECORDED,
        "sections": {name: getattr(version, name) for name in SECTIONS},
        "measures": [
            {
                "id": m.pk,
                "position": m.position,
                "area": m.area,
                "content": m.content,
                "owner_id": m.owner_id,
                "owner": m.owner.name if m.owner else "",
                "due_on": m.due_on.isoformat() if m.due_on else None,
                "status": m.status,
            }
            for m in measures
        ],
    }


def is_exact(snapshot: dict[str, Any]) -> bool:
    """Whether the snapshot holds the text as returned (rather than the migration's fallback)."""
    return snapshot.get("source") != CURRENT


def snapshot_sections(snapshot: dict[str, Any]) -> SimpleNamespace:
    """The sections as attributes, like a PlanVersion's (what plans/diff.py compares)."""
    stored = snapshot.get("sections") or {}
    return SimpleNamespace(**{name: stored.get(name) or "" for name in SECTIONS})


def snapshot_measures(snapshot: dict[str, Any]) -> list[Measure]:
    """The measures as unsaved Measure instances, in their order; owners are today's Person rows (one query), so a
    name corrected since is no change, or a stand-in with the stored name when the person is gone."""
    from teams.models import Person

    entries = sorted(snapshot.get("measures") or [], key=lambda e: (e.get("position") or 0, e.get("id") or 0))
    owners = Person.objects.in_bulk({e["owner_id"] for e in entries if e.get("owner_id")})
    measures = []
    for entry in entries:
        measure = Measure(
            id=entry.get("id"),
            position=entry.get("position") or 0,
            area=entry.get("area") or "",
            content=entry.get("content") or "",
            owner_id=entry.get("owner_id"),
            due_on=datetime.date.fromisoformat(entry["due_on"]) if entry.get("due_on") else None,
            status=entry.get("status") or Measure.Status.NOT_STARTED,
        )
        if measure.owner_id:
            owner = owners.get(measure.owner_id) or Person(id=measure.owner_id, name=entry.get("owner") or "")
            measure._state.fields_cache["owner"] = owner
        measures.append(measure)
    return measures
