"""The text the bureau returned is kept on the RETURNED event, and the review of the resubmission compares with it,
never with a history row looked up at an instant (seeded, migrated or imported plans have none then)."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from accounts.models import Role
from plans import services
from plans.models import Measure, PlanEvent, PlanVersion
from plans.snapshots import snapshot_measures
from tests.factories import PersonFactory, PlanFactory, ready

pytestmark = pytest.mark.django_db

fill = importlib.import_module("plans.migrations.0003_fill_returned_snapshots")

LONG_AGO = datetime.datetime(2025, 1, 6, 9, 30, tzinfo=datetime.UTC)  # before any history row of a test


def _returned(unit=None):
    """A plan submitted and returned: its version and the RETURNED event."""
    plan = PlanFactory(**({"unit": unit} if unit else {}))
    version = ready(plan)
    owner = PersonFactory(name="钱负责")
    services.measure_save(actor=None, version=version, area="protection", content="建立维权机制", owner=owner)
    services.plan_submit(actor=None, version=version)
    services.plan_return(actor=None, version=version, comment="请细化")
    version.refresh_from_db()
    return version, version.events.get(action=PlanEvent.Action.RETURNED)


def _change_and_resubmit(version):
    version = services.plan_sections_save(
        actor=None, version=version, revision=version.revision, main_needs="细化后的主要需求"
    )
    services.measure_save(actor=None, version=version, area="policy_law", content="新增宣讲")
    services.plan_submit(actor=None, version=version)
    return version


def test_returning_keeps_the_sections_and_measures_on_the_event():
    version, event = _returned()
    snapshot = event.snapshot
    assert snapshot["source"] == "recorded"
    assert snapshot["sections"]["main_needs"] == version.main_needs
    assert [m["content"] for m in snapshot["measures"]] == ["宣讲专利法", "建立维权机制"]
    assert snapshot["measures"][1]["owner"] == "钱负责"
    _change_and_resubmit(version)
    event.refresh_from_db()
    assert event.snapshot["sections"]["main_needs"] == version.main_needs  # the later edits leave it alone
    measures = snapshot_measures(event.snapshot)
    assert [(m.content, m.owner.name if m.owner else None) for m in measures] == [
        ("宣讲专利法", None),
        ("建立维权机制", "钱负责"),
    ]


def test_the_review_compares_with_the_returned_text_when_no_history_row_exists_then(client, users, unit):
    version, _event = _returned(unit)
    # Seeded or imported data: the events are dated before any history row of the version or its measures.
    PlanEvent.objects.filter(plan=version.plan).update(created_at=LONG_AGO)
    _change_and_resubmit(version)
    client.force_login(users[Role.BUREAU])
    response = client.get(reverse("plans:review", kwargs={"uid": version.plan.uid}))
    assert response.status_code == 200
    baseline = response.context["baseline"]
    assert baseline.kind == "returned"
    assert baseline.exact
    assert {s.name for s in response.context["sections"] if s.changed} == {"main_needs"}
    assert [row.kind for row in response.context["measures"].rows] == ["equal", "equal", "added"]
    assert "2025-01-06" in baseline.label


def test_the_reviewer_is_told_when_the_returned_text_was_not_kept(client, users, unit):
    version, event = _returned(unit)
    PlanEvent.objects.filter(pk=event.pk).update(snapshot={**event.snapshot, "source": "current"})
    _change_and_resubmit(version)
    client.force_login(users[Role.BUREAU])
    response = client.get(reverse("plans:review", kwargs={"uid": version.plan.uid}))
    assert not response.context["baseline"].exact
    assert 'data-testid="baseline-inexact"' in response.text


# --- The data migration that filled the events returned before the text was kept ---------------------------------


def test_the_migration_rebuilds_the_returned_text_from_complete_history():
    version, event = _returned()
    _change_and_resubmit(version)
    snapshot = fill.snapshot_for(apps, event)
    assert snapshot["source"] == "history"
    assert snapshot["sections"]["main_needs"] == event.snapshot["sections"]["main_needs"]  # not the later edit
    assert [m["content"] for m in snapshot["measures"]] == ["宣讲专利法", "建立维权机制"]  # not the added one
    assert snapshot["measures"][1]["owner"] == "钱负责"


def test_the_migration_falls_back_to_the_current_text_without_history_then():
    version, event = _returned()
    version = _change_and_resubmit(version)
    PlanEvent.objects.filter(pk=event.pk).update(created_at=LONG_AGO)
    event.refresh_from_db()
    snapshot = fill.snapshot_for(apps, event)  # no DoesNotExist
    assert snapshot["source"] == "current"
    assert snapshot["sections"]["main_needs"] == PlanVersion.objects.get(pk=version.pk).main_needs
    assert [m["content"] for m in snapshot["measures"]] == ["宣讲专利法", "建立维权机制", "新增宣讲"]


def test_the_migration_falls_back_when_a_measure_has_no_history_at_the_return():
    version, event = _returned()
    measure = Measure.objects.get(version=version, content="建立维权机制")
    Measure.history.filter(id=measure.pk).delete()  # imported without its history
    assert fill.snapshot_for(apps, event)["source"] == "current"


def test_the_migration_fills_every_returned_event_without_a_snapshot(monkeypatch):
    _version, event = _returned()
    calls = []
    monkeypatch.setattr(fill, "_unfilled", lambda PlanEvent: [PlanEvent.objects.get(pk=event.pk)])
    monkeypatch.setattr(fill, "snapshot_for", lambda apps, e: calls.append(e.pk) or {"source": "current"})
    fill.fill_snapshots(apps, None)
    assert calls == [event.pk]
    event.refresh_from_db()
    assert event.snapshot == {"source": "current"}
