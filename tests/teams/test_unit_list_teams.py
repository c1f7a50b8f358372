"""What teams add to the unit list (teams/unit_list.py): the "not assigned" choice of the team filter for the
bureau, the bureau's checkboxes that open teams:assign_units, and the serving team linked to its page."""

import pytest
from django.urls import reverse

from accounts.models import Role
from teams.unit_list import NOT_ASSIGNED
from tests.factories import TeamFactory, UnitFactory, assign, division

pytestmark = pytest.mark.django_db

LIST = reverse("units:list")


@pytest.fixture
def served_and_free(unit, own_team):
    """`unit` served by the member's team; two units of the same city nobody serves, one of them once served."""
    assign(unit, own_team)
    free = UnitFactory(name="新入选实验室")
    once = UnitFactory(name="曾服务实验室")
    assign(once, TeamFactory())
    once.assignments.update(end="2026-06-30")
    return {"served": unit, "free": free, "once": once}


def _names(response):
    return {unit.name for unit in response.context["object_list"]}


def test_the_bureau_filters_the_units_no_team_serves(client, users, served_and_free):
    client.force_login(users[Role.BUREAU])
    response = client.get(LIST, {"team": NOT_ASSIGNED})
    assert _names(response) == {"新入选实验室", "曾服务实验室"}
    values = [str(value) for value, _label in response.context["filter"].form.fields["team"].choices]
    assert values[:2] == ["", NOT_ASSIGNED]  # right after "all teams"


def test_not_assigned_keeps_the_other_filters(client, users, served_and_free):
    UnitFactory(name="宁波新单位", division=division("330203"))
    client.force_login(users[Role.BUREAU])
    assert _names(client.get(LIST, {"team": NOT_ASSIGNED, "city": "330200"})) == {"宁波新单位"}


def test_a_team_member_is_offered_no_not_assigned(client, users, served_and_free):
    """A member reads only units their team serves: "not assigned" would always be empty, so it is not offered, and
    asking for it anyway filters nothing."""
    client.force_login(users[Role.TEAM_MEMBER])
    response = client.get(LIST, {"team": NOT_ASSIGNED})
    values = [value for value, _label in response.context["filter"].form.fields["team"].choices]
    assert NOT_ASSIGNED not in values
    assert _names(response) == {served_and_free["served"].name}


def test_an_officer_has_no_team_filter_and_is_unaffected(client, users, served_and_free):
    client.force_login(users[Role.OFFICER])
    everything = _names(client.get(LIST))
    response = client.get(LIST, {"team": NOT_ASSIGNED})
    assert "team" not in response.context["filter"].form.fields
    assert _names(response) == everything == {"西湖光电实验室", "新入选实验室", "曾服务实验室"}


def test_the_bureau_ticks_units_for_a_team_and_comes_back_to_the_same_filters(client, users, served_and_free):
    client.force_login(users[Role.BUREAU])
    response = client.get(LIST, {"team": NOT_ASSIGNED, "page": 1})
    html = response.text
    assert f'action="{reverse("teams:assign_units")}" id="unit-selection"' in html
    assert '<input type="hidden" name="next" value="/units/?team=none">' in html  # the page is not kept
    for unit in response.context["object_list"]:
        assert f'name="unit" value="{unit.uid}" form="unit-selection"' in html
    assert html.index('data-testid="select-') < html.index(f'href="/units/{served_and_free["free"].uid}/"')


@pytest.mark.parametrize("role", [Role.OFFICER, Role.TEAM_MEMBER])
def test_only_the_bureau_gets_the_checkboxes(client, users, served_and_free, role):
    client.force_login(users[role])
    html = client.get(LIST).text
    assert 'id="unit-selection"' not in html
    assert 'form="unit-selection"' not in html
    assert "hh-select-col" not in html


def test_the_serving_team_links_to_its_page_for_readers_of_teams(client, users, served_and_free, own_team):
    link = f'href="{reverse("teams:detail", kwargs={"pk": own_team.pk})}"'
    for role, linked in [(Role.BUREAU, True), (Role.TEAM_MEMBER, True), (Role.OFFICER, False)]:
        client.force_login(users[role])
        html = client.get(LIST).text
        assert (link in html) == linked, role
        assert own_team.name in html, role


@pytest.mark.parametrize("size", [3, 60])
def test_the_list_with_checkboxes_runs_the_same_queries(client, users, django_assert_num_queries, size):
    team = TeamFactory()
    for unit in UnitFactory.create_batch(size):
        assign(unit, team)
    UnitFactory.create_batch(size)  # not assigned
    client.force_login(users[Role.BUREAU])
    client.get(LIST)  # the process's first page reads the cities and counties once (units.divisions)
    # session, user, savepoint pair, count, the page's ids, the page's units with their team and plan (the programme
    # settings come from the cache); the teams are searched (teams:team_typeahead), never listed
    with django_assert_num_queries(7):
        response = client.get(LIST, {"team": NOT_ASSIGNED})
    assert response.context["paginator"].count == size + 1  # + the `unit` fixture
