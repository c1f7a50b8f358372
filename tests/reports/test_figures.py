"""The half-year figures (reports/figures.py) against the hand-built world of tests/reports/figures_world.py: every
key with its exact value, the boundary days (30 June / 1 July), the province's breakdowns adding up to its totals,
an officer's city, the previous half year, and a constant number of queries at two sizes."""

import datetime

import pytest
from django.db.models import Q

from accounts.models import Role
from archives.models import Request
from reports import figures
from reports.figures import no_contact_units, province_figures, report_units, team_figures
from reports.periods import Period
from tests.factories import UserFactory, division
from tests.reports.figures_world import PERIOD, TODAY, build_world, grow
from units.models import Unit

ZERO_KINDS = dict.fromkeys(["visit", "consultation", "briefing", "training", "routine_contact", "matchmaking"], 0)
ZERO_AREAS = dict.fromkeys(
    [
        "policy_law",
        "management_system",
        "portfolio_layout",
        "coordinated_innovation",
        "analysis_evaluation",
        "commercialisation",
        "protection",
    ],
    0,
)
REQUEST_KINDS = [
    "consultation",
    "guidance",
    "patent_navigation",
    "pre_examination",
    "priority_examination",
    "commercialisation",
    "monitoring",
    "enforcement",
    "service_agency",
    "other_department",
]
CATEGORIES = ["key_lab", "tech_centre", "mfg_centre", "university", "leading_firm", "little_giant", "other"]
CITIES = [f"33{n:02d}00" for n in range(1, 12)]


def measure_row(due=0, done=0, on_time=0, overdue=0):
    return {"due": due, "done": done, "done_on_time": on_time, "overdue": overdue}


def request_row(received=0, accepted=0, answered=0, not_yet_due=0, open_=0):
    return {
        "received": received,
        "accepted_in_time": accepted,
        "answered_in_time": answered,
        "not_yet_due": not_yet_due,
        "open": open_,
    }


def by_kind(**rows):
    return {kind: rows.get(kind, request_row()) for kind in REQUEST_KINDS}


def by_area(**rows):
    return {area: rows.get(area, measure_row()) for area in ZERO_AREAS}


@pytest.fixture
def world(db):
    return build_world()


def test_team_figures_of_the_first_half_year(world):
    q = world.questions
    assert team_figures(team=world.t1, period=PERIOD, today=TODAY) == {
        "team": {"id": world.t1.pk, "name": "甲队"},
        "period": "2026H1",
        "as_of": "2026-06-30",
        # U1, U2, and U3 until 乙队 took it over; U2 last seen on 1 March; U3 has no plan, due by the rule.
        "units": {
            "served": 3,
            "with_plan": 2,
            "without_plan": 1,
            "served_as_of": 2,
            "no_contact": 1,
            "plans_due": 3,
            "plans_on_time": 1,
        },
        # 30 June counts, 1 July does not; the briefing advanced two areas and counts in both.
        "activities": {
            "total": 3,
            "by_kind": {**ZERO_KINDS, "visit": 1, "briefing": 1, "routine_contact": 1},
            "by_area": {**ZERO_AREAS, "policy_law": 2, "management_system": 1},
        },
        # m4 cancelled and m5 due in August are left out; m2 was done a day late.
        "measures": {
            "total": measure_row(due=4, done=2, on_time=1, overdue=2),
            "by_area": by_area(
                policy_law=measure_row(1, 1, 1, 0),
                protection=measure_row(1, 1, 0, 0),
                management_system=measure_row(1, 0, 0, 1),
                portfolio_layout=measure_row(1, 0, 0, 1),
            ),
        },
        # r1 received on 30 June counts; r5 of 1 July does not; r4's answer is not due before the period ends.
        "requests": {
            "total": request_row(received=5, accepted=3, answered=3, not_yet_due=1, open_=2),
            "by_kind": by_kind(
                consultation=request_row(2, 1, 1, 0, 1),
                guidance=request_row(1, 1, 1, 0, 0),
                patent_navigation=request_row(1, 0, 1, 0, 0),
                enforcement=request_row(1, 1, 0, 1, 1),
            ),
        },
        "referrals": {"referred": 1, "replied": 1},
        # r1 was closed at 00:30 on 1 July in Zhejiang (30 June in UTC): the second half year's.
        "ratings": {"rated": 2, "average": 3.0, "low": 1, "low_share": 0.5},
        "plans": {"approved": 1, "returned": 1},
        "feedback": {
            "responses": 2,
            "average": 3.5,
            "by_question": [
                {"question_id": q[0].pk, "text": q[0].text, "average": 4.0, "responses": 2},
                {"question_id": q[1].pk, "text": q[1].text, "average": 3.0, "responses": 2},
                {"question_id": q[2].pk, "text": q[2].text, "average": None, "responses": 0},
            ],
        },
        "cases": 1,
    }


def test_team_figures_of_the_second_half_year_take_the_first_of_july(world):
    result = team_figures(team=world.t1, period=Period(2026, 2), today=datetime.date(2026, 12, 1))
    assert result["as_of"] == "2026-12-01"
    assert result["units"] == {
        "served": 2,  # U3 left on 1 March
        "with_plan": 2,
        "without_plan": 0,
        "served_as_of": 2,
        "no_contact": 2,  # U1 last seen 1 July, U2 1 March: both more than 60 days before 1 December
        "plans_due": 2,
        "plans_on_time": 1,
    }
    assert result["activities"]["total"] == 1
    assert result["activities"]["by_kind"]["visit"] == 1
    assert result["measures"]["total"] == measure_row(due=1, overdue=1)  # m5, due 1 August
    assert result["requests"]["total"] == request_row(received=1, open_=1)  # r5, never accepted
    assert result["ratings"] == {"rated": 1, "average": 5.0, "low": 0, "low_share": 0.0}
    assert result["plans"] == {"approved": 0, "returned": 0}
    assert result["feedback"]["responses"] == 0
    assert result["cases"] == 0


def test_a_running_half_year_stands_at_today(world):
    result = team_figures(team=world.t1, period=PERIOD, today=datetime.date(2026, 3, 15))
    assert result["as_of"] == "2026-03-15"
    assert result["measures"]["total"] == measure_row(due=4, done=2, on_time=1, overdue=0)
    # Only U2's approval (20 January) was on or before 15 March; U3 was still 甲队's.
    assert result["units"]["served_as_of"] == 2
    assert result["units"]["with_plan"] == 2


def test_the_timeliness_conditions_agree_with_the_requests_own(world):
    """figures counts with_timeliness' True and None cases as plain conditions; both say the same."""
    moment = figures._moment(datetime.date(2026, 6, 30))
    requests = Request.objects.with_timeliness(now=moment)
    conditions = figures._request_conditions(datetime.date(2026, 6, 30))
    assert set(requests.filter(accept_met=True)) == set(Request.objects.filter(conditions["accepted_in_time"]))
    assert set(requests.filter(answer_met=True)) == set(Request.objects.filter(conditions["answered_in_time"]))
    assert set(requests.filter(answer_met__isnull=True)) == set(Request.objects.filter(conditions["not_yet_due"]))


def test_province_figures_for_the_bureau(world):
    bureau = UserFactory(username="alice", bureau=True)
    result = province_figures(user=bureau, period=PERIOD, today=TODAY)
    assert result["scope"] == {"role": "bureau", "city_code": None}
    assert result["units"] == {
        "listed": 4,  # U4 left the list on 1 May
        "served": 4,
        "with_plan": 2,
        "without_plan": 2,
        "served_as_of": 3,
        "no_contact": 2,  # U2 and U3 (U4 is off the list)
        "plans_due": 4,
        "plans_on_time": 1,
        "guided": 2,
    }
    assert result["activities"] == {
        "total": 4,  # 甲队's three and the bureau's training at U5, which no team serves
        "by_kind": {**ZERO_KINDS, "visit": 1, "briefing": 1, "routine_contact": 1, "training": 1},
        "by_area": {**ZERO_AREAS, "policy_law": 2, "management_system": 1},
    }
    assert result["measures"]["total"] == measure_row(due=4, done=2, on_time=1, overdue=2)
    assert result["requests"]["total"] == request_row(received=6, accepted=4, answered=4, not_yet_due=1, open_=2)
    assert result["requests"]["by_kind"]["consultation"] == request_row(3, 2, 2, 0, 1)
    assert result["referrals"] == {"referred": 1, "replied": 1}
    assert result["ratings"] == {"rated": 2, "average": 3.0, "low": 1, "low_share": 0.5}
    assert result["plans"] == {"approved": 1, "returned": 1}
    assert (result["feedback"]["responses"], result["feedback"]["average"]) == (2, 3.5)
    assert result["cases"] == 1

    cities = {row["code"]: row for row in result["by_city"]}
    assert [row["code"] for row in result["by_city"]] == CITIES
    assert cities["330100"] == {
        "code": "330100",
        "name": "杭州市",
        "listed": 3,
        "served": 2,
        "with_plan": 1,
        "guided": 1,
        "activities": 3,
        "requests_received": 4,
        "requests_answered_in_time": 4,
        "rating_average": 3.0,
        "no_contact": 1,
    }
    assert cities["330200"] == {
        "code": "330200",
        "name": "宁波市",
        "listed": 1,
        "served": 1,
        "with_plan": 1,
        "guided": 1,
        "activities": 1,
        "requests_received": 2,
        "requests_answered_in_time": 0,
        "rating_average": None,
        "no_contact": 1,
    }
    assert (cities["330300"]["listed"], cities["330300"]["served"]) == (0, 1)
    assert cities["331100"] == {
        "code": "331100",
        "name": "丽水市",
        **dict.fromkeys(figures.BREAKDOWN_FIGURES, 0),
        "rating_average": None,
    }
    categories = {row["category"]: row for row in result["by_category"]}
    assert [row["category"] for row in result["by_category"]] == CATEGORIES
    assert categories["key_lab"] == {
        "category": "key_lab",
        "listed": 2,
        "served": 1,
        "with_plan": 1,
        "guided": 1,
        "activities": 3,
        "requests_received": 3,
        "requests_answered_in_time": 3,
        "rating_average": 3.0,
        "no_contact": 0,
    }
    assert categories["little_giant"]["no_contact"] == 1
    assert categories["leading_firm"]["served"] == 1

    # The breakdowns add up to the totals.
    for rows in (result["by_city"], result["by_category"]):
        assert sum(row["listed"] for row in rows) == result["units"]["listed"]
        assert sum(row["served"] for row in rows) == result["units"]["served"]
        assert sum(row["with_plan"] for row in rows) == result["units"]["with_plan"]
        assert sum(row["guided"] for row in rows) == result["units"]["guided"]
        assert sum(row["no_contact"] for row in rows) == result["units"]["no_contact"]
        assert sum(row["activities"] for row in rows) == result["activities"]["total"]
        assert sum(row["requests_received"] for row in rows) == result["requests"]["total"]["received"]
        total_answered = result["requests"]["total"]["answered_in_time"]
        assert sum(row["requests_answered_in_time"] for row in rows) == total_answered


def test_province_figures_carry_the_previous_half_year(world):
    bureau = UserFactory(username="alice", bureau=True)
    previous = province_figures(user=bureau, period=PERIOD, today=TODAY)["previous"]
    assert previous["period"] == "2025H2"
    assert previous["as_of"] == "2025-12-31"
    assert previous["units"] == {
        "listed": 5,  # U4 was still on the list
        "served": 4,
        "with_plan": 1,  # U2's plan came on 20 January
        "without_plan": 3,
        "served_as_of": 4,
        "no_contact": 4,  # no activity yet
        "plans_due": 4,
        "plans_on_time": 1,
        "guided": 0,
    }
    assert previous["activities"]["total"] == 0
    assert (previous["feedback"]["responses"], previous["feedback"]["average"]) == (1, 1.0)
    assert not {"by_city", "by_category", "previous"} & set(previous)


def test_an_officer_counts_only_their_city(world):
    officer = UserFactory(username="olivia", officer=True, division=division("330100"))
    result = province_figures(user=officer, period=PERIOD, today=TODAY)
    assert result["units"] == {
        "listed": 3,
        "served": 2,
        "with_plan": 1,
        "without_plan": 1,
        "served_as_of": 2,
        "no_contact": 1,
        "plans_due": 2,
        "plans_on_time": 1,
        "guided": 1,
    }
    assert result["activities"]["total"] == 3
    assert result["measures"]["total"] == measure_row(due=3, done=2, on_time=1, overdue=1)
    assert result["requests"]["total"] == request_row(received=4, accepted=3, answered=4)
    assert result["ratings"]["rated"] == 2
    assert result["plans"] == {"approved": 0, "returned": 0}
    assert (result["feedback"]["responses"], result["feedback"]["average"]) == (1, 4.5)
    assert result["cases"] == 1
    others = [row for row in result["by_city"] if row["code"] != "330100"]
    assert all(row["listed"] == row["served"] == row["activities"] == 0 for row in others)
    # Another city's code inside their jurisdiction gives nothing; the bureau narrows to any city.
    assert province_figures(user=officer, period=PERIOD, city_code="330200", today=TODAY)["units"]["listed"] == 0
    bureau = UserFactory(username="alice", bureau=True)
    ningbo = province_figures(user=bureau, period=PERIOD, city_code="330200", today=TODAY)
    assert (ningbo["units"]["listed"], ningbo["requests"]["total"]["received"]) == (1, 2)
    assert ningbo["scope"]["city_code"] == "330200"


def test_a_team_member_gets_their_teams_part(world):
    result = province_figures(user=world.leader, period=PERIOD, today=TODAY)
    assert result["units"]["served"] == 3
    assert result["units"]["listed"] == 3  # the units 甲队 served or serves, U4 and U5 are not theirs
    assert result["activities"]["total"] == 3  # not the bureau's training at U5
    assert result["requests"]["total"]["received"] == 5  # not 乙队's r7 at U3
    team = team_figures(team=world.t1, period=PERIOD, today=TODAY)
    for key in ("activities", "measures", "requests", "referrals", "ratings", "plans", "feedback", "cases"):
        assert result[key] == team[key]


def test_report_units_per_role(world, users):
    bureau = UserFactory(username="alice", bureau=True)
    assert set(report_units(user=bureau)) == {world.u1, world.u2, world.u3, world.u4, world.u5, *Unit.objects.all()}
    assert set(report_units(user=bureau, city_code="330100")) == set(Unit.objects.filter(division__city="330100"))
    officer = UserFactory(username="olivia", officer=True, division=division("330100"))
    assert world.u2 not in report_units(user=officer)
    assert {world.u1, world.u3, world.u5} <= set(report_units(user=officer))
    # 甲队 served U3 until March: it stays in their part.
    assert set(report_units(user=world.leader)) == {world.u1, world.u2, world.u3}
    assert set(report_units(user=world.yi_leader)) == {world.u3, world.u4}
    assert not report_units(user=users[Role.EXPERT]).exists()
    assert not report_units(user=users[Role.UNIT_CONTACT]).exists()
    nobody = province_figures(user=users[Role.EXPERT], period=PERIOD, today=TODAY)
    assert nobody["units"]["served"] == nobody["activities"]["total"] == nobody["requests"]["total"]["received"] == 0


def test_no_contact_units_with_their_last_contact(world):
    as_of = datetime.date(2026, 6, 30)
    units = Unit.objects.filter(pk__in=[world.u1.pk, world.u2.pk, world.u3.pk]).filter(figures.served_at(as_of))
    found = {unit.name: unit.last_contact for unit in no_contact_units(units=units, as_of=as_of)}
    assert found == {"海曙新材料大学": datetime.date(2026, 3, 1), "上城芯片科技": None}
    # 61 days before: out of contact; 60 days before: still in touch.
    assert not no_contact_units(units=Unit.objects.filter(pk=world.u2.pk), as_of=datetime.date(2026, 4, 30)).exists()
    assert no_contact_units(units=Unit.objects.filter(pk=world.u2.pk), as_of=datetime.date(2026, 5, 1)).exists()
    assert not Unit.objects.filter(pk=world.u4.pk).filter(figures.served_at(as_of)).exists()  # off the list
    assert Unit.objects.filter(Q(pk=world.u4.pk) & figures.listed_at(datetime.date(2026, 4, 30))).exists()


def test_figures_are_plain_json(world):
    import json

    bureau = UserFactory(username="alice", bureau=True)
    for result in (
        team_figures(team=world.t1, period=PERIOD, today=TODAY),
        province_figures(user=bureau, period=PERIOD, today=TODAY),
    ):
        assert json.loads(json.dumps(result)) == result


@pytest.mark.parametrize("extra", [1, 8])
def test_team_figures_run_a_constant_number_of_queries(world, extra, django_assert_max_num_queries):
    grow(world.t1, extra)
    with django_assert_max_num_queries(15):
        result = team_figures(team=world.t1, period=PERIOD, today=TODAY)
    assert result["units"]["served"] == 3 + extra
    assert result["cases"] == 1 + extra


@pytest.mark.parametrize("extra", [1, 8])
def test_province_figures_run_a_constant_number_of_queries(world, extra, django_assert_max_num_queries):
    grow(world.t2, extra)
    bureau = UserFactory(username="alice", bureau=True)
    officer = UserFactory(username="olivia", officer=True, division=division("330100"))
    with django_assert_max_num_queries(32):
        result = province_figures(user=bureau, period=PERIOD, today=TODAY)
    assert result["units"]["served"] == 4 + extra
    with django_assert_max_num_queries(32):
        result = province_figures(user=officer, period=PERIOD, today=TODAY)
    assert result["activities"]["total"] == 3 + extra  # the new units are in 滨江区, 杭州
