"""On a phone, a team member logs a visit from the home page: the unit, what was done, who took part, and two
measures of the unit's plan advanced (one now done). The activity page and the plan show the progress."""

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from archives.models import Activity
from plans.models import Measure
from tests.factories import TeamFactory, UnitContactFactory, UnitFactory, assign, plan_with_two_measures


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.mark.django_db(transaction=True)
def test_a_member_logs_a_visit_advancing_two_measures_from_a_phone(users, unit, login, live_server, page):
    team = TeamFactory(name="西湖护航团队")
    leader = team.memberships.get(role="leader").person
    leader.user = users[Role.TEAM_MEMBER]
    leader.save()
    assign(unit, team)
    assign(UnitFactory(name="之江数据实验室"), team)  # a second unit: the member picks which one
    UnitContactFactory(unit=unit, name="周海燕", position="知识产权主管")
    first, second = plan_with_two_measures(unit)

    login("tom")
    page.get_by_test_id("log-activity").click()
    page.get_by_test_id("unit-picker").get_by_role("combobox").select_option(label=unit.name)
    expect(page.get_by_test_id("activity-unit")).to_have_text(unit.name)
    form = page.get_by_test_id("activity-form")
    form.get_by_label("活动类型").select_option("visit")
    form.get_by_label("服务内容").fill("上门走访，宣讲专利法实施细则，梳理维权需求。")
    form.get_by_label("周海燕（知识产权主管）").check()
    expect(form.get_by_label(leader.name)).to_be_checked()  # the member is ticked as a participant

    first_measure = page.get_by_test_id(f"measure-{first.pk}")
    first_measure.get_by_role("checkbox").first.check()
    first_measure.get_by_role("textbox").fill("完成专利法实施细则宣讲。")
    first_measure.get_by_label("标记该举措已完成").check()
    second_measure = page.get_by_test_id(f"measure-{second.pk}")
    expect(second_measure.get_by_role("textbox")).to_be_hidden()  # a long plan stays short on a phone
    second_measure.get_by_role("checkbox").first.check()
    second_measure.get_by_role("textbox").fill("梳理出两项维权需求。")
    form.get_by_test_id("submit").click()

    expect(page.get_by_test_id("activity-summary")).to_contain_text("上门走访")
    expect(page.get_by_test_id("advance")).to_have_count(2)
    activity = Activity.objects.get()
    assert activity.advances.count() == 2
    assert Measure.objects.get(pk=first.pk).status == Measure.Status.DONE
    assert Measure.objects.get(pk=second.pk).progress_notes.get().text == "梳理出两项维权需求。"
