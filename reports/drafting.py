"""The first draft of a team's half-year report text, assembled from the period's records for the team to edit.

`draft_text` gives the five text fields of a TeamReport (models.py). Every part reads a bounded number of rows in a
fixed number of queries — counts in SQL, then only the first few records a reader needs — so drafting costs the
same for a team with ten activities as for one with a thousand:

- work_done: the activities of the half year counted by kind, the requests received and answered, and the outcomes
  of the latest activities that recorded one (LATEST_OUTCOMES, one line each);
- typical_cases: the cases the team flagged for the half year (TypicalCase), with why each is typical;
- problems: the measures overdue and the requests answered late or still unanswered past their limit (counts and
  the first few of each);
- next_focus: the measures of the plans in force falling due in the next half year, by task area;
- unit_feedback: the units' feedback (意见建议) of the half year and the comments left with the ratings of requests,
  each attributed to its unit: the report is the team's own, and the team reads its units' feedback by name.

The text is plain: paragraphs separated by blank lines, one item a line.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, F, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from archives.models import Activity, Request
from huhang.vocabulary import TaskArea
from plans.models import Measure
from reports.models import FeedbackScore, TypicalCase, UnitFeedback
from teams.models import Assignment

if TYPE_CHECKING:
    from reports.periods import Period
    from teams.models import Team

TEXT_FIELDS = ("work_done", "typical_cases", "problems", "next_focus", "unit_feedback")

LATEST_OUTCOMES = 10  # the outcomes of the latest activities quoted in "work done"
FIRST_PROBLEMS = 5  # the overdue measures and the late requests named in "problems"
FOCUS_PER_AREA = 3  # the measures named per task area in "next half year's focus"
CASE_ROWS = 20  # typical cases quoted
FEEDBACK_ROWS = 20  # units' feedback quoted
COMMENT_ROWS = 10  # rating comments quoted
LINE_LENGTH = 120  # a quoted text longer than this is cut, so that one record stays one line

MEASURE_OPEN = (Measure.Status.NOT_STARTED, Measure.Status.IN_PROGRESS)


def draft_text(*, team: Team, period: Period, now: datetime.datetime | None = None) -> dict[str, str]:
    """The five text fields of `team`'s report for `period`, drafted from the records (see the module's doc).
    `now` is the moment the requests' clocks and the measures' due dates are judged at (default: now)."""
    now = now or timezone.now()
    as_of = period.as_of(timezone.localdate(now))
    return {
        "work_done": _work_done(team, period),
        "typical_cases": _typical_cases(team, period),
        "problems": _problems(team, period, now=now, as_of=as_of),
        "next_focus": _next_focus(team, period),
        "unit_feedback": _unit_feedback(team, period),
    }


# --- Helpers ------------------------------------------------------------------------------------------------------


def one_line(text: str, limit: int = LINE_LENGTH) -> str:
    """A record's text on one line, cut at `limit` characters."""
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def month_day(day: datetime.date) -> str:
    return _("%(month)s/%(day)s") % {"month": day.month, "day": day.day}


def _paragraphs(*blocks: str) -> str:
    return "\n\n".join(block for block in blocks if block)


def _numbered(lines: list[str]) -> str:
    return "\n".join(f"{number}. {line}" for number, line in enumerate(lines, start=1))


def _team_units_during(team: Team, period: Period):
    """The units assigned to the team at some time in the period (as reports/figures.py counts them)."""
    return Assignment.objects.filter(team=team, start__lte=period.end).filter(
        Q(end__isnull=True) | Q(end__gte=period.start)
    )


def _team_units_at(team: Team, day: datetime.date):
    """The units assigned to the team on `day`."""
    return Assignment.objects.filter(team=team, start__lte=day).filter(Q(end__isnull=True) | Q(end__gte=day))


def _measures_in_force(units: QuerySet[Assignment]) -> QuerySet[Measure]:
    return Measure.objects.filter(version__plan__in_force=F("version"), version__plan__unit__in=units.values("unit"))


# --- The five fields ----------------------------------------------------------------------------------------------


def _work_done(team: Team, period: Period) -> str:
    activities = Activity.objects.filter(team=team, date__gte=period.start, date__lte=period.end)
    counts = activities.aggregate(
        total=Count("pk"),
        units=Count("unit", distinct=True),
        **{kind: Count("pk", filter=Q(kind=kind)) for kind in Activity.Kind.values},
    )
    requests = Request.objects.filter(team=team, received_on__gte=period.start, received_on__lte=period.end).aggregate(
        received=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False))
    )
    request_line = (
        _("Requests received: %(received)s; answered: %(answered)s.") % requests if requests["received"] else ""
    )
    if not counts["total"]:
        return _paragraphs(_("No service activity was recorded in this half year."), request_line)
    summary = ngettext(
        "In %(period)s the team recorded %(count)s service activity for %(units)s units.",
        "In %(period)s the team recorded %(count)s service activities for %(units)s units.",
        counts["total"],
    ) % {"period": period.label, "count": counts["total"], "units": counts["units"]}
    kinds = "、".join(
        _("%(kind)s %(count)s") % {"kind": label, "count": counts[kind]}
        for kind, label in Activity.Kind.choices
        if counts[kind]
    )
    summary += "\n" + _("By kind: %(kinds)s.") % {"kinds": kinds}
    latest = (
        activities.exclude(outcome="")
        .select_related("unit")
        .order_by("-date", "-pk")
        .only("date", "kind", "outcome", "unit__name")[:LATEST_OUTCOMES]
    )
    lines = [
        _("%(date)s %(kind)s at %(unit)s: %(outcome)s")
        % {
            "date": month_day(activity.date),
            "kind": activity.get_kind_display(),
            "unit": activity.unit.name,
            "outcome": one_line(activity.outcome),
        }
        for activity in latest
    ]
    outcomes = _("Outcomes of the latest activities:") + "\n" + _numbered(lines) if lines else ""
    return _paragraphs(summary, request_line, outcomes)


def _typical_cases(team: Team, period: Period) -> str:
    cases = (
        TypicalCase.objects.filter(team=team, period=period.code)
        .select_related("unit", "activity", "request")
        .order_by("created_at", "pk")[:CASE_ROWS]
    )
    lines = []
    for case in cases:
        if case.activity_id:
            record = case.activity
            day, kind = record.date, record.get_kind_display()
            summary = one_line(record.summary)
            if record.outcome:
                summary += _("; outcome: %(outcome)s") % {"outcome": one_line(record.outcome)}
        else:
            record = case.request
            day, kind = record.received_on, record.get_kind_display()
            summary = one_line(record.title)
        line = _("%(unit)s (%(date)s, %(kind)s): %(summary)s") % {
            "unit": case.unit.name,
            "date": day.isoformat(),
            "kind": kind,
            "summary": summary,
        }
        if case.why:
            line += "\n   " + _("Why it is typical: %(why)s") % {"why": one_line(case.why)}
        lines.append(line)
    if not lines:
        return _("No typical case has been flagged for this half year yet.")
    return _numbered(lines)


def _problems(team: Team, period: Period, *, now: datetime.datetime, as_of: datetime.date) -> str:
    overdue = (
        _measures_in_force(_team_units_during(team, period))
        .filter(due_on__gte=period.start, due_on__lte=period.end, due_on__lt=as_of, status__in=MEASURE_OPEN)
        .select_related("version__plan__unit")
        .order_by("due_on", "pk")
    )
    overdue_count = overdue.count()
    requests = Request.objects.filter(team=team, received_on__gte=period.start, received_on__lte=period.end)
    answered_late = Q(answered_at__isnull=False, answered_at__gt=F("answer_due_at"))
    open_late = Q(answered_at__isnull=True, answer_due_at__lt=now)
    late = requests.aggregate(answered_late=Count("pk", filter=answered_late), open_late=Count("pk", filter=open_late))
    blocks = []
    if overdue_count:
        lines = [
            _("%(unit)s: %(measure)s (%(area)s, due %(date)s)")
            % {
                "unit": measure.version.plan.unit.name,
                "measure": one_line(measure.content),
                "area": measure.get_area_display(),
                "date": measure.due_on.isoformat(),
            }
            for measure in overdue[:FIRST_PROBLEMS]
        ]
        heading = ngettext(
            "%(count)s measure of the plans in force is overdue:",
            "%(count)s measures of the plans in force are overdue:",
            overdue_count,
        ) % {"count": overdue_count}
        blocks.append(heading + "\n" + _numbered(lines))
    if late["answered_late"] or late["open_late"]:
        rows = (
            requests.filter(answered_late | open_late)
            .select_related("unit")
            .order_by("answer_due_at", "pk")
            .only("title", "kind", "answer_due_at", "answered_at", "unit__name")[:FIRST_PROBLEMS]
        )
        lines = [
            _("%(unit)s: %(title)s (%(kind)s, due %(date)s)")
            % {
                "unit": request.unit.name,
                "title": one_line(request.title),
                "kind": request.get_kind_display(),
                "date": timezone.localdate(request.answer_due_at).isoformat(),
            }
            for request in rows
        ]
        heading = (
            _("Requests answered after their time limit: %(answered_late)s; still unanswered past it: %(open_late)s.")
            % late
        )
        blocks.append(heading + "\n" + _numbered(lines))
    if not blocks:
        return _("No measure is overdue and every request was answered in time.")
    return _paragraphs(*blocks)


def _next_focus(team: Team, period: Period) -> str:
    following = period.next
    measures = _measures_in_force(_team_units_at(team, period.end)).filter(
        due_on__gte=following.start, due_on__lte=following.end, status__in=MEASURE_OPEN
    )
    counts = {row["area"]: row["n"] for row in measures.values("area").annotate(n=Count("pk")).order_by()}
    if not counts:
        return _("No measure of the plans in force falls due in %(period)s.") % {"period": following.label}
    ranked = (
        measures.annotate(
            rank=Window(RowNumber(), partition_by=[F("area")], order_by=[F("due_on").asc(), F("pk").asc()])
        )
        .filter(rank__lte=FOCUS_PER_AREA)
        .select_related("version__plan__unit")
    )
    examples: dict[str, list[str]] = {}
    for measure in ranked:
        examples.setdefault(measure.area, []).append(
            _("%(measure)s (%(unit)s, by %(date)s)")
            % {
                "measure": one_line(measure.content, 60),
                "unit": measure.version.plan.unit.name,
                "date": measure.due_on.isoformat(),
            }
        )
    lines = [
        _("%(area)s (%(count)s): %(examples)s")
        % {"area": label, "count": counts[area], "examples": "；".join(examples.get(area, []))}
        for area, label in TaskArea.choices
        if area in counts
    ]
    total = sum(counts.values())
    heading = ngettext(
        "%(count)s measure of the plans in force falls due in %(period)s, by task area:",
        "%(count)s measures of the plans in force fall due in %(period)s, by task area:",
        total,
    ) % {"count": total, "period": following.label}
    return heading + "\n" + _numbered(lines)


def _unit_feedback(team: Team, period: Period) -> str:
    feedback = (
        UnitFeedback.objects.filter(team=team, period=period.code)
        .select_related("unit")
        .prefetch_related(Prefetch("scores", FeedbackScore.objects.select_related("question")))
        .order_by("unit__name", "pk")[:FEEDBACK_ROWS]
    )
    lines = []
    for given in feedback:
        scores = "、".join(
            _("%(question)s %(score)s") % {"question": score.question.text, "score": score.score}
            for score in given.scores.all()
        )
        text = one_line(given.text) or _("(no comment)")
        line = _("%(unit)s: %(text)s") % {"unit": given.unit.name, "text": text}
        if scores:
            line += _(" (scores: %(scores)s)") % {"scores": scores}
        lines.append(line)
    comments = (
        Request.objects.filter(
            team=team,
            closed_at__date__gte=period.start,
            closed_at__date__lte=period.end,
            rating__isnull=False,
        )
        .exclude(rating_comment="")
        .select_related("unit")
        .order_by("closed_at", "pk")
        .only("title", "rating", "rating_comment", "unit__name")[:COMMENT_ROWS]
    )
    comment_lines = [
        _("%(unit)s, on the request “%(title)s” (satisfaction %(rating)s): %(comment)s")
        % {
            "unit": request.unit.name,
            "title": one_line(request.title, 40),
            "rating": request.rating,
            "comment": one_line(request.rating_comment),
        }
        for request in comments
    ]
    blocks = []
    if lines:
        blocks.append(_("The units' feedback:") + "\n" + _numbered(lines))
    if comment_lines:
        blocks.append(_("Comments given with the ratings of requests:") + "\n" + _numbered(comment_lines))
    if not blocks:
        return _("No unit has given feedback or a rating comment in this half year.")
    return _paragraphs(*blocks)
