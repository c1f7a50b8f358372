"""The bureau opens its home page: what waits first, then the dashboard along the seed's seven steps; the map and the
charts are drawn (a canvas each, no error and no policy violation in the console); a chart's "数据表" opens its
numbers as a table; an officer's dashboard shows their city alone."""

import itertools

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from plans.services import plan_submit
from tests.factories import (
    ActivityFactory,
    PlanFactory,
    UnitFactory,
    approved_plan,
    assign,
    division,
    ready,
    two_served_units,
)

STEPS = ["coverage", "forces", "liaison", "plans", "guidance", "requests", "review"]


@pytest.fixture
def programme(users, unit):
    """Two cities: `unit` guided in Hangzhou, a draft and an unstarted plan there; in Ningbo a guided unit and a
    plan waiting for review. Plans by status: not started 1, draft 1, submitted 1, returned 0, approved 2."""
    served = two_served_units(users[Role.TEAM_MEMBER], unit)
    approved_plan(unit)
    ActivityFactory(unit=unit)
    draft = UnitFactory(name="杭州方案草稿单位")
    assign(draft, served["team"])
    PlanFactory(unit=draft)
    UnitFactory(name="杭州未指派单位")
    approved_plan(served["ningbo"])
    ActivityFactory(unit=served["ningbo"])
    waiting = UnitFactory(name="宁波待审单位", division=division("330203"))
    assign(waiting, served["other_team"])
    plan_submit(actor=None, version=ready(PlanFactory(unit=waiting)))
    return served


def watch_console(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


@pytest.mark.django_db(transaction=True)
def test_the_bureau_reads_the_programme_along_its_seven_steps_and_a_charts_numbers(
    programme, users, login, live_server, page
):
    problems = watch_console(page)
    login("alice")
    page.wait_for_url(live_server.url + "/")

    # What waits for the bureau comes first, then the dashboard's seven steps in the seed's order.
    queue = page.get_by_test_id("review-queue").bounding_box()
    dashboard = page.get_by_test_id("dashboard")
    assert queue["y"] < dashboard.bounding_box()["y"]
    steps = dashboard.get_by_test_id("step")
    expect(steps).to_have_count(7)
    assert [steps.nth(i).get_attribute("data-step") for i in range(7)] == STEPS
    expect(steps.first.locator("h3")).to_contain_text("确定服务对象")
    expect(steps.last.locator("h3")).to_contain_text("定期复盘改进")

    # The map of the 11 cities and every chart are drawn on a canvas.
    city_map = page.get_by_test_id("chart-cities-drawing")
    expect(city_map).to_have_attribute("data-chart-state", "drawn")
    expect(city_map.locator("canvas")).to_have_count(1)
    plans = page.get_by_test_id("chart-plan-states-drawing")
    plans.scroll_into_view_if_needed()
    expect(plans).to_have_attribute("data-chart-state", "drawn")
    expect(plans.locator("canvas")).to_have_count(1)
    expect(page.locator('.hh-chart[data-chart-state="drawn"]')).to_have_count(7)

    # The chart's numbers, one click away.
    data = page.get_by_test_id("chart-plan-states-data")
    table = data.locator("table")
    expect(table).to_be_hidden()
    data.get_by_text("数据表").click()
    expect(table).to_be_visible()
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(5)
    assert [rows.nth(i).locator("td").last.inner_text() for i in range(5)] == ["1", "1", "1", "0", "2"]
    expect(table.locator("tfoot td").last).to_have_text("5")
    expect(rows.nth(1).locator("a")).to_have_attribute("href", "/plans/?state=draft")

    # The map's numbers: Hangzhou 3 listed, 1 guided.
    page.get_by_test_id("chart-cities-data").get_by_text("数据表").click()
    hangzhou = page.get_by_test_id("chart-cities-data").locator("tbody tr").first
    expect(hangzhou).to_contain_text("杭州市")
    assert [cell.inner_text() for cell in hangzhou.locator("td").all()][1:3] == ["3", "1"]
    assert problems == []


@pytest.mark.django_db(transaction=True)
def test_an_officer_opens_the_dashboard_of_their_city(programme, users, login, live_server, page):
    problems = watch_console(page)
    login("olivia")
    page.goto(live_server.url + "/reports/dashboard/")
    expect(page.get_by_test_id("dashboard-scope")).to_contain_text("杭州市")
    expect(page.get_by_test_id("step")).to_have_count(7)
    expect(page.get_by_test_id("chart-cities-drawing")).to_have_attribute("data-chart-state", "drawn")
    page.get_by_test_id("chart-cities-data").get_by_text("数据表").click()
    expect(page.get_by_test_id("chart-cities-data").locator("tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("dashboard")).not_to_contain_text("宁波")
    assert problems == []


@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_steps_stack_and_nothing_spills_sideways(programme, users, login, live_server, page):
    page.set_viewport_size({"width": 390, "height": 844})
    login("alice")
    page.wait_for_url(live_server.url + "/")
    expect(page.locator('.hh-chart[data-chart-state="drawn"]')).to_have_count(7)
    boxes = [step.bounding_box() for step in page.get_by_test_id("step").all()]
    assert all(a["y"] + a["height"] <= b["y"] for a, b in itertools.pairwise(boxes))
    assert all(box["x"] >= 0 and box["x"] + box["width"] <= 390 for box in boxes)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    canvas = page.get_by_test_id("chart-cities-drawing").locator("canvas").bounding_box()
    assert canvas["width"] <= 390
