"""The report documents (reports/documents.py) built from the hand-built world of tests/reports/figures_world.py:
each part's tables, totals, charts and texts with their values, a submitted report's frozen figures, the province
report per reader, and a constant number of queries at two sizes."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from reports.documents import province_report_document, team_report_document
from reports.figures import team_figures
from reports.models import TeamReport
from tests.factories import UserFactory, division
from tests.reports.figures_world import PERIOD, TODAY, build_world, grow

TEAM_PARTS = ["summary", "activities", "measures", "requests", "feedback", "cases", "text"]
PROVINCE_PARTS = [
    "summary",
    "cities",
    "categories",
    "areas",
    "requests",
    "feedback",
    "cases",
    "no_contact",
    "scorecard",
]


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def report(world):
    return TeamReport.objects.create(
        team=world.t1,
        period="2026H1",
        work_done="走访单位12家。",
        typical_cases="政策宣讲覆盖全员。",
        problems="个别单位联系不够。",
        next_focus="加强专利导航。",
        unit_feedback="单位希望增加培训。",
    )


def parts_of(document):
    return {part.key: part for part in document.parts}


def table(part, title):
    return next(t for t in part.tables if t.title == title)


def test_a_draft_team_report_shows_its_live_figures(world, report):
    with translation.override("en"):
        document = team_report_document(report, today=TODAY)
    assert document.title == "First half of 2026 IP escort action work report"
    assert (document.period_code, document.scope, document.issued_by, document.status) == (
        "2026H1",
        "甲队",
        "甲队",
        "Draft",
    )
    assert [part.key for part in document.parts] == TEAM_PARTS
    parts = parts_of(document)
    assert [p.title for p in document.parts] == [
        "Overview",
        "Service activities",
        "Service measures",
        "Service requests",
        "Opinions and suggestions",
        "Typical cases",
        "Work summary",
    ]
    assert table(parts["summary"], "Units served").rows == [
        ["Units served in the half year", 3],
        ["with an approved plan", 2],
        ["without an approved plan", 1],
        ["Units served at the end of the half year", 2],
        ["not contacted for more than 60 days", 1],
        ["Plans due by the end of the half year", 3],
        ["approved on time", 1],
    ]

    activities = parts["activities"]
    by_kind = table(activities, "Activities by kind")
    assert by_kind.rows == [
        ["On-site visit", 1],
        ["Thematic consultation", 0],
        ["Policy briefing", 1],
        ["Training", 0],
        ["Routine contact", 1],
        ["Matchmaking", 0],
    ]
    assert by_kind.total == ["Total", 3]
    by_area = table(activities, "Activities by task area")
    assert by_area.rows[0] == ["Guide units in mastering IP policy and law", 2]
    assert by_area.rows[1] == ["Guide units in improving their IP management system", 1]
    assert by_area.total is None
    (chart,) = activities.charts
    assert (chart.key, chart.kind, chart.series) == ("activities_by_kind", "bar", [("Activities", [1, 0, 1, 0, 1, 0])])

    measures = table(parts["measures"], "Measures by task area")
    assert measures.rows[0] == ["Guide units in mastering IP policy and law", 1, 1, 1, 0, 1.0]
    assert measures.rows[6] == ["Guide units in building a sound IP protection mechanism", 1, 1, 0, 0, 0.0]
    assert measures.rows[3] == ["Guide units in strengthening IP-driven coordinated innovation", 0, 0, 0, 0, None]
    assert measures.total == ["Total", 4, 2, 1, 2, 0.25]

    requests = parts["requests"]
    by_kind = table(requests, "Requests by kind")
    assert by_kind.rows[0] == ["Consultation", 2, 1, 1, 0, 1, 0.5]
    assert by_kind.rows[7] == ["Enforcement guidance", 1, 1, 0, 1, 1, None]
    assert by_kind.total == ["Total", 5, 3, 3, 1, 2, 0.75]
    assert table(requests, "Referrals to other departments").rows == [[1, 1]]
    assert table(requests, "Satisfaction with the answers").rows == [[2, 3.0, 1, 0.5]]

    feedback = parts["feedback"]
    q = world.questions
    scores = table(feedback, "The units' scores by question")
    assert scores.rows == [[q[0].text, 2, 4.0], [q[1].text, 2, 3.0], [q[2].text, 0, None]]
    assert scores.total == ["Total", 2, 3.5]
    texts = table(feedback, "Feedback from each unit")
    assert [c.label for c in texts.columns] == ["Unit", q[0].text, q[1].text, q[2].text, "Opinions and suggestions"]
    assert texts.rows == [
        ["海曙新材料大学", 3, 2, None, "希望加强走访频次。"],
        ["西湖光电实验室", 5, 4, None, "响应及时，建议增加培训。"],
    ]

    cases = table(parts["cases"], "Typical cases")
    assert cases.rows == [
        [datetime.date(2026, 2, 10), "西湖光电实验室", "Policy briefing", world.a3.summary, "政策宣讲覆盖全员"]
    ]
    assert cases.links == [reverse("archives:activity_detail", kwargs={"uid": world.a3.uid})]

    assert [(s.heading, s.text) for s in parts["text"].texts] == [
        ("Work done", "走访单位12家。"),
        ("Typical cases", "政策宣讲覆盖全员。"),
        ("Problems", "个别单位联系不够。"),
        ("Focus of the next half year", "加强专利导航。"),
        ("Opinions and suggestions of the units", "单位希望增加培训。"),
    ]


def test_a_submitted_report_keeps_the_figures_it_was_submitted_with(world, report):
    frozen = team_figures(team=world.t1, period=PERIOD, today=TODAY)
    frozen["activities"]["total"] = 99
    frozen["units"]["served"] = 42
    TeamReport.objects.filter(pk=report.pk).update(
        status=TeamReport.Status.SUBMITTED,
        figures=frozen,
        submitted_at=datetime.datetime(2026, 7, 10, tzinfo=datetime.UTC),
    )
    report.refresh_from_db()
    with translation.override("en"):
        parts = parts_of(team_report_document(report, today=TODAY))
    assert table(parts["activities"], "Activities by kind").total == ["Total", 99]
    assert table(parts["summary"], "Units served").rows[0] == ["Units served in the half year", 42]
    # Returned with comments: still frozen; a draft again would be live (there is no way back to draft).
    TeamReport.objects.filter(pk=report.pk).update(status=TeamReport.Status.RETURNED)
    report.refresh_from_db()
    with translation.override("en"):
        parts = parts_of(team_report_document(report, today=TODAY))
    assert table(parts["activities"], "Activities by kind").total == ["Total", 99]


def test_a_frozen_report_from_before_a_figure_existed_still_renders(world, report):
    TeamReport.objects.filter(pk=report.pk).update(
        status=TeamReport.Status.ACCEPTED,
        figures={"period": "2026H1", "units": {"served": 3}},
        submitted_at=datetime.datetime(2026, 7, 10, tzinfo=datetime.UTC),
    )
    report.refresh_from_db()
    with translation.override("en"):
        parts = parts_of(team_report_document(report, today=TODAY))
    assert table(parts["summary"], "Units served").rows[1] == ["with an approved plan", 0]
    assert table(parts["requests"], "Requests by kind").total == ["Total", 0, 0, 0, 0, 0, None]


def test_the_province_report_for_the_bureau(world):
    bureau = UserFactory(username="alice", bureau=True)
    with translation.override("en"):
        document = province_report_document(user=bureau, period=PERIOD, today=TODAY)
    assert document.title == "First half of 2026 IP escort action work report"
    assert (document.scope, document.issued_by) == (
        "Whole province",
        "Zhejiang Provincial Intellectual Property Bureau",
    )
    assert [part.key for part in document.parts] == PROVINCE_PARTS
    parts = parts_of(document)

    main = table(parts["summary"], "Main figures")
    assert [c.kind for c in main.columns] == ["text", "int", "int", "change"]
    rows = {row[0]: row[1:] for row in main.rows}
    assert rows["Units on the list"] == [4, 5, -1]
    assert rows["Units served"] == [4, 4, 0]
    assert rows["Units with an approved plan"] == [2, 1, 1]
    assert rows["Units guided"] == [2, 0, 2]
    assert rows["Units not contacted for more than 60 days"] == [2, 4, -2]
    assert rows["Service activities"] == [4, 0, 4]
    assert rows["Requests received"] == [6, 0, 6]
    assert rows["Typical cases"] == [1, 0, 1]
    rates = {row[0]: row[1:] for row in table(parts["summary"], "Rates").rows}
    assert rates["Guided among the units on the list"] == [0.5, 0.0, 50.0]
    assert rates["Requests answered in time (rate)"] == [0.8, None, None]  # 4 of 5 due
    satisfaction = {row[0]: row[1:] for row in table(parts["summary"], "Satisfaction").rows}
    assert satisfaction["Average score of the units' feedback"] == [3.5, 1.0, 2.5]
    (months,) = parts["summary"].charts
    assert (months.kind, months.categories[0], months.series) == (
        "line",
        "1/2026",
        [("Activities", [0, 1, 1, 0, 1, 1])],
    )

    cities = table(parts["cities"], "Figures by city")
    assert [row[0] for row in cities.rows][:3] == ["杭州市", "宁波市", "温州市"]
    assert cities.rows[0] == ["杭州市", 3, 2, 1, 1, 3, 4, 4, 3.0, 1]
    assert cities.total == ["Total", 4, 4, 2, 2, 4, 6, 4, 3.0, 2]
    for column in range(1, 8):
        assert sum(row[column] for row in cities.rows) == cities.total[column]
    (by_city,) = parts["cities"].charts
    assert by_city.series[0] == ("On the list", [3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    categories = table(parts["categories"], "Figures by unit category")
    assert categories.rows[0] == ["National or provincial key laboratory", 2, 1, 1, 1, 3, 3, 3, 3.0, 0]
    assert categories.total == cities.total

    areas = table(parts["areas"], "Activities and measures by task area")
    assert areas.rows[0] == ["Guide units in mastering IP policy and law", 2, 1, 1, 1, 0, 1.0]
    assert areas.total == ["Total", None, 4, 2, 1, 2, 0.25]

    assert table(parts["requests"], "Requests by kind").total == ["Total", 6, 4, 4, 1, 2, 0.8]
    (requests_chart,) = parts["requests"].charts
    assert requests_chart.series[0] == ("Received", [3, 1, 1, 0, 0, 0, 0, 1, 0, 0])

    # The units' feedback in aggregate only: no unit's name, no text.
    feedback = parts["feedback"]
    assert [t.title for t in feedback.tables] == ["The units' scores by question"]
    cells = {str(cell) for t in feedback.tables for row in [*t.rows, t.total] for cell in row}
    assert not cells & {"西湖光电实验室", "海曙新材料大学", "响应及时，建议增加培训。", "希望加强走访频次。"}

    cases = table(parts["cases"], "Typical cases")
    assert cases.rows == [
        [datetime.date(2026, 2, 10), "西湖光电实验室", "甲队", "Policy briefing", world.a3.summary, "政策宣讲覆盖全员"]
    ]
    no_contact = table(parts["no_contact"], "Units not contacted for more than 60 days")
    assert no_contact.rows == [
        ["上城芯片科技", "杭州市", "乙队", None, None],
        ["海曙新材料大学", "宁波市", "甲队", datetime.date(2026, 3, 1), 121],
    ]
    assert no_contact.links == [reverse("units:detail", kwargs={"uid": u.uid}) for u in (world.u3, world.u2)]
    scorecard = table(parts["scorecard"], "Team performance evaluation")
    assert [c.label for c in scorecard.columns][:3] == ["Rank", "Team", "Score"]
    assert scorecard.rows == [
        [1, "甲队", 49.4, 5.0, 5.0, 10.0, 15.0, 5.0, 9.4],
        [2, "乙队", 36.4, 0.0, 0.0, 0.0, 36.4, 0.0, 0.0],
    ]


def test_the_province_report_of_an_officer_and_of_a_team(world):
    officer = UserFactory(username="olivia", officer=True, division=division("330100"))
    with translation.override("en"):
        parts = parts_of(document := province_report_document(user=officer, period=PERIOD, today=TODAY))
    assert document.scope == "杭州市"
    assert table(parts["no_contact"], "Units not contacted for more than 60 days").rows == [
        ["上城芯片科技", "杭州市", "乙队", None, None]
    ]
    assert table(parts["cities"], "Figures by city").total[1:3] == [3, 2]
    county = UserFactory(username="owen", officer=True, division=division("330106"))
    assert province_report_document(user=county, period=PERIOD, today=TODAY).scope == "杭州市西湖区"
    bureau = UserFactory(username="alice", bureau=True)
    assert province_report_document(user=bureau, period=PERIOD, city_code="330200", today=TODAY).scope == "宁波市"

    with translation.override("en"):
        parts = parts_of(document := province_report_document(user=world.leader, period=PERIOD, today=TODAY))
    assert document.scope == "甲队"
    assert table(parts["no_contact"], "Units not contacted for more than 60 days").rows == [
        ["海曙新材料大学", "宁波市", "甲队", datetime.date(2026, 3, 1), 121]
    ]
    assert [row[1] for row in table(parts["scorecard"], "Team performance evaluation").rows] == ["甲队"]


@pytest.mark.parametrize("extra", [1, 8])
def test_documents_run_a_constant_number_of_queries(world, report, extra, django_assert_max_num_queries):
    grow(world.t1, extra)
    with django_assert_max_num_queries(18):
        team_report_document(report, today=TODAY)
    bureau = UserFactory(username="alice", bureau=True)
    with django_assert_max_num_queries(44):
        document = province_report_document(user=bureau, period=PERIOD, today=TODAY)
    assert len(parts_of(document)["cases"].tables[0].rows) == 1 + extra
