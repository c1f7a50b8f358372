"""A team member logs a consultation with two invited experts, found by typing part of their names (the pool holds
thousands at 100×: a type-ahead, not a checkbox each), drops a third chosen by mistake, and saves: the activity
page lists the two."""

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from archives.models import Activity
from teams.models import Person
from tests.factories import PersonFactory, TeamFactory, assign


@pytest.mark.django_db(transaction=True)
def test_a_member_chooses_two_experts_by_typing_and_saves(users, unit, login, live_server, page):
    team = TeamFactory(name="西湖护航团队")
    leader = team.memberships.get(role="leader").person
    leader.user = users[Role.TEAM_MEMBER]
    leader.save()
    assign(unit, team)
    lawyer = PersonFactory(name="孙律师", kind=Person.Kind.LAWYER, organisation="浙江天册律师事务所")
    scholar = PersonFactory(name="钱教授", kind=Person.Kind.THINK_TANK, organisation="浙江大学")
    mistaken = PersonFactory(name="孙警官", kind=Person.Kind.IP_POLICE, organisation="杭州市公安局")

    login("tom")
    page.goto(f"{live_server.url}/archives/activities/new/?unit={unit.uid}")
    form = page.get_by_test_id("activity-form")
    form.get_by_label("活动类型").select_option("consultation")
    form.get_by_label("服务内容").fill("专题咨询：商标侵权应对。")
    form.get_by_test_id("experts-choice").locator("summary").click()

    search = form.get_by_test_id("typeahead-experts")
    chosen = form.get_by_test_id("typeahead-chosen-experts")
    search.fill("孙")
    page.get_by_role("option", name="孙律师").click()
    expect(chosen.get_by_role("checkbox")).to_have_count(1)
    expect(search).to_have_value("")
    search.fill("孙警")
    page.get_by_role("option", name="孙警官").click()
    search.fill("钱教")
    page.get_by_role("option", name="钱教授").click()
    expect(chosen.get_by_role("checkbox")).to_have_count(3)
    chosen.get_by_label("孙警官").uncheck()  # chosen by mistake
    form.get_by_test_id("submit").click()

    expect(page.get_by_test_id("expert")).to_have_count(2)
    activity = Activity.objects.get()
    assert set(activity.experts.all()) == {lawyer, scholar}
    assert mistaken not in activity.experts.all()
