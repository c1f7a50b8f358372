"""The reads of the units' half-yearly feedback (意见建议): when it is asked, what a unit contact's home shows of it,
the questions, and the lists the teams and the bureau read. Writes are reports/services.py's (`feedback_give`, the
questions' services).

The feedback on a half year is asked from the first day of its last month (Period.feedback_opens) until the day its
report is due (ProgrammeSettings.report_due_days after it ends), so that it reaches the team's report."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Avg, Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from huhang.models import ProgrammeSettings
from reports.models import FeedbackQuestion, FeedbackScore, UnitFeedback
from reports.periods import FIRST_PERIOD, Period, periods_between
from reports.scopes import visible_unit_feedback
from teams.models import Assignment, Team

if TYPE_CHECKING:
    from collections.abc import Iterable

    from accounts.models import User

# The recommended number of points to rate (the bureau is warned, not refused, outside it).
QUESTIONS_NORM = (3, 5)
TEXT_MAX_LENGTH = 2000

# The five points of every rating, lowest first: the radio buttons read 很不满意 … 很满意.
SCORE_CHOICES = [
    (1, _("Very dissatisfied")),
    (2, _("Dissatisfied")),
    (3, _("Neither satisfied nor dissatisfied")),
    (4, _("Satisfied")),
    (5, _("Very satisfied")),
]


def score_field_name(question_id: int) -> str:
    """The form field of a question's score; reports.services.feedback_give names its errors after it."""
    return f"score_{question_id}"


# --- When it is asked ---------------------------------------------------------------------------------------------


def feedback_closes(period: Period, *, due_days: int) -> datetime.date:
    """The last day the feedback on `period` is taken: the day its report is due."""
    return period.due_on(due_days)


def is_open(period: Period, *, today: datetime.date, due_days: int) -> bool:
    return period.feedback_opens <= today <= feedback_closes(period, due_days=due_days)


def open_period(*, today: datetime.date, due_days: int) -> Period | None:
    """The half year whose feedback is asked on `today`, or None: the half year that ended, until its report is due,
    else the running one from the first day of its last month. The form keeps the due days short enough (at most
    ProgrammeSettingsForm.REPORT_DUE_DAYS_MAX) for two windows never to overlap."""
    running = Period.containing(today)
    for period in (running.previous, running):
        if period >= FIRST_PERIOD and is_open(period, today=today, due_days=due_days):
            return period
    return None


def serving_team(*, unit_id: int, on: datetime.date) -> Team | None:
    """The team serving the unit on the day `on`, or None: one query. An assignment ends on the day the next one
    starts, so on that day the later one serves."""
    assignments = Assignment.objects.filter(unit_id=unit_id, start__lte=on).filter(Q(end__isnull=True) | Q(end__gte=on))
    assignment = assignments.select_related("team").order_by("-start", "-pk").first()
    return assignment.team if assignment else None


# --- A unit contact's prompt ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedbackPrompt:
    """What a unit contact's home shows while the feedback is asked: the half year, until when, the team it is on,
    and the feedback once given (with its scores)."""

    period: Period
    closes_on: datetime.date
    team: Team | None
    given: UnitFeedback | None


def given_feedback(*, user: User, period: Period) -> UnitFeedback | None:
    """The feedback the contact gave on `period`, with its team and scores (two queries; one when none)."""
    return _with_scores(visible_unit_feedback(user).filter(author=user, period=period.code)).first()


def feedback_prompt_for_user(*, user: User, today: datetime.date) -> FeedbackPrompt | None:
    """The prompt on a unit contact's home, or None outside the window, or when the unit has no serving team and
    nothing was given. One query outside the window (the settings), three or four within it."""
    due_days = ProgrammeSettings.current().report_due_days
    period = open_period(today=today, due_days=due_days)
    if period is None or user.unit_id is None:
        return None
    given = given_feedback(user=user, period=period)
    team = given.team if given else serving_team(unit_id=user.unit_id, on=today)
    if given is None and team is None:
        return None
    return FeedbackPrompt(period=period, closes_on=feedback_closes(period, due_days=due_days), team=team, given=given)


# --- The questions --------------------------------------------------------------------------------------------------


def active_questions() -> QuerySet[FeedbackQuestion]:
    return FeedbackQuestion.objects.filter(is_active=True).order_by("position", "pk")


def question_list() -> QuerySet[FeedbackQuestion]:
    """Every question, asked ones first, each with the number of scores given on it (`answers`)."""
    answers = FeedbackScore.objects.filter(question=OuterRef("pk")).values("question").annotate(n=Count("pk"))
    return FeedbackQuestion.objects.annotate(answers=Coalesce(Subquery(answers.values("n")), 0)).order_by(
        "-is_active", "position", "pk"
    )


def questions_outside_norm(count: int) -> bool:
    low, high = QUESTIONS_NORM
    return not low <= count <= high


# --- The lists ------------------------------------------------------------------------------------------------------


def _with_scores(feedback: QuerySet[UnitFeedback]) -> QuerySet[UnitFeedback]:
    scores = FeedbackScore.objects.select_related("question").order_by("question__position", "question__pk")
    return feedback.select_related("unit", "team").prefetch_related(Prefetch("scores", queryset=scores))


def feedback_list_for_user(*, user: User) -> QuerySet[UnitFeedback]:
    """The feedback the user reads (reports/scopes.py: the team's on its teams, the bureau's all, a contact's own),
    newest half year first, each with its unit, team, author, scores and their average: two queries a page."""
    average = (
        FeedbackScore.objects.filter(feedback=OuterRef("pk"))
        .values("feedback")
        .annotate(average=Avg("score"))
        .values("average")
    )
    return (
        _with_scores(visible_unit_feedback(user))
        .select_related("author")
        .annotate(average=Subquery(average))
        .order_by("-period", "unit__name", "-pk")
    )


def feedback_periods(*, today: datetime.date) -> list[Period]:
    """The half years feedback may exist for, the newest first: the programme's first to the running one."""
    return list(reversed(periods_between(FIRST_PERIOD, Period.containing(today))))


@dataclass(frozen=True)
class ScoreRow:
    feedback: UnitFeedback
    scores: list[int | None]  # one per column, None where the question was not asked of this feedback


def score_table(rows: Iterable[UnitFeedback]) -> tuple[list[FeedbackQuestion], list[ScoreRow]]:
    """The page's feedback as a table: a column per question answered on the page (in the questions' order), read
    from the prefetched scores, so no query is added."""
    rows = list(rows)
    questions: dict[int, FeedbackQuestion] = {}
    for feedback in rows:
        for score in feedback.scores.all():
            questions.setdefault(score.question_id, score.question)
    columns = sorted(questions.values(), key=lambda q: (q.position, q.pk))
    table = []
    for feedback in rows:
        given = {score.question_id: score.score for score in feedback.scores.all()}
        table.append(ScoreRow(feedback=feedback, scores=[given.get(q.pk) for q in columns]))
    return columns, table
