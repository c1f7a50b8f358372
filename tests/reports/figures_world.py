"""A hand-built programme for the figures, scorecard and document tests (tests/reports/test_figures.py and its
neighbours): every record made through the apps' services, dated where the services take a date and backdated with
one UPDATE where they stamp "now" (plan events, the close of a request).

The world, for the half year 2026H1 seen on 10 July 2026 (as_of 30 June):

- U1 西湖光电实验室 (杭州 西湖区, key lab): 甲队 since 2025-03-15; plan approved 2025-04-10 (on time) with m1–m5;
  activities a3 (02-10), a1 (06-30), a2 (07-01); requests r2, r6, r1, r5.
- U2 海曙新材料大学 (宁波 海曙区, university): 甲队 since 2025-03-15; plan returned 2026-01-10, approved 2026-01-20
  (late) with m6; an activity on 03-01; requests r3, r4.
- U3 上城芯片科技 (杭州 上城区, little giant): 甲队 2025-03-15 → 2026-03-01, then 乙队; no plan, no activity;
  request r7 (乙队's).
- U4 鹿城装备集团 (温州 鹿城区, leading firm): 乙队 since 2025-03-15; removed from the list 2026-05-01; nothing else.
- U5 西湖生物实验室 (杭州 西湖区, key lab): no team; the bureau's training on 05-05.

Measures (all due in 2026H1 unless said): m1 policy_law due 03-31 done 03-20; m2 protection due 06-30 done 07-01;
m3 management_system due 05-31 in progress; m4 policy_law due 04-30 cancelled; m5 commercialisation due 08-01;
m6 (U2) portfolio_layout due 06-15 not started.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from unittest import mock

from django.utils import timezone

from archives import services as archive_services
from archives.services import Advance
from plans import services as plan_services
from plans.models import PlanEvent, PlanVersion
from reports.models import FeedbackQuestion, FeedbackScore, TypicalCase, UnitFeedback
from reports.periods import Period
from teams.services import unit_assign_team
from tests.factories import (
    SECTION_TEXT,
    ActivityFactory,
    RequestFactory,
    UnitFactory,
    UserFactory,
    assign,
    division,
    team_led_by,
)
from units.models import ListingEvent, Unit
from units.services import unit_remove

PERIOD = Period(2026, 1)
TODAY = datetime.date(2026, 7, 10)  # the report is written after the half year: as_of is 30 June
SELECTED_ON = datetime.date(2025, 1, 10)
SERVED_FROM = datetime.date(2025, 3, 15)
D = datetime.date


def at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """A moment of a local (Asia/Shanghai) day."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def listed_unit(name: str, code: str, category: str) -> Unit:
    unit = UnitFactory(name=name, division=division(code), category=category)
    ListingEvent.objects.create(unit=unit, kind=ListingEvent.Kind.SELECTED, date=SELECTED_ON, batch="2025年第一批")
    return unit


def plan_in_force(unit: Unit, measures, *, approved_on: datetime.date, returned_on: datetime.date | None = None):
    """An approved plan whose version was started on 2025-03-20, with `measures` ((area, content, due_on) each);
    the approval (and a return before it) dated as given. Returns the measures in their order."""
    plan = plan_services.plan_start(actor=None, unit=unit)
    version = plan.working
    PlanVersion.objects.filter(pk=version.pk).update(created_at=at(D(2025, 3, 20)))
    version.refresh_from_db()
    version = plan_services.plan_sections_save(actor=None, version=version, revision=0, **SECTION_TEXT)
    made = [
        plan_services.measure_save(actor=None, version=version, area=area, content=content, due_on=due_on)
        for area, content, due_on in measures
    ]
    plan_services.plan_submit(actor=None, version=version)
    if returned_on:
        plan_services.plan_return(actor=None, version=version, comment="请补充举措的完成时限。")
        PlanEvent.objects.filter(plan=plan, action=PlanEvent.Action.RETURNED).update(created_at=at(returned_on))
        plan_services.plan_submit(actor=None, version=version)
    plan_services.plan_approve(actor=None, version=version)
    PlanEvent.objects.filter(plan=plan, action=PlanEvent.Action.APPROVED).update(created_at=at(approved_on))
    PlanEvent.objects.filter(plan=plan, action__in=["started", "submitted"]).update(created_at=at(D(2025, 3, 20)))
    return made


def close(request, day: datetime.date, rating: int, *, hour: int = 10, minute: int = 0):
    """The unit's contact closes `request` at that local moment (request_close stamps now)."""
    with mock.patch("django.utils.timezone.now", return_value=at(day, hour, minute)):
        return archive_services.request_close(actor=request.raised_by, request=request, rating=rating)


def make_request(unit, kind, submitted, *, member, accepted=None, answered=None):
    request = RequestFactory(unit=unit, kind=kind, submitted_at=submitted)
    if accepted:
        archive_services.request_accept(actor=member, request=request, at=accepted)
    if answered:
        archive_services.request_reply(actor=member, request=request, text="已答复。", at=answered)
    request.refresh_from_db()
    return request


def feedback(unit, team, period: str, scores: dict, text: str = "") -> UnitFeedback:
    author = unit.contact_users.first() or UserFactory(unit_contact=True, unit=unit)
    given = UnitFeedback.objects.create(unit=unit, team=team, period=period, author=author, text=text)
    FeedbackScore.objects.bulk_create(FeedbackScore(feedback=given, question=q, score=s) for q, s in scores.items())
    return given


def questions() -> list[FeedbackQuestion]:
    """The migration's four points; the fourth no longer asked (and never answered)."""
    if not FeedbackQuestion.objects.exists():
        FeedbackQuestion.objects.bulk_create(
            FeedbackQuestion(text=text, position=i)
            for i, text in enumerate(
                ["服务响应是否及时", "服务人员是否专业", "服务是否解决了实际问题", "对接沟通是否顺畅"], 1
            )
        )
    found = list(FeedbackQuestion.objects.order_by("position", "pk"))
    FeedbackQuestion.objects.filter(pk=found[3].pk).update(is_active=False)
    return found


def build_world() -> SimpleNamespace:
    w = SimpleNamespace()
    w.leader = UserFactory(username="jia_leader", team_member=True)
    w.yi_leader = UserFactory(username="yi_leader", team_member=True)
    w.t1 = team_led_by(w.leader, "甲队")
    w.t2 = team_led_by(w.yi_leader, "乙队")
    member = w.leader

    w.u1 = listed_unit("西湖光电实验室", "330106", Unit.Category.KEY_LAB)
    w.u2 = listed_unit("海曙新材料大学", "330203", Unit.Category.UNIVERSITY)
    w.u3 = listed_unit("上城芯片科技", "330102", Unit.Category.LITTLE_GIANT)
    w.u4 = listed_unit("鹿城装备集团", "330302", Unit.Category.LEADING_ENTERPRISE)
    w.u5 = listed_unit("西湖生物实验室", "330106", Unit.Category.KEY_LAB)
    for unit in (w.u1, w.u2, w.u3):
        assign(unit, w.t1, SERVED_FROM)
    assign(w.u4, w.t2, SERVED_FROM)
    unit_remove(actor=None, unit=w.u4, date=D(2026, 5, 1), reason="单位申请退出")

    m = plan_in_force(
        w.u1,
        [
            ("policy_law", "宣讲专利法新规", D(2026, 3, 31)),
            ("protection", "建立海外维权预案", D(2026, 6, 30)),
            ("management_system", "推进贯标认证", D(2026, 5, 31)),
            ("policy_law", "举办政策培训", D(2026, 4, 30)),
            ("commercialisation", "专利许可对接", D(2026, 8, 1)),
        ],
        approved_on=D(2025, 4, 10),
    )
    w.m1, w.m2, w.m3, w.m4, w.m5 = m
    (w.m6,) = plan_in_force(
        w.u2,
        [("portfolio_layout", "高价值专利培育", D(2026, 6, 15))],
        approved_on=D(2026, 1, 20),
        returned_on=D(2026, 1, 10),
    )

    # Activities: 甲队's for U1 and U2; one for U5, which no team serves (the bureau's own visit).
    w.a3 = ActivityFactory(
        unit=w.u1,
        date=D(2026, 2, 10),
        kind="briefing",
        actor=member,
        advances=[Advance(w.m1, "宣讲专利法新规"), Advance(w.m3, "启动贯标")],
    )
    w.a_u2 = ActivityFactory(unit=w.u2, date=D(2026, 3, 1), kind="routine_contact", actor=member)
    w.a1 = ActivityFactory(
        unit=w.u1, date=D(2026, 6, 30), kind="visit", actor=member, advances=[Advance(w.m1, "回访政策落实")]
    )
    w.a2 = ActivityFactory(unit=w.u1, date=D(2026, 7, 1), kind="visit", actor=member)
    w.a_u5 = ActivityFactory(unit=w.u5, date=D(2026, 5, 5), kind="training")
    plan_services.measure_progress(actor=member, measure=w.m1, date=D(2026, 3, 20), text="已完成", status="done")
    plan_services.measure_progress(actor=member, measure=w.m2, date=D(2026, 7, 1), text="已完成", status="done")
    plan_services.measure_progress(actor=member, measure=w.m3, date=D(2026, 4, 1), text="推进中", status="in_progress")
    plan_services.measure_progress(actor=member, measure=w.m4, date=D(2026, 4, 1), text="取消", status="cancelled")

    # Requests of 甲队 (U1, U2).
    w.r2 = make_request(
        w.u1, "patent_navigation", at(D(2026, 3, 2)), member=member, accepted=at(D(2026, 3, 5)),
        answered=at(D(2026, 3, 10)),
    )  # fmt: skip
    w.r2 = close(w.r2, D(2026, 3, 12), 2)
    w.r6 = make_request(w.u1, "guidance", at(D(2026, 4, 1)), member=member, accepted=at(D(2026, 4, 1), 11))
    w.referral = archive_services.request_refer(
        actor=member,
        request=w.r6,
        referred_on=D(2026, 4, 3),
        department="浙江省市场监督管理局",
        contact="张科长",
        at=at(D(2026, 4, 3)),
    )
    archive_services.referral_reply_record(
        actor=member, referral=w.referral, reply="已安排专人对接。", replied_on=D(2026, 4, 10)
    )
    w.r6 = close(w.r6, D(2026, 4, 15), 4)
    w.r3 = make_request(w.u2, "consultation", at(D(2026, 5, 6)), member=member)  # never accepted
    w.r4 = make_request(w.u2, "enforcement", at(D(2026, 6, 29)), member=member, accepted=at(D(2026, 6, 29), 11))
    w.r1 = make_request(
        w.u1, "consultation", at(D(2026, 6, 30)), member=member, accepted=at(D(2026, 6, 30), 11),
        answered=at(D(2026, 6, 30), 15),
    )  # fmt: skip
    w.r1 = close(w.r1, D(2026, 7, 1), 5, hour=0, minute=30)  # 30 June 16:30 UTC: 1 July in Zhejiang
    w.r5 = make_request(w.u1, "consultation", at(D(2026, 7, 1)), member=member)

    # 乙队 took U3 over on 1 March.
    unit_assign_team(actor=None, unit=w.u3, team=w.t2, start=D(2026, 3, 1))
    w.r7 = make_request(
        w.u3, "consultation", at(D(2026, 4, 20)), member=w.yi_leader, accepted=at(D(2026, 4, 20), 11),
        answered=at(D(2026, 4, 21)),
    )  # fmt: skip

    # The units' feedback and a typical case.
    w.questions = q = questions()
    w.fb1 = feedback(w.u1, w.t1, "2026H1", {q[0]: 5, q[1]: 4}, text="响应及时，建议增加培训。")
    w.fb2 = feedback(w.u2, w.t1, "2026H1", {q[0]: 3, q[1]: 2}, text="希望加强走访频次。")
    w.fb_old = feedback(w.u1, w.t1, "2025H2", {q[0]: 1})
    w.case = TypicalCase.objects.create(
        activity=w.a3, team=w.t1, unit=w.u1, period="2026H1", why="政策宣讲覆盖全员", flagged_by=member
    )
    return w


def grow(team, n: int, *, start: int = 0) -> None:
    """`n` more units served by `team`, each with an approved plan, an activity, a request and a typical case:
    the same figures' queries must not grow with them."""
    leader = team.memberships.get(role="leader").person.user
    for i in range(start, start + n):
        unit = listed_unit(f"扩展单位{i:03d}", "330108", Unit.Category.OTHER)
        assign(unit, team, SERVED_FROM)
        (measure,) = plan_in_force(unit, [("protection", "维权预案", D(2026, 5, 1))], approved_on=D(2025, 4, 20))
        activity = ActivityFactory(
            unit=unit, date=D(2026, 4, 1), kind="consultation", actor=leader, advances=[Advance(measure, "推进")]
        )
        request = make_request(unit, "guidance", at(D(2026, 4, 2)), member=leader, accepted=at(D(2026, 4, 2), 11))
        archive_services.request_reply(actor=leader, request=request, text="已答复。", at=at(D(2026, 4, 3)))
        close(request, D(2026, 4, 8), 3)
        TypicalCase.objects.create(activity=activity, team=team, unit=unit, period="2026H1", flagged_by=leader)
        feedback(unit, team, "2026H1", {FeedbackQuestion.objects.order_by("position").first(): 4})
