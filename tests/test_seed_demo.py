import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from accounts.access import visible_units
from accounts.models import Role, User
from teams.models import Assignment, Membership, Person, Team
from units.models import IPProfile, ListingEvent, Unit, UnitContact

TABLES = [User, Unit, UnitContact, IPProfile, ListingEvent, Person, Team, Membership, Assignment]

DEMO_USERNAMES = ["bureau", "officer", "leader", "member", "expert", "unit"]


@pytest.mark.django_db
def test_seed_demo_creates_one_working_login_per_role_and_is_idempotent(settings, capsys):
    settings.DEMO_PASSWORD = "Demo-password-1"
    call_command("seed_demo", force=True)
    counts = [model.objects.count() for model in TABLES]
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


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_demo_credit_codes_are_valid():
    from units.credit_code import validate_credit_code

    call_command("seed_demo", force=True)
    for unit in Unit.objects.all():
        validate_credit_code(unit.credit_code)


@pytest.mark.django_db
def test_demo_programme_looks_like_late_2026(settings):
    call_command("seed_demo", force=True)
    assert Unit.objects.count() == 150
    assert Unit.objects.values("division__city").distinct().count() == 11
    assert Unit.objects.values("category").distinct().count() == 6
    assert Person.objects.count() == 60
    assert Team.objects.count() == 40
    for team in Team.objects.all():
        assert sorted(team.memberships.values_list("role", flat=True)) == ["core", "core", "leader"]
    assert not Unit.objects.filter(is_listed=True).exclude(assignments__end__isnull=True).exists()
    assert ListingEvent.objects.values("batch").distinct().count() >= 3


@pytest.mark.django_db
def test_demo_logins_are_wired_to_the_programme(settings):
    call_command("seed_demo", force=True)
    leader, member, unit_contact = (User.objects.get(username=name) for name in ("leader", "member", "unit"))
    assert leader.person.memberships.get().role == "leader"
    assert unit_contact.unit in visible_units(leader)
    assert unit_contact.unit in visible_units(member)
    officer = User.objects.get(username="officer")
    assert set(visible_units(officer).values_list("division__city__name", flat=True)) == {"杭州市"}
    assert visible_units(officer).count() > 10
