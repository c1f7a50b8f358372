"""The serving team writes a plan, the bureau returns it with a comment, the team fixes and resubmits it, the bureau
approves it, and the unit's contact reads the plan in force."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from tests.factories import TeamFactory, assign

SECTIONS = {
    "ip_status": "有效发明专利120件，PCT申请8件。",
    "characteristics": "研发投入高，成果转化快。",
    "weak_links": "海外布局不足。",
    "main_needs": "专利导航与海外维权。",
    "recommendations": "- 开展专利导航\n- 建立海外纠纷应对机制",
}
COMMENT = "请补充海外维权的具体举措和时间节点。"
DUE_ON = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()


def log_in_as(page, login, username: str):
    page.context.clear_cookies()
    login(username)


def htmx_settled(page):
    """htmx binds swapped-in elements when the swap settles; an event before that would be lost."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
    )


def add_measure(page, area: str, content: str, count: int):
    htmx_settled(page)
    form = page.get_by_test_id("measure-add-form")
    form.locator("select[name=new-area]").select_option(area)
    # Choosing the area brings the pool's matching experts (htmx).
    expect(page.get_by_test_id("expert-suggestions")).to_have_attribute("data-area", area)
    form.locator("textarea[name=new-content]").fill(content)
    form.locator("input[name=new-due_on]").fill(DUE_ON)
    page.get_by_test_id("measure-add").click()
    expect(page.get_by_test_id("measure-row")).to_have_count(count)


@pytest.mark.django_db(transaction=True)
def test_plan_from_draft_to_the_unit(users, unit, login, live_server, page):
    team = TeamFactory(name="护航服务测试团队")
    leader = team.memberships.get(role="leader").person
    leader.user = users[Role.TEAM_MEMBER]
    leader.save()
    assign(unit, team)
    unit_page = f"{live_server.url}/units/{unit.uid}/"

    # The leader starts and drafts the plan: the sections and two measures, then submits it.
    log_in_as(page, login, "tom")
    page.goto(unit_page)
    page.get_by_test_id("start-plan").click()
    for name, text in SECTIONS.items():
        page.get_by_test_id(f"section-{name}").fill(text)
    page.get_by_test_id("save-sections").click()
    expect(page.get_by_test_id("section-weak_links")).to_have_value("海外布局不足。")
    expect(page.get_by_text("方案内容已保存。")).to_have_count(1)  # said once, not by the page and the list both
    # A measure cannot fall due before the plan was started: the form says so on the date, in Chinese.
    htmx_settled(page)
    form = page.get_by_test_id("measure-add-form")
    form.locator("textarea[name=new-content]").fill("补录去年的宣讲")
    form.locator("input[name=new-due_on]").fill("2020-01-01")
    page.get_by_test_id("measure-add").click()
    expect(page.get_by_test_id("measure-add-form")).to_contain_text("完成时限不能早于本版方案开始编写的日期")
    expect(page.get_by_test_id("measure-row")).to_have_count(0)
    add_measure(page, "policy_law", "宣讲新修订的专利法实施细则", 1)
    add_measure(page, "coordinated_innovation", "开展人工智能芯片专利导航", 2)
    page.get_by_test_id("measure-up").nth(1).click()  # the navigation first
    expect(page.get_by_test_id("measure-content").first).to_have_text("开展人工智能芯片专利导航")
    page.get_by_test_id("submit-plan").click()
    expect(page.get_by_test_id("plan-status").first).to_have_attribute("data-status", "submitted")
    plan_url = page.url

    # The bureau returns it with a comment.
    log_in_as(page, login, "alice")
    page.goto(live_server.url + "/plans/queue/")
    page.get_by_test_id("review-link").click()
    expect(page.get_by_test_id("diff-measures").get_by_test_id("diff-row")).to_have_count(2)
    page.get_by_test_id("return-comment").fill(COMMENT)
    page.get_by_test_id("return").click()
    expect(page.get_by_test_id("empty")).to_be_visible()  # the queue is empty again

    # The leader sees the comment, fixes the plan and resubmits it.
    log_in_as(page, login, "tom")
    page.goto(plan_url)
    expect(page.get_by_test_id("event-comment")).to_contain_text(COMMENT)
    page.get_by_test_id("edit-plan").click()
    expect(page.get_by_test_id("return-comment")).to_contain_text(COMMENT)
    add_measure(page, "protection", "建立海外知识产权纠纷应对机制", 3)
    page.get_by_test_id("submit-plan").click()
    expect(page.get_by_test_id("plan-status").first).to_have_attribute("data-status", "submitted")

    # The bureau sees what changed since it returned the plan, and approves it.
    log_in_as(page, login, "alice")
    page.goto(live_server.url + "/plans/queue/")
    page.get_by_test_id("review-link").click()
    expect(page.locator("[data-testid=diff-measures] [data-kind=added]")).to_have_count(1)
    # The sections the team left alone are one line each; one opens without any script (the CSP forbids inline).
    unchanged = page.get_by_test_id("diff-ip_status")
    expect(unchanged).to_have_attribute("data-changed", "no")
    expect(unchanged.get_by_text("有效发明专利120件")).to_be_hidden()
    unchanged.locator("summary").click()
    expect(unchanged.get_by_text("有效发明专利120件")).to_be_visible()
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("empty")).to_be_visible()

    # The unit's contact reads the approved plan.
    log_in_as(page, login, "uma")
    page.goto(unit_page)
    page.get_by_test_id("plan-link").click()
    expect(page.get_by_test_id("in-force-version")).to_be_visible()
    expect(page.get_by_test_id("in-force-version").get_by_test_id("measures-table").locator("tbody tr")).to_have_count(
        3
    )
    expect(page.get_by_test_id("section-weak_links")).to_contain_text("海外布局不足。")
    expect(page.get_by_test_id("plan-events")).to_have_count(0)
