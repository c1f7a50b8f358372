"""The bureau uploads a unit list with a mistake, sees it by row and column, fixes the file and imports it,
then finds one of the new units and assigns it a team."""

import pytest
from playwright.sync_api import expect

from tests.factories import TeamFactory
from tests.units.test_import import code, row, write_list


@pytest.mark.django_db(transaction=True)
def test_bureau_fixes_a_refused_list_then_imports_it(users, login, live_server, page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    huzhou = {"所在设区市": "湖州", "所在区县": "吴兴区"}
    refused = write_list(tmp_path / "清单.xlsx", [row(1), row(2, 统一社会信用代码=code(1)), row(3, **huzhou)])
    fixed = write_list(tmp_path / "清单（改）.xlsx", [row(1), row(2), row(3, **huzhou)])
    login("alice")

    page.goto(live_server.url + "/units/")
    page.get_by_test_id("import").click()
    page.locator("input[name=file]").set_input_files(refused)
    page.get_by_test_id("import-check").click()

    problem = page.get_by_test_id("import-problem")
    expect(problem).to_have_count(1)
    expect(problem).to_have_attribute("data-code", "duplicate_code")
    expect(problem.locator("td").nth(0)).to_have_text("4")
    expect(problem.locator("td").nth(1)).to_have_text("统一社会信用代码")
    expect(page.get_by_test_id("import-confirm")).to_have_count(0)

    page.get_by_test_id("import-again").click()
    page.locator("input[name=file]").set_input_files(fixed)
    page.get_by_test_id("import-check").click()
    expect(page.get_by_test_id("import-problems")).to_have_count(0)
    expect(page.get_by_test_id("import-created")).to_have_text("3")
    page.get_by_test_id("import-confirm").click()
    expect(page.get_by_test_id("import-done")).to_be_visible()
    expect(page.get_by_test_id("import-status")).to_have_attribute("data-status", "done")

    page.get_by_test_id("back-to-list").click()
    table = page.get_by_test_id("unit-table")
    for name in ("导入测试单位001", "导入测试单位002", "导入测试单位003"):
        expect(table).to_contain_text(name)
    expect(table).to_contain_text("湖州市 吴兴区")

    team = TeamFactory(name="护航服务测试团队")
    page.get_by_role("searchbox").fill("导入测试单位002")
    page.get_by_test_id("filter-submit").click()
    expect(page.get_by_test_id("unit-total")).to_contain_text("1")
    table.get_by_role("link", name="导入测试单位002").click()
    expect(page.get_by_test_id("unit-team")).to_contain_text("尚未")
    page.get_by_test_id("assign-team").click()
    page.get_by_test_id("team-search").get_by_role("searchbox").fill(team.name)
    page.get_by_test_id("team-search-submit").click()
    page.get_by_role("radio", name=team.name).check()
    page.get_by_test_id("assign").click()
    expect(page.get_by_test_id("unit-team")).to_contain_text(team.name)
