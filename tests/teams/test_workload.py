"""The workload page: per team and per person, from SQL aggregates."""

import datetime

import pytest
from django.urls import reverse

from tests.factories import PersonFactory, TeamFactory, UnitFactory, assign

pytestmark = pytest.mark.django_db


def _figures(response):
    keys = [c.key for c in response.context["columns"]]
    return {row.pk: dict(zip(keys, figures, strict=True)) for row, figures in response.context["rows"]}


def test_units_served_per_team_count_open_assignments_only(bureau_client, own_team, other_team):
    assign(UnitFactory(), own_team)
    assign(UnitFactory(), own_team)
    ended = assign(UnitFactory(), other_team)
    ended.end = datetime.date(2026, 1, 1)
    ended.save()
    response = bureau_client.get(reverse("teams:workload"))
    assert _figures(response) == {
        own_team.pk: {"units_served": 2, "open_measures": 0},
        other_team.pk: {"units_served": 0, "open_measures": 0},
    }


def test_per_person_teams_and_units_through_them(bureau_client, own_team):
    shared = PersonFactory(name="共享骨干")
    second = TeamFactory(core_members=[shared, PersonFactory()])
    TeamFactory(core_members=[shared, PersonFactory()])
    assign(UnitFactory(), own_team)
    assign(UnitFactory(), second)
    assign(UnitFactory(), second)
    idle = PersonFactory(name="未入队")
    response = bureau_client.get(reverse("teams:workload"), {"by": "person"})
    figures = _figures(response)
    assert figures[shared.pk] == {"team_count": 2, "units_served": 2}
    leader = own_team.memberships.get(role="leader").person
    assert figures[leader.pk] == {"team_count": 1, "units_served": 1}
    assert idle.pk not in figures
    rows = dict(response.context["rows"])
    shared_row = next(row for row in rows if row.pk == shared.pk)
    assert len(shared_row.seats) == 2


def test_workload_filters_and_sorts(bureau_client, own_team, other_team):
    assign(UnitFactory(), other_team)
    url = reverse("teams:workload")
    assert [r.pk for r, _ in bureau_client.get(url, {"o": "-units_served"}).context["rows"]] == [
        other_team.pk,
        own_team.pk,
    ]
    assert [r.pk for r, _ in bureau_client.get(url, {"q": "西湖"}).context["rows"]] == [own_team.pk]
    people = bureau_client.get(url, {"by": "person", "q": "汤组长"})
    assert [r.name for r, _ in people.context["rows"]] == ["汤组长"]
    assert 'name="by" value="person"' in people.text


def test_open_measures_per_team_sort_the_workload(bureau_client, own_team, other_team):
    from tests.factories import plan_with_two_measures

    served = UnitFactory()
    assign(served, own_team)  # 西湖护航队 sorts after 宁波护航队 by name
    plan_with_two_measures(served)
    response = bureau_client.get(reverse("teams:workload"), {"o": "-open_measures"})
    assert [(row.pk, figures[1]) for row, figures in response.context["rows"]] == [(own_team.pk, 2), (other_team.pk, 0)]
