"""The report documents: a team's half-year report and the province report as ReportDocuments (reports/document.py),
which the pages, the xlsx and the PDF render alike. Figures come from reports/figures.py (a submitted report's
frozen ones as they were), the scores from reports/scorecard.py; only the lists behind them — the units' feedback
texts, the typical cases, the units out of contact — are read here, each in one query.

Values stay plain (int, float, date, str, None): the renderers format them by the column's kind. Totals are values.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Role
from archives.models import Activity, RequestKind
from huhang.vocabulary import TaskArea
from reports.document import Chart, Column, Part, ReportDocument, Table, TextSection
from reports.figures import (
    AREAS,
    KINDS,
    NO_CONTACT_DAYS,
    REQUEST_KINDS,
    Scope,
    activities_per_month,
    no_contact_list,
    province_figures,
    province_scope,
    team_figures,
)
from reports.models import FeedbackScore, TeamReport, TypicalCase, UnitFeedback
from reports.periods import Period
from reports.scorecard import COMPONENTS, scorecards
from teams.scopes import visible_teams
from units.models import Division, Unit

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from accounts.models import User

FROZEN = (TeamReport.Status.SUBMITTED, TeamReport.Status.RETURNED, TeamReport.Status.ACCEPTED)


# --- Small helpers -----------------------------------------------------------------------------------------------


def _get(figures: dict, *path: str, default: Any = 0) -> Any:
    """A value of a figures dict; a frozen report written before a figure existed gives `default`."""
    value: Any = figures
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return default
        value = value[key]
    return value


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _difference(now: float | int | None, before: float | int | None) -> float | int | None:
    if now is None or before is None:
        return None
    difference = now - before
    return round(difference, 1) if isinstance(difference, float) else difference


def _title(period: Period) -> str:
    return _("%(period)s IP escort action work report") % {"period": period.label}


def _kind_label(kind: str) -> str:
    return str(Activity.Kind(kind).label) if kind in Activity.Kind.values else kind


def _request_kind_label(kind: str) -> str:
    return str(RequestKind(kind).label) if kind in RequestKind.values else kind


def _area_heading(area: str) -> str:
    return str(TaskArea(area).full_label) if area in TaskArea.values else area


def _area_label(area: str) -> str:
    return str(TaskArea(area).label) if area in TaskArea.values else area


def _figure_column() -> Column:
    return Column(_("Figure"), "text", 30)


# --- Tables shared by both documents ------------------------------------------------------------------------------


def _activities_by_kind(figures: dict) -> Table:
    by_kind = _get(figures, "activities", "by_kind", default={})
    return Table(
        title=_("Activities by kind"),
        columns=[Column(_("Kind of activity"), "text", 16), Column(_("Activities"), "int")],
        rows=[[_kind_label(kind), by_kind.get(kind, 0)] for kind in KINDS],
        total=[_("Total"), _get(figures, "activities", "total")],
    )


def _activities_chart(figures: dict) -> Chart:
    by_kind = _get(figures, "activities", "by_kind", default={})
    return Chart(
        key="activities_by_kind",
        title=_("Activities by kind"),
        kind="bar",
        categories=[_kind_label(kind) for kind in KINDS],
        series=[(_("Activities"), [by_kind.get(kind, 0) for kind in KINDS])],
    )


def _measure_columns(first: Column) -> list[Column]:
    return [
        first,
        Column(_("Measures due"), "int"),
        Column(_("Done"), "int"),
        Column(_("Done on time"), "int"),
        Column(_("Overdue"), "int"),
        Column(_("On-time rate"), "percent"),
    ]


def _measure_cells(row: dict) -> list[Any]:
    due, on_time = row.get("due", 0), row.get("done_on_time", 0)
    return [due, row.get("done", 0), on_time, row.get("overdue", 0), _ratio(on_time, due)]


MEASURES_NOTE = gettext_noop(
    "Measures of the approved plans in force due in the half year (cancelled ones left out); done on time: done on or"
    " before the due date; overdue: past the due date and neither done nor cancelled."
)


def _measures_by_area(figures: dict) -> Table:
    by_area = _get(figures, "measures", "by_area", default={})
    return Table(
        title=_("Measures by task area"),
        columns=_measure_columns(Column(_("Task area"), "text", 36)),
        rows=[[_area_heading(area), *_measure_cells(by_area.get(area, {}))] for area in AREAS],
        total=[_("Total"), *_measure_cells(_get(figures, "measures", "total", default={}))],
        note=_(MEASURES_NOTE),
    )


def _requests_by_kind(figures: dict) -> Table:
    by_kind = _get(figures, "requests", "by_kind", default={})

    def cells(row: dict) -> list[Any]:
        received, not_due = row.get("received", 0), row.get("not_yet_due", 0)
        answered = row.get("answered_in_time", 0)
        return [
            received,
            row.get("accepted_in_time", 0),
            answered,
            not_due,
            row.get("open", 0),
            _ratio(answered, received - not_due),
        ]

    return Table(
        title=_("Requests by kind"),
        columns=[
            Column(_("Kind of request"), "text", 18),
            Column(_("Received"), "int"),
            Column(_("Accepted in time"), "int"),
            Column(_("Answered in time"), "int"),
            Column(_("Answer not yet due"), "int"),
            Column(_("Still open"), "int"),
            Column(_("Answered in time (rate)"), "percent"),
        ],
        rows=[[_request_kind_label(kind), *cells(by_kind.get(kind, {}))] for kind in REQUEST_KINDS],
        total=[_("Total"), *cells(_get(figures, "requests", "total", default={}))],
        note=_(
            "Requests received in the half year. In time: accepted or answered within the kind's time limit in working"
            " days; the rate leaves out the requests whose answer is not due yet."
        ),
    )


def _referrals_and_ratings(figures: dict) -> list[Table]:
    return [
        Table(
            title=_("Referrals to other departments"),
            columns=[Column(_("Referred in the half year"), "int", 16), Column(_("Reply recorded"), "int", 16)],
            rows=[[_get(figures, "referrals", "referred"), _get(figures, "referrals", "replied")]],
        ),
        Table(
            title=_("Satisfaction with the answers"),
            columns=[
                Column(_("Ratings"), "int"),
                Column(_("Average rating"), "decimal"),
                Column(_("Rated 1 or 2"), "int"),
                Column(_("Share of low ratings"), "percent"),
            ],
            rows=[
                [
                    _get(figures, "ratings", "rated"),
                    _get(figures, "ratings", "average", default=None),
                    _get(figures, "ratings", "low"),
                    _get(figures, "ratings", "low_share", default=None),
                ]
            ],
            note=_("Requests closed in the half year, rated by the unit from 1 to 5."),
        ),
    ]


def _feedback_by_question(figures: dict) -> Table:
    questions = _get(figures, "feedback", "by_question", default=[])
    return Table(
        title=_("The units' scores by question"),
        columns=[
            Column(_("Question"), "text", 30),
            Column(_("Responses"), "int"),
            Column(_("Average score"), "decimal"),
        ],
        rows=[[q["text"], q["responses"], q["average"]] for q in questions],
        total=[_("Total"), _get(figures, "feedback", "responses"), _get(figures, "feedback", "average", default=None)],
        note=_("Scores from 1 to 5 given by the units' contacts on the half year; the total averages every score."),
    )


def _case_row(case: TypicalCase) -> list[Any]:
    """Date, unit, kind, what was done (an activity's summary, a request's subject) and why it is typical."""
    if case.activity is not None:
        day, kind, summary = case.activity.date, _kind_label(case.activity.kind), case.activity.summary
    else:
        day, kind, summary = case.request.received_on, _request_kind_label(case.request.kind), case.request.title
    return [day, case.unit.name, kind, summary, case.why]


def _case_link(case: TypicalCase) -> str:
    if case.activity is not None:
        return reverse("archives:activity_detail", kwargs={"uid": case.activity.uid})
    return reverse("archives:request_detail", kwargs={"uid": case.request.uid})


def _cases_table(cases: list[TypicalCase], *, with_team: bool) -> Table:
    columns = [
        Column(_("Date"), "date", 12),
        Column(_("Unit"), "text", 24),
        Column(_("Kind"), "text", 14),
        Column(_("What was done"), "text", 48),
        Column(_("Why it is typical"), "text", 40),
    ]
    rows = [_case_row(case) for case in cases]
    if with_team:
        columns.insert(2, Column(_("Team"), "text", 18))
        rows = [
            [*row[:2], case.team.name if case.team else "", *row[2:]] for row, case in zip(rows, cases, strict=True)
        ]
    return Table(
        title=_("Typical cases"),
        columns=columns,
        rows=rows,
        links=[_case_link(case) for case in cases],
        note=_("Activities and requests flagged as typical cases for the half year."),
    )


def _cases(scope: Scope, period: Period, limit: int | None = None) -> list[TypicalCase]:
    cases = (
        TypicalCase.objects.filter(scope.records(), period=period.code)
        .select_related("activity", "request", "unit", "team")
        .order_by("created_at", "pk")
    )
    return list(cases[:limit] if limit else cases)


def _first(rows: QuerySet, limit: int | None) -> tuple[list, int]:
    """All of `rows` (an export), or their first `limit` and how many the page leaves out (one more query, and
    only when the first rows fill the limit)."""
    if not limit:
        return list(rows), 0
    first = list(rows[:limit])
    return first, (rows.count() - limit if len(first) == limit else 0)


# --- The team's half-year report -----------------------------------------------------------------------------------


def _units_table(figures: dict) -> Table:
    units = figures.get("units", {})
    rows = [
        (_("Units served in the half year"), "served"),
        (_("with an approved plan"), "with_plan"),
        (_("without an approved plan"), "without_plan"),
        (_("Units served at the end of the half year"), "served_as_of"),
        (_("not contacted for more than %(days)s days") % {"days": NO_CONTACT_DAYS}, "no_contact"),
        (_("Plans due by the end of the half year"), "plans_due"),
        (_("approved on time"), "plans_on_time"),
    ]
    return Table(
        title=_("Units served"),
        columns=[_figure_column(), Column(_("Number"), "int")],
        rows=[[label, units.get(key, 0)] for label, key in rows],
        note=_(
            "Units with an assignment to the team in the half year; an approved plan: approved by the end of it; "
            "contact: an activity recorded by any team."
        ),
    )


def _feedback_texts(report: TeamReport, questions: list[dict]) -> Table:
    """The units' own feedback, attributed to their unit (the team's report only): two queries."""
    given = (
        UnitFeedback.objects.filter(team=report.team_id, period=report.period)
        .select_related("unit")
        .prefetch_related(Prefetch("scores", queryset=FeedbackScore.objects.order_by()))
        .order_by("unit__name", "pk")
    )
    rows = []
    for feedback in given:
        scores = {score.question_id: score.score for score in feedback.scores.all()}
        rows.append([feedback.unit.name, *(scores.get(q["question_id"]) for q in questions), feedback.text])
    return Table(
        title=_("Feedback from each unit"),
        columns=[
            Column(_("Unit"), "text", 24),
            *(Column(q["text"], "int", 10) for q in questions),
            Column(_("Opinions and suggestions"), "text", 60),
        ],
        rows=rows,
    )


TEXT_SECTIONS = [  # the report's text fields and their headings in the document
    ("work_done", gettext_noop("Work done")),
    ("typical_cases", gettext_noop("Typical cases")),
    ("problems", gettext_noop("Problems")),
    ("next_focus", gettext_noop("Focus of the next half year")),
    ("unit_feedback", gettext_noop("Opinions and suggestions of the units")),
]


def team_report_document(report: TeamReport, *, today: datetime.date | None = None) -> ReportDocument:
    """A team's half-year report: its figures frozen at submission (submitted, returned, accepted) or live while a
    draft, its text as the team wrote it, its typical cases and the units' feedback attributed to their unit."""
    period = Period.parse(report.period)
    if report.status in FROZEN and report.figures:
        figures = report.figures
    else:
        figures = team_figures(team=report.team, period=period, today=today)
    questions = _get(figures, "feedback", "by_question", default=[])
    by_area = _get(figures, "activities", "by_area", default={})
    parts = [
        Part(
            key="summary",
            title=_("Overview"),
            tables=[_units_table(figures)],
        ),
        Part(
            key="activities",
            title=_("Service activities"),
            charts=[_activities_chart(figures)],
            tables=[
                _activities_by_kind(figures),
                Table(
                    title=_("Activities by task area"),
                    columns=[Column(_("Task area"), "text", 36), Column(_("Activities"), "int")],
                    rows=[[_area_heading(area), by_area.get(area, 0)] for area in AREAS],
                    note=_(
                        "Activities that advanced a measure of the area; an activity that advanced measures of two "
                        "areas counts in both, so the areas do not add up to the total."
                    ),
                ),
            ],
        ),
        Part(key="measures", title=_("Service measures"), tables=[_measures_by_area(figures)]),
        Part(
            key="requests",
            title=_("Service requests"),
            tables=[_requests_by_kind(figures), *_referrals_and_ratings(figures)],
        ),
        Part(
            key="feedback",
            title=_("Opinions and suggestions"),
            tables=[_feedback_by_question(figures), _feedback_texts(report, questions)],
        ),
        Part(
            key="cases",
            title=_("Typical cases"),
            tables=[_cases_table(_cases(Scope(teams=[report.team_id]), period), with_team=False)],
        ),
        Part(
            key="text",
            title=_("Work summary"),
            texts=[TextSection(heading=_(heading), text=getattr(report, field)) for field, heading in TEXT_SECTIONS],
        ),
    ]
    return ReportDocument(
        title=_title(period),
        period_code=period.code,
        period_label=period.label,
        scope=report.team.name,
        issued_by=report.team.name,
        parts=parts,
        generated_at=timezone.now(),
        status=report.get_status_display(),
    )


# --- The province report -------------------------------------------------------------------------------------------


def _scope_name(user: User, city_code: str | None) -> str:
    """全省, the city, the officer's division, or the team member's teams."""
    if city_code:
        city = Division.objects.filter(code=city_code).values_list("name", flat=True).first()
        return city or city_code
    if user.role == Role.OFFICER and user.division_id:
        division = Division.objects.select_related("city").get(pk=user.division_id)
        return f"{division.city.name}{division.name}" if division.city_id else division.name
    if user.role == Role.TEAM_MEMBER:
        return "、".join(visible_teams(user).order_by("name").values_list("name", flat=True))
    return _("Whole province")


def _comparison_tables(figures: dict) -> list[Table]:
    previous = figures.get("previous", {})

    def counts(label: str, *path: str) -> list[Any]:
        now, before = _get(figures, *path), _get(previous, *path)
        return [label, now, before, _difference(now, before)]

    def rate(label: str, part: tuple[str, ...], whole: tuple[str, ...], less: tuple[str, ...] | None = None):
        def value(source: dict) -> float | None:
            total = _get(source, *whole) - (_get(source, *less) if less else 0)
            return _ratio(_get(source, *part), total)

        now, before = value(figures), value(previous)
        points = _difference(now * 100, before * 100) if now is not None and before is not None else None
        return [label, now, before, None if points is None else round(points, 1)]

    def average(label: str, *path: str) -> list[Any]:
        now, before = _get(figures, *path, default=None), _get(previous, *path, default=None)
        return [label, now, before, _difference(now, before)]

    columns = [Column(_("This half year"), "int", 14), Column(_("Previous half year"), "int", 14)]
    return [
        Table(
            title=_("Main figures"),
            columns=[_figure_column(), *columns, Column(_("Change on the previous half year"), "change")],
            rows=[
                counts(_("Units on the list"), "units", "listed"),
                counts(_("Units served"), "units", "served"),
                counts(_("Units with an approved plan"), "units", "with_plan"),
                counts(_("Units guided"), "units", "guided"),
                counts(
                    _("Units not contacted for more than %(days)s days") % {"days": NO_CONTACT_DAYS},
                    "units",
                    "no_contact",
                ),
                counts(_("Service activities"), "activities", "total"),
                counts(_("Measures due"), "measures", "total", "due"),
                counts(_("Measures done on time"), "measures", "total", "done_on_time"),
                counts(_("Measures overdue"), "measures", "total", "overdue"),
                counts(_("Requests received"), "requests", "total", "received"),
                counts(_("Requests answered in time"), "requests", "total", "answered_in_time"),
                counts(_("Requests referred to other departments"), "referrals", "referred"),
                counts(_("Plans approved"), "plans", "approved"),
                counts(_("Plans returned"), "plans", "returned"),
                counts(_("Units' feedback received"), "feedback", "responses"),
                counts(_("Typical cases"), "cases"),
            ],
            note=_(
                "Guided: on the list with a serving team, an approved plan and at least one recorded activity at the "
                "end of the half year."
            ),
        ),
        Table(
            title=_("Rates"),
            columns=[
                _figure_column(),
                Column(_("This half year"), "percent", 14),
                Column(_("Previous half year"), "percent", 14),
                Column(_("Change (percentage points)"), "change", 14),
            ],
            rows=[
                rate(_("Guided among the units on the list"), ("units", "guided"), ("units", "listed")),
                rate(
                    _("Measures done on time (rate)"),
                    ("measures", "total", "done_on_time"),
                    ("measures", "total", "due"),
                ),
                rate(
                    _("Requests accepted in time (rate)"),
                    ("requests", "total", "accepted_in_time"),
                    ("requests", "total", "received"),
                ),
                rate(
                    _("Requests answered in time (rate)"),
                    ("requests", "total", "answered_in_time"),
                    ("requests", "total", "received"),
                    ("requests", "total", "not_yet_due"),
                ),
                rate(_("Low ratings (1 or 2)"), ("ratings", "low"), ("ratings", "rated")),
            ],
        ),
        Table(
            title=_("Satisfaction"),
            columns=[
                _figure_column(),
                Column(_("This half year"), "decimal", 14),
                Column(_("Previous half year"), "decimal", 14),
                Column(_("Change on the previous half year"), "change"),
            ],
            rows=[
                average(_("Average rating of the answers"), "ratings", "average"),
                average(_("Average score of the units' feedback"), "feedback", "average"),
            ],
        ),
    ]


def _month_label(month: datetime.date) -> str:
    return _("%(month)s/%(year)s") % {"month": month.month, "year": month.year}


def _breakdown_table(figures: dict, *, title: str, first: Column, rows: list[tuple[str, dict]]) -> Table:
    """The main figures of each city or unit category (`rows`: its label and its figures), with the whole's total."""
    return Table(
        title=title,
        columns=[
            first,
            Column(_("On the list"), "int"),
            Column(_("Served"), "int"),
            Column(_("Approved plan"), "int"),
            Column(_("Guided"), "int"),
            Column(_("Activities"), "int"),
            Column(_("Requests received"), "int"),
            Column(_("Answered in time"), "int"),
            Column(_("Average rating"), "decimal"),
            Column(_("Not contacted for %(days)s+ days") % {"days": NO_CONTACT_DAYS}, "int", 14),
        ],
        rows=[[label, *_breakdown_cells(row)] for label, row in rows],
        total=_breakdown_total(figures),
    )


def _breakdown_cells(row: dict) -> list[Any]:
    return [
        row["listed"],
        row["served"],
        row["with_plan"],
        row["guided"],
        row["activities"],
        row["requests_received"],
        row["requests_answered_in_time"],
        row["rating_average"],
        row["no_contact"],
    ]


def _breakdown_total(figures: dict) -> list[Any]:
    return [
        _("Total"),
        _get(figures, "units", "listed"),
        _get(figures, "units", "served"),
        _get(figures, "units", "with_plan"),
        _get(figures, "units", "guided"),
        _get(figures, "activities", "total"),
        _get(figures, "requests", "total", "received"),
        _get(figures, "requests", "total", "answered_in_time"),
        _get(figures, "ratings", "average", default=None),
        _get(figures, "units", "no_contact"),
    ]


def _no_contact_table(scope: Scope, as_of: datetime.date, limit: int | None = None) -> Table:
    units, more = _first(no_contact_list(scope=scope, as_of=as_of), limit)
    return Table(
        more=more,
        title=_("Units not contacted for more than %(days)s days") % {"days": NO_CONTACT_DAYS},
        columns=[
            Column(_("Unit"), "text", 28),
            Column(_("City"), "text", 10),
            Column(_("Team"), "text", 18),
            Column(_("Last contact"), "date", 12),
            Column(_("Days without contact"), "int", 12),
        ],
        rows=[
            [
                unit.name,
                unit.division.city.name if unit.division.city_id else unit.division.name,
                unit.team_name or "",
                unit.last_contact,
                (as_of - unit.last_contact).days if unit.last_contact else None,
            ]
            for unit in units
        ],
        links=[reverse("units:detail", kwargs={"uid": unit.uid}) for unit in units],
        note=_(
            "Units on the list and served by a team on %(date)s whose last recorded activity (by any team) was more "
            "than %(days)s days before, or who have none."
        )
        % {"date": as_of.isoformat(), "days": NO_CONTACT_DAYS},
    )


def _scorecard_table(
    user: User, period: Period, today: datetime.date, city_code: str | None, limit: int | None = None
) -> Table:
    rows = scorecards(user=user, period=period, today=today, city_code=city_code)
    more = max(0, len(rows) - limit) if limit else 0
    rows = rows[:limit] if limit else rows
    labels = [str(label) for _key, label, _field in COMPONENTS]
    return Table(
        more=more,
        more_url=reverse("reports:scorecards", kwargs={"code": period.code}),
        title=_("Team performance evaluation"),
        columns=[
            Column(_("Rank"), "int", 8),
            Column(_("Team"), "text", 20),
            Column(_("Score"), "decimal", 10),
            *(Column(label, "decimal", 12) for label in labels),
        ],
        rows=[[row.rank, row.team.name, row.score, *(c.points for c in row.components)] for row in rows],
        note=_(
            "Out of 100; each component's points after the weight of any component without data is shared out over "
            "the others (the formula is on the scorecard page)."
        )
        + (_(" The teams that served the city's units, ranked among all teams.") if city_code else ""),
    )


def province_report_document(
    *,
    user: User,
    period: Period,
    city_code: str | None = None,
    today: datetime.date | None = None,
    list_limit: int | None = None,
) -> ReportDocument:
    """The province report for `user`'s units (reports.figures.report_units), optionally one city: the figures
    beside the previous half year's, by city, category and task area, the requests, the units' feedback in
    aggregate only (never a unit's name or text), the typical cases, the units out of contact and the scorecard.
    `list_limit`: a page shows the first rows of the long lists (units out of contact, cases, scorecard) and says
    how many it left out; the exports hold every row."""
    today = today or timezone.localdate()
    as_of = period.as_of(today)
    figures = province_figures(user=user, period=period, city_code=city_code, today=today)
    scope = province_scope(user, city_code)
    by_area_activities = _get(figures, "activities", "by_area", default={})
    by_area_measures = _get(figures, "measures", "by_area", default={})
    months = activities_per_month(scope=scope, period=period)
    requests_by_kind = _get(figures, "requests", "by_kind", default={})
    category_labels = dict(Unit.Category.choices)
    parts = [
        Part(
            key="summary",
            title=_("Overall situation"),
            tables=[*_comparison_tables(figures), _activities_by_kind(figures)],
            charts=[
                Chart(
                    key="activities_per_month",
                    title=_("Activities per month"),
                    kind="line",
                    categories=[_month_label(month) for month, _n in months],
                    series=[(_("Activities"), [n for _month, n in months])],
                )
            ],
        ),
        Part(
            key="cities",
            title=_("By city"),
            tables=[
                _breakdown_table(
                    figures,
                    title=_("Figures by city"),
                    first=Column(_("City"), "text", 10),
                    rows=[(row["name"], row) for row in figures["by_city"]],
                )
            ],
            charts=[
                Chart(
                    key="units_by_city",
                    title=_("Units by city"),
                    kind="bar",
                    categories=[row["name"] for row in figures["by_city"]],
                    series=[
                        (_("On the list"), [row["listed"] for row in figures["by_city"]]),
                        (_("Served"), [row["served"] for row in figures["by_city"]]),
                        (_("Guided"), [row["guided"] for row in figures["by_city"]]),
                    ],
                )
            ],
        ),
        Part(
            key="categories",
            title=_("By unit category"),
            tables=[
                _breakdown_table(
                    figures,
                    title=_("Figures by unit category"),
                    first=Column(_("Category"), "text", 28),
                    rows=[
                        (str(category_labels.get(row["category"], row["category"])), row)
                        for row in figures["by_category"]
                    ],
                )
            ],
        ),
        Part(
            key="areas",
            title=_("By task area"),
            tables=[
                Table(
                    title=_("Activities and measures by task area"),
                    columns=[
                        Column(_("Task area"), "text", 36),
                        Column(_("Activities"), "int"),
                        *_measure_columns(Column(_("Task area"), "text"))[1:],
                    ],
                    rows=[
                        [
                            _area_heading(area),
                            by_area_activities.get(area, 0),
                            *_measure_cells(by_area_measures.get(area, {})),
                        ]
                        for area in AREAS
                    ],
                    total=[_("Total"), None, *_measure_cells(_get(figures, "measures", "total", default={}))],
                    note=_(
                        "Activities that advanced a measure of the area (one activity may count in two areas, so no "
                        "total is given). "
                    )
                    + _(MEASURES_NOTE),
                )
            ],
        ),
        Part(
            key="requests",
            title=_("Service requests"),
            tables=[_requests_by_kind(figures), *_referrals_and_ratings(figures)],
            charts=[
                Chart(
                    key="requests_by_kind",
                    title=_("Requests by kind"),
                    kind="bar",
                    categories=[_request_kind_label(kind) for kind in REQUEST_KINDS],
                    series=[
                        (_("Received"), [requests_by_kind.get(k, {}).get("received", 0) for k in REQUEST_KINDS]),
                        (
                            _("Answered in time"),
                            [requests_by_kind.get(k, {}).get("answered_in_time", 0) for k in REQUEST_KINDS],
                        ),
                    ],
                )
            ],
        ),
        Part(key="feedback", title=_("Opinions and suggestions"), tables=[_feedback_by_question(figures)]),
        Part(
            key="cases",
            title=_("Typical cases"),
            tables=[_cases_table(_cases(scope, period, list_limit), with_team=True)],
        ),
        Part(
            key="no_contact",
            title=_("Units not contacted for more than %(days)s days") % {"days": NO_CONTACT_DAYS},
            tables=[_no_contact_table(scope, as_of, list_limit)],
        ),
        Part(
            key="scorecard",
            title=_("Team performance evaluation"),
            tables=[_scorecard_table(user, period, today, city_code, list_limit)],
        ),
    ]
    return ReportDocument(
        title=_title(period),
        period_code=period.code,
        period_label=period.label,
        scope=_scope_name(user, city_code),
        issued_by=_("Zhejiang Provincial Intellectual Property Bureau"),
        parts=parts,
        generated_at=timezone.now(),
    )
