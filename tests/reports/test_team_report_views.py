# ruff: noqa: F811  (the fixtures of tests/reports/report_world.py are imported, then named as arguments)
"""The half-year report pages per role: the team member's list, the bureau's period page (late in red on a frozen
day), the report page, its editor (the optimistic lock), and the workflow's actions."""

import re

import pytest
from django.urls import reverse

from reports import services
from reports.models import ReportEvent, TeamReport
from tests.factories import ActivityFactory, TeamFactory
from tests.reports.report_world import H1, H2, D, at, clock, viewers, world  # noqa: F401  (fixtures)

Status = TeamReport.Status


def url(name: str, world, code: str = "2026H2", team=None) -> str:
    return reverse(f"reports:{name}", kwargs={"team_id": (team or world.team).pk, "code": code})


def get(client, user, path, **params):
    client.force_login(user)
    return client.get(path, params)


def post(client, user, path, data=None, **headers):
    client.force_login(user)
    return client.post(path, data or {}, **headers)


def rows(html: str, testid: str) -> list[dict[str, str]]:
    """The data-* attributes of each element with that data-testid."""
    found = []
    for tag in re.findall(rf'<[^>]*data-testid="{testid}"[^>]*>', html):
        found.append(dict(re.findall(r'data-([a-z-]+)="([^"]*)"', tag)))
    return found


def submitted(world, code="2026H2", *, accept=False, return_=False):
    period = H2 if code == "2026H2" else H1
    report = services.team_report_for(team=world.team, period=period)
    services.team_report_save(actor=world.leader, report=report, revision=report.revision, work_done="工作开展情况")
    services.team_report_submit(actor=world.leader, report=report)
    if accept:
        services.team_report_accept(actor=world.bureau, report=report)
    if return_:
        services.team_report_return(actor=world.bureau, report=report, comment="请补充")
    return TeamReport.objects.get(pk=report.pk)


def by_team(response) -> dict[int, tuple[str, str]]:
    """The period page's rows: team id → (status, late). The order of Chinese names is the database's collation."""
    return {int(row["team"]): (row["status"], row["late"]) for row in rows(response.text, "period-row")}


# --- The team member's list ---------------------------------------------------------------------------------------


def test_a_team_member_lists_every_half_year_of_their_team_newest_first(world, client):
    submitted(world, "2026H1")
    response = get(client, world.member, reverse("reports:team_report_list"))
    assert response.status_code == 200
    assert [(row["period"], row["team"]) for row in rows(response.text, "report-row")] == [
        ("2026H2", str(world.team.pk)),
        ("2026H1", str(world.team.pk)),
        ("2025H2", str(world.team.pk)),
        ("2025H1", str(world.team.pk)),
    ]
    statuses = [row["status"] for row in rows(response.text, "report-status")]
    assert statuses == ["not_started", "submitted", "not_started", "not_started"]
    assert not TeamReport.objects.filter(period="2026H2").exists()  # listing creates nothing


def test_the_list_shows_the_late_ones_in_red(world, client, clock):
    clock.set(D(2027, 1, 16))  # 2026H2 reports were due on 15 January 2027
    submitted(world, "2026H1")
    response = get(client, world.leader, reverse("reports:team_report_list"))
    assert [row["period"] for row in rows(response.text, "report-row")][:2] == ["2027H1", "2026H2"]
    html = response.text
    late_rows = re.findall(r'<tr data-testid="report-row" data-period="(\w+)"[^>]*class="table-danger"', html)
    assert late_rows == ["2026H2", "2025H2", "2025H1"]  # 2027H1 is not due yet; 2026H1 was submitted


def test_the_bureau_lists_reports_on_the_current_period_page(world, client):
    response = get(client, world.bureau, reverse("reports:team_report_list"))
    assert response.status_code == 302
    assert response.url == reverse("reports:period", kwargs={"code": "2026H2"})


@pytest.mark.parametrize("who", ["officer", "expert", "contact"])
def test_others_have_no_report_list(world, client, who):
    assert get(client, viewers(world)[who], reverse("reports:team_report_list")).status_code == 403


# --- The bureau's period page -------------------------------------------------------------------------------------


@pytest.fixture
def period_world(world):
    """Four teams for 2026H2: 西湖团队 submitted, 甬江团队 returned then resubmitted and accepted, 钱塘 a draft,
    瓯江 not started; an inactive team without a report (not listed)."""
    report = submitted(world)
    other = services.team_report_for(team=world.other_team, period=H2)
    services.team_report_save(actor=world.tina, report=other, revision=0, work_done="甬江")
    services.team_report_submit(actor=world.tina, report=other, now=at(D(2026, 12, 3), 9))
    services.team_report_return(actor=world.bureau, report=other, comment="请补充数据", now=at(D(2026, 12, 4), 9))
    services.team_report_submit(actor=world.tina, report=other, now=at(D(2026, 12, 5), 9))
    services.team_report_accept(actor=world.bureau, report=other, now=at(D(2026, 12, 6), 9))
    qiantang = TeamFactory(name="钱塘团队")
    services.team_report_for(team=qiantang, period=H2)
    oujiang = TeamFactory(name="瓯江团队")
    retired = TeamFactory(name="已撤销团队")
    retired.is_active = False
    retired.save()
    return {"xihu": report, "yongjiang": other, "qiantang": qiantang, "oujiang": oujiang}


def test_the_period_page_lists_every_active_team_with_its_report(world, period_world, client):
    response = get(client, world.bureau, reverse("reports:period", kwargs={"code": "2026H2"}))
    assert response.status_code == 200
    assert by_team(response) == {
        period_world["qiantang"].pk: ("draft", "0"),
        world.other_team.pk: ("accepted", "0"),
        world.team.pk: ("submitted", "0"),
        period_world["oujiang"].pk: ("not_started", "0"),
    }
    assert "已撤销团队" not in response.text
    counts = dict(re.findall(r'data-count="(\w+)">(\d+)<', response.text))
    assert counts == {
        "total": "4",
        "not_started": "1",
        "draft": "1",
        "submitted": "1",
        "returned": "0",
        "accepted": "1",
        "late": "0",
    }
    # Who submitted and who reviewed: 甬江团队's latest review was the acceptance on 6 December.
    yongjiang = response.text.split(f'data-team="{world.other_team.pk}"')[1].split("</tr>")[0]
    assert "2026-12-05 09:00" in yongjiang
    assert "2026-12-06 09:00" in yongjiang
    assert world.tina.full_name in yongjiang
    assert world.bureau.full_name in yongjiang


def test_after_the_due_day_the_undelivered_reports_are_late_in_red(world, period_world, client, clock):
    clock.set(D(2027, 1, 15))
    response = get(client, world.bureau, reverse("reports:period", kwargs={"code": "2026H2"}))
    assert [late for _status, late in by_team(response).values()] == ["0", "0", "0", "0"]
    clock.set(D(2027, 1, 16))
    response = get(client, world.bureau, reverse("reports:period", kwargs={"code": "2026H2"}))
    assert by_team(response) == {
        period_world["qiantang"].pk: ("draft", "1"),
        world.other_team.pk: ("accepted", "0"),
        world.team.pk: ("submitted", "0"),
        period_world["oujiang"].pk: ("not_started", "1"),
    }
    assert response.text.count('class="table-danger"') == 2
    assert 'data-count="late">2<' in response.text
    # A returned report waits for the team again: late too.
    services.team_report_return(actor=world.bureau, report=period_world["xihu"], comment="请修改")
    response = get(client, world.bureau, reverse("reports:period", kwargs={"code": "2026H2"}), late="yes")
    assert sorted(status for status, _late in by_team(response).values()) == ["draft", "not_started", "returned"]


def test_the_period_page_filters_and_searches(world, period_world, client, clock):
    clock.set(D(2027, 1, 16))
    page = reverse("reports:period", kwargs={"code": "2026H2"})
    team_ids = lambda response: [row["team"] for row in rows(response.text, "period-row")]  # noqa: E731
    assert team_ids(get(client, world.bureau, page, status="not_started")) == [str(period_world["oujiang"].pk)]
    assert team_ids(get(client, world.bureau, page, status="accepted")) == [str(world.other_team.pk)]
    assert sorted(team_ids(get(client, world.bureau, page, late="no"))) == sorted(
        [str(world.other_team.pk), str(world.team.pk)]
    )
    assert team_ids(get(client, world.bureau, page, q="西湖")) == [str(world.team.pk)]
    assert team_ids(get(client, world.bureau, page, q="钱塘", late="yes")) == [str(period_world["qiantang"].pk)]


def test_the_period_page_links_the_other_half_years(world, client):
    response = get(client, world.bureau, reverse("reports:period", kwargs={"code": "2025H1"}))
    assert response.status_code == 200
    nav = response.text.split('data-testid="periods"')[1].split("</ul>")[0]
    links = re.findall(r'href="/reports/periods/(\w+)/"', nav)
    assert links == ["2026H2", "2026H1", "2025H2", "2025H1"]


@pytest.mark.parametrize("code", ["2024H2", "2027H1", "2026H3", "nonsense"])
def test_a_period_outside_the_programme_is_404(world, client, code):
    assert get(client, world.bureau, reverse("reports:period", kwargs={"code": code})).status_code == 404


@pytest.mark.parametrize("who", ["officer", "leader", "member", "expert", "contact"])
def test_only_the_bureau_reads_the_period_page(world, client, who):
    assert get(client, viewers(world)[who], reverse("reports:period", kwargs={"code": "2026H2"})).status_code == 403


# --- The report page ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["leader", "member"])
def test_a_team_member_opening_a_report_not_started_creates_the_draft(world, client, who):
    ActivityFactory(unit=world.unit, date=D(2026, 9, 15), kind="visit", actor=world.leader, outcome="明确布局方向")
    response = get(client, viewers(world)[who], url("team_report", world))
    assert response.status_code == 200
    report = TeamReport.objects.get(team=world.team, period="2026H2")
    assert report.status == Status.DRAFT
    assert "明确布局方向" in report.work_done
    assert 'data-testid="edit-report"' in response.text
    assert 'data-testid="submit-report"' in response.text  # December: submission is open
    assert 'data-testid="recompute"' in response.text
    assert 'data-testid="review"' not in response.text


def test_the_bureau_sees_a_report_not_started_as_a_preview_without_starting_it(world, client):
    response = get(client, world.bureau, url("team_report", world))
    assert response.status_code == 200
    assert 'data-testid="preview"' in response.text
    assert rows(response.text, "report-status")[0]["status"] == "not_started"
    assert not TeamReport.objects.exists()
    assert 'data-testid="edit-report"' not in response.text


def test_the_report_page_says_when_submission_opens(world, client, clock):
    clock.set(D(2026, 11, 20))
    response = get(client, world.leader, url("team_report", world))
    assert 'data-testid="submission-opens"' in response.text
    assert "2026-12-01" in response.text
    assert 'data-testid="submit-report"' not in response.text


def test_a_submitted_report_shows_its_frozen_figures_and_the_bureau_reviews_it(world, client):
    submitted(world)
    response = get(client, world.bureau, url("team_report", world))
    assert response.status_code == 200
    assert 'data-testid="frozen"' in response.text
    assert 'data-testid="recompute"' not in response.text
    assert 'data-testid="review"' in response.text
    assert [row["action"] for row in rows(response.text, "report-event")] == ["submitted"]
    leader_view = get(client, world.leader, url("team_report", world)).text
    assert 'data-testid="edit-report"' not in leader_view
    assert 'data-testid="review"' not in leader_view


def test_a_returned_report_shows_the_comments_and_its_history(world, client):
    submitted(world, return_=True)
    response = get(client, world.leader, url("team_report", world))
    assert 'data-testid="returned-comment"' in response.text
    assert "请补充" in response.text
    assert [row["action"] for row in rows(response.text, "report-event")] == ["submitted", "returned"]
    assert 'data-testid="submit-report"' in response.text


@pytest.mark.parametrize("who", ["member_other"])
def test_another_teams_member_gets_404(world, client, who):
    for name in ("team_report", "team_report_edit", "case_candidates"):
        assert get(client, viewers(world)[who], url(name, world)).status_code == 404
    for name in ("team_report_submit", "team_report_redraft"):
        assert post(client, viewers(world)[who], url(name, world)).status_code == 404
    assert not TeamReport.objects.exists()


@pytest.mark.parametrize("who", ["officer", "expert", "contact"])
def test_officers_experts_and_unit_contacts_read_no_team_report(world, client, who):
    submitted(world)
    for name in ("team_report", "team_report_edit", "case_candidates"):
        assert get(client, viewers(world)[who], url(name, world)).status_code == 403
    for name in ("team_report_submit", "team_report_redraft", "team_report_return", "team_report_accept"):
        assert post(client, viewers(world)[who], url(name, world), {"comment": "x"}).status_code == 403


def test_an_unknown_team_or_a_period_not_started_is_404(world, client):
    assert get(client, world.bureau, url("team_report", world, team=world.team) + "x/").status_code == 404
    path = reverse("reports:team_report", kwargs={"team_id": 999999, "code": "2026H2"})
    assert get(client, world.bureau, path).status_code == 404
    assert get(client, world.leader, url("team_report", world, code="2027H1")).status_code == 404
    assert get(client, world.leader, url("team_report", world, code="2024H2")).status_code == 404


# --- The editor ---------------------------------------------------------------------------------------------------


def _form_data(report, **texts) -> dict:
    data = {name: getattr(report, name) for name in services.TEXT_FIELDS}
    return data | {"revision": report.revision} | texts


def test_the_team_edits_the_text(world, client):
    report = services.team_report_for(team=world.team, period=H2)
    response = get(client, world.member, url("team_report_edit", world))
    assert response.status_code == 200
    assert 'name="revision" value="0"' in response.text
    response = post(client, world.member, url("team_report_edit", world), _form_data(report, problems="人手不足"))
    assert response.status_code == 302
    assert response.url == url("team_report", world)
    report.refresh_from_db()
    assert (report.problems, report.revision) == ("人手不足", 1)


def test_a_form_from_an_older_page_is_refused_and_the_typed_text_comes_back(world, client):
    report = services.team_report_for(team=world.team, period=H2)
    old_page = _form_data(report)
    services.team_report_save(actor=world.leader, report=report, revision=0, problems="tom 先保存的文字")
    response = post(client, world.member, url("team_report_edit", world), old_page | {"problems": "mia 的文字"})
    assert response.status_code == 200
    assert 'data-testid="form-errors"' in response.text
    assert "mia 的文字" in response.text  # the typed text, in the form
    assert 'data-testid="stored-problems"' in response.text
    assert "tom 先保存的文字" in response.text
    assert 'name="revision" value="1"' in response.text  # saving it again, deliberately, wins
    report.refresh_from_db()
    assert (report.problems, report.revision) == ("tom 先保存的文字", 1)
    response = post(
        client, world.member, url("team_report_edit", world), old_page | {"problems": "mia 的文字", "revision": 1}
    )
    report.refresh_from_db()
    assert (response.status_code, report.problems) == (302, "mia 的文字")


def test_a_submitted_report_cannot_be_edited(world, client):
    report = submitted(world)
    response = get(client, world.leader, url("team_report_edit", world))
    assert response.status_code == 302
    assert response.url == url("team_report", world)
    response = post(client, world.leader, url("team_report_edit", world), _form_data(report, problems="改"))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.problems != "改"


def test_the_bureau_does_not_edit_or_submit(world, client):
    services.team_report_for(team=world.team, period=H2)
    assert get(client, world.bureau, url("team_report_edit", world)).status_code == 403
    assert post(client, world.bureau, url("team_report_submit", world)).status_code == 403
    assert post(client, world.bureau, url("team_report_redraft", world)).status_code == 403


def test_drafting_again_from_the_editor(world, client):
    report = services.team_report_for(team=world.team, period=H2)
    services.team_report_save(actor=world.leader, report=report, revision=0, work_done="手写")
    assert get(client, world.leader, url("team_report_redraft", world)).status_code == 405
    response = post(client, world.leader, url("team_report_redraft", world))
    assert response.status_code == 302
    assert response.url == url("team_report_edit", world)
    report.refresh_from_db()
    assert report.work_done != "手写"
    assert report.revision == 2


# --- The workflow's actions ---------------------------------------------------------------------------------------


def test_the_team_submits_and_the_bureau_returns_then_accepts(world, client):
    report = services.team_report_for(team=world.team, period=H2)
    services.team_report_save(actor=world.leader, report=report, revision=0, work_done="工作开展情况")
    response = post(client, world.member, url("team_report_submit", world))
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.submitted_by) == (Status.SUBMITTED, world.member)

    response = post(client, world.bureau, url("team_report_return", world), {"comment": ""})
    assert response.status_code == 400
    assert 'data-testid="form-errors"' in response.text
    response = post(client, world.bureau, url("team_report_return", world), {"comment": "请补充问题分析"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.review_comment) == (Status.RETURNED, "请补充问题分析")

    post(client, world.leader, url("team_report_submit", world))
    response = post(client, world.bureau, url("team_report_accept", world), {"comment": "同意"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.ACCEPTED
    actions = list(ReportEvent.objects.filter(report=report).order_by("pk").values_list("action", "actor__username"))
    assert actions == [("submitted", "mia"), ("returned", "alice"), ("resubmitted", "tom"), ("accepted", "alice")]


def test_a_refused_submission_comes_back_as_a_message(world, client, clock):
    clock.set(D(2026, 11, 20))
    services.team_report_for(team=world.team, period=H2)
    response = post(client, world.leader, url("team_report_submit", world), follow=True)
    assert response.status_code == 200
    assert 'class="alert alert-danger' in response.text or "alert-danger" in response.text
    assert TeamReport.objects.get().status == Status.DRAFT


@pytest.mark.parametrize("who", ["leader", "member"])
def test_the_team_does_not_review(world, client, who):
    submitted(world)
    assert post(client, viewers(world)[who], url("team_report_return", world), {"comment": "x"}).status_code == 403
    assert post(client, viewers(world)[who], url("team_report_accept", world)).status_code == 403
    assert TeamReport.objects.get().status == Status.SUBMITTED


def test_a_report_not_started_cannot_be_reviewed(world, client):
    assert post(client, world.bureau, url("team_report_accept", world)).status_code == 404
    assert post(client, world.bureau, url("team_report_return", world), {"comment": "x"}).status_code == 404
    assert not TeamReport.objects.exists()
