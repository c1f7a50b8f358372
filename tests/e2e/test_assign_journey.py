"""The step after an import: the bureau lists the units no team serves, ticks three of them, hands them to a team
found in the table of teams, and finds them on the team's page."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PersonFactory, TeamFactory, UnitFactory, assign


@pytest.mark.django_db(transaction=True)
def test_bureau_assigns_three_new_units_to_a_team_from_the_list(users, unit, login, live_server, page):
    new_units = [UnitFactory(name=f"新入选实验室{n}") for n in range(1, 4)]
    left_over = UnitFactory(name="待定实验室")
    served = UnitFactory(name="已有团队实验室")
    assign(served, TeamFactory(name="护航服务第01团队"))
    for number in range(2, 13):  # more teams than one page of the table
        TeamFactory(name=f"护航服务第{number:02d}团队")
    team = TeamFactory(name="护航服务第13团队", leader=PersonFactory(name="龚组长"))

    login("alice")
    page.goto(live_server.url + "/units/")
    # At 1366 px the filter bar wraps rather than squeezing its fields below the width of their choices.
    for control in page.get_by_test_id("filters").locator("input:visible, select").all():
        assert control.bounding_box()["width"] >= 180, control.get_attribute("name")
    page.get_by_role("button", name="未指派").click()  # the team filter's fixed choice beside its type-ahead
    page.get_by_test_id("filter-submit").click()
    table = page.get_by_test_id("unit-table")
    expect(table).to_contain_text(left_over.name)
    expect(table).not_to_contain_text(served.name)

    for chosen in new_units:
        page.get_by_test_id(f"select-{chosen.uid}").check()
    page.get_by_test_id("assign-selected").click()

    expect(page).to_have_url(re.compile(r"/teams/units/assign/\?"))
    selected = page.get_by_test_id("selected-units")
    for chosen in new_units:
        expect(selected).to_contain_text(chosen.name)
    expect(selected).not_to_contain_text(left_over.name)
    expect(page.get_by_test_id(f"team-choice-{team.pk}")).to_have_count(0)  # on the second page of the table

    page.get_by_test_id("team-search").locator("input[name=q]").fill("龚组长")
    page.get_by_test_id("team-search-submit").click()
    expect(page.get_by_test_id("team-choices").locator("tbody tr")).to_have_count(1)
    page.get_by_role("radio", name=team.name).check()
    page.get_by_test_id("assign").click()

    # Back on the list of units no team serves, as the bureau left it: only the one not handed on is still there.
    expect(page).to_have_url(re.compile(r"/units/\?.*\bteam=none"))
    expect(page.locator(".alert-success")).to_contain_text(team.name)
    expect(page.get_by_test_id("unit-table")).to_contain_text(left_over.name)
    for chosen in new_units:
        expect(page.get_by_test_id("unit-table")).not_to_contain_text(chosen.name)

    page.goto(f"{live_server.url}/teams/{team.pk}/")
    for chosen in new_units:
        expect(page.get_by_test_id(f"unit-{chosen.uid}")).to_contain_text(chosen.name)
