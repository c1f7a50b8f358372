"""Team pages: forming and changing a team through its form, the list, the team page and a member's own teams."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Role
from teams.models import Membership, Team
from tests.factories import PersonFactory, TeamFactory, UnitFactory, assign

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool(db):
    return PersonFactory.create_batch(4)


def _post_team(client, leader, core, name="钱塘护航队", url=None, **extra):
    seats = dict(zip(["first_core_member", "second_core_member"], [p.pk for p in core], strict=False))
    data = {"name": name, "leader": leader.pk, **seats, **extra}
    return client.post(url or reverse("teams:create"), data)


def test_form_a_team(bureau_client, pool):
    leader, *core = pool[:3]
    response = _post_team(bureau_client, leader, core)
    team = Team.objects.get()
    assert response.url == reverse("teams:detail", kwargs={"pk": team.pk})
    assert set(team.memberships.values_list("person_id", "role")) == {
        (leader.pk, "leader"),
        (core[0].pk, "core"),
        (core[1].pk, "core"),
    }


def test_the_form_asks_for_both_core_members(bureau_client, pool):
    response = _post_team(bureau_client, pool[0], pool[1:2])
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["second_core_member"]] == ["required"]
    assert not Team.objects.exists()
    assert not Membership.objects.exists()


def test_the_form_shows_the_same_person_twice(bureau_client, pool):
    response = _post_team(bureau_client, pool[0], [pool[0], pool[1]])
    assert [e.code for e in response.context["form"].non_field_errors().as_data()] == ["twice"]
    assert 'data-testid="form-errors"' in response.text
    assert not Team.objects.exists()


@pytest.mark.parametrize("unfit", [{"confidentiality_signed_on": None}, {"is_active": False}])
def test_people_who_may_not_take_a_seat_are_not_offered(bureau_client, pool, unfit):
    person = PersonFactory(**unfit)
    form = bureau_client.get(reverse("teams:create")).context["form"]
    for seat in ("leader", "first_core_member", "second_core_member"):
        assert person not in form.fields[seat].queryset
    found = bureau_client.get(reverse("teams:person_typeahead"), {"q": person.name})
    assert person.name not in found.text
    response = _post_team(bureau_client, person, pool[:2])
    assert "leader" in response.context["form"].errors
    response = _post_team(bureau_client, pool[0], [pool[1], person])
    assert "second_core_member" in response.context["form"].errors
    assert not Team.objects.exists()


def test_a_duplicate_team_name_goes_back_on_the_name_field(bureau_client, pool):
    TeamFactory(name="钱塘护航队")
    response = _post_team(bureau_client, pool[0], pool[1:3], name="钱塘护航队")
    assert "name" in response.context["form"].errors
    assert Team.objects.count() == 1


def test_edit_a_team(bureau_client, own_team, pool):
    url = reverse("teams:edit", kwargs={"pk": own_team.pk})
    form = bureau_client.get(url).context["form"]
    assert form.initial["leader"] == own_team.memberships.get(role="leader").person_id
    core = set(own_team.memberships.filter(role="core").values_list("person_id", flat=True))
    assert {form.initial["first_core_member"], form.initial["second_core_member"]} == core

    response = _post_team(bureau_client, pool[0], pool[1:3], name="西湖护航二队", url=url)
    assert response.status_code == 302
    own_team.refresh_from_db()
    assert own_team.name == "西湖护航二队"
    assert own_team.is_active is False  # the box was not ticked
    assert own_team.memberships.get(role="leader").person == pool[0]


def test_an_invalid_edit_writes_nothing(bureau_client, own_team, pool):
    before = set(own_team.memberships.values_list("person_id", "role"))
    url = reverse("teams:edit", kwargs={"pk": own_team.pk})
    response = _post_team(bureau_client, pool[0], [pool[1], pool[1]], name="改名", url=url, is_active="on")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    own_team.refresh_from_db()
    assert own_team.name == "西湖护航队"
    assert set(own_team.memberships.values_list("person_id", "role")) == before


def test_team_list_shows_leader_core_members_and_units_served(bureau_client, own_team, other_team):
    assign(UnitFactory(), own_team)
    assign(UnitFactory(), own_team)
    ended = assign(UnitFactory(), own_team)
    ended.end = datetime.date(2026, 1, 1)
    ended.save()
    response = bureau_client.get(reverse("teams:list"))
    rows = {t.pk: t for t in response.context["page_obj"]}
    assert rows[own_team.pk].units_served == 2
    assert rows[other_team.pk].units_served == 0
    assert rows[own_team.pk].leader_name == "汤组长"
    assert len(rows[own_team.pk].core_seats) == 2


def test_team_list_searches_by_member_and_filters_and_sorts(bureau_client, own_team, other_team):
    assign(UnitFactory(), other_team)
    url = reverse("teams:list")
    assert list(bureau_client.get(url, {"q": "汤组长"}).context["page_obj"]) == [own_team]
    assert list(bureau_client.get(url, {"q": "宁波"}).context["page_obj"]) == [other_team]
    other_team.is_active = False
    other_team.save()
    assert list(bureau_client.get(url, {"active": "no"}).context["page_obj"]) == [other_team]
    assert list(bureau_client.get(url, {"o": "-units_served"}).context["page_obj"]) == [other_team, own_team]


def test_team_page_lists_members_and_the_units_served(bureau_client, own_team, unit):
    assign(unit, own_team)
    response = bureau_client.get(reverse("teams:detail", kwargs={"pk": own_team.pk}))
    assert [s.role for s in response.context["seats"]] == ["leader", "core", "core"]
    assert [a.unit for a in response.context["page_obj"]] == [unit]
    assert reverse("units:detail", kwargs={"uid": unit.uid}) in response.text
    assert f'data-testid="unassign-{unit.uid}"' in response.text


def test_team_page_searches_its_units(bureau_client, own_team, unit):
    assign(unit, own_team)
    assign(UnitFactory(name="宁海新材料实验室"), own_team)
    url = reverse("teams:detail", kwargs={"pk": own_team.pk})
    assert [a.unit.name for a in bureau_client.get(url, {"q": "宁海"}).context["page_obj"]] == ["宁海新材料实验室"]


def test_a_team_member_sees_their_team_page_without_bureau_actions(client, users, own_team, unit):
    assign(unit, own_team)
    client.force_login(users[Role.TEAM_MEMBER])
    response = client.get(reverse("teams:detail", kwargs={"pk": own_team.pk}))
    assert [a.unit for a in response.context["page_obj"]] == [unit]
    assert 'data-testid="team-edit"' not in response.text
    assert 'data-testid="unassign-' not in response.text


def test_my_teams_lists_the_teams_and_their_units(client, users, own_team, other_team, unit):
    assign(unit, own_team, start=datetime.date(2025, 3, 15))
    assign(UnitFactory(), other_team)
    client.force_login(users[Role.TEAM_MEMBER])
    response = client.get(reverse("teams:mine"))
    assert list(response.context["teams"]) == [own_team]
    assert [(u, u.team_name, u.assigned_since) for u in response.context["page_obj"]] == [
        (unit, own_team.name, datetime.date(2025, 3, 15))
    ]
    assert f'data-testid="unit-{unit.uid}"' in response.text


def test_my_teams_without_a_team(client, users):
    client.force_login(users[Role.TEAM_MEMBER])
    response = client.get(reverse("teams:mine"))
    assert 'data-testid="no-team"' in response.text
    assert not response.context["page_obj"].object_list
