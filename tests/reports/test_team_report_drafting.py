# ruff: noqa: F811  (the fixtures of tests/reports/report_world.py are imported, then named as arguments)
"""The draft text assembled from the half year's records (reports/drafting.py): exact text (English msgids, so that
the test does not depend on the catalogue), what is left out, the bounds, and a fixed number of queries."""

import pytest
from django.utils import translation

from archives import services as archive_services
from reports import drafting
from reports.drafting import draft_text
from reports.models import TypicalCase
from tests.factories import ActivityFactory
from tests.reports.report_world import H1, H2, D, clock, h2_records, world  # noqa: F401  (fixtures)


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def test_a_half_year_without_records_says_so(world, english):
    assert draft_text(team=world.team, period=H2) == {
        "work_done": "No service activity was recorded in this half year.",
        "typical_cases": "No typical case has been flagged for this half year yet.",
        "problems": "No measure is overdue and every request was answered in time.",
        "next_focus": "No measure of the plans in force falls due in First half of 2027.",
        "unit_feedback": "No unit has given feedback or a rating comment in this half year.",
    }


def test_the_draft_of_the_half_year(world, english):
    records = h2_records(world)
    TypicalCase.objects.create(
        activity=records.visit,
        team=world.team,
        unit=world.unit,
        period="2026H2",
        why="首次\n海外布局",
        flagged_by=world.leader,
    )
    TypicalCase.objects.create(
        request=records.late, team=world.team, unit=world.unit, period="2026H2", flagged_by=world.bureau
    )
    # Another team's case and another half year's are not this report's.
    TypicalCase.objects.create(
        activity=records.h1_visit, team=world.team, unit=world.unit, period="2026H1", flagged_by=world.leader
    )

    texts = draft_text(team=world.team, period=H2)

    assert texts["work_done"] == (
        "In Second half of 2026 the team recorded 3 service activities for 2 units.\n"
        "By kind: On-site visit 1、Thematic consultation 1、Policy briefing 1.\n\n"
        "Requests received: 3; answered: 2.\n\n"
        "Outcomes of the latest activities:\n"
        "1. 11/5 Policy briefing at 西湖二号实验室: 覆盖研发人员 共四十人\n"
        "2. 9/15 On-site visit at 西湖光电实验室: 明确布局方向"
    )
    assert texts["typical_cases"] == (
        "1. 西湖光电实验室 (2026-09-15, On-site visit): 走访了解专利布局; outcome: 明确布局方向\n"
        "   Why it is typical: 首次 海外布局\n"
        "2. 西湖光电实验室 (2026-09-07, Consultation): 专利无效咨询"
    )
    assert texts["problems"] == (
        "1 measure of the plans in force is overdue:\n"
        "1. 西湖光电实验室: 推进贯标认证 (Management system, due 2026-10-31)\n\n"
        "Requests answered after their time limit: 1; still unanswered past it: 1.\n"
        "1. 西湖光电实验室: 专利无效咨询 (Consultation, due 2026-09-14)\n"
        "2. 西湖二号实验室: 贯标辅导需求 (Professional guidance, due 2026-11-09)"
    )
    assert texts["next_focus"] == (
        "3 measures of the plans in force fall due in First half of 2027, by task area:\n"
        "1. Policy and law (2): 举办政策培训 (西湖光电实验室, by 2027-03-31)；"
        "解读数据知识产权新规 (西湖光电实验室, by 2027-04-30)\n"
        "2. Protection mechanism (1): 建立海外维权预案 (西湖光电实验室, by 2027-05-31)"
    )
    assert texts["unit_feedback"] == (
        "The units' feedback:\n"
        "1. 西湖光电实验室: 希望增加走访频次。 (scores: 服务响应是否及时 4)\n\n"
        "Comments given with the ratings of requests:\n"
        "1. 西湖光电实验室, on the request “商标续展咨询” (satisfaction 4): 答复专业 很及时"
    )


def test_the_first_half_year_draft_holds_its_own_records_only(world, english):
    h2_records(world)
    work_done = draft_text(team=world.team, period=H1)["work_done"]
    assert work_done == (
        "In First half of 2026 the team recorded 1 service activity for 1 units.\n"
        "By kind: On-site visit 1.\n\n"
        "Outcomes of the latest activities:\n"
        "1. 6/30 On-site visit at 西湖光电实验室: 上半年成果"
    )


def test_another_teams_records_stay_out(world, english):
    ActivityFactory(unit=world.ningbo, date=D(2026, 9, 1), kind="visit", actor=world.tina, outcome="甬江成果")
    assert draft_text(team=world.team, period=H2)["work_done"] == "No service activity was recorded in this half year."
    assert "甬江成果" in draft_text(team=world.other_team, period=H2)["work_done"]


def test_outcomes_are_bounded_to_the_latest_and_cut_to_one_line(world, english):
    for day in range(1, 13):
        ActivityFactory(unit=world.unit, date=D(2026, 10, day), kind="visit", actor=world.leader, outcome="成" * 200)
    lines = draft_text(team=world.team, period=H2)["work_done"].split("\n")
    outcomes = lines[lines.index("Outcomes of the latest activities:") + 1 :]
    assert len(outcomes) == drafting.LATEST_OUTCOMES
    assert outcomes[0] == "1. 10/12 On-site visit at 西湖光电实验室: " + "成" * 119 + "…"
    assert outcomes[-1].startswith("10. 10/3 ")


@pytest.mark.parametrize("extra", [0, 12])
def test_drafting_runs_a_fixed_number_of_queries(world, english, django_assert_num_queries, extra):
    records = h2_records(world)
    for day in range(1, extra + 1):
        activity = ActivityFactory(
            unit=world.second, date=D(2026, 8, day), kind="training", actor=world.leader, outcome="培训"
        )
        TypicalCase.objects.create(
            activity=activity, team=world.team, unit=world.second, period="2026H2", flagged_by=world.leader
        )
        archive_services.request_reply(actor=world.leader, request=records.open, text=f"补充{day}")
    # activities, latest outcomes, requests; cases; overdue count and rows, late counts and rows; next half year's
    # counts and rows; feedback with its scores; rating comments.
    with django_assert_num_queries(13):
        draft_text(team=world.team, period=H2)
