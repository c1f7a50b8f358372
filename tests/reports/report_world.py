"""The world of the half-year report workflow tests (tests/reports/test_team_report_*.py, test_typical_cases.py).

`unit` (西湖光电实验室, 杭州) and 西湖二号实验室 are served by 西湖团队 (led by tom, core member mia); a Ningbo unit by
甬江团队 (led by tina). The clock is frozen on 10 December 2026 (the last month of 2026H2, before its reports are
due on 15 January 2027) unless a test moves it: every "today" of the pages and the services reads it.

2026H2 records of 西湖团队 (for the drafting): three activities with outcomes or without, one in 2026H1 (left out),
an approved plan of `unit` with measures overdue, done, and due in 2027H1, requests answered in time, late and
never, a closed request with a rating comment, the unit's feedback.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from accounts.models import Role
from archives import services as archive_services
from plans import services as plan_services
from plans.models import PlanVersion
from reports.models import FeedbackQuestion, FeedbackScore, UnitFeedback
from reports.periods import Period
from tests.factories import (
    SECTION_TEXT,
    ActivityFactory,
    RequestFactory,
    UnitFactory,
    UserFactory,
    assign,
    two_served_units,
)

H1, H2 = Period(2026, 1), Period(2026, 2)
D = datetime.date
TODAY = D(2026, 12, 10)


def at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """A moment of a local (Asia/Shanghai) day."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


class Clock:
    """timezone.now frozen at a moment the test chooses (timezone.localdate reads it too)."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch

    def set(self, moment: datetime.datetime | datetime.date) -> None:
        if not isinstance(moment, datetime.datetime):
            moment = at(moment)
        self.monkeypatch.setattr(timezone, "now", lambda: moment)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    frozen = Clock(monkeypatch)
    frozen.set(TODAY)
    return frozen


@pytest.fixture
def world(db, users, outsiders, unit, clock) -> SimpleNamespace:
    """The teams and their logins, with no records yet."""
    served = two_served_units(users[Role.TEAM_MEMBER], unit)
    w = SimpleNamespace(**served)
    w.unit = unit
    w.bureau = users[Role.BUREAU]
    w.officer = users[Role.OFFICER]
    w.leader = users[Role.TEAM_MEMBER]  # tom
    w.leader_person = served["leader"]
    w.expert = users[Role.EXPERT]
    w.contact = users[Role.UNIT_CONTACT]
    w.outsiders = outsiders
    w.member = UserFactory(username="mia", team_member=True)
    core = w.team.memberships.filter(role="core").order_by("pk").first().person
    core.user = w.member
    core.save()
    w.second = UnitFactory(name="西湖二号实验室")
    assign(w.second, w.team)
    return w


def viewers(w: SimpleNamespace) -> dict:
    """Everyone by the name the access tables use."""
    return {
        "bureau": w.bureau,
        "officer": w.officer,
        "leader": w.leader,
        "member": w.member,
        "member_other": w.tina,
        "expert": w.expert,
        "contact": w.contact,
    }


def plan_with_measures(unit, measures):
    """An approved plan of `unit` with `measures` ((area, content, due_on) each), in their order."""
    plan = plan_services.plan_start(actor=None, unit=unit)
    # Started in March 2025, so that measures may fall due before the frozen today.
    PlanVersion.objects.filter(pk=plan.working_id).update(created_at=at(D(2025, 3, 20)))
    plan.working.refresh_from_db()
    version = plan_services.plan_sections_save(actor=None, version=plan.working, revision=0, **SECTION_TEXT)
    made = [
        plan_services.measure_save(actor=None, version=version, area=area, content=content, due_on=due_on)
        for area, content, due_on in measures
    ]
    plan_services.plan_submit(actor=None, version=version)
    plan_services.plan_approve(actor=None, version=version)
    return made


def h2_records(w: SimpleNamespace) -> SimpleNamespace:
    """西湖团队's records of 2026H2 (and one of H1), as the module's doc says."""
    leader = w.leader
    r = SimpleNamespace()
    r.h1_visit = ActivityFactory(unit=w.unit, date=D(2026, 6, 30), kind="visit", actor=leader, outcome="上半年成果")
    r.visit = ActivityFactory(
        unit=w.unit, date=D(2026, 9, 15), kind="visit", actor=leader, summary="走访了解专利布局", outcome="明确布局方向"
    )
    r.consultation = ActivityFactory(unit=w.second, date=D(2026, 10, 20), kind="consultation", actor=leader)
    r.briefing = ActivityFactory(
        unit=w.second, date=D(2026, 11, 5), kind="briefing", actor=leader, outcome="覆盖研发人员\n共四十人"
    )
    r.m_overdue, r.m_done, r.m_next1, r.m_next2, r.m_next3 = plan_with_measures(
        w.unit,
        [
            ("management_system", "推进贯标认证", D(2026, 10, 31)),
            ("policy_law", "宣讲专利法新规", D(2026, 11, 15)),
            ("policy_law", "举办政策培训", D(2027, 3, 31)),
            ("protection", "建立海外维权预案", D(2027, 5, 31)),
            ("policy_law", "解读数据知识产权新规", D(2027, 4, 30)),
        ],
    )
    plan_services.measure_progress(actor=leader, measure=r.m_done, date=D(2026, 11, 10), text="已完成", status="done")
    # Requests: answered in time, answered late, never answered (past due on 10 December).
    r.in_time = RequestFactory(unit=w.unit, kind="consultation", title="商标续展咨询", submitted_at=at(D(2026, 9, 1)))
    archive_services.request_reply(actor=leader, request=r.in_time, text="已答复。", at=at(D(2026, 9, 2)))
    r.late = RequestFactory(unit=w.unit, kind="consultation", title="专利无效咨询", submitted_at=at(D(2026, 9, 7)))
    archive_services.request_reply(actor=leader, request=r.late, text="已答复。", at=at(D(2026, 10, 30)))
    r.open = RequestFactory(unit=w.second, kind="guidance", title="贯标辅导需求", submitted_at=at(D(2026, 11, 2)))
    r.in_time.refresh_from_db()
    archive_services.request_close(actor=r.in_time.raised_by, request=r.in_time, rating=4, comment="答复专业\n很及时")
    question = FeedbackQuestion.objects.order_by("position", "pk").first() or FeedbackQuestion.objects.create(
        text="服务响应是否及时", position=1
    )
    r.feedback = UnitFeedback.objects.create(
        unit=w.unit, team=w.team, period="2026H2", author=w.contact, text="希望增加走访频次。"
    )
    FeedbackScore.objects.create(feedback=r.feedback, question=question, score=4)
    r.question = question
    return r
