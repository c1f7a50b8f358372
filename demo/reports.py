"""The demo programme's review (定期复盘改进): the units' feedback (意见建议) on 2025H1, 2025H2 and 2026H1, a dozen
typical cases (典型案例) flagged across the half years, and the teams' half-year reports — 2025H1 to 2026H1 submitted
and reviewed (one returned with comments, resubmitted, then accepted; a few submitted after their due day), 2026H2 in
draft on the demo's today for the teams that have opened it.

Everything goes through reports/services.py, each step on the day it happened: the feedback is given on a day of its
window (`today`), the reports are drafted, submitted and reviewed at their moments (`now`), so a submitted report
froze its figures as of its half year's end. What a service stamps with the real "now" (created_at, the history rows)
is moved afterwards with bulk updates, as demo/archive does.

Each part is built once: any feedback, typical case or half-year report in the database means that part was built
(or holds real records, to which a demo must never add), and it is left alone.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db.models import Q

from accounts.models import Role, User
from archives.models import Activity, Request
from huhang.models import ProgrammeSettings
from reports import services
from reports.feedback import active_questions, feedback_closes
from reports.models import TeamReport, TypicalCase, UnitFeedback
from reports.periods import Period
from teams.models import Membership, Team

TZ = ZoneInfo("Asia/Shanghai")
DEMO_TODAY = datetime.date(2026, 11, 25)  # as demo/archive: nothing happens after 24 November 2026
REVIEWED = [Period(2025, 1), Period(2025, 2), Period(2026, 1)]
DRAFTING = Period(2026, 2)
FEEDBACK_SHARE = 0.8  # most served units' contacts answer
LATE_TEAMS = 2  # per half year, teams that submit a few days after the due day
DRAFTS = 10  # teams that have opened their 2026H2 report by the demo's today
CASES = {Period(2025, 1): 3, Period(2025, 2): 3, Period(2026, 1): 4, Period(2026, 2): 2}

# --- Words -----------------------------------------------------------------------------------------------------------

PRAISE = [
    "服务团队响应及时，专利布局建议针对性强，帮助我们梳理了核心技术的保护重点。",
    "走访调研扎实，对单位知识产权管理体系建设提出了切实可行的意见。",
    "团队专业水平高，对接沟通顺畅，专利导航成果为研发立项提供了重要参考。",
    "快速预审和优先审查指导及时到位，核心专利的授权周期明显缩短。",
    "政策宣讲解读清楚，科研人员的知识产权意识明显提高。",
    "海外维权指导专业，帮助我们建立了出口产品的知识产权风险预警机制。",
    "服务细致周到，知识产权质押融资对接取得实效。",
    "分析评议工作扎实，为重大项目的技术路线选择提供了有力支撑。",
]
SUGGESTIONS = [
    "希望增加面向研发人员的专利挖掘培训频次。",
    "建议围绕海外布局和PCT申请开展一次专题会商。",
    "希望多组织同行业典型案例的交流分享。",
    "建议加强与市场监管部门的协同，进一步提高维权效率。",
    "希望在成果转化和专利许可运营方面给予更多指导。",
    "建议定期推送本技术领域的专利预警信息。",
]
CRITICAL = [
    "本半年度上门走访次数偏少，部分需求答复时间较长，希望加强常态化对接。",
    "服务内容与单位实际需求结合不够紧密，建议先深入调研再制定服务举措。",
    "需求办理进度反馈不及时，希望明确专人对接并及时告知办理情况。",
    "培训内容偏重政策介绍，实操性不足，建议结合具体案例讲解。",
]
WHY = {
    Activity.Kind.VISIT: "深入研发一线摸清需求，走访调研方法可复制推广。",
    Activity.Kind.CONSULTATION: "专题会商集中解决了单位的关键知识产权问题，成效明显。",
    Activity.Kind.MATCHMAKING: "撮合对接促成知识产权转化运用，具有示范意义。",
    Activity.Kind.TRAINING: "培训针对性、实操性强，单位反响良好。",
    Activity.Kind.BRIEFING: "政策解读与单位实际结合紧密，推动政策红利落地。",
}
WHY_REQUEST = "快速响应单位需求，在时限内办结并取得实效，单位评价满意。"
OPENINGS = [
    "本半年度，团队坚持“一单位一团队一方案”，对照服务举措清单逐项推进，常态化开展走访对接。",
    "本半年度，团队围绕服务对象的主要需求，统筹组长、骨干和领域专家力量，聚焦高价值专利培育和风险防控开展服务。",
    "本半年度，团队以服务方案为主线，结合单位研发进度开展专题会商和政策宣讲，及时回应单位需求。",
]
RETURN_COMMENT = "请补充典型案例的具体成效（如专利授权、转化金额等数据），并细化下半年工作重点的时间安排后重新报送。"
RESUBMIT_CASES = (
    "补充说明：上述案例中，团队协助单位完成3件核心专利的优先审查，平均授权周期缩短约8个月；"
    "促成1项专利许可，许可金额120万元。"
)
RESUBMIT_FOCUS = (
    "时间安排：3月底前完成各单位服务方案年度评估，5月底前完成专利导航项目中期检查，6月中旬开展一次典型案例交流。"
)
ACCEPT_COMMENTS = ["", "", "同意。", "工作扎实，请继续做好典型案例总结。", "请在下半年进一步加强常态化对接。"]


def build_reports(*, rng: random.Random, bureau: User) -> None:
    stamps = Stamps()
    _feedback(rng, stamps)
    _typical_cases(rng, bureau, stamps)
    _team_reports(rng, bureau, stamps)
    stamps.apply()


@dataclass
class Stamps:
    """The moments the steps happened, written over the services' real "now" at the end."""

    feedback: dict[int, datetime.datetime] = field(default_factory=dict)
    cases: dict[int, datetime.datetime] = field(default_factory=dict)
    reports: dict[int, list[datetime.datetime]] = field(default_factory=lambda: defaultdict(list))

    def apply(self) -> None:
        UnitFeedback.objects.bulk_update(
            [UnitFeedback(pk=pk, created_at=at, updated_at=at) for pk, at in self.feedback.items()],
            ["created_at", "updated_at"],
            batch_size=500,
        )
        TypicalCase.objects.bulk_update(
            [TypicalCase(pk=pk, created_at=at, updated_at=at) for pk, at in self.cases.items()],
            ["created_at", "updated_at"],
            batch_size=500,
        )
        _history(TypicalCase, {pk: [at] for pk, at in self.cases.items()})
        TeamReport.objects.bulk_update(
            [TeamReport(pk=pk, created_at=moments[0], updated_at=moments[-1]) for pk, moments in self.reports.items()],
            ["created_at", "updated_at"],
            batch_size=500,
        )
        _history(TeamReport, self.reports)


def _history(model, moments: dict[int, list[datetime.datetime]]) -> None:
    """Each save wrote one history row, in order: row n gets the moment of step n."""
    historical = model.history.model
    rows = defaultdict(list)
    for record_id, history_id in (
        historical.objects.filter(id__in=list(moments)).order_by("id", "history_id").values_list("id", "history_id")
    ):
        rows[record_id].append(history_id)
    dated = [
        historical(history_id=history_id, history_date=at)
        for record_id, history_ids in rows.items()
        for history_id, at in zip(history_ids, moments[record_id], strict=False)
    ]
    historical.objects.bulk_update(dated, ["history_date"], batch_size=500)


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    """A moment of office hours on `day`."""
    return datetime.datetime.combine(day, datetime.time(rng.randint(9, 17), rng.randint(0, 59)), tzinfo=TZ)


def _working_day(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


# --- The units' feedback ---------------------------------------------------------------------------------------------


def _feedback(rng: random.Random, stamps: Stamps) -> None:
    """Most served units' contacts rate their team on each point asked: mostly 4–5, a few 2–3 with a critical
    comment. A unit is asked through the login of its contact (the `unit` demo login for its unit); a unit without
    one is skipped, as is a unit no team served on the day."""
    if UnitFeedback.objects.exists():
        return
    questions = list(active_questions().values_list("pk", flat=True))
    if not questions:
        return
    due_days = ProgrammeSettings.current().report_due_days
    contacts: dict[int, User] = {}
    for user in User.objects.filter(role=Role.UNIT_CONTACT, is_active=True, unit__isnull=False).order_by("username"):
        if user.username == "unit" or user.unit_id not in contacts:
            contacts[user.unit_id] = user  # the demo login speaks for its unit
    showcase = User.objects.filter(username="unit").values_list("unit_id", flat=True).first()
    for period in REVIEWED:
        opens, closes = period.feedback_opens, min(feedback_closes(period, due_days=due_days), DEMO_TODAY)
        for unit_id, user in sorted(contacts.items()):
            if unit_id != showcase and rng.random() > FEEDBACK_SHARE:
                continue
            day = _working_day(opens + datetime.timedelta(days=rng.randint(0, (closes - opens).days - 3)))
            scores, text = _rating(rng, questions)
            try:
                given = services.feedback_give(actor=user, period=period, scores=scores, text=text, today=day)
            except ValidationError as refused:
                if refused.code == "no_team":  # served later, or no longer
                    continue
                raise
            stamps.feedback[given.pk] = _at(day, rng)


def _rating(rng: random.Random, questions: list[int]) -> tuple[dict[int, int], str]:
    mood = rng.random()
    if mood < 0.78:  # satisfied
        scores = {q: rng.choice([5, 5, 5, 4, 4]) for q in questions}
        text = rng.choice(
            [rng.choice(PRAISE), rng.choice(PRAISE) + rng.choice(SUGGESTIONS), rng.choice(SUGGESTIONS), ""]
        )
    elif mood < 0.93:  # mostly satisfied, with a wish
        scores = {q: rng.choice([5, 4, 4, 3]) for q in questions}
        text = rng.choice([rng.choice(SUGGESTIONS), rng.choice(PRAISE) + rng.choice(SUGGESTIONS), ""])
    else:  # critical: at least one point at 2 or 3
        scores = {q: rng.choice([2, 3, 3, 4]) for q in questions}
        scores[rng.choice(questions)] = rng.choice([2, 3])
        text = rng.choice(CRITICAL)
    return scores, text


# --- Typical cases ---------------------------------------------------------------------------------------------------


def _typical_cases(rng: random.Random, bureau: User, stamps: Stamps) -> None:
    """A dozen typical cases across the half years: substantial activities with an outcome and requests closed
    with full marks, each flagged by its team's leader (a few by the bureau) a few days after it happened. The demo
    leader's team has one in each of the reviewed half years."""
    if TypicalCase.objects.exists():
        return
    leaders = _leaders()
    showcase = Team.objects.filter(memberships__person__user__username="leader").values_list("pk", flat=True).first()
    for period, count in CASES.items():
        last = min(period.end, DEMO_TODAY - datetime.timedelta(days=7))
        activities = list(
            Activity.objects.filter(
                date__gte=period.start,
                date__lte=last,
                kind__in=list(WHY),
                team__isnull=False,
            )
            .exclude(outcome="")
            .order_by("date", "pk")
        )
        requests = list(
            Request.objects.filter(
                received_on__gte=period.start, received_on__lte=last, rating=5, team__isnull=False
            ).order_by("received_on", "pk")
        )
        chosen: list[Activity | Request] = []
        own = [a for a in activities if a.team_id == showcase]
        if own and period in REVIEWED:
            chosen.append(rng.choice(own))
        if requests:
            chosen.append(rng.choice(requests))
        others = [a for a in activities if a.team_id not in {c.team_id for c in chosen}]
        chosen += rng.sample(others, min(len(others), count - len(chosen)))
        for index, record in enumerate(chosen[:count]):
            is_activity = isinstance(record, Activity)
            happened = record.date if is_activity else record.received_on
            actor = bureau if index == count - 1 and period in REVIEWED else leaders.get(record.team_id, bureau)
            case = services.case_flag(
                actor=actor,
                **({"activity": record} if is_activity else {"request": record}),
                why=WHY[record.kind] if is_activity else WHY_REQUEST,
            )
            flagged = min(happened + datetime.timedelta(days=rng.randint(2, 10)), DEMO_TODAY - datetime.timedelta(1))
            stamps.cases[case.pk] = _at(flagged, rng)


def _leaders() -> dict[int, User]:
    return {
        membership.team_id: membership.person.user
        for membership in Membership.objects.filter(role=Membership.Role.LEADER, person__user__isnull=False)
        .select_related("person__user")
        .order_by("team_id")
    }


# --- Half-year reports -----------------------------------------------------------------------------------------------


def _teams_serving(period: Period) -> list[Team]:
    """The teams that served a unit at some time in the half year (up to the demo's today)."""
    last = min(period.end, DEMO_TODAY)
    during = Q(assignments__start__lte=last) & (
        Q(assignments__end__isnull=True) | Q(assignments__end__gte=period.start)
    )
    return list(Team.objects.filter(during).distinct().order_by("name"))


def _team_reports(rng: random.Random, bureau: User, stamps: Stamps) -> None:
    """Every team that served in a half year reports on it: drafted from the period's records a few days before it
    is submitted, opened with a paragraph of the team's own, submitted by the leader mostly before the due day
    (a few teams after it), accepted by the bureau a few working days later. The demo leader's team has its 2025H2
    report returned with comments, resubmitted and accepted. Every team serving now has its 2026H2 draft."""
    if TeamReport.objects.exists():
        return
    leaders = _leaders()
    due_days = ProgrammeSettings.current().report_due_days
    showcase = Team.objects.filter(memberships__person__user__username="leader").values_list("pk", flat=True).first()
    for period in REVIEWED:
        teams = _teams_serving(period)
        due = period.due_on(due_days)
        late = {team.pk for team in rng.sample(teams, min(LATE_TEAMS, len(teams)))} - {showcase}
        for team in teams:
            leader = leaders.get(team.pk)
            if leader is None:
                continue
            submitted_on = due + datetime.timedelta(days=rng.randint(1, 4) if team.pk in late else -rng.randint(1, 9))
            submitted = _at(_working_day(submitted_on), rng)
            drafted = submitted - datetime.timedelta(days=rng.randint(2, 6), hours=rng.randint(0, 3))
            moments = stamps.reports
            report = services.team_report_for(team=team, period=period, now=drafted)
            moments[report.pk].append(drafted)
            report = services.team_report_save(
                actor=leader,
                report=report,
                revision=report.revision,
                work_done=rng.choice(OPENINGS) + "\n\n" + report.work_done,
            )
            moments[report.pk].append(drafted + datetime.timedelta(hours=2))
            report = services.team_report_submit(actor=leader, report=report, now=submitted)
            moments[report.pk].append(submitted)
            reviewed = _at(_working_day(submitted.date() + datetime.timedelta(days=rng.randint(2, 6))), rng)
            if team.pk == showcase and period == Period(2025, 2):
                report = services.team_report_return(actor=bureau, report=report, comment=RETURN_COMMENT, now=reviewed)
                moments[report.pk].append(reviewed)
                edited = reviewed + datetime.timedelta(days=1)
                report = services.team_report_save(
                    actor=leader,
                    report=report,
                    revision=report.revision,
                    typical_cases=report.typical_cases + "\n\n" + RESUBMIT_CASES,
                    next_focus=report.next_focus + "\n\n" + RESUBMIT_FOCUS,
                )
                moments[report.pk].append(edited)
                resubmitted = edited + datetime.timedelta(hours=3)
                report = services.team_report_submit(actor=leader, report=report, now=resubmitted)
                moments[report.pk].append(resubmitted)
                reviewed = _at(_working_day(resubmitted.date() + datetime.timedelta(days=3)), rng)
            report = services.team_report_accept(
                actor=bureau, report=report, comment=rng.choice(ACCEPT_COMMENTS), now=reviewed
            )
            moments[report.pk].append(reviewed)
    # The 2026H2 report is due in January: the teams that have opened it so far have their draft (the others get
    # theirs on their first visit), the demo leader's with a first paragraph of its own.
    serving = list(Team.objects.filter(assignments__end__isnull=True).distinct().order_by("name"))
    opened = [team for team in serving if team.pk == showcase]
    opened += rng.sample([team for team in serving if team.pk != showcase], min(DRAFTS - 1, len(serving) - 1))
    for team in opened:
        drafted = _at(DEMO_TODAY - datetime.timedelta(days=rng.randint(1, 20)), rng)
        report = services.team_report_for(team=team, period=DRAFTING, now=drafted)
        stamps.reports[report.pk].append(drafted)
        if team.pk == showcase and team.pk in leaders:
            report = services.team_report_save(
                actor=leaders[team.pk],
                report=report,
                revision=report.revision,
                work_done=OPENINGS[0] + "\n\n" + report.work_done,
            )
            stamps.reports[report.pk].append(drafted + datetime.timedelta(hours=1))
