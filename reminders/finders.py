"""The rules that find what to remind of (issue 12, "What is reminded, and to whom"), one line each. N is a programme
setting (ProgrammeSettings.remind_*); "the team" is the active logins of the leader and core members of the team
serving the unit now (its open assignment, whose scope opens the record); "the bureau" is the active bureau logins.

- REQUEST_RAISED: a request raised in the last 7 days → the team, not the member who logged it for the unit.
- REQUEST_DUE_SOON: a request's accept or answer limit within N working hours → the team.
- REQUEST_MISSED: an accept or answer limit passed in the last 7 days, its clock still running → the team, the bureau.
- REQUEST_ANSWERED: a request first answered in the last 7 days → the unit's contact logins.
- REQUEST_REFERRED: a referral to a city's or county's IP department in the last 7 days → the officers covering it.
- EXPERT_INVITED: an expert invited to an open request or to an activity of the last 30 days → that expert, once.
- PLAN_DUE_SOON: a plan never approved (or not started by a served unit), due within N days → the team.
- PLAN_OVERDUE: a plan never approved (or not started by a served unit), past its due date → the team, the bureau.
- PLAN_RETURNED, PLAN_APPROVED: a plan returned, approved in the last 7 days → the team.
- MEASURE_DUE_SOON, MEASURE_OVERDUE: an open measure of a plan in force due within N days, past due → owner, leader.
- REPORT_DUE_SOON: a half-year report not delivered, due within N days → each team that served in the half year.
- REPORT_OVERDUE: a half-year report not delivered, past due for up to 30 days → the team, the bureau.
- REPORT_RETURNED: a half-year report returned in the last 7 days → the team.
- FEEDBACK_OPEN: the units' feedback on a half year is asked → each listed, served unit's contacts yet to give it.
- NO_CONTACT: a listed unit's last contact more than N days ago → the team leader; a new contact, a new count.

RULES_IN_WORDS (and rules_in_words, with the numbers set) says the same per kind in the bureau's language, for the
pages that explain the reminders. Every finder reads in a constant number of queries, leaves out the occasions
stored already (an anti-join on Reminder) and returns `Occasion`s whose titles name the unit (or the team) and what
is due when, never a person's details: they go by e-mail and to DingTalk groups. Links are to pages every
recipient's scope opens: a measure's owner outside the serving team (an expert) is left out, as the plan is not in
their scope; the last contact is the later of the unit's latest activity and the start of its team's assignment.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import cached_property

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, Expression, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat, Greatest
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from archives.models import Activity, Referral, Request
from huhang.models import ProgrammeSettings
from huhang.workdays import limits_reminded_by
from plans.deadlines import due_on_rule
from plans.models import Measure, Plan, PlanEvent
from reminders.kinds import Kind
from reminders.models import Reminder
from reminders.occasions import Occasion
from reports.feedback import feedback_closes, open_period
from reports.models import ReportEvent, TeamReport, UnitFeedback
from reports.periods import FIRST_PERIOD, Period, periods_between
from teams.models import Assignment, Membership, Team
from units.models import Unit

# Events are reminded of for this long after they happen: the beat finds them within minutes, so the window only
# keeps a fresh deployment on old data (or a finder stopped for a while) from telling people about last year.
EVENT_WINDOW = datetime.timedelta(days=7)
# Activities an expert is invited to are reminded of while they are this recent (the invitation itself is undated).
INVITED_ACTIVITY_DAYS = 30
# A half-year report is reminded of as past due only this long after its due date.
REPORT_OVERDUE_DAYS = 30

OPEN_REQUEST = ~Q(status__in=[Request.Status.CLOSED, Request.Status.REFERRED])
OPEN_MEASURE = ~Q(status__in=[Measure.Status.DONE, Measure.Status.CANCELLED])
DELIVERED_REPORT = (TeamReport.Status.SUBMITTED, TeamReport.Status.ACCEPTED)


class Finding:
    """One cycle's clock, settings and recipients, each read once (lazily) whatever the number of rules run."""

    def __init__(self, now: datetime.datetime) -> None:
        self.now = now
        self.today = timezone.localdate(now)
        self.settings = ProgrammeSettings.current()

    @property
    def window_start(self) -> datetime.datetime:
        return self.now - EVENT_WINDOW

    @cached_property
    def _seats(self) -> list[tuple[int, int, str]]:
        return list(
            Membership.objects.filter(person__user__isnull=False, person__user__is_active=True).values_list(
                "team_id", "person__user_id", "role"
            )
        )

    @cached_property
    def team_users(self) -> dict[int, frozenset[int]]:
        """Team id → the active logins of its leader and core members."""
        users: dict[int, set[int]] = defaultdict(set)
        for team_id, user_id, _role in self._seats:
            users[team_id].add(user_id)
        return {team_id: frozenset(ids) for team_id, ids in users.items()}

    @cached_property
    def team_leaders(self) -> dict[int, frozenset[int]]:
        """Team id → its leader's active login (a set: empty when the leader has none)."""
        leaders: dict[int, set[int]] = defaultdict(set)
        for team_id, user_id, role in self._seats:
            if role == Membership.Role.LEADER:
                leaders[team_id].add(user_id)
        return {team_id: frozenset(ids) for team_id, ids in leaders.items()}

    def team(self, team_id: int | None) -> frozenset[int]:
        return self.team_users.get(team_id, frozenset()) if team_id else frozenset()

    def leader(self, team_id: int | None) -> frozenset[int]:
        return self.team_leaders.get(team_id, frozenset()) if team_id else frozenset()

    @cached_property
    def bureau(self) -> frozenset[int]:
        return frozenset(User.objects.filter(role=Role.BUREAU, is_active=True).values_list("pk", flat=True))


# --- Helpers ------------------------------------------------------------------------------------------------------


def _serving_team(unit: str) -> Subquery:
    """The id of the team serving the unit at `unit` (a path to a unit id from the queried rows) now, or null."""
    return Subquery(Assignment.objects.filter(unit=OuterRef(unit), end__isnull=True).values("team_id")[:1])


def _not_stored(
    rows: QuerySet, kind: str, model: type, *, record: str = "pk", occasion: str | Expression = ""
) -> QuerySet:
    """`rows` without those whose reminder (`kind`, the `model` record at `record`, `occasion`) is stored already."""
    stored = Reminder.objects.filter(
        kind=kind,
        content_type=ContentType.objects.get_for_model(model),
        object_id=OuterRef(record),
        occasion=occasion,
    )
    return rows.filter(~Exists(stored))


def _as_text(field: str) -> Cast:
    """A date of the outer row as the occasion stores it (ISO, as `date.isoformat()` writes it)."""
    return Cast(OuterRef(field), output_field=CharField())


def _day(value: datetime.date | datetime.datetime) -> str:
    """A date (or the day a limit ends) as the portal writes dates: 2026-12-04."""
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value)
    return formats.date_format(value, "DATE_FORMAT")


def _occasion(*, user_ids: Iterable[int], team_id: int | None, **fields) -> list[Occasion]:
    """The occasion, or nothing when nobody would hear of it (no login and no team group)."""
    user_ids = frozenset(user_ids)
    if not user_ids and team_id is None:
        return []
    return [Occasion(user_ids=user_ids, team_id=team_id, **fields)]


def _request_url(request: Request) -> str:
    return reverse("archives:request_detail", kwargs={"uid": request.uid})


def _plan_url(plan: Plan) -> str:
    return reverse("plans:detail", kwargs={"uid": plan.uid})


def _unit_url(unit: Unit) -> str:
    return reverse("units:detail", kwargs={"uid": unit.uid})


def _report_url(team_id: int, period: Period) -> str:
    return reverse("reports:team_report", kwargs={"team_id": team_id, "code": period.code})


def _served_requests(rows: QuerySet[Request]) -> QuerySet[Request]:
    return rows.annotate(serving_team_id=_serving_team("unit")).select_related("unit")


# --- Requests -----------------------------------------------------------------------------------------------------


def requests_raised(finding: Finding) -> list[Occasion]:
    rows = Request.objects.filter(submitted_at__gt=finding.window_start, submitted_at__lte=finding.now)
    rows = _served_requests(_not_stored(rows, Kind.REQUEST_RAISED, Request)).filter(serving_team_id__isnull=False)
    occasions = []
    for request in rows:
        title = _("New request from %(unit)s (%(kind)s): to be accepted by %(date)s") % {
            "unit": request.unit.name,
            "kind": request.get_kind_display(),
            "date": _day(request.accept_due_at),
        }
        occasions += _occasion(
            kind=Kind.REQUEST_RAISED,
            record=request,
            occasion="",
            title=title,
            url=_request_url(request),
            user_ids=finding.team(request.serving_team_id) - {request.raised_by_id},
            team_id=request.serving_team_id,
            due_at=request.accept_due_at,
        )
    return occasions


# The two clocks of a request: (occasion, the field that stops it, the field of its limit).
CLOCKS = (("accept", "accepted_at", "accept_due_at"), ("answer", "answered_at", "answer_due_at"))


def _request_clock_rows(kind: str, clock: tuple[str, str, str], limits: Q) -> QuerySet[Request]:
    occasion, stopped, _due = clock
    rows = Request.objects.filter(OPEN_REQUEST, limits, **{f"{stopped}__isnull": True})
    return _served_requests(_not_stored(rows, kind, Request, occasion=occasion))


def requests_due_soon(finding: Finding) -> list[Occasion]:
    reach = limits_reminded_by(finding.now, finding.settings.remind_request_hours)
    titles = {
        "accept": _("The request of %(unit)s (%(kind)s) is to be accepted by %(date)s"),
        "answer": _("The request of %(unit)s (%(kind)s) is to be answered by %(date)s"),
    }
    occasions = []
    for clock in CLOCKS:
        occasion, _stopped, due = clock
        limits = Q(**{f"{due}__gt": finding.now, f"{due}__lte": reach})
        rows = _request_clock_rows(Kind.REQUEST_DUE_SOON, clock, limits).filter(serving_team_id__isnull=False)
        for request in rows:
            due_at = getattr(request, due)
            occasions += _occasion(
                kind=Kind.REQUEST_DUE_SOON,
                record=request,
                occasion=occasion,
                title=titles[occasion]
                % {"unit": request.unit.name, "kind": request.get_kind_display(), "date": _day(due_at)},
                url=_request_url(request),
                user_ids=finding.team(request.serving_team_id),
                team_id=request.serving_team_id,
                due_at=due_at,
            )
    return occasions


def requests_missed(finding: Finding) -> list[Occasion]:
    titles = {
        "accept": _("The request of %(unit)s (%(kind)s) was not accepted by %(date)s"),
        "answer": _("The request of %(unit)s (%(kind)s) was not answered by %(date)s"),
    }
    occasions = []
    for clock in CLOCKS:
        occasion, _stopped, due = clock
        limits = Q(**{f"{due}__lte": finding.now, f"{due}__gt": finding.window_start})
        for request in _request_clock_rows(Kind.REQUEST_MISSED, clock, limits):
            due_at = getattr(request, due)
            occasions += _occasion(
                kind=Kind.REQUEST_MISSED,
                record=request,
                occasion=occasion,
                title=titles[occasion]
                % {"unit": request.unit.name, "kind": request.get_kind_display(), "date": _day(due_at)},
                url=_request_url(request),
                user_ids=finding.team(request.serving_team_id) | finding.bureau,
                team_id=request.serving_team_id,
                due_at=due_at,
            )
    return occasions


def _unit_contacts(unit_ids: Iterable[int]) -> dict[int, frozenset[int]]:
    """Unit id → the active logins of its contacts: one query."""
    contacts: dict[int, set[int]] = defaultdict(set)
    rows = User.objects.filter(role=Role.UNIT_CONTACT, is_active=True, unit_id__in=set(unit_ids))
    for user_id, unit_id in rows.values_list("pk", "unit_id"):
        contacts[unit_id].add(user_id)
    return {unit_id: frozenset(ids) for unit_id, ids in contacts.items()}


def requests_answered(finding: Finding) -> list[Occasion]:
    rows = Request.objects.filter(answered_at__gt=finding.window_start, answered_at__lte=finding.now)
    rows = list(_not_stored(rows, Kind.REQUEST_ANSWERED, Request).select_related("unit"))
    contacts = _unit_contacts(request.unit_id for request in rows) if rows else {}
    occasions = []
    for request in rows:
        title = _("The request of %(unit)s (%(kind)s) has been answered") % {
            "unit": request.unit.name,
            "kind": request.get_kind_display(),
        }
        occasions += _occasion(
            kind=Kind.REQUEST_ANSWERED,
            record=request,
            occasion="",
            title=title,
            url=_request_url(request),
            user_ids=contacts.get(request.unit_id, frozenset()),
            team_id=None,
        )
    return occasions


def requests_referred(finding: Finding) -> list[Occasion]:
    """To the officers covering the referral's division: archives.selectors.officers_covering's rule (its own and,
    for a county, its city's officers), read for all the referrals in one query."""
    rows = Referral.objects.filter(
        division__isnull=False, created_at__gt=finding.window_start, created_at__lte=finding.now
    )
    rows = list(_not_stored(rows, Kind.REQUEST_REFERRED, Referral).select_related("request__unit", "division"))
    divisions = {referral.division_id for referral in rows} | {referral.division.city_id for referral in rows}
    officers: dict[str, set[int]] = defaultdict(set)
    if rows:
        covering = User.objects.filter(role=Role.OFFICER, is_active=True, division_id__in=divisions - {None})
        for user_id, division_id in covering.values_list("pk", "division_id"):
            officers[division_id].add(user_id)
    occasions = []
    for referral in rows:
        request = referral.request
        title = _("A request of %(unit)s (%(kind)s) has been referred to your department") % {
            "unit": request.unit.name,
            "kind": request.get_kind_display(),
        }
        occasions += _occasion(
            kind=Kind.REQUEST_REFERRED,
            record=referral,
            occasion="",
            title=title,
            url=_request_url(request),
            user_ids=officers[referral.division_id] | officers.get(referral.division.city_id, set()),
            team_id=None,
        )
    return occasions


def experts_invited(finding: Finding) -> list[Occasion]:
    """The invitations carry no date: open requests, and activities of the last INVITED_ACTIVITY_DAYS days."""
    expert = Q(person__user__isnull=False, person__user__is_active=True, person__user__role=Role.EXPERT)
    occasion = Concat(Value("expert:"), Cast(OuterRef("person_id"), output_field=CharField()))
    on_requests = Request.experts.through.objects.filter(expert).exclude(request__status=Request.Status.CLOSED)
    on_requests = _not_stored(on_requests, Kind.EXPERT_INVITED, Request, record="request_id", occasion=occasion)
    since = finding.today - datetime.timedelta(days=INVITED_ACTIVITY_DAYS)
    on_activities = Activity.experts.through.objects.filter(expert, activity__date__gte=since)
    on_activities = _not_stored(on_activities, Kind.EXPERT_INVITED, Activity, record="activity_id", occasion=occasion)
    occasions = []
    for invitation in on_requests.select_related("request__unit", "person"):
        request = invitation.request
        title = _("You are invited to advise on a request of %(unit)s (%(kind)s)") % {
            "unit": request.unit.name,
            "kind": request.get_kind_display(),
        }
        occasions += _occasion(
            kind=Kind.EXPERT_INVITED,
            record=request,
            occasion=f"expert:{invitation.person_id}",
            title=title,
            url=_request_url(request),
            user_ids={invitation.person.user_id},
            team_id=None,
        )
    for invitation in on_activities.select_related("activity__unit", "person"):
        activity = invitation.activity
        title = _("You are invited to an activity with %(unit)s (%(kind)s) on %(date)s") % {
            "unit": activity.unit.name,
            "kind": activity.get_kind_display(),
            "date": _day(activity.date),
        }
        occasions += _occasion(
            kind=Kind.EXPERT_INVITED,
            record=activity,
            occasion=f"expert:{invitation.person_id}",
            title=title,
            url=reverse("archives:activity_detail", kwargs={"uid": activity.uid}),
            user_ids={invitation.person.user_id},
            team_id=None,
        )
    return occasions


# --- Plans and measures -------------------------------------------------------------------------------------------


def _plans_due(finding: Finding, kind: str, due: Q, *, bureau: bool) -> list[Occasion]:
    """The plans never approved whose due date matches `due` (a Q on "due_on"), and the listed, served units that
    have not started theirs (due by plans.deadlines' rule): the occasion is the due date, so a new one reminds again."""
    plans = Plan.objects.filter(due, in_force__isnull=True, unit__is_listed=True).annotate(
        serving_team_id=_serving_team("unit")
    )
    plans = _not_stored(plans, kind, Plan, occasion=_as_text("due_on"))
    # Reminded of the same due date while the unit had no plan yet: starting it is no news.
    plans = _not_stored(plans, kind, Unit, record="unit_id", occasion=_as_text("due_on")).select_related("unit")
    not_started = (
        Unit.objects.filter(is_listed=True, plan__isnull=True)
        .annotate(serving_team_id=_serving_team("pk"))
        .filter(serving_team_id__isnull=False)
        .annotate(due_on=due_on_rule(unit="pk", settings=finding.settings))
        .filter(due)
    )
    not_started = _not_stored(not_started, kind, Unit, occasion=_as_text("due_on"))
    if kind == Kind.PLAN_DUE_SOON:
        title = _("The service plan of %(unit)s is due for approval by %(date)s")
    else:
        title = _("The service plan of %(unit)s was due for approval by %(date)s and is not approved")
    occasions = []
    for record, unit, url in [(plan, plan.unit, _plan_url(plan)) for plan in plans] + [
        (unit, unit, _unit_url(unit)) for unit in not_started
    ]:
        if record.serving_team_id is None and not bureau:
            continue
        occasions += _occasion(
            kind=kind,
            record=record,
            occasion=record.due_on.isoformat(),
            title=title % {"unit": unit.name, "date": _day(record.due_on)},
            url=url,
            user_ids=finding.team(record.serving_team_id) | (finding.bureau if bureau else frozenset()),
            team_id=record.serving_team_id,
            due_at=timezone.make_aware(datetime.datetime.combine(record.due_on, datetime.time.max)),
        )
    return occasions


def plans_due_soon(finding: Finding) -> list[Occasion]:
    last = finding.today + datetime.timedelta(days=finding.settings.remind_plan_days)
    return _plans_due(finding, Kind.PLAN_DUE_SOON, Q(due_on__gte=finding.today, due_on__lte=last), bureau=False)


def plans_overdue(finding: Finding) -> list[Occasion]:
    return _plans_due(finding, Kind.PLAN_OVERDUE, Q(due_on__lt=finding.today), bureau=True)


def _plan_decisions(finding: Finding, kind: str, action: str, title: str) -> list[Occasion]:
    events = PlanEvent.objects.filter(action=action, created_at__gt=finding.window_start, created_at__lte=finding.now)
    events = _not_stored(events, kind, PlanEvent).annotate(serving_team_id=_serving_team("plan__unit"))
    occasions = []
    for event in events.select_related("plan__unit", "version"):
        occasions += _occasion(
            kind=kind,
            record=event,
            occasion="",
            title=title % {"unit": event.plan.unit.name, "number": event.version.number},
            url=_plan_url(event.plan),
            user_ids=finding.team(event.serving_team_id),
            team_id=event.serving_team_id,
        )
    return occasions


def plans_returned(finding: Finding) -> list[Occasion]:
    title = _("The service plan of %(unit)s (version %(number)s) has been returned with comments")
    return _plan_decisions(finding, Kind.PLAN_RETURNED, PlanEvent.Action.RETURNED, title)


def plans_approved(finding: Finding) -> list[Occasion]:
    title = _("The service plan of %(unit)s (version %(number)s) has been approved")
    return _plan_decisions(finding, Kind.PLAN_APPROVED, PlanEvent.Action.APPROVED, title)


def _measures_due(finding: Finding, kind: str, due: Q, title: str) -> list[Occasion]:
    """Open measures of the plans in force of listed, served units. The owner hears of it when they hold a seat in
    the serving team (an expert owner's scope does not open the plan); the leader always."""
    in_force = Plan.objects.filter(in_force=OuterRef("version"))
    measures = (
        Measure.objects.filter(OPEN_MEASURE, due, Exists(in_force), version__plan__unit__is_listed=True)
        .annotate(serving_team_id=_serving_team("version__plan__unit"))
        .filter(serving_team_id__isnull=False)
    )
    measures = _not_stored(measures, kind, Measure, occasion=_as_text("due_on"))
    occasions = []
    for measure in measures.select_related("version__plan__unit", "owner"):
        team_id = measure.serving_team_id
        owner = {measure.owner.user_id} & finding.team(team_id) if measure.owner else set()
        plan = measure.version.plan
        occasions += _occasion(
            kind=kind,
            record=measure,
            occasion=measure.due_on.isoformat(),
            title=title % {"unit": plan.unit.name, "area": measure.get_area_display(), "date": _day(measure.due_on)},
            url=f"{_plan_url(plan)}#measures",
            user_ids=finding.leader(team_id) | owner,
            team_id=team_id,
            due_at=timezone.make_aware(datetime.datetime.combine(measure.due_on, datetime.time.max)),
        )
    return occasions


def measures_due_soon(finding: Finding) -> list[Occasion]:
    last = finding.today + datetime.timedelta(days=finding.settings.remind_measure_days)
    title = _("A measure of the service plan of %(unit)s (%(area)s) is due on %(date)s")
    return _measures_due(finding, Kind.MEASURE_DUE_SOON, Q(due_on__gte=finding.today, due_on__lte=last), title)


def measures_overdue(finding: Finding) -> list[Occasion]:
    title = _("A measure of the service plan of %(unit)s (%(area)s) was due on %(date)s and is not done")
    return _measures_due(finding, Kind.MEASURE_OVERDUE, Q(due_on__lt=finding.today), title)


# --- Half-year reports and the units' feedback --------------------------------------------------------------------


def _reports_due(finding: Finding, kind: str, periods: list[Period], *, bureau: bool, title: str) -> list[Occasion]:
    """The active teams that served units during each period and have not delivered its report (none started, a
    draft, or returned): one query per period, and at most two periods are in a window."""
    due_days = finding.settings.report_due_days
    occasions = []
    for period in periods:
        served = Assignment.objects.filter(team=OuterRef("pk"), start__lte=period.end).filter(
            Q(end__isnull=True) | Q(end__gte=period.start)
        )
        delivered = TeamReport.objects.filter(team=OuterRef("pk"), period=period.code, status__in=DELIVERED_REPORT)
        teams = Team.objects.filter(Exists(served), ~Exists(delivered), is_active=True)
        for team in _not_stored(teams, kind, Team, occasion=period.code):
            due_on = period.due_on(due_days)
            occasions += _occasion(
                kind=kind,
                record=team,
                occasion=period.code,
                title=title % {"team": team.name, "period": period.label, "date": _day(due_on)},
                url=_report_url(team.pk, period),
                user_ids=finding.team(team.pk) | (finding.bureau if bureau else frozenset()),
                team_id=team.pk,
                due_at=timezone.make_aware(datetime.datetime.combine(due_on, datetime.time.max)),
            )
    return occasions


def _periods_due_between(finding: Finding, first: datetime.date, last: datetime.date) -> list[Period]:
    due_days = finding.settings.report_due_days
    periods = periods_between(FIRST_PERIOD, Period.containing(finding.today))
    return [period for period in periods if first <= period.due_on(due_days) <= last]


def reports_due_soon(finding: Finding) -> list[Occasion]:
    last = finding.today + datetime.timedelta(days=finding.settings.remind_report_days)
    title = _("The half-year report of %(team)s for %(period)s is due on %(date)s")
    periods = _periods_due_between(finding, finding.today, last)
    return _reports_due(finding, Kind.REPORT_DUE_SOON, periods, bureau=False, title=title)


def reports_overdue(finding: Finding) -> list[Occasion]:
    first = finding.today - datetime.timedelta(days=REPORT_OVERDUE_DAYS)
    title = _("The half-year report of %(team)s for %(period)s was due on %(date)s and is not submitted")
    periods = _periods_due_between(finding, first, finding.today - datetime.timedelta(days=1))
    return _reports_due(finding, Kind.REPORT_OVERDUE, periods, bureau=True, title=title)


def reports_returned(finding: Finding) -> list[Occasion]:
    events = ReportEvent.objects.filter(
        action=ReportEvent.Action.RETURNED, created_at__gt=finding.window_start, created_at__lte=finding.now
    )
    occasions = []
    for event in _not_stored(events, Kind.REPORT_RETURNED, ReportEvent).select_related("report__team"):
        report = event.report
        period = Period.parse(report.period)
        title = _("The half-year report of %(team)s for %(period)s has been returned with comments") % {
            "team": report.team.name,
            "period": period.label,
        }
        occasions += _occasion(
            kind=Kind.REPORT_RETURNED,
            record=event,
            occasion="",
            title=title,
            url=_report_url(report.team_id, period),
            user_ids=finding.team(report.team_id),
            team_id=report.team_id,
        )
    return occasions


def feedback_open(finding: Finding) -> list[Occasion]:
    """While the feedback on a half year is asked (reports/feedback.py): each listed unit served now, once, to its
    contacts who have not given theirs."""
    due_days = finding.settings.report_due_days
    period = open_period(today=finding.today, due_days=due_days)
    if period is None:
        return []
    units = Unit.objects.filter(is_listed=True).annotate(serving_team_id=_serving_team("pk"))
    units = list(
        _not_stored(units.filter(serving_team_id__isnull=False), Kind.FEEDBACK_OPEN, Unit, occasion=period.code)
    )
    if not units:
        return []
    given = UnitFeedback.objects.filter(author=OuterRef("pk"), period=period.code)
    contacts: dict[int, set[int]] = defaultdict(set)
    rows = User.objects.filter(~Exists(given), role=Role.UNIT_CONTACT, is_active=True, unit__in=[u.pk for u in units])
    for user_id, unit_id in rows.values_list("pk", "unit_id"):
        contacts[unit_id].add(user_id)
    closes = feedback_closes(period, due_days=due_days)
    url = reverse("reports:feedback_give", kwargs={"code": period.code})
    occasions = []
    for unit in units:
        title = _("Your feedback on the service to %(unit)s in %(period)s is asked until %(date)s") % {
            "unit": unit.name,
            "period": period.label,
            "date": _day(closes),
        }
        occasions += _occasion(
            kind=Kind.FEEDBACK_OPEN,
            record=unit,
            occasion=period.code,
            title=title,
            url=url,
            user_ids=contacts.get(unit.pk, ()),
            team_id=None,  # asked of the unit: the team's group does not hear of it
            due_at=timezone.make_aware(datetime.datetime.combine(closes, datetime.time.max)),
        )
    return occasions


# --- Contact ------------------------------------------------------------------------------------------------------


def units_without_contact(finding: Finding) -> list[Occasion]:
    """The last contact, in SQL: the unit's latest activity, or the start of the open assignment when that is later
    (a team newly assigned counts from its start, not from its predecessor's last visit)."""
    days = finding.settings.remind_no_contact_days
    latest = Activity.objects.filter(unit=OuterRef("unit")).order_by("-date").values("date")[:1]
    assignments = (
        Assignment.objects.filter(end__isnull=True, unit__is_listed=True)
        .annotate(latest_activity=Subquery(latest))
        # Greatest of a null is null on SQLite: the Coalesce keeps it a date on every database.
        .annotate(last_contact=Greatest(Coalesce("latest_activity", "start"), F("start")))
        .filter(last_contact__lt=finding.today - datetime.timedelta(days=days))
    )
    assignments = _not_stored(
        assignments, Kind.NO_CONTACT, Unit, record="unit_id", occasion=_as_text("last_contact")
    ).select_related("unit")
    occasions = []
    for assignment in assignments:
        last_contact = assignment.last_contact
        title = _("No contact with %(unit)s recorded for more than %(days)s days (last: %(date)s)") % {
            "unit": assignment.unit.name,
            "days": days,
            "date": _day(last_contact),
        }
        occasions += _occasion(
            kind=Kind.NO_CONTACT,
            record=assignment.unit,
            occasion=last_contact.isoformat(),
            title=title,
            url=_unit_url(assignment.unit),
            user_ids=finding.leader(assignment.team_id),
            team_id=assignment.team_id,
        )
    return occasions


# --- All of them --------------------------------------------------------------------------------------------------

FINDERS: dict[str, Callable[[Finding], list[Occasion]]] = {
    Kind.REQUEST_RAISED: requests_raised,
    Kind.REQUEST_DUE_SOON: requests_due_soon,
    Kind.REQUEST_MISSED: requests_missed,
    Kind.REQUEST_ANSWERED: requests_answered,
    Kind.REQUEST_REFERRED: requests_referred,
    Kind.EXPERT_INVITED: experts_invited,
    Kind.PLAN_DUE_SOON: plans_due_soon,
    Kind.PLAN_OVERDUE: plans_overdue,
    Kind.PLAN_RETURNED: plans_returned,
    Kind.PLAN_APPROVED: plans_approved,
    Kind.MEASURE_DUE_SOON: measures_due_soon,
    Kind.MEASURE_OVERDUE: measures_overdue,
    Kind.REPORT_DUE_SOON: reports_due_soon,
    Kind.REPORT_OVERDUE: reports_overdue,
    Kind.REPORT_RETURNED: reports_returned,
    Kind.FEEDBACK_OPEN: feedback_open,
    Kind.NO_CONTACT: units_without_contact,
}


# The rules in the bureau's words, for the pages that explain them (the outbox): each a whole sentence, its N from
# the programme settings (rules_in_words).
RULES_IN_WORDS = {
    Kind.REQUEST_RAISED: gettext_lazy("A request is raised: the serving team, at once (not the member who logged it)."),
    Kind.REQUEST_DUE_SOON: gettext_lazy(
        "%(hours)s working hours before a request must be accepted or answered: the serving team."
    ),
    Kind.REQUEST_MISSED: gettext_lazy(
        "A request's time limit to accept or answer is missed: the serving team and the bureau."
    ),
    Kind.REQUEST_ANSWERED: gettext_lazy("A request is answered for the first time: the unit's contacts."),
    Kind.REQUEST_REFERRED: gettext_lazy(
        "A request is referred to the IP department of a city or county: the officers there."
    ),
    Kind.EXPERT_INVITED: gettext_lazy("An expert is invited to a request or an activity: the expert."),
    Kind.PLAN_DUE_SOON: gettext_lazy("%(days)s days before a plan must be approved: the serving team."),
    Kind.PLAN_OVERDUE: gettext_lazy("A plan is not approved by its due date: the serving team and the bureau."),
    Kind.PLAN_RETURNED: gettext_lazy("A plan is returned with comments: the serving team."),
    Kind.PLAN_APPROVED: gettext_lazy("A plan is approved: the serving team."),
    Kind.MEASURE_DUE_SOON: gettext_lazy("%(days)s days before a measure is due: its owner and the team leader."),
    Kind.MEASURE_OVERDUE: gettext_lazy("A measure is past its due date and not done: its owner and the team leader."),
    Kind.REPORT_DUE_SOON: gettext_lazy("%(days)s days before a half-year report is due: the team."),
    Kind.REPORT_OVERDUE: gettext_lazy("A half-year report is not submitted by its due date: the team and the bureau."),
    Kind.REPORT_RETURNED: gettext_lazy("A half-year report is returned with comments: the team."),
    Kind.FEEDBACK_OPEN: gettext_lazy("The units' half-yearly feedback opens: each served unit's contacts."),
    Kind.NO_CONTACT: gettext_lazy("A unit has had no recorded contact for more than %(days)s days: the team leader."),
}


def rules_in_words(programme: ProgrammeSettings) -> list[tuple[str, str]]:
    """(kind, the rule in a sentence) for every kind, in the order of Kind, with the programme's numbers in them."""
    numbers = {
        Kind.REQUEST_DUE_SOON: {"hours": programme.remind_request_hours},
        Kind.PLAN_DUE_SOON: {"days": programme.remind_plan_days},
        Kind.MEASURE_DUE_SOON: {"days": programme.remind_measure_days},
        Kind.REPORT_DUE_SOON: {"days": programme.remind_report_days},
        Kind.NO_CONTACT: {"days": programme.remind_no_contact_days},
    }
    return [(kind, str(RULES_IN_WORDS[kind]) % numbers.get(kind, {})) for kind in Kind.values]


def find_occasions(*, now: datetime.datetime, kinds: Iterable[str] | None = None) -> list[Occasion]:
    """Every rule's occasions not stored yet (or those of `kinds`), as of `now`. Titles are written in the portal's
    language whoever's request triggered the cycle: they are stored and sent to everyone alike."""
    wanted = list(FINDERS) if kinds is None else list(dict.fromkeys(kinds))
    unknown = [kind for kind in wanted if kind not in FINDERS]
    if unknown:
        raise ValueError(f"no finder for {unknown}")
    finding = Finding(now)
    with translation.override(settings.LANGUAGE_CODE):
        return [occasion for kind in wanted for occasion in FINDERS[kind](finding)]
