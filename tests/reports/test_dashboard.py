"""The programme dashboard (reports/dashboard.py): every figure of the seven steps against a hand-built programme, each
role's part of it, the pages, the constant number of queries, the xlsx export, and the vendored chart library."""

import datetime
import io
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from accounts.models import Role
from archives.models import Activity, RequestKind
from reports.charts import ChartView, chart_data, chart_json, gauge_data, map_data
from reports.dashboard import ACTIVITY_MONTHS, STEPS, dashboard_document, dashboard_for_user
from reports.document import Chart
from reports.models import FeedbackQuestion, FeedbackScore, TeamReport, TypicalCase, UnitFeedback
from reports.periods import Period
from teams.models import Person
from tests.factories import (
    ActivityFactory,
    PersonFactory,
    PlanFactory,
    RequestFactory,
    TeamFactory,
    UnitFactory,
    UserFactory,
    approved_plan,
    assign,
    division,
    ready,
)
from tests.reports.dashboard_world import _ago, _local, dashboard_world
from units.models import Unit

STEP_KEYS = ["coverage", "forces", "liaison", "plans", "guidance", "requests", "review"]


@pytest.fixture
def world(users, unit):
    return dashboard_world(users, unit)


def _step(board, key):
    return next(step for step in board.steps if step.key == key)


def _figures(board, key) -> dict:
    return {figure.key: figure.value for figure in _step(board, key).figures}


def _chart(board, key) -> ChartView:
    return next(chart for chart in board.charts if chart.key == key)


# --- The figures, step by step, for the whole programme ----------------------------------------------------------


def test_the_steps_follow_the_seeds_flow_in_order(world, users):
    board = dashboard_for_user(user=users[Role.BUREAU])
    assert [step.key for step in board.steps] == STEP_KEYS
    assert [step.number for step in board.steps] == [1, 2, 3, 4, 5, 6, 7]
    with translation.override("en"):
        assert [str(title) for _key, title in STEPS] == [
            "Identify the units to serve",
            "Marshal the service forces",
            "Set up the liaison mechanism",
            "Draw up service plans",
            "Strengthen service guidance",
            "Respond to needs promptly",
            "Review and improve regularly",
        ]


def test_step_one_counts_listed_and_guided_units_against_the_years_target(world, users, settings):
    settings.PROGRAMME_TARGETS = {timezone.localdate().year: 4}
    board = dashboard_for_user(user=users[Role.BUREAU])
    assert board.coverage == {"listed": 5, "served": 4, "approved": 2, "guided": 2, "unserved": 1, "unapproved": 3}
    assert _figures(board, "coverage") == {"listed": 5, "served": 4, "approved": 2, "guided": 2}
    assert {figure.of for figure in _step(board, "coverage").figures} == {4}
    gauge = _chart(board, "guided")
    assert gauge.data == {
        "kind": "gauge",
        "title": gauge.title,
        "categories": [gauge.data["categories"][0]],
        "series": [{"name": gauge.data["categories"][0], "values": [2]}],
        "unit": gauge.data["unit"],
        "max": 4,
    }
    assert [row[1:] for row in gauge.table.rows] == [[5, 1.25], [4, 1.0], [2, 0.5], [2, 0.5]]


def test_step_one_maps_every_city_with_its_listed_and_guided_units(world, users):
    board = dashboard_for_user(user=users[Role.BUREAU])
    cities = _chart(board, "cities")
    assert cities.kind == "map"
    assert len(cities.data["categories"]) == 11
    assert cities.data["categories"][:3] == ["杭州市", "宁波市", "温州市"]
    rows = {row[0]: row[1:] for row in cities.table.rows}
    assert rows["杭州市"] == [3, 1, 1 / 3]
    assert rows["宁波市"] == [2, 1, 0.5]
    assert rows["丽水市"] == [0, 0, None]
    assert cities.table.total[1:] == [5, 2, 0.4]
    coverage, listed, guided = cities.data["series"]
    assert coverage["unit"] == "%"
    assert coverage["values"][:3] == [33.3, 50.0, None]
    assert listed["values"][:3] == [3, 2, 0]
    assert guided["values"][:3] == [1, 1, 0]
    assert cities.table.links[0] == reverse("units:list") + "?city=330100"


def test_the_maps_city_names_are_the_vendored_geojsons(db):
    geojson = json.loads((Path(settings.BASE_DIR) / "static/vendor/echarts/zhejiang.json").read_text(encoding="utf-8"))
    features = {feature["id"]: feature["properties"]["name"] for feature in geojson["features"]}
    from units.models import Division

    cities = dict(Division.objects.filter(level=Division.Level.CITY).values_list("code", "name"))
    assert features == cities


def test_step_one_counts_units_by_category(world, users):
    board = dashboard_for_user(user=users[Role.BUREAU])
    categories = _chart(board, "categories")
    rows = dict(zip(Unit.Category.values, (row[1:] for row in categories.table.rows), strict=True))
    assert rows == {
        "key_lab": [1, 1],
        "tech_centre": [1, 0],
        "mfg_centre": [0, 0],
        "university": [1, 1],
        "leading_firm": [1, 0],
        "little_giant": [1, 0],
        "other": [0, 0],
    }
    assert categories.data["series"][0]["values"] == [1, 1, 0, 1, 1, 1, 0]
    assert categories.data["series"][1]["values"] == [1, 0, 0, 1, 0, 0, 0]
    assert categories.table.links[0] == reverse("units:list") + "?category=key_lab"


def test_step_two_counts_the_active_pool_and_the_signed_undertakings_by_kind(world, users):
    board = dashboard_for_user(user=users[Role.BUREAU])
    assert _figures(board, "forces") == {"people": 8, "signed": 7}
    pool = _chart(board, "pool")
    rows = dict(zip(Person.Kind.values, (row[1:] for row in pool.table.rows), strict=True))
    assert rows["commissioner"] == [6, 6]
    assert rows["think_tank"] == [1, 1]
    assert rows["lawyer"] == [1, 0]  # the inactive one left out
    assert pool.table.total == [pool.table.total[0], 8, 7]


def test_step_three_counts_teams_and_units_with_and_without_a_team(world, users):
    board = dashboard_for_user(user=users[Role.BUREAU])
    assert _figures(board, "liaison") == {"teams": 2, "served": 4, "unserved": 1, "per-team": 2.0}
    unserved = next(f for f in _step(board, "liaison").figures if f.key == "unserved")
    assert unserved.url == reverse("units:list") + "?team=none"
    assert unserved.tone == "danger"


def test_step_four_counts_the_plans_by_status(world, users):
    board = dashboard_for_user(user=users[Role.BUREAU])
    assert _figures(board, "plans") == {"approved": 2, "submitted": 1, "past-due": 1}
    assert board.plans == {"approved": 2, "submitted": 1, "past_due": 1}
    states = _chart(board, "plan-states")
    assert [row[1] for row in states.table.rows] == [1, 1, 1, 0, 2]  # not started, draft, submitted, returned, approved
    assert states.data["series"][0]["values"] == [1, 1, 1, 0, 2]
    assert states.table.total[1] == 5
    assert states.table.links[1] == reverse("plans:overview") + "?state=draft"


def test_step_five_counts_the_activities_of_the_last_twelve_months_by_month_and_kind(world, users):
    board = dashboard_for_user(user=users[Role.BUREAU])
    today = timezone.localdate()
    # No service for 60 days: the draft plan's unit and the unit waiting for review (Ningbo's visit is 40 days old).
    assert _figures(board, "guidance") == {"year": 4, "month": 2, "no-contact": 2}
    activities = _chart(board, "activities")
    labels = activities.data["categories"]
    assert len(labels) == ACTIVITY_MONTHS
    assert labels[0] == world["start"].strftime("%Y-%m")
    assert labels[-1] == today.strftime("%Y-%m")
    totals = dict(zip(labels, activities.data["series"][0]["values"], strict=True))
    expected = dict.fromkeys(labels, 0)
    expected[labels[0]] += 1  # the consultation on the window's first day (the training the day before is out)
    expected[(today - datetime.timedelta(days=40)).strftime("%Y-%m")] += 1  # the Ningbo visit
    expected[labels[-1]] += 2  # today's visit and the removed unit's briefing
    assert totals == expected
    # The table adds the kinds, in the vocabulary's order: visit, consultation, briefing, training, …
    visit, consultation, briefing, training = 2, 3, 4, 5
    assert [column.label for column in activities.table.columns][visit] == str(Activity.Kind.VISIT.label)
    last, first = activities.table.rows[-1], activities.table.rows[0]
    assert (last[1], last[visit], last[briefing]) == (2, 1, 1)
    assert (first[1], first[consultation], first[training]) == (1, 1, 0)
    assert activities.table.total[1] == 4
    month_end = (today.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
    assert activities.table.links[-1] == (
        f"{reverse('archives:activity_list')}?date_from={today.replace(day=1).isoformat()}"
        f"&date_to={month_end.isoformat()}"
    )


def test_step_six_counts_requests_and_the_shares_handled_in_time(world, users):
    board = dashboard_for_user(user=users[Role.BUREAU])
    assert _figures(board, "requests") == {
        "received": 4,
        "accept-rate": pytest.approx(1 / 3),  # in time: the closed one; late: the ignored one and the Ningbo one
        "answer-rate": pytest.approx(1 / 3),  # the fresh one is not yet due: not judged
        "open": 3,
        "accept-overdue": 1,
        "answer-overdue": 1,
        "rating": 5.0,
    }
    assert board.requests == {"total": 4, "open": 3, "past_due": 1, "accept_overdue": 1, "answer_overdue": 1}
    requests = _chart(board, "requests")
    kinds = dict(zip(RequestKind.values, requests.table.rows, strict=True))
    assert kinds["consultation"][1:] == [2, 0.5, 0.5, 1, 1]
    assert kinds["guidance"][1:] == [2, 0.0, 0.0, 2, 0]
    assert kinds["patent_navigation"][1:] == [0, None, None, 0, 0]
    assert requests.data["unit"] == "%"
    assert requests.data["series"][0]["values"][:3] == [50.0, 0.0, None]
    assert requests.table.total[1:] == [4, pytest.approx(1 / 3), pytest.approx(1 / 3), 3, 1]


@pytest.fixture
def reviewed(world, users):
    """Reports on 2026H1 (due 2026-07-15): 西湖团队's accepted; 甬江团队's submitted (after the due date, but
    delivered: not late) and waiting for review; a third team's still a draft. The units' feedback on that half
    year; two typical cases."""
    half = Period(2026, 1)
    third = TeamFactory(name="第三团队")
    for team, status, day in (
        (world["team"], TeamReport.Status.ACCEPTED, 10),
        (world["other_team"], TeamReport.Status.SUBMITTED, 20),
    ):
        TeamReport.objects.create(
            team=team, period=half.code, status=status, figures={}, submitted_at=_local(2026, 7, day, 9)
        )
    TeamReport.objects.create(team=third, period=half.code)  # a draft
    quality, speed = FeedbackQuestion.objects.create(text="质量"), FeedbackQuestion.objects.create(text="速度")
    given = UnitFeedback.objects.create(
        unit=users[Role.UNIT_CONTACT].unit, team=world["team"], period=half.code, author=users[Role.UNIT_CONTACT]
    )
    FeedbackScore.objects.bulk_create(
        [
            FeedbackScore(feedback=given, question=quality, score=4),
            FeedbackScore(feedback=given, question=speed, score=5),
        ]
    )
    other = UnitFeedback.objects.create(
        unit=world["ningbo"],
        team=world["other_team"],
        period=half.code,
        author=UserFactory(unit_contact=True, unit=world["ningbo"]),
    )
    FeedbackScore.objects.create(feedback=other, question=quality, score=3)
    TypicalCase.objects.create(
        activity=world["visited"],
        team=world["team"],
        unit=world["visited"].unit,
        period=half.code,
        flagged_by=users[Role.BUREAU],
    )
    TypicalCase.objects.create(
        request=world["requests"]["late"],
        team=world["other_team"],
        unit=world["ningbo"],
        period="2025H2",
        flagged_by=users[Role.BUREAU],
    )
    return {"half": half, "third": third}


def test_step_seven_counts_the_reports_on_the_half_year_just_ended_the_feedback_and_the_cases(reviewed, users):
    board = dashboard_for_user(user=users[Role.BUREAU], today=datetime.date(2026, 9, 1))
    assert board.report_period == Period(2026, 1)
    assert _figures(board, "review") == {
        "expected": 3,
        "delivered": 2,
        "waiting": 1,
        "accepted": 1,
        "returned": 0,
        "late": 1,  # the draft, after 15 July (as the period page counts: not delivered after the due date)
        "feedback": 2,
        "feedback-average": 4.0,  # (4 + 5 + 3) / 3
        "cases": 1,
        "cases-total": 2,
    }
    review = _step(board, "review")
    assert "2026-07-15" in review.note
    period_page = reverse("reports:period", kwargs={"code": "2026H1"})
    urls = {figure.key: figure.url for figure in review.figures}
    assert urls["expected"] == period_page
    assert urls["late"] == f"{period_page}?late=yes"
    assert urls["accepted"] == f"{period_page}?status=accepted"
    links = {url: label for label, url in review.links}
    assert reverse("reports:scorecards_latest") in links
    assert reverse("reports:province_latest") in links


def test_before_the_due_date_no_team_is_late(reviewed, users):
    board = dashboard_for_user(user=users[Role.BUREAU], today=datetime.date(2026, 7, 15))
    assert _figures(board, "review")["late"] == 0


# --- Each role's part ----------------------------------------------------------------------------------------------


def test_an_officer_counts_only_the_units_of_their_city(reviewed, users):
    board = dashboard_for_user(user=users[Role.OFFICER], today=datetime.date(2026, 9, 1))
    assert board.scope == "杭州市"
    assert board.target is None
    assert board.coverage == {"listed": 3, "served": 2, "approved": 1, "guided": 1, "unserved": 1, "unapproved": 2}
    assert [row[0] for row in _chart(board, "cities").table.rows] == ["杭州市"]
    assert _figures(board, "forces") == {"people": 4, "signed": 4}  # 西湖团队's seats and the invited expert
    assert _figures(board, "liaison")["teams"] == 1
    assert _figures(board, "plans") == {"approved": 1, "submitted": 0, "past-due": 1}
    assert _figures(board, "requests")["received"] == 3
    # No team report (teams report to the bureau): the feedback in aggregate and the cases of the city only.
    assert _figures(board, "review") == {"feedback": 1, "feedback-average": 4.5, "cases": 1, "cases-total": 1}


def test_an_officer_counts_the_activities_of_their_units_without_reading_them(world, users):
    board = dashboard_for_user(user=users[Role.OFFICER])
    figures = _figures(board, "guidance")
    assert (figures["year"], figures["month"], figures["no-contact"]) == (3, 2, 1)  # the removed unit's included
    assert all(figure.url is None for figure in _step(board, "guidance").figures)  # the archive is not theirs
    assert _step(board, "guidance").links == []


def test_another_citys_officer_counts_only_that_city(world, users):
    ningbo_officer = UserFactory(username="oscar", officer=True, division=division("330200"))
    board = dashboard_for_user(user=ningbo_officer)
    assert board.coverage["listed"] == 2
    assert [row[0] for row in _chart(board, "cities").table.rows] == ["宁波市"]
    assert _figures(board, "requests")["received"] == 1


def test_a_team_member_counts_only_their_teams_units(reviewed, users):
    board = dashboard_for_user(user=users[Role.TEAM_MEMBER], today=datetime.date(2026, 9, 1))
    assert board.scope == "西湖团队"
    assert board.coverage == {"listed": 2, "served": 2, "approved": 1, "guided": 1, "unserved": 0, "unapproved": 1}
    assert _figures(board, "liaison")["teams"] == 1
    assert _figures(board, "requests")["received"] == 3
    review = _figures(board, "review")
    assert (review["expected"], review["delivered"], review["accepted"], review["late"]) == (1, 1, 1, 0)
    urls = {figure.key: figure.url for figure in _step(board, "review").figures}
    assert urls["late"] == reverse("reports:team_report_list")
    assert (review["feedback"], review["feedback-average"]) == (1, 4.5)


@pytest.mark.parametrize(("role", "status"), [(Role.BUREAU, 200), (Role.OFFICER, 200), (Role.TEAM_MEMBER, 200)])
def test_the_dashboard_page_shows_the_users_part(client, world, users, role, status):
    client.force_login(users[role])
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == status
    html = response.text
    assert re.findall(r'data-step="([a-z]+)"', html) == STEP_KEYS
    assert html.count('class="hh-chart ') == 7
    assert '<script src="/static/vendor/echarts/echarts.min.js"></script>' in html
    assert '<script src="/static/js/charts.js"></script>' in html
    assert 'data-map-url="/static/vendor/echarts/zhejiang.json"' in html
    assert "宁波" not in html if role != Role.BUREAU else "宁波市" in html


@pytest.mark.parametrize("role", [Role.EXPERT, Role.UNIT_CONTACT])
def test_experts_and_unit_contacts_have_no_dashboard(client, users, role):
    client.force_login(users[role])
    assert client.get(reverse("reports:dashboard")).status_code == 403
    assert client.get(reverse("reports:dashboard_xlsx")).status_code == 403


def test_the_page_numbers_link_to_the_lists_behind_them(client, world, users):
    client.force_login(users[Role.BUREAU])
    html = client.get(reverse("reports:dashboard")).text
    request_list = reverse("archives:request_list")
    assert f'href="{request_list}?overdue=yes" data-testid="requests-accept-overdue">1<' in html
    assert f'href="{request_list}?status=open" data-testid="requests-open">3<' in html
    assert f'href="{reverse("units:list")}?team=none" data-testid="liaison-unserved">1<' in html
    assert f'href="{reverse("plans:overview")}?past_due=yes" data-testid="plans-past-due">1<' in html
    assert 'data-testid="requests-accept-rate">33.3%<' in html


def test_the_charts_json_is_in_the_page_and_its_table_under_it(client, world, users):
    client.force_login(users[Role.BUREAU])
    html = client.get(reverse("reports:dashboard")).text
    match = re.search(r'data-chart="([^"]*)"[^>]*data-testid="chart-plan-states-drawing"', html)
    data = json.loads(match.group(1).replace("&quot;", '"'))
    assert data["kind"] == "bar"
    assert data["series"][0]["values"] == [1, 1, 1, 0, 2]
    table = html[html.index('data-testid="chart-plan-states-data"') :]
    table = table[: table.index("</details>")]
    assert re.findall(r'<td class="text-end text-nowrap">(\d+)</td>', table) == ["1", "1", "1", "0", "2", "5"]


def test_the_bureaus_home_puts_what_waits_first_then_the_dashboard(client, world, users):
    client.force_login(users[Role.BUREAU])
    response = client.get(reverse("home"))
    html = response.text
    assert html.index('data-testid="review-queue"') < html.index('data-testid="dashboard"')
    assert re.findall(r'data-step="([a-z]+)"', html) == STEP_KEYS
    assert response.context["dashboard"].coverage["listed"] == 5
    assert '<script src="/static/js/charts.js"></script>' in html


@pytest.mark.parametrize("role", [Role.OFFICER, Role.TEAM_MEMBER])
def test_the_other_homes_keep_their_own_page(client, world, users, role):
    client.force_login(users[role])
    assert 'data-testid="dashboard"' not in client.get(reverse("home")).text


# --- A constant number of queries ----------------------------------------------------------------------------------


def _grow(world, users, first: int, last: int) -> None:
    """More of everything the dashboard counts, in every role's part: units in both cities with plans, activities,
    requests and feedback; people and teams."""
    from plans.services import plan_submit

    today = timezone.localdate()
    for index in range(first, last):
        hangzhou = UnitFactory(category=Unit.Category.values[index % 7])
        assign(hangzhou, world["team"])
        ningbo = UnitFactory(division=division("330203"))
        assign(ningbo, world["other_team"])
        if index % 2 == 0:
            approved_plan(hangzhou)
        plan_submit(actor=None, version=ready(PlanFactory(unit=ningbo)))  # the review queue is full at both sizes
        ActivityFactory(unit=hangzhou, date=today - datetime.timedelta(days=index * 20 % 330), kind="training")
        ActivityFactory(unit=ningbo, date=today - datetime.timedelta(days=index), kind="visit")
        RequestFactory(unit=hangzhou, kind="monitoring", submitted_at=_ago(index + 30))
        PersonFactory(kind=Person.Kind.IP_POLICE)
        if index % 5 == 0:
            TeamFactory()


@pytest.mark.parametrize(
    ("role", "url", "budget"),
    [
        # session, user, savepoint and release; the dashboard: the units by city, category and stage (coverage,
        # cities and categories in one), the cities' names, activities, requests, plans (the settings, states,
        # figures: 2), pool, teams, the reports (the due date, the settings and the counts:
        # reports.selectors.period_report_counts), feedback, cases.
        (Role.BUREAU, "reports:dashboard", 19),
        # no report counts; the officer's division, and the model permissions base.html's menu asks (2)
        (Role.OFFICER, "reports:dashboard", 19),
        (Role.TEAM_MEMBER, "reports:dashboard", 21),  # the member's teams, and the model permissions (2)
        # the dashboard, and what waits: the review queue (rows, count), units without a team, units without an
        # approved plan (the settings, rows), requests past due
        (Role.BUREAU, "home", 27),
    ],
)
def test_the_dashboard_runs_the_same_queries_at_any_size(client, world, users, role, url, budget):
    client.force_login(users[role])
    client.get(reverse(url))  # warms what a first request caches
    _grow(world, users, 0, 5)
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse(url)).status_code == 200
    _grow(world, users, 5, 25)
    with CaptureQueriesContext(connection) as large:
        assert client.get(reverse(url)).status_code == 200
    assert len(small) <= budget, "\n".join(query["sql"] for query in small.captured_queries)
    assert len(large) == len(small), "\n".join(query["sql"] for query in large.captured_queries)


# --- The export ----------------------------------------------------------------------------------------------------


def test_the_dashboard_downloads_as_a_workbook_of_one_sheet_per_step(client, world, users):
    client.force_login(users[Role.BUREAU])
    response = client.get(reverse("reports:dashboard_xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith("attachment")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    board = dashboard_for_user(user=users[Role.BUREAU])
    assert workbook.sheetnames == [f"{step.number} {step.title}"[:31] for step in board.steps]
    coverage = [
        [cell for cell in row if cell is not None] for row in workbook.worksheets[0].iter_rows(values_only=True)
    ]
    assert ["杭州市", 3, 1, pytest.approx(1 / 3)] in coverage
    assert ["宁波市", 2, 1, 0.5] in coverage
    guided = next(figure for figure in board.steps[0].figures if figure.key == "guided")
    assert [guided.label, 2, board.target] in coverage  # a figure and the target it counts against
    requests = [
        [cell for cell in row if cell is not None] for row in workbook.worksheets[5].iter_rows(values_only=True)
    ]
    rate = next(figure for figure in board.steps[5].figures if figure.key == "accept-rate")
    assert [rate.label, pytest.approx(1 / 3)] in requests  # a share as a number, formatted as a percentage


def test_the_export_is_scoped_like_the_page(client, world, users):
    client.force_login(users[Role.OFFICER])
    response = client.get(reverse("reports:dashboard_xlsx"))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    text = " ".join(
        str(cell) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for cell in row if cell
    )
    assert "杭州市" in text
    assert "宁波" not in text


def test_the_document_has_a_part_per_step_with_its_figures_and_its_charts_tables(world, users):
    board = dashboard_for_user(user=users[Role.BUREAU])
    document = dashboard_document(board)
    assert [part.key for part in document.parts] == STEP_KEYS
    assert [len(part.tables) for part in document.parts] == [4, 2, 1, 2, 2, 2, 1]
    assert document.scope == board.scope


# --- Charts as the pages draw them ---------------------------------------------------------------------------------


def test_chart_data_is_the_contract_of_charts_js():
    chart = Chart(key="k", title="标题", kind="line", categories=["2026-01", "2026-02"], series=[("活动", [3, None])])
    assert chart_data(chart, unit="次") == {
        "kind": "line",
        "title": "标题",
        "categories": ["2026-01", "2026-02"],
        "series": [{"name": "活动", "values": [3, None]}],
        "unit": "次",
    }
    from decimal import Decimal

    decimal = Chart(key="d", title="t", kind="bar", categories=["a"], series=[("s", [Decimal("4.5")])])
    assert chart_json(chart_data(decimal)) == (
        '{"kind":"bar","title":"t","categories":["a"],"series":[{"name":"s","values":[4.5]}],"unit":""}'
    )
    assert map_data(title="图", cities=["杭州市"], series=[("覆盖率", [50.0], "%")])["series"] == [
        {"name": "覆盖率", "values": [50.0], "unit": "%"}
    ]
    assert gauge_data(title="g", label="已指导", value=2, maximum=150)["max"] == 150


def test_charts_js_documents_its_contract_and_every_kind():
    script = (Path(settings.BASE_DIR) / "static/js/charts.js").read_text(encoding="utf-8")
    head = script[: script.index("(function")]
    for word in ('"kind"', '"title"', '"categories"', '"series"', '"unit"', '"max"', "data-map-url", "hh-chart"):
        assert word in head
    for kind in ("bar", "line", "pie", "map", "gauge"):
        assert f"{kind}:" in script.split("const OPTIONS", 1)[1].split(";", 1)[0]


# --- The vendored chart library --------------------------------------------------------------------------------


def test_echarts_and_the_map_are_vendored_with_their_licence():
    vendor = Path(settings.BASE_DIR) / "static/vendor/echarts"
    assert 't.version="6.1.0"' in (vendor / "echarts.min.js").read_text(encoding="utf-8")
    assert "Apache License" in (vendor / "LICENSE").read_text(encoding="utf-8")
    assert "Apache ECharts" in (vendor / "NOTICE").read_text(encoding="utf-8")
    assert json.loads((vendor / "zhejiang.json").read_text(encoding="utf-8"))["type"] == "FeatureCollection"
    readme = (Path(settings.BASE_DIR) / "static/vendor/README.md").read_text(encoding="utf-8")
    assert "| echarts | 6.1.0 |" in readme
    assert "| echarts | 4.9.0 | `map/json/province/zhejiang.json`" in readme
    assert "sourceMappingURL" not in (vendor / "echarts.min.js").read_text(encoding="utf-8")


def test_no_template_loads_a_script_or_style_from_outside_the_portal():
    templates = Path(settings.BASE_DIR) / "templates"
    outside = re.compile(r"""<(?:script|link|img)\b[^>]*\b(?:src|href)=["']?(?:https?:)?//""", re.IGNORECASE)
    offenders = [
        str(path.relative_to(templates))
        for path in templates.rglob("*.html")
        if outside.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
