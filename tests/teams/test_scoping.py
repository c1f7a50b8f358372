"""Every URL of the teams app, for every role: who gets the page, who gets 403 and who gets 404.

Roles that never deal with teams (officers, experts, unit contacts) get 403 on every team page. A team member reads
their own team (200), gets 404 for another team, and 403 where only the bureau may act. Units are fetched through
their scope first, so a unit outside a user's scope is a 404 even where the action would be forbidden.
"""

import pytest
from django.urls import reverse

from accounts.models import Role
from teams.models import Assignment, Training
from tests.factories import PersonFactory, assign

BUREAU, OFFICER, MEMBER, EXPERT, CONTACT = (
    Role.BUREAU,
    Role.OFFICER,
    Role.TEAM_MEMBER,
    Role.EXPERT,
    Role.UNIT_CONTACT,
)
FORBIDDEN_FOR_OTHERS = {OFFICER: 403, MEMBER: 403, EXPERT: 403, CONTACT: 403}


@pytest.fixture
def world(users, unit, own_team, other_team):
    assign(unit, own_team)
    return {"unit": unit, "own_team": own_team, "other_team": other_team, "person": PersonFactory()}


# (url name, kwargs from the world, expected status per role)
GET_PAGES = [
    ("teams:list", {}, {BUREAU: 200, OFFICER: 403, MEMBER: 200, EXPERT: 403, CONTACT: 403}),
    ("teams:create", {}, {BUREAU: 200, **FORBIDDEN_FOR_OTHERS}),
    ("teams:mine", {}, {BUREAU: 302, OFFICER: 403, MEMBER: 200, EXPERT: 403, CONTACT: 403}),
    ("teams:workload", {}, {BUREAU: 200, **FORBIDDEN_FOR_OTHERS}),
    ("teams:detail", {"pk": "own_team"}, {BUREAU: 200, OFFICER: 403, MEMBER: 200, EXPERT: 403, CONTACT: 403}),
    ("teams:detail", {"pk": "other_team"}, {BUREAU: 200, OFFICER: 403, MEMBER: 404, EXPERT: 403, CONTACT: 403}),
    ("teams:edit", {"pk": "own_team"}, {BUREAU: 200, **FORBIDDEN_FOR_OTHERS}),
    ("teams:edit", {"pk": "other_team"}, {BUREAU: 200, OFFICER: 403, MEMBER: 404, EXPERT: 403, CONTACT: 403}),
    ("teams:person_list", {}, {BUREAU: 200, **FORBIDDEN_FOR_OTHERS}),
    ("teams:person_create", {}, {BUREAU: 200, **FORBIDDEN_FOR_OTHERS}),
    ("teams:person_typeahead", {}, {BUREAU: 200, **FORBIDDEN_FOR_OTHERS}),
    ("teams:person_detail", {"pk": "person"}, {BUREAU: 200, **FORBIDDEN_FOR_OTHERS}),
    ("teams:person_edit", {"pk": "person"}, {BUREAU: 200, **FORBIDDEN_FOR_OTHERS}),
    # The unit is in 杭州市 (the officer's city), served by the team member's team, and is the contact's own unit:
    # all three may see it, none may change its team. The expert cannot see it at all.
    ("teams:assign_unit", {"uid": "unit"}, {BUREAU: 200, OFFICER: 403, MEMBER: 403, EXPERT: 404, CONTACT: 403}),
]


def _url(world, name, kwargs):
    resolved = {}
    for key, ref in kwargs.items():
        obj = world[ref]
        resolved[key] = obj.uid if key == "uid" else obj.pk
    return reverse(name, kwargs=resolved)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(("name", "kwargs", "expected"), GET_PAGES, ids=[f"{n}-{k}" for n, k, _ in GET_PAGES])
def test_get_pages_by_role(client, users, world, role, name, kwargs, expected):
    client.force_login(users[role])
    response = client.get(_url(world, name, kwargs))
    # The administrators (三员分立) reach no team page: refused, or not found through a scope they do not have.
    assert response.status_code in ({expected[role]} if role in expected else {403, 404})


@pytest.mark.parametrize("role", list(Role))
def test_adding_a_training_is_for_the_bureau_only(client, users, world, role):
    client.force_login(users[role])
    url = reverse("teams:training_add", kwargs={"pk": world["person"].pk})
    response = client.post(url, {"title": "专利导航实务", "attended_on": "2026-05-12"})
    assert response.status_code == (302 if role == BUREAU else 403)
    assert Training.objects.exists() == (role == BUREAU)


@pytest.mark.parametrize(
    ("role", "expected"), [(BUREAU, 302), (OFFICER, 403), (MEMBER, 403), (EXPERT, 404), (CONTACT, 403)]
)
def test_ending_an_assignment_is_for_the_bureau_only(client, users, world, role, expected):
    client.force_login(users[role])
    response = client.post(reverse("teams:unassign_unit", kwargs={"uid": world["unit"].uid}))
    assert response.status_code == expected
    assert Assignment.objects.filter(unit=world["unit"], end__isnull=True).exists() == (role != BUREAU)


@pytest.mark.parametrize("name", ["teams:assign_unit", "teams:unassign_unit"])
def test_outsiders_get_404_for_a_unit_outside_their_scope(client, outsiders, world, name):
    for user in outsiders.values():
        client.force_login(user)
        assert client.post(reverse(name, kwargs={"uid": world["unit"].uid})).status_code == 404


def test_a_team_member_gets_404_for_units_their_team_does_not_serve(client, users, world, other_team):
    from tests.factories import UnitFactory

    elsewhere = UnitFactory()
    assign(elsewhere, other_team)
    client.force_login(users[MEMBER])
    assert client.get(reverse("teams:assign_unit", kwargs={"uid": elsewhere.uid})).status_code == 404


def test_a_missing_unit_is_404_even_for_the_bureau(bureau_client, db):
    import uuid

    assert bureau_client.get(reverse("teams:assign_unit", kwargs={"uid": uuid.uuid4()})).status_code == 404


def test_the_bureau_is_sent_from_my_teams_to_the_team_list(bureau_client, db):
    assert bureau_client.get(reverse("teams:mine")).url == reverse("teams:list")


def test_a_team_member_lists_only_their_own_teams(client, users, world):
    client.force_login(users[MEMBER])
    response = client.get(reverse("teams:list"))
    assert list(response.context["page_obj"]) == [world["own_team"]]
