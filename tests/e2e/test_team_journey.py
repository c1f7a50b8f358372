"""The bureau builds a team from the pool and hands it a unit; the team member then finds the unit on their page."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role

ORGANISATION = "浙江省知识产权保护中心"
PEOPLE = ["汤组长", "钱骨干", "孙骨干"]


def _add_person(page, live_server, name: str, *, user_pk: int | None = None) -> None:
    page.goto(live_server.url + "/teams/people/new/")
    page.locator("#id_name").fill(name)
    page.locator("#id_kind").select_option("commissioner")
    page.locator("#id_organisation").fill(ORGANISATION)
    page.locator("#id_confidentiality_signed_on").fill("2025-02-20")
    page.locator("#id_expertise_0").check()
    page.locator("#id_expertise_6").check()
    if user_pk is not None:
        page.locator("#id_user").select_option(str(user_pk))
    page.get_by_test_id("save").click()
    expect(page).to_have_url(re.compile(r"/teams/people/\d+/$"))
    expect(page.get_by_test_id("person-name")).to_have_text(name)


@pytest.mark.django_db(transaction=True)
def test_bureau_forms_a_team_and_the_member_sees_the_assigned_unit(users, unit, login, live_server, page):
    tom = users[Role.TEAM_MEMBER]
    login("alice")

    _add_person(page, live_server, PEOPLE[0], user_pk=tom.pk)
    for name in PEOPLE[1:]:
        _add_person(page, live_server, name)

    page.goto(live_server.url + "/teams/new/")
    page.locator("#id_name").fill("西湖护航队")
    # Each seat is searched in the pool (a type-ahead), never chosen from a list of it.
    for field, name in zip(["leader", "first_core_member", "second_core_member"], PEOPLE, strict=True):
        page.get_by_test_id(f"typeahead-{field}").fill(name)
        page.locator(f"#id_{field}-options").get_by_role("option", name=f"{name}（{ORGANISATION}）").click()
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("team-name")).to_have_text("西湖护航队")
    team_url = page.url
    expect(page.get_by_test_id("members")).to_contain_text(PEOPLE[0])

    page.goto(f"{live_server.url}/teams/units/{unit.uid}/assign/")
    expect(page.get_by_test_id("current-team")).to_be_visible()
    page.get_by_role("radio", name="西湖护航队").check()
    page.get_by_test_id("assign").click()
    expect(page).to_have_url(re.compile(rf"/units/{unit.uid}/$"))

    page.goto(team_url)
    expect(page.get_by_test_id(f"unit-{unit.uid}")).to_contain_text(unit.name)

    page.context.clear_cookies()
    login("tom")
    page.goto(live_server.url + "/teams/mine/")
    expect(page.get_by_test_id("my-teams")).to_contain_text("西湖护航队")
    expect(page.get_by_test_id(f"unit-{unit.uid}")).to_contain_text(unit.name)
