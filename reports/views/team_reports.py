"""The teams' half-year reports (半年度工作报告): a team member's list of their teams' reports, the bureau's period
page, one report with its figures and history, its editor, its workflow (submit; return or accept), and the typical
cases (典型案例) a team or the bureau flags for it.

Thin: reads through reports/selectors.py (a team outside the user's scope is 404), rights from reports/rules.py
(403 for a role without the right), writes through reports/services.py, whose refusals come back on the form or as
a message, never a 500. `today` is timezone.localdate(), read once per request and passed down.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from archives.models import Activity, RequestKind
from audit.models import Action
from audit.services import record
from huhang.forms import add_service_error, save_form
from huhang.pagination import page_of
from reports import selectors, services
from reports.caching import CACHE_SECONDS, cached_for_user
from reports.documents import team_report_document
from reports.drafting import TEXT_FIELDS, draft_text
from reports.forms import (
    CaseCandidateFilterForm,
    CaseFlagForm,
    ReportAcceptForm,
    ReportPeriodFilter,
    ReportReturnForm,
    TeamReportForm,
)
from reports.models import ReportEvent, TeamReport
from reports.periods import Period
from reports.selectors import CANDIDATE_ACTIVITIES, CANDIDATE_REQUESTS

if TYPE_CHECKING:
    import datetime
    import uuid

    from django.http import HttpRequest, HttpResponse

    from accounts.models import User
    from teams.models import Team


def rule_required(permission: str) -> Callable:
    """403 unless the user holds `permission` by the `rules` of reports/rules.py alone (as huhang/navigation.py asks
    them): Django lets a superuser pass every permission, and the bureau's demo login is a superuser, who must act
    as the bureau here — review reports, never write or submit a team's."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not rules.has_perm(permission, request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# The document's parts the report page shows through its own areas: the text (with the editor's link) and the
# typical cases (with their flags); the others are the figures.
OWN_AREAS = ("text", "cases")


# --- Lists ----------------------------------------------------------------------------------------------------------


@rule_required("reports.view_team_reports")
def team_report_list(request: HttpRequest) -> HttpResponse:
    """A team member's reports of their teams, every period from the programme's first, newest first. The bureau's
    list of reports is the period page of the current half year."""
    today = timezone.localdate()
    if rules.has_perm("reports.review_team_reports", request.user):
        return redirect("reports:period", code=Period.containing(today).code)
    rows = selectors.team_report_rows_for_user(user=request.user, today=today)
    return render(request, "reports/team/report_list.html", {"rows": rows, "today": today})


@rule_required("reports.review_team_reports")
def period_page(request: HttpRequest, code: str) -> HttpResponse:
    """The bureau's page of a half year: every active team with its report's status, who submitted and who reviewed
    it, the late ones in red; filters, a search of the team's name, links to the other half years."""
    today = timezone.localdate()
    period = selectors.period_from_code(code, today=today)
    teams = selectors.period_reports_for_user(user=request.user, period=period, today=today)
    filterset = ReportPeriodFilter(request.GET, queryset=teams, request=request)
    page = page_of(request, filterset.qs)
    statuses = {selectors.NOT_STARTED_REPORT: _("Not started"), **dict(TeamReport.Status.choices)}
    reviews = dict(ReportEvent.Action.choices)
    for team in page:
        team.status_label = statuses[team.report_status]
        team.review_label = reviews.get(team.review_action, "")
    context = {
        "period": period,
        "periods": selectors.reportable_periods(today=today),
        "due_on": selectors.report_due_on(period=period),
        "counts": selectors.period_report_counts(user=request.user, period=period, today=today),
        "filter": filterset,
        "page_obj": page,
        "today": today,
    }
    return render(request, "reports/team/period.html", context)


# --- One report -------------------------------------------------------------------------------------------------------


def _team_and_period(request: HttpRequest, team_id: int, code: str) -> tuple[Team, Period, datetime.date]:
    today = timezone.localdate()
    period = selectors.period_from_code(code, today=today)
    return selectors.team_get_for_user(user=request.user, team_id=team_id), period, today


def _report(
    request: HttpRequest, team_id: int, code: str, *, start: bool = True
) -> tuple[TeamReport, Period, datetime.date]:
    """The team's report of the period; 404 for a team out of scope or a period the programme has no report for.
    Not started yet: a team member opening it (`start`) creates the draft; anyone else gets an unsaved preview of
    the draft (`report.pk` is None), so that the bureau looking at a team does not make its report look started;
    an action on a report not started (`start=False`) is 404."""
    team, period, today = _team_and_period(request, team_id, code)
    report = selectors.team_report_of(user=request.user, team=team, period=period)
    if report is not None:
        return report, period, today
    if not start:
        raise Http404
    if not rules.has_perm("reports.write_team_report", request.user):
        return TeamReport(team=team, period=period.code, **draft_text(team=team, period=period)), period, today
    try:
        report = services.team_report_for(team=team, period=period)
    except ValidationError as refused:  # a period not started: period_from_code has refused it already
        raise Http404 from refused
    return report, period, today


def _report_url(report: TeamReport) -> str:
    return reverse("reports:team_report", kwargs={"team_id": report.team_id, "code": report.period})


def _report_records(user: User, report: TeamReport, period: Period, today: datetime.date) -> dict[str, Any]:
    """What the report page reads besides the report itself — the figures' parts of its document (frozen when
    submitted, live for a draft and a preview) and when they were computed, its due day, its history and its
    typical cases — read from the cache while no record changed (reports/caching.py): a draft's figures count the
    team's half year on every view, and the parts are some two hundred cells, whose HTML the page caches under
    `parts_cache_key`."""

    def build(key: str) -> dict[str, Any]:
        document = team_report_document(report, today=today)
        return {
            "parts": [part for part in document.parts if part.key not in OWN_AREAS],
            "computed_at": timezone.localtime(),
            "parts_cache_key": f"{key}:html",
            "cache_seconds": CACHE_SECONDS,
            "due_on": selectors.report_due_on(period=period),
            "events": list(selectors.report_events(report=report)) if report.pk else [],
            "cases": list(selectors.team_cases_for_user(user=user, team=report.team, period=period)),
        }

    return cached_for_user("team-report", report.team_id, report.period, report.pk, user=user, build=build)


def _report_page(request: HttpRequest, report: TeamReport, period: Period, today: datetime.date, **forms: Any):
    user = request.user
    records = _report_records(user, report, period, today)
    may_write = rules.has_perm("reports.write_team_report", user)
    context = {
        **records,
        "report": report,
        "team": report.team,
        "period": period,
        "late": selectors.is_late(status=report.status, due_on=records["due_on"], today=today),
        "texts": [(report._meta.get_field(name).verbose_name, getattr(report, name)) for name in TEXT_FIELDS],
        "editable": bool(report.pk) and report.status in services.EDITABLE,
        "may_write": may_write,
        "may_review": rules.has_perm("reports.review_team_reports", user),
        "may_flag": rules.has_perm("reports.flag_typical_cases", user),
        "submission_opens": services.submission_opens(period),
        "may_submit_now": today >= services.submission_opens(period),
        "return_form": forms.get("return_form") or ReportReturnForm(),
        "accept_form": forms.get("accept_form") or ReportAcceptForm(),
        "periods": selectors.reportable_periods(today=today),
    }
    return render(request, "reports/team/report_detail.html", context, status=400 if forms else 200)


@rule_required("reports.view_team_reports")
def team_report(request: HttpRequest, team_id: int, code: str) -> HttpResponse:
    """The report: its text, its figures (live while a draft, frozen when submitted), its typical cases and its
    workflow history, with the actions the user may take."""
    report, period, today = _report(request, team_id, code)
    record(Action.READ, request=request, obj=report)
    return _report_page(request, report, period, today)


@rule_required("reports.write_team_report")
def team_report_edit(request: HttpRequest, team_id: int, code: str) -> HttpResponse:
    """The five texts, saved with the revision the page was rendered with: a save from an older page is refused and
    the page comes back with the text typed and the text saved meanwhile side by side."""
    report, period, _today = _report(request, team_id, code)
    if report.status not in services.EDITABLE:
        messages.info(request, _("The report is with the bureau and cannot be changed now."))
        return redirect(_report_url(report))
    stored: dict[str, str] = {}
    if request.method == "POST":
        form = TeamReportForm(request.POST, report=report)
        if form.is_valid():
            try:
                services.team_report_save(
                    actor=request.user, report=report, revision=form.cleaned_data["revision"], **form.texts()
                )
            except services.ReportConflict as conflict:
                form, stored = _conflict(request, form, conflict)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("The report has been saved."))
                return redirect(_report_url(report))
    else:
        form = TeamReportForm(report=report)
    fields = [(form[name], stored.get(name)) for name in TEXT_FIELDS]
    context = {"report": report, "team": report.team, "period": period, "form": form, "fields": fields}
    return render(request, "reports/team/report_edit.html", context)


def _conflict(
    request: HttpRequest, form: TeamReportForm, conflict: services.ReportConflict
) -> tuple[TeamReportForm, dict[str, str]]:
    """The form again with the text typed, now naming the stored revision (saving it again, deliberately, wins), the
    refusal above it, and the stored text of each field that differs."""
    current, typed = conflict.current, form.texts()
    data = request.POST.copy()
    data["revision"] = str(current.revision)
    again = TeamReportForm(data, report=current)
    again.is_valid()
    again.add_error(None, conflict)
    stored = {name: getattr(current, name) for name in TEXT_FIELDS if getattr(current, name) != typed[name].strip()}
    return again, stored


@require_POST
@rule_required("reports.write_team_report")
def team_report_redraft(request: HttpRequest, team_id: int, code: str) -> HttpResponse:
    """Replaces the texts with a new draft from the period's records (the page asks first)."""
    report, _period, _today = _report(request, team_id, code)
    try:
        services.team_report_redraft(actor=request.user, report=report)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_report_url(report))
    messages.success(request, _("The text has been drafted again from the records of the half year."))
    return redirect("reports:team_report_edit", team_id=report.team_id, code=report.period)


@require_POST
@rule_required("reports.write_team_report")
def team_report_submit(request: HttpRequest, team_id: int, code: str) -> HttpResponse:
    report, _period, _today = _report(request, team_id, code)
    try:
        services.team_report_submit(actor=request.user, report=report)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The report has been submitted to the bureau; its figures are frozen."))
    return redirect(_report_url(report))


def _review(
    request: HttpRequest,
    team_id: int,
    code: str,
    *,
    form_class: type[ReportReturnForm | ReportAcceptForm],
    form_name: str,
    service: Callable[..., TeamReport],
    success: str,
) -> HttpResponse:
    """The bureau returns or accepts a submitted report with its comment: an invalid form or the service's refusal
    comes back on the report page (status 400) in the form that was posted."""
    report, period, today = _report(request, team_id, code, start=False)
    form = form_class(request.POST)
    redirected = save_form(
        request,
        form,
        lambda: service(actor=request.user, report=report, comment=form.cleaned_data["comment"]),
        success=success,
        redirect_to=_report_url(report),
    )
    return redirected or _report_page(request, report, period, today, **{form_name: form})


@require_POST
@rule_required("reports.review_team_reports")
def team_report_return(request: HttpRequest, team_id: int, code: str) -> HttpResponse:
    return _review(
        request,
        team_id,
        code,
        form_class=ReportReturnForm,
        form_name="return_form",
        service=services.team_report_return,
        success=_("The report has been returned to the team with your comments."),
    )


@require_POST
@rule_required("reports.review_team_reports")
def team_report_accept(request: HttpRequest, team_id: int, code: str) -> HttpResponse:
    return _review(
        request,
        team_id,
        code,
        form_class=ReportAcceptForm,
        form_name="accept_form",
        service=services.team_report_accept,
        success=_("The report has been accepted."),
    )


# --- Typical cases ----------------------------------------------------------------------------------------------------

RECORD_KINDS = {CANDIDATE_ACTIVITIES: Activity.Kind.choices, CANDIDATE_REQUESTS: RequestKind.choices}


@rule_required("reports.flag_typical_cases")
def case_candidates(request: HttpRequest, team_id: int, code: str) -> HttpResponse:
    """The team's activities or requests of the half year, each with a button to flag it as a typical case (or to
    remove the flag), searchable and filtered by kind."""
    team, period, _today = _team_and_period(request, team_id, code)
    record = request.GET.get("record")
    record = record if record in RECORD_KINDS else CANDIDATE_ACTIVITIES
    form = CaseCandidateFilterForm(request.GET, kinds=RECORD_KINDS[record])
    rows = selectors.case_candidates_for_user(
        user=request.user, team=team, period=period, record=record, q=form.value("q"), kind=form.value("kind")
    )
    context = {
        "team": team,
        "period": period,
        "record": record,
        "filter": {"form": form},
        "page_obj": page_of(request, rows),
        "flag_form": CaseFlagForm(),
        "next_url": request.get_full_path(),
    }
    return render(request, "reports/team/case_candidates.html", context)


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = fallback
    return redirect(target)


def _case_action(request: HttpRequest, *, record: str, uid: uuid.UUID, case) -> HttpResponse:
    """htmx gets the row's flag button back; a plain form post goes back to the page it came from."""
    if request.htmx:
        context = {
            "record": record,
            "record_uid": uid,
            "case_uid": case.uid if case else None,
            "case_why": case.why if case else "",
            "flag_form": CaseFlagForm(),
            "next_url": request.POST.get("next", ""),
        }
        return render(request, "reports/team/_case_action.html", context)
    return _back(request, reverse("reports:team_report_list"))


def _flag(request: HttpRequest, uid: uuid.UUID, record: str) -> HttpResponse:
    target = selectors.case_record_for_user(user=request.user, record=record, uid=uid)
    form = CaseFlagForm(request.POST)
    why = form.cleaned_data["why"] if form.is_valid() else ""
    kwargs = {"activity": target} if record == CANDIDATE_ACTIVITIES else {"request": target}
    case = services.case_flag(actor=request.user, why=why, **kwargs)
    if not request.htmx:
        messages.success(request, _("Flagged as a typical case."))
    return _case_action(request, record=record, uid=target.uid, case=case)


@require_POST
@rule_required("reports.flag_typical_cases")
def case_flag_activity(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    return _flag(request, uid, CANDIDATE_ACTIVITIES)


@require_POST
@rule_required("reports.flag_typical_cases")
def case_flag_request(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    return _flag(request, uid, CANDIDATE_REQUESTS)


@require_POST
@rule_required("reports.flag_typical_cases")
def case_unflag(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, uid=uid)
    record = CANDIDATE_ACTIVITIES if case.activity_id else CANDIDATE_REQUESTS
    record_uid = case.activity.uid if case.activity_id else case.request.uid
    services.case_unflag(actor=request.user, case=case)
    if not request.htmx:
        messages.success(request, _("The typical case flag has been removed."))
    return _case_action(request, record=record, uid=record_uid, case=None)
