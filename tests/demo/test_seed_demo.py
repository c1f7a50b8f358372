"""`manage.py seed_demo`: one working login per role, a believable late-2026 programme, and a second run that
changes nothing in any app's tables."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from accounts.models import Role, User
from archives.models import Activity, ActivityMeasure, Referral, Request, RequestMessage
from plans.models import Measure, Plan, PlanEvent, PlanVersion, ProgressNote
from teams.models import Assignment, Membership, Person, Team
from units.models import IPProfile, ListingEvent, Unit, UnitContact
from units.scopes import visible_units

pytestmark = pytest.mark.django_db

TABLES = [
    *(User, Unit, UnitContact, IPProfile, ListingEvent, Person, Team, Membership, Assignment),
    *(Plan, PlanVersion, Measure, ProgressNote, PlanEvent),
    *(Activity, ActivityMeasure, Request, RequestMessage, Referral),
]

DEMO_USERNAMES = ["bureau", "officer", "leader", "member", "expert", "unit"]


def test_a_second_run_changes_nothing_and_prints_one_working_login_per_role(seeded, settings, capsys):
    counts = [model.objects.count() for model in TABLES]
    settings.DEMO_PASSWORD = "Demo-password-1"
    call_command("seed_demo", force=True)
    assert [model.objects.count() for model in TABLES] == counts

    for username in DEMO_USERNAMES:
        assert authenticate(username=username, password="Demo-password-1") is not None, username
    assert {u.role for u in User.objects.filter(username__in=DEMO_USERNAMES)} == set(Role)
    officer = User.objects.get(username="officer")
    assert officer.division.name == "杭州市"
    assert User.objects.get(username="unit").unit is not None
    printed = capsys.readouterr().out
    assert all(username in printed for username in DEMO_USERNAMES)
    assert "Demo-password-1" in printed


def test_demo_credit_codes_are_valid(seeded):
    from units.credit_code import validate_credit_code

    for unit in Unit.objects.all():
        validate_credit_code(unit.credit_code)


def test_demo_programme_looks_like_late_2026(seeded):
    assert Unit.objects.count() == 150
    assert Unit.objects.values("division__city").distinct().count() == 11
    assert Unit.objects.values("category").distinct().count() == 6
    assert Person.objects.count() == 60
    assert Team.objects.count() == 40
    for team in Team.objects.all():
        assert sorted(team.memberships.values_list("role", flat=True)) == ["core", "core", "leader"]
    assert not Unit.objects.filter(is_listed=True).exclude(assignments__end__isnull=True).exists()
    assert ListingEvent.objects.values("batch").distinct().count() >= 3


def test_demo_logins_are_wired_to_the_programme(seeded):
    leader, member, unit_contact = (User.objects.get(username=name) for name in ("leader", "member", "unit"))
    assert leader.person.memberships.get().role == "leader"
    assert unit_contact.unit in visible_units(leader)
    assert unit_contact.unit in visible_units(member)
    officer = User.objects.get(username="officer")
    assert set(visible_units(officer).values_list("division__city__name", flat=True)) == {"杭州市"}
    assert visible_units(officer).count() > 10
