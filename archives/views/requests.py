"""The requests' pages: lists with deadlines, raising a request, its thread and every step of its handling.

Thin: reads through archives/selectors.py (404 out of scope), rights from accounts/rules.py (403 in scope without the
right), writes through archives/services.py, whose ValidationErrors come back as form errors, never a 500.
The thread page shows each user the forms for what they may do (archives/workflow.py: the request's state and the
user's rights); every action posts to its own URL and comes back to the thread, with the form and its errors when
the input was refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_filters.views import FilterView
from rules.contrib.views import PermissionRequiredMixin

from archives import selectors, services, workflow
from archives.filters import RequestFilter
from archives.forms.fields import InviteExpertForm, add_archive_error, expert_label
from archives.forms.requests import (
    CloseForm,
    ReferForm,
    ReferralReplyForm,
    ReopenForm,
    ReplyForm,
    RequestForm,
)
from archives.list_rows import request_rows
from archives.paging import CappedPaginator
from archives.scopes import sees_internal_notes
from archives.views.staged import keep_for_next_post, staged_files
from audit.models import Action
from audit.services import record
from huhang.forms import save_form
from huhang.typeahead import typeahead_response
from teams.selectors import person_search

if TYPE_CHECKING:
    import uuid

    from django.http import HttpRequest, HttpResponse

    from accounts.models import User
    from archives.models import Referral, Request


class RequestListView(PermissionRequiredMixin, FilterView):
    """Every programme role reads the requests of its scope (an officer their jurisdiction's, read-only); the
    administrators none (三员分立)."""

    permission_required = "archives.browse_requests"
    raise_exception = True
    filterset_class = RequestFilter
    template_name = "archives/request_list.html"
    paginate_by = 25
    paginator_class = CappedPaginator
    strict = False

    def get_queryset(self):
        return selectors.request_list_for_user(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return context | {
            "rows": request_rows(context["page_obj"].object_list),
            "may_raise": bool(selectors.units_for_recording(user=self.request.user).exists()),
        }


request_list = RequestListView.as_view()


def request_create(request: HttpRequest) -> HttpResponse:
    """A unit's contact raises a request for their unit; a team member logs one on a served unit's behalf. The form
    sent twice (a double click) files one request: the second post is taken to the first's thread like the first."""
    units = selectors.units_for_recording(user=request.user)
    if not units.exists():
        raise PermissionDenied
    form = RequestForm(request.POST or None, request.FILES or None, units=units, initial=_chosen_unit(request, units))
    # A browser never sends a file input back filled: the files of a refused post are kept for the next one.
    staged = staged_files(request, form) if form.is_bound else None

    def save() -> Request:
        data = form.cleaned_data
        if not request.user.has_perm("archives.raise_request", data["unit"]):
            raise PermissionDenied
        return services.request_submit(
            actor=request.user,
            unit=data["unit"],
            kind=data["kind"],
            title=data["title"],
            description=data["description"],
            files=data["files"],
            staged=staged.kept,
            token=data["submission_token"],
        )

    redirected = save_form(
        request,
        form,
        save,
        success=_("The request has been submitted; your service team sees it now."),
        redirect_to=_thread_url,
        show_error=add_archive_error,
    )
    if redirected:
        return redirected
    context = {"form": form} | (keep_for_next_post(request, form, staged) if staged else {})
    return render(request, "archives/request_form.html", context)


def _chosen_unit(request: HttpRequest, units) -> dict[str, Any]:
    uid = request.GET.get("unit")
    if not uid:
        return {}
    try:
        return {"unit": units.filter(uid=uid).first()}
    except ValidationError:
        return {}


# ---------------------------------------------------------------------------------------------------------------
# The thread


def _thread(request: HttpRequest, request_: Request, *, forms: dict[str, Any] | None = None, status: int = 200):
    """The thread page, with fresh forms for what the user may do (`actions`, archives.workflow), or the refused
    `forms` with their errors."""
    user = request.user
    context: dict[str, Any] = {
        "req": request_,
        "posts": selectors.request_messages_for_user(user=user, request=request_),
        "request_files": [file for file in request_.attachments.all() if file.message_id is None],
        "referrals": request_.referrals.all(),
        "sees_internal": sees_internal_notes(user),
        "reply_form": ReplyForm(may_write_internal=sees_internal_notes(user), initial=_reply_initial(user)),
        "invite_form": InviteExpertForm(
            experts=selectors.invitable_experts(unit=request_.unit, record=request_), url=_experts_url(request_)
        ),
        "refer_form": ReferForm(divisions=selectors.referral_divisions(unit=request_.unit)),
        "referral_reply_form": ReferralReplyForm(),
        "replyable_referrals": workflow.referrals_to_reply(user, request_),
        "close_form": CloseForm(),
        "reopen_form": ReopenForm(),
        "actions": workflow.request_actions(user, request_),
    }
    context.update(forms or {})
    return render(request, "archives/request_detail.html", context, status=status)


def _thread_url(request_: Request) -> str:
    return reverse("archives:request_detail", kwargs={"uid": request_.uid})


def _reply_initial(user: User) -> dict[str, bool]:
    # An invited expert's opinion is for the team by default; the team decides what the unit reads.
    from accounts.models import Role

    return {"internal": user.role == Role.EXPERT}


def request_detail(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    request_ = selectors.request_get_for_user(user=request.user, uid=uid)
    record(Action.READ, request=request, obj=request_)
    return _thread(request, request_)


def _request_for(request: HttpRequest, uid: uuid.UUID, action: str) -> Request:
    """404 out of scope; 403 in scope without the right `action` takes (archives.workflow). Whether the request's
    state allows it is the service's to say, under the row lock."""
    request_ = selectors.request_get_for_user(user=request.user, uid=uid)
    if not request.user.has_perm(workflow.permission_for(action), request_):
        raise PermissionDenied
    return request_


def _action(request: HttpRequest, uid: uuid.UUID, *, action: str, form_name: str, form, perform, success):
    """One step of the handling: 404 out of scope, 403 without the right, the thread with errors on bad input or
    when the service refuses. `form` makes the bound form for the request (the experts one may invite depend on its
    unit)."""
    request_ = _request_for(request, uid, action)
    form = form(request_)
    redirected = save_form(
        request,
        form,
        lambda: perform(request_, form.cleaned_data),
        success=success,
        redirect_to=_thread_url(request_),
        show_error=add_archive_error,
    )
    return redirected or _thread(request, request_, forms={form_name: form}, status=400)


@require_POST
def request_accept(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    request_ = _request_for(request, uid, workflow.ACCEPT)
    try:
        services.request_accept(actor=request.user, request=request_)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The request has been accepted."))
    return redirect("archives:request_detail", uid=request_.uid)


@require_POST
def request_reply(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """A post in the exchange; the files of a refused post are kept for the next one (archives/views/staged.py)."""
    request_ = _request_for(request, uid, workflow.REPLY)
    form = ReplyForm(request.POST, request.FILES, may_write_internal=sees_internal_notes(request.user))
    staged = staged_files(request, form)
    redirected = save_form(
        request,
        form,
        lambda: services.request_reply(
            actor=request.user,
            request=request_,
            text=form.cleaned_data["text"],
            internal=form.cleaned_data.get("internal", False),
            files=form.cleaned_data["files"],
            staged=staged.kept,
        ),
        success=_("Your message has been posted."),
        redirect_to=_thread_url(request_),
        show_error=add_archive_error,
    )
    if redirected:
        return redirected
    kept = keep_for_next_post(request, form, staged)
    return _thread(request, request_, forms={"reply_form": form, **kept}, status=400)


def _experts_url(request_: Request) -> str:
    return reverse("archives:request_expert_typeahead", kwargs={"uid": request_.uid})


@require_GET
def request_expert_typeahead(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """The experts the serving team may invite to the request whose name or organisation holds `?q=`: the first ones
    only (huhang/typeahead.py). 404 out of scope, 403 in scope without the right to invite."""
    request_ = _request_for(request, uid, workflow.INVITE_EXPERT)
    experts = selectors.invitable_experts(unit=request_.unit, record=request_)
    return typeahead_response(request, experts, search=person_search, label=expert_label)


@require_POST
def request_invite_expert(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    return _action(
        request,
        uid,
        action=workflow.INVITE_EXPERT,
        form_name="invite_form",
        form=lambda request_: InviteExpertForm(
            request.POST,
            experts=selectors.invitable_experts(unit=request_.unit, record=request_),
            url=_experts_url(request_),
        ),
        perform=lambda request_, data: services.request_invite_expert(
            actor=request.user, request=request_, expert=data["expert"]
        ),
        success=_("The expert has been invited; they can now read the request and post their opinion."),
    )


@require_POST
def request_refer(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    def referred(referral: Referral) -> str:
        if referral.division_id:
            return _("The request has been referred to %(department)s; its officers record the reply here.") % {
                "department": referral.addressee
            }
        return _("The request has been referred; record the department's reply when it comes.")

    return _action(
        request,
        uid,
        action=workflow.REFER,
        form_name="refer_form",
        form=lambda request_: ReferForm(request.POST, divisions=selectors.referral_divisions(unit=request_.unit)),
        perform=lambda request_, data: services.request_refer(actor=request.user, request=request_, **data),
        success=referred,
    )


@require_POST
def referral_reply(request: HttpRequest, uid: uuid.UUID, referral_id: int) -> HttpResponse:
    """Records the department's reply: the addressed officers for a referral to their IP department, the serving
    team for another department's (archives.reply_referral). 404 for a referral of another request or out of scope,
    403 in scope without the right."""
    request_ = selectors.request_get_for_user(user=request.user, uid=uid)
    referral = next((referral for referral in request_.referrals.all() if referral.pk == referral_id), None)
    if referral is None:
        raise Http404
    if not request.user.has_perm(workflow.permission_for(workflow.RECORD_REPLY), referral):
        raise PermissionDenied
    form = ReferralReplyForm(request.POST)
    redirected = save_form(
        request,
        form,
        lambda: services.referral_reply_record(actor=request.user, referral=referral, **form.cleaned_data),
        success=_("The department's reply has been recorded; the unit can now close the request."),
        redirect_to=_thread_url(request_),
        show_error=add_archive_error,
    )
    forms = {"referral_reply_form": form, "referral_reply_id": referral_id}
    return redirected or _thread(request, request_, forms=forms, status=400)


@require_POST
def request_close(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    return _action(
        request,
        uid,
        action=workflow.CLOSE,
        form_name="close_form",
        form=lambda request_: CloseForm(request.POST),
        perform=lambda request_, data: services.request_close(actor=request.user, request=request_, **data),
        success=_("Thank you: the request is closed with your rating."),
    )


@require_POST
def request_reopen(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    return _action(
        request,
        uid,
        action=workflow.REOPEN,
        form_name="reopen_form",
        form=lambda request_: ReopenForm(request.POST),
        perform=lambda request_, data: services.request_reopen(actor=request.user, request=request_, **data),
        success=_("The request is open again; the service team has been told why."),
    )
