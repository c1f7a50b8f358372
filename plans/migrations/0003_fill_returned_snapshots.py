"""Fills the text as returned (PlanEvent.snapshot) for the events returned before plan_return wrote it.

From the history rows at the instant of the return where they are complete then ("history"); otherwise — seeded,
migrated or imported data, whose history starts later — from the text as it stands now ("current"), which the review
says is not the text as returned. Never fails on a missing history row. The layout is plans/snapshots.py's, frozen
here as migrations must be.
"""

from django.db import migrations

SECTIONS = ("ip_status", "characteristics", "weak_links", "main_needs", "recommendations")


def _entry(measure, owners) -> dict:
    owner = owners.get(measure.owner_id)
    return {
        "id": measure.id,
        "position": measure.position,
        "area": measure.area,
        "content": measure.content,
        "owner_id": measure.owner_id,
        "owner": owner.name if owner else "",
        "due_on": measure.due_on.isoformat() if measure.due_on else None,
        "status": measure.status,
    }


def _from_history(apps, event):
    """The version and its measures as the history rows say they were at the return, or None where they cannot."""
    HistoricalPlanVersion = apps.get_model("plans", "HistoricalPlanVersion")
    HistoricalMeasure = apps.get_model("plans", "HistoricalMeasure")
    Measure = apps.get_model("plans", "Measure")
    at = event.created_at
    version = (
        HistoricalPlanVersion.objects.filter(id=event.version_id, history_date__lte=at)
        .order_by("-history_date", "-history_id")
        .first()
    )
    if version is None or version.history_type == "-":
        return None
    latest = {}
    rows = HistoricalMeasure.objects.filter(version_id=event.version_id, history_date__lte=at)
    for row in rows.order_by("id", "-history_date", "-history_id"):
        latest.setdefault(row.id, row)
    # A measure that existed at the return without a history row by then: the history is incomplete.
    if Measure.objects.filter(version_id=event.version_id, created_at__lte=at).exclude(id__in=list(latest)).exists():
        return None
    measures = sorted((row for row in latest.values() if row.history_type != "-"), key=lambda m: (m.position, m.id))
    return "history", version, measures


def snapshot_for(apps, event) -> dict:
    """The text of the event's version as it was returned: from the history where it can, else as it stands."""
    Measure = apps.get_model("plans", "Measure")
    Person = apps.get_model("teams", "Person")
    found = _from_history(apps, event)
    if found is None:
        measures = list(Measure.objects.filter(version_id=event.version_id).order_by("position", "id"))
        found = ("current", event.version, measures)
    source, version, measures = found
    owners = Person.objects.in_bulk({m.owner_id for m in measures if m.owner_id})
    return {
        "source": source,
        "sections": {name: getattr(version, name) for name in SECTIONS},
        "measures": [_entry(m, owners) for m in measures],
    }


def _unfilled(PlanEvent):
    return PlanEvent.objects.filter(action="returned", snapshot__isnull=True).select_related("version").order_by("pk")


def fill_snapshots(apps, schema_editor):
    PlanEvent = apps.get_model("plans", "PlanEvent")
    for event in _unfilled(PlanEvent):
        PlanEvent.objects.filter(pk=event.pk).update(snapshot=snapshot_for(apps, event))


class Migration(migrations.Migration):
    dependencies = [("plans", "0002_planevent_snapshot"), ("teams", "0001_initial")]

    # Backwards there is nothing to undo: 0002 drops the column.
    operations = [migrations.RunPython(fill_snapshots, migrations.RunPython.noop)]
