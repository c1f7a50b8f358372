"""The half-year report as its people meet it: the team's leader opens the 2026H2 draft, flags a typical case,
edits the text and submits; the bureau accepts it, opens the dashboard and a chart's numbers, and downloads the
consolidated report of the last half year as xlsx and PDF."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Role
from reports.models import TeamReport, TypicalCase
from tests.factories import ActivityFactory, approved_plan, two_served_units


@pytest.mark.django_db(transaction=True)
def test_a_leader_submits_the_half_year_report_and_the_bureau_accepts_and_exports(
    users, unit, login, live_server, page, tmp_path
):
    served = two_served_units(users[Role.TEAM_MEMBER], unit)  # tom leads 西湖团队, which serves `unit`
    approved_plan(unit)
    ActivityFactory(unit=unit, date=datetime.date(2026, 3, 10), summary="上半年走访：梳理专利布局需求。")
    visit = ActivityFactory(
        unit=unit,
        date=datetime.date(2026, 9, 15),
        summary="走访调研：协助建立专利导航机制。",
        outcome="形成导航报告一份",
    )
    team = served["team"]
    page.on("dialog", lambda dialog: dialog.accept())  # the submit button asks for confirmation

    # The leader's list of half years: 2026H2 is the one to write.
    login("tom")
    page.goto(live_server.url + reverse("reports:team_report_list"))
    row = page.get_by_test_id("report-row").filter(has_text="2026年下半年")
    row.get_by_test_id("open-report").click()
    expect(page.get_by_test_id("report-title")).to_contain_text("2026年下半年")

    # A typical case, flagged from the half year's records.
    page.get_by_test_id("flag-cases").click()
    candidate = page.get_by_test_id("candidate").filter(has_text="专利导航机制")
    candidate.get_by_role("textbox").fill("以导航报告支撑研发立项")
    candidate.get_by_test_id("flag").click()
    expect(candidate.get_by_test_id("unflag")).to_be_visible()
    assert TypicalCase.objects.get().activity_id == visit.pk

    # The text, edited and saved; then submitted.
    page.goto(live_server.url + reverse("reports:team_report", kwargs={"team_id": team.pk, "code": "2026H2"}))
    page.get_by_test_id("edit-report").click()
    page.locator("textarea[name=work_done]").fill("本半年度走访服务对象一次，形成专利导航报告。")
    page.get_by_test_id("save-report").click()
    expect(page.get_by_test_id("report-texts")).to_contain_text("形成专利导航报告")
    expect(page.get_by_test_id("report-cases")).to_contain_text("以导航报告支撑研发立项")
    page.get_by_test_id("submit-report").click()
    expect(page.get_by_test_id("report-status")).to_have_text("已提交")
    assert TeamReport.objects.get(team=team, period="2026H2").figures["activities"]["total"] == 1

    # The bureau sees it on the period page and accepts it.
    page.context.clear_cookies()
    login("alice")
    page.goto(live_server.url + reverse("reports:period", kwargs={"code": "2026H2"}))
    page.get_by_test_id("period-row").filter(has_text=team.name).get_by_role("link", name=team.name).click()
    page.get_by_test_id("accept-report").click()
    expect(page.get_by_test_id("report-status")).to_have_text("已通过")

    # The dashboard: a chart's numbers one click away.
    page.goto(live_server.url + reverse("reports:dashboard"))
    data = page.locator("details.hh-chart-data").first
    data.locator("summary").click()
    expect(data.locator("table")).to_be_visible()

    # The consolidated report of the last half year (2026H1), as xlsx and as PDF.
    page.goto(live_server.url + reverse("reports:province", kwargs={"code": "2026H1"}))
    page.get_by_test_id("export-xlsx").click()
    with page.expect_download() as download_info:
        page.get_by_test_id("export-download").click()
    workbook = openpyxl.load_workbook(io.BytesIO(_saved(download_info.value, tmp_path / "report.xlsx")))
    assert "2026年上半年" in workbook.worksheets[0]["A1"].value
    assert download_info.value.suggested_filename.endswith(".xlsx")

    page.goto(live_server.url + reverse("reports:province", kwargs={"code": "2026H1"}))
    page.get_by_test_id("export-pdf").click()
    with page.expect_download() as download_info:
        page.get_by_test_id("export-download").click()
    assert _saved(download_info.value, tmp_path / "report.pdf").startswith(b"%PDF")


def _saved(download, path) -> bytes:
    download.save_as(path)
    return path.read_bytes()
