"""Choosing a team with the facts at hand: the table of teams on the assignment pages (one unit, or the units ticked
on the list) shows each team's leader, units and cities served and open measures, searchable by team or leader,
filtered by a city served, sorted and paginated, in a fixed number of queries."""

import datetime

import pytest
from django.urls import reverse

from plans import services as plan_services
from plans.models import Measure
from tests.factories import (
    PersonFactory,
    TeamFactory,
    UnitFactory,
    approved_plan,
    assign,
    division,
    plan_with_two_measures,
)

pytestmark = pytest.mark.django_db


def _assign_url(unit):
    return reverse("teams:assign_unit", kwargs={"uid": unit.uid})


def _rows(response):
    return {team.name: team for team in response.context["team_page"].object_list}


def test_each_team_shows_its_leader_units_and_cities_served(bureau_client, unit):
    team = TeamFactory(name="甬江队", leader=PersonFactory(name="钱组长"))
    assign(UnitFactory(division=division("330203")), team)  # 宁波市海曙区
    assign(UnitFactory(division=division("330200")), team)  # filed under 宁波市 itself: counts for 宁波市 once
    assign(UnitFactory(division=division("330106")), team)  # 杭州市西湖区
    idle = TeamFactory(name="闲置队")
    row = _rows(bureau_client.get(_assign_url(unit)))
    assert (row["甬江队"].leader_name, row["甬江队"].units_served) == ("钱组长", 3)
    assert row["甬江队"].cities_served == ["杭州市", "宁波市"]  # in division-code order
    assert (row[idle.name].units_served, row[idle.name].cities_served) == (0, [])


def test_ended_assignments_count_for_nothing(bureau_client, unit):
    team = TeamFactory(name="甬江队")
    ningbo = UnitFactory(division=division("330203"))
    assign(ningbo, team)
    plan_with_two_measures(ningbo)
    assign(ningbo, TeamFactory(name="接手队"), start=datetime.date(2026, 1, 1))
    rows = _rows(bureau_client.get(_assign_url(unit)))
    figures = {name: (row.units_served, row.cities_served, row.open_measures) for name, row in rows.items()}
    assert figures["甬江队"] == (0, [], 0)
    assert figures["接手队"] == (1, ["宁波市"], 2)


def test_open_measures_are_those_of_plans_in_force_not_done_or_cancelled(bureau_client, unit):
    team = TeamFactory(name="西湖队")
    served = UnitFactory()
    assign(served, team)
    first, second = plan_with_two_measures(served)  # approved: two measures in force
    assert _rows(bureau_client.get(_assign_url(unit)))["西湖队"].open_measures == 2

    Measure.objects.filter(pk=first.pk).update(status=Measure.Status.DONE)
    Measure.objects.filter(pk=second.pk).update(status=Measure.Status.CANCELLED)
    draft = UnitFactory()
    assign(draft, team)
    plan = plan_services.plan_start(actor=None, unit=draft)
    plan_services.measure_save(actor=None, version=plan.working, area="policy_law", content="草稿中的举措")
    other = UnitFactory()
    approved_plan(other)  # an open measure of a unit the team does not serve
    assert _rows(bureau_client.get(_assign_url(unit)))["西湖队"].open_measures == 0


def test_the_open_measures_column_comes_from_the_plans_registration(bureau_client, unit):
    from teams.team_figures import team_figures

    assert [figure.key for figure in team_figures()] == ["open_measures"]
    TeamFactory()
    response = bureau_client.get(_assign_url(unit))
    assert [figure.key for figure in response.context["team_figures"]] == ["open_measures"]
    assert 'data-testid="sort-open_measures"' in response.text


def test_search_by_team_name_or_leader(bureau_client, unit):
    TeamFactory(name="西湖队", leader=PersonFactory(name="汤组长"))
    core = [PersonFactory(name="汤骨干"), PersonFactory()]
    TeamFactory(name="甬江队", leader=PersonFactory(name="钱组长"), core_members=core)
    assert set(_rows(bureau_client.get(_assign_url(unit), {"q": "甬江"}))) == {"甬江队"}
    assert set(_rows(bureau_client.get(_assign_url(unit), {"q": "汤"}))) == {"西湖队"}  # leaders only


def test_filter_by_a_city_served(bureau_client, unit):
    ningbo_team, hangzhou_team = TeamFactory(name="甬江队"), TeamFactory(name="西湖队")
    assign(UnitFactory(division=division("330203")), ningbo_team)
    assign(UnitFactory(division=division("330106")), hangzhou_team)
    old = UnitFactory(division=division("330200"))
    assign(old, hangzhou_team)
    assign(old, TeamFactory(name="接手队"), start=datetime.date(2026, 1, 1))  # 西湖队 served 宁波市 once, no more
    assert set(_rows(bureau_client.get(_assign_url(unit), {"city": "330200"}))) == {"甬江队", "接手队"}


def test_only_active_teams_are_offered_and_sorting_by_units_served(bureau_client, unit):
    busy = TeamFactory(name="甲队")
    TeamFactory(name="乙队")
    retired = TeamFactory(name="丙队")
    retired.is_active = False
    retired.save()
    assign(UnitFactory(), busy)
    response = bureau_client.get(_assign_url(unit), {"o": "units_served"})
    assert list(_rows(response)) == ["乙队", "甲队"]


def test_the_table_pages_ten_teams_at_a_time_and_the_radios_belong_to_the_form(bureau_client, unit):
    TeamFactory.create_batch(12)
    first = bureau_client.get(_assign_url(unit))
    assert len(first.context["team_page"]) == 10
    assert first.text.count('type="radio" name="team"') == 10
    assert first.text.count('form="assignment-form"') == 10
    assert 'id="assignment-form"' in first.text
    assert len(bureau_client.get(_assign_url(unit), {"page": 2}).context["team_page"]) == 2


def test_a_team_chosen_from_the_table_gets_the_unit(bureau_client, unit):
    teams = TeamFactory.create_batch(12)
    chosen = teams[-1]  # on the second page of the table: the form takes any active team
    response = bureau_client.post(_assign_url(unit) + "?page=2", {"team": chosen.pk, "start": "2026-03-01"})
    assert response.status_code == 302
    assert unit.assignments.get(end=None).team == chosen


# ---------------------------------------------------------------------------------------------------------------
# A fixed number of queries, whatever the number of teams and units


def _programme(size: int) -> list:
    """`size` teams, each serving a unit with an approved plan; `size` further units served by no team."""
    for _ in range(size):
        served = UnitFactory()
        assign(served, TeamFactory())
        approved_plan(served)
    return UnitFactory.create_batch(size)


@pytest.mark.parametrize("size", [3, 60])
def test_the_single_assignment_page_runs_the_same_queries(bureau_client, django_assert_num_queries, unit, size):
    _programme(size)
    # session, user, savepoint pair; the unit; its assignments; the city filter's value; the page's teams: count,
    # rows, cities served; the city filter's choices
    with django_assert_num_queries(11):
        response = bureau_client.get(_assign_url(unit), {"q": "护航", "city": "330100", "o": "-open_measures"})
    assert response.status_code == 200


@pytest.mark.parametrize("size", [3, 60])
def test_the_bulk_assignment_page_runs_the_same_queries(bureau_client, django_assert_num_queries, size):
    units = _programme(size)
    query = {"unit": [str(u.uid) for u in units]}
    # session, user, savepoint pair; the units with their teams; the page's teams: count, rows, cities served;
    # the city filter's choices
    with django_assert_num_queries(9):
        response = bureau_client.get(reverse("teams:assign_units"), query)
    assert len(response.context["units"]) == size
    assert len(response.context["team_page"]) == min(size, 10)


@pytest.mark.parametrize("size", [3, 60])
def test_assigning_the_ticked_units_runs_the_same_queries(bureau_client, django_assert_num_queries, size):
    units = _programme(size)
    team = TeamFactory()
    data = {"unit": [str(u.uid) for u in units], "team": team.pk, "start": "2026-03-01"}
    # session, user, savepoint pair; the units; the team; the service: savepoint pair, lock, read, insert;
    # the message's session write
    with django_assert_num_queries(11):
        response = bureau_client.post(reverse("teams:assign_units"), data)
    assert response.status_code == 302
    assert team.assignments.count() == size


def test_the_current_team_is_marked_and_cannot_be_chosen_again(bureau_client, unit):
    current, other = TeamFactory(name="甲队"), TeamFactory(name="乙队")
    assign(unit, current)
    html = bureau_client.get(_assign_url(unit)).text
    assert f'id="team-choice-{current.pk}" form="assignment-form" disabled' in html
    assert f'id="team-choice-{other.pk}" form="assignment-form" required' in html
    assert html.count('data-testid="current-team-choice"') == 1
