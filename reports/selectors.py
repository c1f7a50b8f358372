"""The figures of the home pages (and, next, the dashboard). Each read starts from the user's scope, so a figure
counts only what the user may see, and each is one or two queries whatever the size of the programme."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from accounts.scopes import visible
from archives.scopes import visible_activities, visible_requests
from huhang.models import ProgrammeSettings
from huhang.vocabulary import TaskArea
from plans.models import Measure, PlanEvent, PlanVersion
from plans.scopes import visible_plan_versions
from plans.selectors import NOT_STARTED, STATES, with_plan_state
from reports.models import ReportEvent, TeamReport, TypicalCase
from reports.periods import FIRST_PERIOD, Period, periods_between
from reports.scopes import visible_team_reports, visible_typical_cases
from teams.models import Assignment, Team
from teams.scopes import visible_teams
from units.models import ListingEvent
from units.scopes import visible_units

if TYPE_CHECKING:
    from accounts.models import User
    from archives.models import Activity, Request
    from units.models import Unit


def listed_units_for_user(*, user: User) -> QuerySet[Unit]:
    """The units on the list now within the user's scope: a unit removed from the list no longer counts as guided."""
    return visible_units(user).filter(is_listed=True)


def units_by_city(*, units: QuerySet[Unit]) -> list[dict[str, Any]]:
    """`units` counted by city, the largest first: one GROUP BY query."""
    return list(units.values("division__city__name").annotate(total=Count("pk")).order_by("-total"))


def plan_figures(*, units: QuerySet[Unit]) -> dict[str, int]:
    """Plans approved, waiting for review and past due among `units`: two queries (plus the programme settings the
    due-date rule reads)."""
    units = with_plan_state(units)
    figures = units.aggregate(
        approved=Count("pk", filter=Q(in_force_number__isnull=False)),
        submitted=Count("pk", filter=Q(plan_state=PlanVersion.Status.SUBMITTED)),
    )
    # Not a third FILTER clause: Django 5.2 then refers to the `past_due` annotation by its alias inside the
    # aggregate, which SQLite reads as a string and PostgreSQL refuses.
    figures["past_due"] = units.filter(past_due=True).count()
    return figures


def own_unit_for_user(*, user: User) -> Unit | None:
    """A unit contact's unit with its plan's uid and the number of the version in force, even when the unit has left
    the list: its requests and services stay the contact's to follow."""
    return (
        visible_units(user)
        .select_related("division__city")
        .annotate(plan_uid=F("plan__uid"), in_force_number=F("plan__in_force__number"))
        .first()
    )


def plan_progress_for_user(*, user: User) -> list[dict[str, Any]]:
    """The measures of the plans in force the user may read, by task area in the action plan's order: done / total
    (cancelled ones left out), the next due date still ahead and how many are overdue. One query."""
    today = timezone.localdate()
    in_force = visible_plan_versions(user).filter(plan__in_force=F("pk"))
    pending = ~Q(status=Measure.Status.DONE)
    rows = (
        Measure.objects.filter(version__in=in_force)
        .exclude(status=Measure.Status.CANCELLED)
        .values("area")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status=Measure.Status.DONE)),
            next_due=Min("due_on", filter=pending & Q(due_on__gte=today)),
            overdue=Count("pk", filter=pending & Q(due_on__lt=today)),
        )
        .order_by()
    )
    by_area = {row["area"]: row for row in rows}
    return [
        {**by_area[area], "label": label, "percent": round(100 * by_area[area]["done"] / by_area[area]["total"])}
        for area, label in TaskArea.choices
        if area in by_area
    ]


# --- The programme's coverage: listed, served, planned, guided (DOMAIN.md, "Programme dashboard") ---------------


def coverage_conditions(*, user: User) -> dict[str, Q]:
    """What each stage of a listed unit's coverage asks, as conditions on units, read through the user's scope:
    `served` an open assignment to a team, `approved` a plan in force, `guided` both and at least one recorded
    service activity. The figures, the unit list's filter (reports/unit_list.py) and the dashboard share them, so a
    figure and the list it links to always agree."""
    served = Q(Exists(visible(user, Assignment).filter(unit=OuterRef("pk"), end__isnull=True)))
    approved = Q(plan__in_force__isnull=False)
    serviced = Q(Exists(visible_activities(user).filter(unit=OuterRef("pk"))))
    return {"served": served, "approved": approved, "guided": served & approved & serviced}


def coverage_figures(*, user: User) -> dict[str, int]:
    """The listed units of the user's scope counted at each stage, in one query: `listed`, `served`, `approved`,
    `guided`, and the two gaps the bureau closes first, `unserved` (no team) and `unapproved` (no plan in force)."""
    conditions = coverage_conditions(user=user)
    return listed_units_for_user(user=user).aggregate(
        listed=Count("pk"),
        **{stage: Count("pk", filter=condition) for stage, condition in conditions.items()},
        unserved=Count("pk", filter=~conditions["served"]),
        unapproved=Count("pk", filter=~conditions["approved"]),
    )


def units_without_team(*, user: User) -> QuerySet[Unit]:
    """Listed units no team serves now, the longest waiting first: each with its city and county and the day it was
    last selected (`listed_on`)."""
    served = coverage_conditions(user=user)["served"]
    selected = ListingEvent.objects.filter(unit=OuterRef("pk"), kind=ListingEvent.Kind.SELECTED).order_by("-date")
    return (
        listed_units_for_user(user=user)
        .exclude(served)
        .select_related("division__city")
        .annotate(listed_on=Subquery(selected.values("date")[:1]))
        .order_by(F("listed_on").asc(nulls_last=True), "name", "pk")
    )


def with_plan_state_label(units: QuerySet[Unit]) -> QuerySet[Unit]:
    """plans.selectors.with_plan_state, and the state's label in the reader's language (`plan_state_label`)."""
    return with_plan_state(units).annotate(
        plan_state_label=Case(
            *(When(plan_state=key, then=Value(str(label))) for key, label in STATES),
            default=Value(""),
            output_field=CharField(),
        )
    )


WITHOUT_PLAN_ORDER = ("plan_due_on", "name", "pk")


def units_without_approved_plan(*, user: User) -> QuerySet[Unit]:
    """Listed units without a plan in force, with their plan's state, its label and due date
    (with_plan_state_label), the earliest due first, so the plans past due lead."""
    units = listed_units_for_user(user=user).filter(plan__in_force__isnull=True).select_related("division__city")
    return with_plan_state_label(units).order_by(*WITHOUT_PLAN_ORDER)


def first_units_without_approved_plan(*, user: User, limit: int) -> list[Unit]:
    """The first `limit` rows of units_without_approved_plan, in two queries: the ids in the order of the due date
    alone, then the plan's state of those rows. At 100× (2,900 units without a plan in force) the state's join to
    the working version, made for every such unit before the sort, was half the time of the one query."""
    units = listed_units_for_user(user=user).filter(plan__in_force__isnull=True)
    # Only the due date is selected: PostgreSQL drops the joins of the state it does not read.
    due_first = with_plan_state(units, version_numbers=False).order_by(*WITHOUT_PLAN_ORDER)
    ids = list(due_first.values_list("pk", flat=True)[:limit])
    return list(units_without_approved_plan(user=user).filter(pk__in=ids)) if ids else []


# --- What waits for the serving team (the team members' home) ---------------------------------------------------


def returned_plans_for_user(*, user: User) -> QuerySet[PlanVersion]:
    """The versions the bureau returned that the team has not resubmitted yet, in the user's scope, the oldest
    return first: each with its unit, when it was returned (`returned_at`) and the bureau's latest return comment
    (`return_comment`)."""
    returned = PlanEvent.objects.filter(version=OuterRef("pk"), action=PlanEvent.Action.RETURNED).order_by(
        "-created_at", "-pk"
    )
    return (
        visible_plan_versions(user)
        .filter(status=PlanVersion.Status.RETURNED, plan__working=F("pk"))
        .select_related("plan__unit")
        .annotate(
            returned_at=Subquery(returned.values("created_at")[:1]),
            return_comment=Subquery(returned.values("comment")[:1]),
        )
        .order_by("returned_at", "pk")
    )


def drafts_past_due_for_user(*, user: User) -> QuerySet[Unit]:
    """Listed units of the user's scope whose plan is past due and still the team's to write — not started or a
    draft (a returned plan is listed with its comment; a submitted one waits for the bureau) — the longest overdue
    first."""
    # The member's few units first, as ids: with the scope's subquery PostgreSQL worked out every listed unit's plan
    # state before keeping the member's (400 ms at 100×).
    own = list(visible_units(user).order_by().values_list("pk", flat=True))
    units = listed_units_for_user(user=user).filter(pk__in=own).select_related("division__city")
    return (
        with_plan_state_label(units)
        .filter(past_due=True, plan_state__in=[NOT_STARTED, PlanVersion.Status.DRAFT])
        .order_by("plan_due_on", "name", "pk")
    )


MEASURE_HORIZON_DAYS = 14  # a measure due within this many days shows on its owner's home


def measures_owned_by(
    *, user: User, due_within: int | None = None, today: datetime.date | None = None
) -> QuerySet[Measure]:
    """The open measures (neither done nor cancelled) that the user owns (Measure.owner is the user's pool entry) in
    the plans in force the user reads — measures have no scope of their own: they are read through their plan's
    versions (plans/scopes.py) — the earliest due first and those without a due date last; with `due_within`, only
    those overdue or due within that many days. Each with its plan and unit."""
    today = today or timezone.localdate()
    in_force = visible_plan_versions(user).filter(plan__in_force=F("pk"))
    measures = Measure.objects.filter(version__in=in_force, owner__user=user).exclude(
        status__in=[Measure.Status.DONE, Measure.Status.CANCELLED]
    )
    if due_within is not None:
        measures = measures.filter(due_on__lte=today + datetime.timedelta(days=due_within))
    return measures.select_related("version__plan__unit").order_by(F("due_on").asc(nulls_last=True), "pk")


# --- half-year reports --------------------------------------------------------------------------------------------
# The teams' reports by period, the bureau's period page, one report with its history, the typical cases and the
# records a team may flag. Reads start from the user's scope (reports/scopes.py, teams, archives): a team or a
# record out of scope is absent, 404.

NOT_STARTED_REPORT = "not_started"  # the status a list shows for a team whose report of the period has no row yet
LATE_EXEMPT = (TeamReport.Status.SUBMITTED, TeamReport.Status.ACCEPTED)  # delivered: never late


def report_due_on(*, period: Period) -> datetime.date:
    """The day `period`'s reports are due (ProgrammeSettings.report_due_days after it ends)."""
    return period.due_on(ProgrammeSettings.current().report_due_days)


def is_late(*, status: str, due_on: datetime.date, today: datetime.date) -> bool:
    """A report is late when its due day has passed and the team has not delivered it: not started, a draft, or
    returned to it and not resubmitted yet."""
    return today > due_on and status not in LATE_EXEMPT


def reportable_periods(*, today: datetime.date) -> list[Period]:
    """The half years with reports, newest first: from the programme's first to the one running `today`."""
    return list(reversed(periods_between(FIRST_PERIOD, Period.containing(today))))


def period_from_code(code: str, *, today: datetime.date) -> Period:
    """The reportable period of `code`; 404 for a malformed code, one before the programme or one not started."""
    try:
        period = Period.parse(code)
    except ValueError as missing:
        raise Http404 from missing
    if period < FIRST_PERIOD or period.start > today:
        raise Http404
    return period


@dataclass(frozen=True)
class TeamReportRow:
    """A team's report of a period in a list: `report` is None while not started (opening it creates the draft)."""

    team: Team
    period: Period
    report: TeamReport | None
    due_on: datetime.date
    late: bool

    @property
    def status(self) -> str:
        return self.report.status if self.report is not None else NOT_STARTED_REPORT


def team_report_rows_for_user(*, user: User, today: datetime.date) -> list[TeamReportRow]:
    """Every report of the user's teams (a team member's) for every period from the programme's first to the
    current one, newest period first, then by team name. Three queries whatever the number of periods: the teams,
    their reports, the settings."""
    teams = list(visible_teams(user).order_by("name", "pk"))
    reports = {
        (report.team_id, report.period): report
        for report in visible_team_reports(user)
        .filter(team__in=[team.pk for team in teams])
        .select_related("submitted_by", "reviewed_by")
    }
    days = ProgrammeSettings.current().report_due_days
    rows = []
    for period in reportable_periods(today=today):
        due_on = period.due_on(days)
        for team in teams:
            report = reports.get((team.pk, period.code))
            status = report.status if report is not None else NOT_STARTED_REPORT
            rows.append(TeamReportRow(team, period, report, due_on, is_late(status=status, due_on=due_on, today=today)))
    return rows


def period_reports_for_user(*, user: User, period: Period, today: datetime.date) -> QuerySet[Team]:
    """The bureau's period page: every active team (and any inactive one that has a report of the period), by name,
    each annotated with its report of `period` — `report_status` (NOT_STARTED_REPORT without one), `submitted_at`,
    `submitted_by_name`/`submitted_by_username`, the latest review (`review_action` returned or accepted,
    `reviewed_at`, `reviewed_by_name`/`reviewed_by_username`, from ReportEvent) and `late` (is_late, in SQL), for
    reports.forms.ReportPeriodFilter to filter. One query a page, whatever the number of teams."""
    due_on = report_due_on(period=period)
    past_due = today > due_on
    reviews = ReportEvent.objects.filter(
        report__team=OuterRef("pk"),
        report__period=period.code,
        action__in=[ReportEvent.Action.RETURNED, ReportEvent.Action.ACCEPTED],
    ).order_by("-created_at", "-pk")
    has_report = Exists(TeamReport.objects.filter(team=OuterRef("pk"), period=period.code))
    teams = (
        visible_teams(user)
        .filter(Q(is_active=True) | has_report)
        .annotate(report=FilteredRelation("reports", condition=Q(reports__period=period.code)))
        .annotate(
            report_pk=F("report__pk"),
            report_status=Coalesce(F("report__status"), Value(NOT_STARTED_REPORT)),
            submitted_at=F("report__submitted_at"),
            submitted_by_name=F("report__submitted_by__full_name"),
            submitted_by_username=F("report__submitted_by__username"),
            review_action=Subquery(reviews.values("action")[:1]),
            reviewed_at=Subquery(reviews.values("created_at")[:1]),
            reviewed_by_name=Subquery(reviews.values("actor__full_name")[:1]),
            reviewed_by_username=Subquery(reviews.values("actor__username")[:1]),
        )
        .annotate(
            late=Case(
                When(report_status__in=LATE_EXEMPT, then=Value(False)),
                default=Value(past_due),
                output_field=BooleanField(),
            )
        )
    )
    return teams.order_by("name", "pk")


def period_report_counts(*, user: User, period: Period, today: datetime.date) -> dict[str, int]:
    """The period page's summary, one query: the teams counted (`total`), how many reports are in each status
    (NOT_STARTED_REPORT included) and how many are `late`."""
    teams = period_reports_for_user(user=user, period=period, today=today).order_by()
    statuses = [NOT_STARTED_REPORT, *TeamReport.Status.values]
    return teams.aggregate(
        total=Count("pk"),
        late_count=Count("pk", filter=Q(late=True)),
        **{status: Count("pk", filter=Q(report_status=status)) for status in statuses},
    )


def team_get_for_user(*, user: User, team_id: int) -> Team:
    """A team whose reports the user reads (bureau: any; team member: their own); 404 otherwise."""
    try:
        return visible_teams(user).get(pk=team_id)
    except Team.DoesNotExist as missing:
        raise Http404 from missing


def team_report_of(*, user: User, team: Team, period: Period) -> TeamReport | None:
    """The team's report of `period` through the user's scope, with who submitted and reviewed it; None while not
    started."""
    return (
        visible_team_reports(user)
        .filter(team=team, period=period.code)
        .select_related("team", "submitted_by", "reviewed_by")
        .first()
    )


def report_events(*, report: TeamReport) -> QuerySet[ReportEvent]:
    """The report's workflow steps, oldest first, each with who took it."""
    return report.events.select_related("actor").order_by("created_at", "pk")


def team_cases_for_user(*, user: User, team: Team, period: Period) -> QuerySet[TypicalCase]:
    """The typical cases flagged for the team's half year, in the order they happened, each with its record and unit
    (read through the user's scope of cases)."""
    return (
        visible_typical_cases(user)
        .filter(team=team, period=period.code)
        .select_related("unit", "activity", "request", "flagged_by")
        .order_by(Coalesce("activity__date", "request__received_on"), "pk")
    )


CANDIDATE_ACTIVITIES, CANDIDATE_REQUESTS = "activities", "requests"


def case_candidates_for_user(
    *, user: User, team: Team, period: Period, record: str = CANDIDATE_ACTIVITIES, q: str = "", kind: str = ""
) -> QuerySet[Activity] | QuerySet[Request]:
    """The team's activities (dated in `period`) or requests (received in it) the user reads, the newest first, each
    with its unit and, when flagged, its case (`case_uid`, `case_why`): the candidates page's rows. Searched by unit
    (name, credit code, pinyin initials) or the record's text, filtered by kind."""
    from units.filters import unit_search_q

    if record == CANDIDATE_REQUESTS:
        rows = visible_requests(user).filter(team=team, received_on__gte=period.start, received_on__lte=period.end)
        text_fields, order = ("title", "description"), ("-received_on", "-pk")
    else:
        rows = visible_activities(user).filter(team=team, date__gte=period.start, date__lte=period.end)
        text_fields, order = ("summary", "outcome"), ("-date", "-pk")
    if kind:
        rows = rows.filter(kind=kind)
    units = unit_search_q(q, prefix="unit__")
    if units is not None:
        text = q.strip()
        for name in text_fields:
            units |= Q(**{f"{name}__icontains": text})
        rows = rows.filter(units)
    return (
        rows.select_related("unit")
        .annotate(case_uid=F("typical_case__uid"), case_why=F("typical_case__why"))
        .order_by(*order)
    )


def case_record_for_user(*, user: User, record: str, uid: uuid.UUID | str) -> Activity | Request:
    """An activity or a request the user reads, for flagging; 404 otherwise."""
    rows = visible_requests(user) if record == CANDIDATE_REQUESTS else visible_activities(user)
    try:
        return rows.select_related("unit").get(uid=uid)
    except (ObjectDoesNotExist, ValueError, TypeError, ValidationError) as missing:
        raise Http404 from missing


def case_get_for_user(*, user: User, uid: uuid.UUID | str) -> TypicalCase:
    """A typical case the user reads; 404 otherwise."""
    try:
        return visible_typical_cases(user).select_related("activity", "request").get(uid=uid)
    except (TypicalCase.DoesNotExist, ValueError, TypeError, ValidationError) as missing:
        raise Http404 from missing
