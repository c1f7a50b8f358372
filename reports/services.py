"""Every write of the programme's review: the teams' half-year reports (TeamReport, with their workflow events
ReportEvent) and the typical cases flagged for them (TypicalCase).

A report's workflow: draft → submitted → accepted, or submitted → returned with comments → resubmitted. Submitting
freezes the figures (reports/figures.py) into the report: a later change to the records never changes a submitted
report, while a draft's figures are computed afresh on every page. Each write runs in one transaction, locks the
report's row first and checks the state it is in now (huhang.locking), so two people acting at once are served one
after the other and the second is refused with a reason.

Who may call what is decided by the rules in reports/rules.py and the read scopes in reports/scopes.py (checked by
the views: the team members of the report's team write and submit, the bureau reviews); these functions check the
records' state and the rules of the domain itself.

`now` (on the workflow steps) is the moment the step is taken, for the demo programme to record a past half year's
reports on their days; it defaults to the present.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huhang.locking import locked, require_status
from huhang.text import clean_text
from reports.drafting import TEXT_FIELDS, draft_text
from reports.models import ReportEvent, TeamReport, TypicalCase
from reports.periods import FIRST_PERIOD, Period

if TYPE_CHECKING:
    from accounts.models import User
    from archives.models import Activity, Request
    from teams.models import Team

Status = TeamReport.Status
EDITABLE = (Status.DRAFT, Status.RETURNED)  # the team writes and submits in these states


class ReportConflict(ValidationError):
    """Someone saved the report since this editor loaded it: nothing is saved. Carries the report as stored now, so
    the page can show both texts and the editor's own text is not lost."""

    def __init__(self, current: TeamReport):
        super().__init__(
            _(
                "Someone else saved this report after you opened it, so your text was not saved. It is kept in the "
                "form below, beside the saved text: compare them and save again."
            ),
            code="conflict",
        )
        self.current = current


def submission_opens(period: Period) -> datetime.date:
    """The first day a report of `period` may be submitted: the first day of the half year's last month. The report
    covers the whole half year, so it is not submitted while most of it is still ahead (nor for a half year that has
    not started); from its last month on the team may finish it before the half year ends, as the bureau's due date
    falls soon after."""
    return datetime.date(period.end.year, period.end.month, 1)


def _require_editable(report: TeamReport) -> None:
    require_status(report, *EDITABLE, message=_("This is not possible while the report is %(status)s."))


def _event(report: TeamReport, action: str, actor: User, comment: str, now: datetime.datetime) -> ReportEvent:
    event = ReportEvent.objects.create(report=report, action=action, actor=actor, comment=comment)
    if event.created_at != now:  # a step taken on another day (the demo's past half years): recorded on that day
        ReportEvent.objects.filter(pk=event.pk).update(created_at=now, updated_at=now)
        event.created_at = event.updated_at = now
    return event


def _clean_texts(texts: dict[str, str]) -> dict[str, str]:
    unknown = set(texts) - set(TEXT_FIELDS)
    if unknown:
        raise TypeError(f"unknown report texts {sorted(unknown)}")
    return {name: clean_text(text, keep_lines=True) for name, text in texts.items()}


def _save_texts(report: TeamReport, texts: dict[str, str]) -> TeamReport:
    """Saves `texts` into the locked report as its next revision."""
    for name, text in texts.items():
        setattr(report, name, text)
    # The row is locked, so a plain increment is safe (and simple_history records the saved values, not an F()).
    report.revision += 1
    report.save(update_fields=[*texts, "revision", "updated_at"])
    return report


# --- Half-year reports ----------------------------------------------------------------------------------------------


def team_report_for(*, team: Team, period: Period, now: datetime.datetime | None = None) -> TeamReport:
    """The team's report for `period`; the first call creates it as a draft whose text is drafted from the
    period's records (reports/drafting.py). Refused (code "period") for a half year before the programme's first
    or one that has not started."""
    report = TeamReport.objects.filter(team=team, period=period.code).first()
    if report is not None:
        return report
    now = now or timezone.now()
    if period < FIRST_PERIOD or period.start > timezone.localdate(now):
        raise ValidationError(
            _("There is no report for %(period)s: the half year has not started or is before the programme."),
            code="period",
            params={"period": period.label},
        )
    texts = draft_text(team=team, period=period, now=now)
    try:
        # Two first visits at once: the second insert fails on the unique constraint (PostgreSQL makes it wait for
        # the first to commit) and reads the first one's draft; its savepoint keeps the request's transaction usable.
        with transaction.atomic():
            return TeamReport.objects.create(team=team, period=period.code, **texts)
    except IntegrityError:
        return TeamReport.objects.get(team=team, period=period.code)


@transaction.atomic
def team_report_save(*, actor: User, report: TeamReport, revision: int, **texts: str) -> TeamReport:
    """Saves the report's texts (any of TEXT_FIELDS) if nobody saved since `revision`, the revision the editor's page
    was rendered with; otherwise raises ReportConflict and saves nothing."""
    texts = _clean_texts(texts)
    report = locked(report, "team")
    _require_editable(report)
    if report.revision != revision:
        raise ReportConflict(report)
    return _save_texts(report, texts)


@transaction.atomic
def team_report_redraft(*, actor: User, report: TeamReport, now: datetime.datetime | None = None) -> TeamReport:
    """Replaces the report's texts with a new draft assembled from the period's records (what the team typed is
    replaced: the page asks first). Only while the team writes it (draft or returned)."""
    report = locked(report, "team")
    _require_editable(report)
    texts = draft_text(team=report.team, period=Period.parse(report.period), now=now)
    return _save_texts(report, texts)


@transaction.atomic
def team_report_submit(*, actor: User, report: TeamReport, now: datetime.datetime | None = None) -> TeamReport:
    """Submits the report (a draft, or a returned one: resubmitted) and freezes its figures as they stand at `now`
    (reports.figures.team_figures, as of that day or the half year's end if earlier)."""
    from reports.figures import team_figures

    now = now or timezone.now()
    today = timezone.localdate(now)
    report = locked(report, "team")
    _require_editable(report)
    period = Period.parse(report.period)
    opens = submission_opens(period)
    if today < opens:
        raise ValidationError(
            _("A report for %(period)s can be submitted from %(date)s on: it covers the whole half year."),
            code="too_early",
            params={"period": period.label, "date": opens.isoformat()},
        )
    if not report.work_done.strip():
        raise ValidationError(
            {"work_done": ValidationError(_("Write the work done before submitting the report."), code="required")}
        )
    action = ReportEvent.Action.RESUBMITTED if report.status == Status.RETURNED else ReportEvent.Action.SUBMITTED
    report.figures = team_figures(team=report.team, period=period, today=today)
    report.status = Status.SUBMITTED
    report.submitted_at = now
    report.submitted_by = actor
    report.save(update_fields=["figures", "status", "submitted_at", "submitted_by", "updated_at"])
    _event(report, action, actor, "", now)
    return report


def _review(
    report: TeamReport, *, actor: User, status: str, action: str, comment: str, now: datetime.datetime | None
) -> TeamReport:
    now = now or timezone.now()
    report.status = status
    report.reviewed_at = now
    report.reviewed_by = actor
    report.review_comment = comment
    report.save(update_fields=["status", "reviewed_at", "reviewed_by", "review_comment", "updated_at"])
    _event(report, action, actor, comment, now)
    return report


@transaction.atomic
def team_report_return(
    *, actor: User, report: TeamReport, comment: str, now: datetime.datetime | None = None
) -> TeamReport:
    """The bureau sends a submitted report back to the team with its comments (required); the team edits it and
    resubmits it. The frozen figures stay until the resubmission freezes them again."""
    report = locked(report, "team")
    require_status(report, Status.SUBMITTED, message=_("Only a submitted report can be returned; it is %(status)s."))
    comment = clean_text(comment, keep_lines=True)
    if not comment:
        raise ValidationError({"comment": ValidationError(_("Say what the team should change."), code="required")})
    return _review(
        report, actor=actor, status=Status.RETURNED, action=ReportEvent.Action.RETURNED, comment=comment, now=now
    )


@transaction.atomic
def team_report_accept(
    *, actor: User, report: TeamReport, comment: str = "", now: datetime.datetime | None = None
) -> TeamReport:
    """The bureau accepts a submitted report, optionally with a comment. An accepted report is final."""
    report = locked(report, "team")
    require_status(report, Status.SUBMITTED, message=_("Only a submitted report can be accepted; it is %(status)s."))
    comment = clean_text(comment, keep_lines=True)
    return _review(
        report, actor=actor, status=Status.ACCEPTED, action=ReportEvent.Action.ACCEPTED, comment=comment, now=now
    )


# --- Typical cases ----------------------------------------------------------------------------------------------------


@transaction.atomic
def case_flag(
    *, actor: User, activity: Activity | None = None, request: Request | None = None, why: str = ""
) -> TypicalCase:
    """Flags an activity or a request (exactly one) as a typical case (典型案例) of the half year it happened in
    (the activity's date, the day the request counts as received), for the team that served it then (the record's
    team). Flagging a record already flagged returns its case, with `why` updated when one is given."""
    if (activity is None) == (request is None):
        raise TypeError("flag exactly one of an activity and a request")
    record = activity if activity is not None else request
    # The record's row is locked, so that two flags at once (a double click) make one case.
    locked(record)
    why = clean_text(why, keep_lines=True)
    of_record = {"activity": activity} if activity is not None else {"request": request}
    case = TypicalCase.objects.filter(**of_record).first()
    if case is not None:
        if why and why != case.why:
            case.why = why
            case.save(update_fields=["why", "updated_at"])
        return case
    day = activity.date if activity is not None else request.received_on
    case = TypicalCase(
        activity=activity,
        request=request,
        team_id=record.team_id,
        unit_id=record.unit_id,
        period=Period.containing(day).code,
        why=why,
        flagged_by=actor,
    )
    case.full_clean(exclude=["activity", "request"])  # the one-to-one is checked under the lock above
    case.save()
    return case


@transaction.atomic
def case_unflag(*, actor: User, case: TypicalCase) -> None:
    """Removes the flag: the record is no longer a typical case (it stays in the archive). Removing a flag already
    removed does nothing. A submitted report's text keeps what it says."""
    TypicalCase.objects.filter(pk=case.pk).delete()


# --- the units' feedback (意见建议) and the points they rate (reports/feedback.py reads them) -----------------------
# Appended by the feedback's part: its imports are local, so the file's head stays the reports' own.

if TYPE_CHECKING:
    from reports.models import FeedbackQuestion, UnitFeedback


def feedback_give(
    *,
    actor: User,
    period: Period,
    scores: dict[int, int],
    text: str,
    today: datetime.date | None = None,
) -> UnitFeedback:
    """A unit contact's feedback on the team serving their unit for `period`: a score from 1 to 5 for every point
    asked now (`scores`, by question id) and free text. Taken while the period's feedback is asked
    (reports/feedback.py: from its last month until its report is due), once per contact and half year; the team is
    the one serving the unit on the day it is given (`today`, for the demo's past half years; default the present).
    The feedback and its scores are saved together or not at all."""
    from django.core.exceptions import PermissionDenied

    from accounts.models import Role, User
    from huhang.models import ProgrammeSettings
    from reports import feedback
    from reports.models import FeedbackScore, UnitFeedback

    if actor.role != Role.UNIT_CONTACT or actor.unit_id is None:
        raise PermissionDenied
    today = today or timezone.localdate()
    with transaction.atomic():
        # The contact's row is locked: a form sent twice (a double click) gives one feedback and a clear refusal.
        User.objects.select_for_update().filter(pk=actor.pk).values_list("pk").first()
        due_days = ProgrammeSettings.current().report_due_days
        if not feedback.is_open(period, today=today, due_days=due_days):
            raise ValidationError(
                _("The feedback on %(period)s is taken from %(opens)s to %(closes)s; it cannot be given now."),
                code="closed",
                params={
                    "period": period.label,
                    "opens": period.feedback_opens.isoformat(),
                    "closes": feedback.feedback_closes(period, due_days=due_days).isoformat(),
                },
            )
        already = _("You have already given your feedback on %(period)s: it is given once per half year.")
        if UnitFeedback.objects.filter(author=actor, period=period.code).exists():
            raise ValidationError(already, code="given", params={"period": period.label})
        team = feedback.serving_team(unit_id=actor.unit_id, on=today)
        if team is None:
            raise ValidationError(
                _("No service team serves your unit at present, so there is no team to give feedback on."),
                code="no_team",
            )
        text = clean_text(text, keep_lines=True)
        _check_feedback(scores, text, question_ids=list(feedback.active_questions().values_list("pk", flat=True)))
        try:
            with transaction.atomic():  # a savepoint: a concurrent twin refused by the database is refused in words
                given = UnitFeedback.objects.create(
                    unit_id=actor.unit_id, team=team, period=period.code, author=actor, text=text
                )
        except IntegrityError:
            raise ValidationError(already, code="given", params={"period": period.label}) from None
        FeedbackScore.objects.bulk_create(
            FeedbackScore(feedback=given, question_id=question_id, score=score) for question_id, score in scores.items()
        )
    return given


def _check_feedback(scores: dict[int, int], text: str, *, question_ids: list[int]) -> None:
    """Every point asked rated once, each 1–5, none that is not asked (the points changed while the form was open);
    the text at most TEXT_MAX_LENGTH characters. The errors are named after the form's fields."""
    from django.core.exceptions import NON_FIELD_ERRORS

    from reports import feedback

    errors: dict[str, list[ValidationError]] = {}
    for question_id in question_ids:
        score = scores.get(question_id)
        if score is None:
            errors[feedback.score_field_name(question_id)] = [
                ValidationError(_("Please rate this point."), code="required")
            ]
        elif not (isinstance(score, int) and 1 <= score <= 5):
            errors[feedback.score_field_name(question_id)] = [
                ValidationError(_("A score is a whole number from 1 to 5."), code="score")
            ]
    if set(scores) - set(question_ids) or not question_ids:
        errors[NON_FIELD_ERRORS] = [
            ValidationError(
                _("The points to rate have changed since the page was opened: please fill in the form again."),
                code="questions",
            )
        ]
    if len(text) > feedback.TEXT_MAX_LENGTH:
        errors["text"] = [
            ValidationError(
                _("Opinions and suggestions may be at most %(max)s characters long (this text has %(length)s)."),
                code="max_length",
                params={"max": feedback.TEXT_MAX_LENGTH, "length": len(text)},
            )
        ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def feedback_question_create(
    *, actor: User | None, text: str, position: int, is_active: bool = True
) -> FeedbackQuestion:
    """A point the units rate their team on. How many are asked is the bureau's choice: 3–4 is the norm, which the
    page recalls (reports/feedback.py), but no number is refused."""
    from reports.models import FeedbackQuestion

    question = FeedbackQuestion(text=clean_text(text), position=position, is_active=is_active)
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def feedback_question_update(
    *, actor: User | None, question: FeedbackQuestion, text: str, position: int, is_active: bool
) -> FeedbackQuestion:
    """Its wording, its place, whether it is asked. A point no longer asked keeps its scores (they stay in the
    reports of the half years they were given in)."""
    question = locked(question)
    question.text, question.position, question.is_active = clean_text(text), position, is_active
    question.full_clean()
    question.save(update_fields=["text", "position", "is_active", "updated_at"])
    return question


@transaction.atomic
def feedback_question_delete(*, actor: User | None, question: FeedbackQuestion) -> None:
    """Deletes a point no unit has rated yet. One with scores is refused (code "answered"): the scores hold it
    (on_delete=PROTECT) — it can stop being asked instead."""
    from django.utils.translation import ngettext

    from reports.models import FeedbackScore

    question = locked(question)
    answers = FeedbackScore.objects.filter(question=question).count()
    if answers:
        raise ValidationError(
            ngettext(
                "This point has been rated %(count)s time, so it is kept with its score: stop asking it instead.",
                "This point has been rated %(count)s times, so it is kept with its scores: stop asking it instead.",
                answers,
            ),
            code="answered",
            params={"count": answers},
        )
    question.delete()
