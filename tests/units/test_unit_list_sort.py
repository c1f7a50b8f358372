"""The unit list sorted by team (issue 14): the served units in the teams' order, read a page at a time through the
teams' name index, then the units no team serves, in either direction and across pages
(units.selectors.unit_list_window)."""

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.factories import TeamFactory, UnitFactory, assign, team_led_by
from units import views

LIST = reverse("units:list")


@pytest.fixture
def served(unit):
    """Teams 甲 乙 丙 serving two units each, named so that the teams' order is not the units'; `unit` and two more
    served by none."""
    expected = []
    teams = [("甲队", ["c单位", "a单位"]), ("乙队", ["b单位", "f单位"]), ("丙队", ["e单位", "d单位"])]
    for team_name, unit_names in teams:
        team = TeamFactory(name=team_name)
        for name in unit_names:
            assign(UnitFactory(name=name), team)
            expected.append((team_name, name))
    unassigned = [unit.name, *(UnitFactory(name=name).name for name in ["z无队", "y无队"])]
    return sorted(expected), sorted(unassigned)


def _every_page(client, order: str) -> list[str]:
    shown, page = [], 1
    while True:
        response = client.get(LIST, {"o": order, "page": page})
        shown += [unit.name for unit in response.context["object_list"]]
        if not response.context["page_obj"].has_next():
            return shown
        page += 1


@pytest.mark.parametrize("per_page", [2, 4, 25])  # pages within the served, across the two parts, past the served
def test_sorted_by_team_served_come_in_the_teams_order_then_the_others(client, users, served, per_page, monkeypatch):
    monkeypatch.setattr(views.UnitListView, "paginate_by", per_page)
    by_team, unassigned = served
    client.force_login(users[Role.BUREAU])
    ascending = [name for _, name in by_team] + unassigned
    descending = [name for _, name in sorted(by_team, reverse=True)] + sorted(unassigned, reverse=True)
    assert _every_page(client, "team") == ascending
    assert _every_page(client, "-team") == descending


def test_a_team_member_sorting_by_team_sees_only_their_teams_units(client, users, served):
    mine = team_led_by(users[Role.TEAM_MEMBER], "丁队")
    own = UnitFactory(name="g单位")
    assign(own, mine)
    client.force_login(users[Role.TEAM_MEMBER])
    assert _every_page(client, "team") == ["g单位"]
    assert _every_page(client, "-team") == ["g单位"]
