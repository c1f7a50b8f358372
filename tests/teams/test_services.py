"""The rules of the pool, the teams and assignments, enforced by teams/services.py."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Role
from huhang.vocabulary import TaskArea
from teams import services
from teams.models import Assignment, Expertise, Membership, Person, Team
from tests.factories import PersonFactory, TeamFactory, UnitFactory, assign
from units.scopes import visible_units

pytestmark = pytest.mark.django_db


def _team(name="一队", leader=None, core_members=None):
    return services.team_create(
        actor=None,
        name=name,
        leader=leader or PersonFactory(),
        core_members=PersonFactory.create_batch(2) if core_members is None else core_members,
    )


@pytest.mark.parametrize("core_count", [0, 1, 3])
def test_a_team_needs_exactly_two_core_members(core_count):
    with pytest.raises(ValidationError) as error:
        _team(core_members=PersonFactory.create_batch(core_count))
    assert error.value.code == "composition"
    assert not Team.objects.exists()
    assert not Membership.objects.exists()


def test_the_leader_and_core_members_are_three_different_people():
    leader, core = PersonFactory(), PersonFactory()
    with pytest.raises(ValidationError) as error:
        _team(leader=leader, core_members=[core, leader])
    assert error.value.code == "twice"
    with pytest.raises(ValidationError):
        _team(leader=leader, core_members=[core, core])
    assert not Team.objects.exists()


def test_nobody_joins_a_team_without_a_confidentiality_undertaking():
    unsigned = PersonFactory(confidentiality_signed_on=None)
    with pytest.raises(ValidationError) as error:
        _team(core_members=[PersonFactory(), unsigned])
    assert error.value.code == "confidentiality"
    future = PersonFactory(confidentiality_signed_on=timezone.localdate() + datetime.timedelta(days=3))
    with pytest.raises(ValidationError):
        _team(leader=future)
    assert not Team.objects.exists()


def test_an_inactive_person_cannot_join_a_team():
    with pytest.raises(ValidationError) as error:
        _team(leader=PersonFactory(is_active=False))
    assert error.value.code == "inactive"
    assert not Team.objects.exists()


def test_a_valid_team_has_one_leader_and_two_core_members():
    leader, *core = PersonFactory.create_batch(3)
    team = _team(leader=leader, core_members=core)
    seats = {m.person_id: m.role for m in team.memberships.all()}
    assert seats == {leader.pk: "leader", core[0].pk: "core", core[1].pk: "core"}


def test_changing_the_seats_keeps_the_old_ones_in_history():
    team = TeamFactory()
    new_leader, new_core = PersonFactory.create_batch(2)
    old_leader = team.memberships.get(role="leader").person
    old_core = list(team.memberships.filter(role="core").values_list("person_id", flat=True))
    services.team_update(
        actor=None, team=team, name="改名队", leader=new_leader, core_members=[old_leader, new_core], is_active=True
    )
    team.refresh_from_db()
    assert team.name == "改名队"
    assert team.memberships.get(role="leader").person == new_leader
    assert set(team.memberships.filter(role="core").values_list("person_id", flat=True)) == {old_leader.pk, new_core.pk}
    assert Membership.history.filter(person_id__in=old_core, history_type="-").count() == 2


def test_an_invalid_update_changes_nothing():
    team = TeamFactory(name="原队")
    before = set(team.memberships.values_list("person_id", "role"))
    with pytest.raises(ValidationError):
        services.team_update(
            actor=None, team=team, name="新队", leader=PersonFactory(), core_members=[PersonFactory(is_active=False)]
        )
    team.refresh_from_db()
    assert team.name == "原队"
    assert set(team.memberships.values_list("person_id", "role")) == before


def test_person_save_creates_and_changes_the_expertise():
    person = services.person_save(
        name=" 李　明 ",
        kind=Person.Kind.LAWYER,
        organisation="浙江某律师事务所",
        phone="138-1234-5678",
        expertise=[TaskArea.PROTECTION, TaskArea.POLICY_LAW],
    )
    assert person.name == "李 明"
    assert person.phone == "13812345678"
    assert set(person.expertise.values_list("area", flat=True)) == {"protection", "policy_law"}
    services.person_save(person=person, expertise=[TaskArea.PROTECTION, TaskArea.COMMERCIALISATION])
    assert set(person.expertise.values_list("area", flat=True)) == {"protection", "commercialisation"}


def test_person_save_refuses_invalid_input_and_writes_nothing():
    with pytest.raises(ValidationError) as error:
        services.person_save(name="王五", kind="nonsense", organisation="", expertise=[TaskArea.PROTECTION])
    assert {"kind", "organisation"} <= set(error.value.error_dict)
    assert not Person.objects.exists()
    assert not Expertise.objects.exists()


def test_training_add():
    person = PersonFactory()
    training = services.training_add(person=person, title=" 商业秘密保护 ", attended_on=datetime.date(2026, 5, 1))
    assert training.title == "商业秘密保护"
    assert list(person.trainings.all()) == [training]


def test_a_unit_has_one_open_team_and_reassignment_keeps_history(unit):
    first, second = TeamFactory.create_batch(2)
    assign(unit, first, start=datetime.date(2025, 3, 15))
    services.unit_assign_team(actor=None, unit=unit, team=second, start=datetime.date(2026, 1, 1))
    rows = list(Assignment.objects.filter(unit=unit).order_by("start"))
    assert [(a.team, a.start, a.end) for a in rows] == [
        (first, datetime.date(2025, 3, 15), datetime.date(2026, 1, 1)),
        (second, datetime.date(2026, 1, 1), None),
    ]


def test_the_same_team_is_refused(unit):
    team = TeamFactory()
    assign(unit, team)
    with pytest.raises(ValidationError) as error:
        services.unit_assign_team(actor=None, unit=unit, team=team)
    assert error.value.code == "same_team"
    assert Assignment.objects.filter(unit=unit).count() == 1


def test_an_inactive_team_gets_no_unit(unit):
    team = TeamFactory()
    team.is_active = False
    team.save()
    with pytest.raises(ValidationError):
        services.unit_assign_team(actor=None, unit=unit, team=team)
    assert not Assignment.objects.exists()


def test_unassign_ends_the_open_assignment(unit):
    assignment = assign(unit, TeamFactory())
    ended = services.unit_unassign_team(actor=None, unit=unit, end=datetime.date(2026, 6, 30))
    assert ended.pk == assignment.pk
    assert ended.end == datetime.date(2026, 6, 30)
    assert services.unit_unassign_team(actor=None, unit=unit) is None


def test_a_team_member_sees_the_units_of_their_team_only_while_it_serves_them(users, unit, own_team, other_team):
    tom = users[Role.TEAM_MEMBER]
    elsewhere = UnitFactory()
    assign(elsewhere, other_team)
    assert unit not in visible_units(tom)

    assign(unit, own_team)
    assert list(visible_units(tom)) == [unit]

    services.unit_assign_team(actor=None, unit=unit, team=other_team, start=datetime.date(2026, 2, 1))
    assert not visible_units(tom).exists()
