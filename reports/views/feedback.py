"""The units' half-yearly feedback (意见建议): a unit contact gives it on their team, the team reads it attributed to
its units, the bureau reads all of it and sets the points to rate.

Thin: reads through reports/feedback.py (the scopes of reports/scopes.py), writes through reports/services.py, whose
refusals come back on the form."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from huhang.forms import save_form
from huhang.models import ProgrammeSettings
from huhang.pagination import page_of
from reports import feedback, services
from reports.forms import FeedbackFilter, FeedbackForm, FeedbackQuestionForm
from reports.models import FeedbackQuestion
from reports.periods import Period

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse


# --- A unit contact gives it ---------------------------------------------------------------------------------------


@permission_required("reports.give_feedback", raise_exception=True)
def feedback_give(request: HttpRequest, code: str) -> HttpResponse:
    """The form for the half year `code` while its feedback is asked; what was given once it was; otherwise why it
    cannot be given (closed, no serving team). A post is always judged by the service, which says why it refuses."""
    try:
        period = Period.parse(code)
    except ValueError:
        raise Http404 from None
    user, today = request.user, timezone.localdate()
    given = feedback.given_feedback(user=user, period=period)
    due_days = ProgrammeSettings.current().report_due_days
    context = {
        "period": period,
        "opens_on": period.feedback_opens,
        "closes_on": feedback.feedback_closes(period, due_days=due_days),
        "given": given,
    }
    if given is not None:
        return render(request, "reports/feedback/give.html", context)
    team = feedback.serving_team(unit_id=user.unit_id, on=today)
    is_open = feedback.is_open(period, today=today, due_days=due_days)
    form = FeedbackForm(request.POST or None, questions=list(feedback.active_questions()))
    redirected = save_form(
        request,
        form,
        lambda: services.feedback_give(
            actor=user, period=period, scores=form.scores, text=form.cleaned_data["text"], today=today
        ),
        success=_("Thank you: your feedback has been passed to your service team and the provincial IP bureau."),
        redirect_to="home",
    )
    if redirected:
        return redirected
    return render(request, "reports/feedback/give.html", context | {"form": form, "team": team, "is_open": is_open})


# --- The teams and the bureau read it ------------------------------------------------------------------------------


def feedback_list(request: HttpRequest) -> HttpResponse:
    """The team's members read the feedback on their teams, the bureau all of it, a unit contact what they gave
    (reports/scopes.py); officers and experts read it only in aggregate, in the reports: 403."""
    user = request.user
    if not (user.has_perm("reports.view_unit_feedback") or user.has_perm("reports.give_feedback")):
        raise PermissionDenied
    today = timezone.localdate()
    filterset = FeedbackFilter(
        request.GET or None,
        queryset=feedback.feedback_list_for_user(user=user),
        request=request,
        periods=feedback.feedback_periods(today=today),
    )
    page = page_of(request, filterset.qs)
    questions, rows = feedback.score_table(page.object_list)
    context = {"filter": filterset, "page_obj": page, "questions": questions, "rows": rows}
    return render(request, "reports/feedback/list.html", context)


# --- The bureau sets the points to rate ----------------------------------------------------------------------------


def _warn_outside_norm(request: HttpRequest) -> None:
    count = feedback.active_questions().count()
    if feedback.questions_outside_norm(count):
        messages.warning(request, _norm_warning(count))


def _norm_warning(count: int) -> str:
    low, high = feedback.QUESTIONS_NORM
    return ngettext(
        "%(count)s point is asked now; %(low)s to %(high)s make a short feedback that still tells the teams apart.",
        "%(count)s points are asked now; %(low)s to %(high)s make a short feedback that still tells the teams apart.",
        count,
    ) % {"count": count, "low": low, "high": high}


@permission_required("reports.manage_feedback_questions", raise_exception=True)
def feedback_questions(request: HttpRequest) -> HttpResponse:
    """The points the units rate their team on, with how often each was answered; a form to add one."""
    questions = list(feedback.question_list())
    last = max((question.position for question in questions), default=0)
    form = FeedbackQuestionForm(request.POST or None, initial={"is_active": True, "position": last + 1})

    def save() -> FeedbackQuestion:
        data = form.cleaned_data
        question = services.feedback_question_create(
            actor=request.user, text=data["text"], position=data["position"], is_active=data["is_active"]
        )
        _warn_outside_norm(request)
        return question

    redirected = save_form(
        request, form, save, success=_("The point has been added."), redirect_to="reports:feedback_questions"
    )
    if redirected:
        return redirected
    active = sum(1 for question in questions if question.is_active)
    context = {
        "form": form,
        "questions": questions,
        "active_count": active,
        "norm_warning": _norm_warning(active) if feedback.questions_outside_norm(active) else "",
    }
    return render(request, "reports/feedback/questions.html", context)


@permission_required("reports.manage_feedback_questions", raise_exception=True)
def feedback_question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Its wording, its place, whether it is asked. A question once answered is kept, never deleted: changing its
    wording changes it for the feedback already given, so a new point is better added as a new question."""
    question = get_object_or_404(feedback.question_list(), pk=pk)
    form = FeedbackQuestionForm(request.POST or None, instance=question)

    def save() -> FeedbackQuestion:
        data = form.cleaned_data
        saved = services.feedback_question_update(
            actor=request.user,
            question=question,
            text=data["text"],
            position=data["position"],
            is_active=data["is_active"],
        )
        _warn_outside_norm(request)
        return saved

    redirected = save_form(
        request, form, save, success=_("The point has been saved."), redirect_to="reports:feedback_questions"
    )
    return redirected or render(request, "reports/feedback/question_form.html", {"form": form, "question": question})


@require_POST
@permission_required("reports.manage_feedback_questions", raise_exception=True)
def feedback_question_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Only a question never answered goes; one with scores is refused (the scores keep it): deactivate it."""
    question = get_object_or_404(FeedbackQuestion, pk=pk)
    try:
        services.feedback_question_delete(actor=request.user, question=question)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The point has been deleted."))
        _warn_outside_norm(request)
    return redirect("reports:feedback_questions")
