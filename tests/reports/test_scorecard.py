"""The teams' scorecard (reports/scorecard.py): exact points for the two teams of tests/reports/figures_world.py,
the weight of a component without data shared out over the others, ties, the configured weights, who reads which
rows, and a constant number of queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import Role
from huhang.models import ProgrammeSettings
from reports.scorecard import FORMULA, scorecards
from teams.models import Team
from tests.factories import ActivityFactory, UserFactory, assign, division, team_led_by
from tests.reports.figures_world import PERIOD, SERVED_FROM, TODAY, build_world, grow, listed_unit
from units.models import Unit


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def bureau(db):
    return UserFactory(username="alice", bureau=True)


def summary(row):
    return (row.rank, row.team.name, row.score, [(c.key, c.weight, c.ratio, c.points) for c in row.components])


def test_two_teams_scored_and_ranked(world, bureau):
    with translation.override("en"):
        rows = scorecards(user=bureau, period=PERIOD, today=TODAY)
    assert [summary(row) for row in rows] == [
        (
            1,
            "甲队",
            49.4,  # 5 + 5 + 10 + 15 + 5 + 9.375
            [
                ("plan", 15, 0.3333, 5.0),  # U1 on time; U2 late; U3 has none
                ("measures", 20, 0.25, 5.0),  # m1 of m1, m2, m3, m6
                ("contact", 20, 0.5, 10.0),  # U1 yes, U2 no
                ("requests", 20, 0.75, 15.0),  # 3 of 5, r4 not due yet
                ("satisfaction", 10, 0.5, 5.0),  # average 3.0
                ("feedback", 15, 0.625, 9.4),  # average 3.5
            ],
        ),
        (
            2,
            "乙队",
            36.4,  # only plan, contact and requests have data: 100 × 20 × 1 ÷ 55
            [
                ("plan", 15, 0.0, 0.0),
                ("measures", 20, None, 0.0),
                ("contact", 20, 0.0, 0.0),  # U3 never visited; U4 is off the list
                ("requests", 20, 1.0, 36.4),
                ("satisfaction", 10, None, 0.0),
                ("feedback", 15, None, 0.0),
            ],
        ),
    ]
    first = {c.key: c for c in rows[0].components}
    assert first["plan"].label == "Plans approved on time"
    assert first["plan"].detail == "1 / 3 plans approved on time"
    assert first["measures"].detail == "1 / 4 measures completed on time"
    assert first["contact"].detail == "1 / 2 units contacted in the last 60 days"
    assert first["requests"].detail == "3 / 4 requests answered in time"
    assert first["satisfaction"].detail == "Average rating 3.0 from 2 ratings"
    assert first["feedback"].detail == "Average score 3.5 from 2 units' feedback"
    second = {c.key: c for c in rows[1].components}
    assert second["satisfaction"].detail == "Average rating — from 0 ratings"
    team = world.t1.pk
    assert first["plan"].url == f"{reverse('units:list')}?team={team}"
    assert (
        first["contact"].url
        == f"{reverse('archives:activity_list')}?team={team}&date_from=2026-01-01&date_to=2026-06-30"
    )
    assert first["requests"].url == (
        f"{reverse('archives:request_list')}?team={team}&submitted_after=2026-01-01&submitted_before=2026-06-30"
    )
    assert first["satisfaction"].url == f"{reverse('archives:request_list')}?team={team}&status=closed"
    assert first["measures"].url == first["feedback"].url == ""


def test_the_weights_come_from_the_programme_settings(world, bureau):
    ProgrammeSettings.current()
    ProgrammeSettings.objects.filter(pk=1).update(
        weight_plan=0,
        weight_measures=0,
        weight_contact=50,
        weight_requests=50,
        weight_satisfaction=0,
        weight_feedback=0,
    )
    rows = scorecards(user=bureau, period=PERIOD, today=TODAY)
    assert [(row.team.name, row.score) for row in rows] == [("甲队", 62.5), ("乙队", 50.0)]
    assert [c.points for c in rows[0].components] == [0.0, 0.0, 25.0, 37.5, 0.0, 0.0]


def test_equal_scores_share_a_rank_and_inactive_teams_are_left_out(db, bureau):
    teams = {}
    for name, contacted in (("丙队", True), ("丁队", True), ("戊队", False), ("己队", True)):
        teams[name] = team_led_by(UserFactory(username=f"leader_{len(teams)}", team_member=True), name)
        unit = listed_unit(f"{name}服务单位", "330106", Unit.Category.OTHER)
        assign(unit, teams[name], SERVED_FROM)
        if contacted:
            ActivityFactory(unit=unit, date=datetime.date(2026, 6, 1), kind="visit")
    Team.objects.filter(name="己队").update(is_active=False)
    rows = scorecards(user=bureau, period=PERIOD, today=TODAY)
    # No plan yet (due 30 April 2025 by the rule): 0 of 15; contact 1 of 20; nothing else has data.
    assert [(row.rank, row.team.name, row.score) for row in rows] == [
        (1, "丁队", 57.1),
        (1, "丙队", 57.1),
        (3, "戊队", 0.0),
    ]


def test_each_reader_sees_their_rows_with_the_ranks_among_all(world, bureau, users):
    assert [row.team.name for row in scorecards(user=bureau, period=PERIOD, today=TODAY)] == ["甲队", "乙队"]
    mine = scorecards(user=world.yi_leader, period=PERIOD, today=TODAY)
    assert [(row.rank, row.team.name) for row in mine] == [(2, "乙队")]
    assert mine[0].components[3].url.startswith(reverse("archives:request_list"))
    hangzhou = UserFactory(username="olivia", officer=True, division=division("330100"))
    rows = scorecards(user=hangzhou, period=PERIOD, today=TODAY)
    assert [row.team.name for row in rows] == ["甲队", "乙队"]  # both served units in 杭州
    assert all(component.url == "" for row in rows for component in row.components)  # no team filter for officers
    wenzhou = UserFactory(username="oscar", officer=True, division=division("330300"))
    assert [row.team.name for row in scorecards(user=wenzhou, period=PERIOD, today=TODAY)] == ["乙队"]
    assert scorecards(user=users[Role.EXPERT], period=PERIOD, today=TODAY) == []
    assert scorecards(user=users[Role.UNIT_CONTACT], period=PERIOD, today=TODAY) == []


def test_the_formula_is_shown_in_words():
    with translation.override("en"):
        text = str(FORMULA)
    assert text.startswith("Score = 100 × Σ(weight × ratio) ÷ Σ(weights of the components with data)")
    assert "its weight is shared out over the others" in text
    assert "equal scores share a rank" in text


@pytest.mark.parametrize("extra", [1, 8])
def test_scorecards_run_a_constant_number_of_queries(world, bureau, extra, django_assert_max_num_queries):
    grow(world.t2, extra)
    with django_assert_max_num_queries(9):
        rows = scorecards(user=bureau, period=PERIOD, today=TODAY)
    assert {row.team.name for row in rows} == {"甲队", "乙队"}
