"""The demo programme's plans: every listed unit has one, in the states a late-2026 programme shows, written
through the workflow and dated 2025–2026; seeding twice changes nothing."""

import datetime
from collections import defaultdict

import pytest
from django.db.models import Count, Exists, OuterRef

from accounts.models import User
from demo.plans import DEMO_TODAY
from plans.models import Measure, Plan, PlanEvent, PlanVersion, ProgressNote
from plans.scopes import visible_plan_versions
from teams.models import Person
from units.models import Unit
from units.scopes import visible_units

pytestmark = pytest.mark.django_db

Status = PlanVersion.Status


def test_every_listed_unit_has_a_plan(seeded):
    assert not Unit.objects.filter(is_listed=True, plan__isnull=True).exists()


def test_the_states_of_a_programme_in_its_second_year_all_occur(seeded):
    plans = Plan.objects.select_related("in_force", "working")
    in_force = plans.filter(in_force__isnull=False)
    assert in_force.count() > plans.count() / 2  # most plans are approved
    assert PlanVersion.objects.filter(number=2, status=Status.APPROVED).exists()
    assert PlanVersion.objects.filter(number=1, status=Status.SUPERSEDED).exists()
    assert in_force.filter(working__status=Status.DRAFT).exists()  # a revision in draft
    returned = PlanVersion.objects.filter(status=Status.RETURNED)
    assert returned.exists()
    assert all(
        v.events.filter(action=PlanEvent.Action.RETURNED).exclude(comment="").exists() for v in returned
    )  # returned with the bureau's comment
    assert PlanVersion.objects.filter(status=Status.SUBMITTED).exists()
    overdue = plans.filter(in_force__isnull=True, working__status=Status.DRAFT, due_on__lt=DEMO_TODAY)
    assert overdue.exists()
    assert not PlanVersion.objects.filter(plan__in=overdue).exclude(status=Status.DRAFT).exists()  # never approved


def test_the_demo_unit_contact_sees_an_approved_plan(seeded):
    contact = User.objects.get(username="unit")
    plan = Plan.objects.get(unit=contact.unit)
    assert plan.in_force.status == Status.APPROVED
    assert list(visible_plan_versions(contact)) == [plan.in_force]


def test_the_leaders_team_has_a_plan_returned_and_one_submitted(seeded):
    leader = User.objects.get(username="leader")
    statuses = set(visible_plan_versions(leader).values_list("status", flat=True))
    assert {Status.RETURNED, Status.SUBMITTED, Status.APPROVED} <= statuses
    units = visible_units(leader)
    assert PlanEvent.objects.filter(plan__unit__in=units, actor=leader).exists()  # written by the team's login


def test_plans_hold_five_to_nine_measures_over_the_seven_areas_owned_by_the_serving_team(seeded):
    sizes = PlanVersion.objects.annotate(n=Count("measures")).values_list("n", flat=True)
    assert min(sizes) >= 5
    assert max(sizes) <= 9
    assert Measure.objects.values("area").distinct().count() == 7
    # Every measure, in SQL: the owners who are not in a team now serving the plan's unit.
    in_serving_team = Person.objects.filter(
        pk=OuterRef("owner"),
        memberships__team__assignments__unit=OuterRef("version__plan__unit"),
        memberships__team__assignments__end__isnull=True,
    )
    assert list(Measure.objects.exclude(Exists(in_serving_team)).values_list("pk", flat=True)) == []
    dues = Measure.objects.values_list("due_on", flat=True)
    assert {d.year for d in dues} >= {2025, 2026}


def test_statuses_agree_with_the_dates(seeded):
    in_force = Measure.objects.filter(version__status=Status.APPROVED)
    long_past = in_force.filter(due_on__lt=DEMO_TODAY - datetime.timedelta(days=30))
    done = long_past.filter(status=Measure.Status.DONE).count()
    assert done > long_past.count() * 0.7  # past due ones mostly done …
    assert long_past.filter(status=Measure.Status.IN_PROGRESS).exists()  # … some overdue
    assert not in_force.filter(due_on__gt=DEMO_TODAY + datetime.timedelta(days=90), status=Measure.Status.DONE).exists()
    not_in_force = Measure.objects.filter(version__plan__in_force__isnull=True)
    assert not not_in_force.filter(status=Measure.Status.DONE).exists()
    assert ProgressNote.objects.filter(measure__version__status=Status.APPROVED).exists()
    assert not ProgressNote.objects.filter(date__gt=DEMO_TODAY).exists()


def test_the_history_reads_like_2025_and_2026(seeded):
    first, last = datetime.date(2025, 3, 1), DEMO_TODAY
    days = [e.created_at.date() for e in PlanEvent.objects.all()]
    assert min(days) >= first
    assert max(days) <= last
    assert {d.year for d in days} == {2025, 2026}
    stamps = defaultdict(list)
    for plan_id, created_at in PlanEvent.objects.order_by("plan", "pk").values_list("plan", "created_at"):
        stamps[plan_id].append(created_at)
    out_of_order = [plan_id for plan_id, times in stamps.items() if times != sorted(times)]
    assert out_of_order == []  # every plan's backdated events keep the order they happened in


def test_sections_are_written_for_the_unit_not_lorem_ipsum(seeded):
    contact = User.objects.get(username="unit")
    version = Plan.objects.get(unit=contact.unit).in_force
    assert contact.unit.name in version.ip_status
    assert all(getattr(version, name) for name in ("characteristics", "weak_links", "main_needs", "recommendations"))
    assert "<li>" in version.weak_links
    texts = set(PlanVersion.objects.values_list("characteristics", flat=True))
    assert len(texts) > 50  # templates with variation, not one text for all
