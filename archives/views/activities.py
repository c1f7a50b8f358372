"""The service archive's pages: the activity list, logging an activity (from a phone), its page, corrections,
inviting an expert and adding files. Thin: reads through archives/selectors.py, writes through archives/services.py.
"""

from __future__ import annotations

import uuid
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

from accounts.models import Role
from archives import services
from archives.filters import ActivityFilter
from archives.forms.activities import (
    ActivityCommentForm,
    ActivityCreateForm,
    ActivityEditForm,
    AttachForm,
    measure_forms,
)
from archives.forms.fields import InviteExpertForm, add_archive_error, expert_label
from archives.list_rows import activity_rows
from archives.paging import CappedPaginator
from archives.scopes import sees_internal_notes
from archives.selectors import (
    activity_choices,
    activity_comments_for_user,
    activity_get_for_user,
    activity_list_for_user,
    invitable_experts,
    units_for_recording,
)
from archives.views.staged import keep_for_next_post, staged_files
from audit.models import Action
from audit.services import record
from huhang.forms import save_form
from huhang.typeahead import typeahead_response
from teams.selectors import person_search
from units.selectors import unit_get_for_user

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from archives.models import Activity
    from units.models import Unit

ACTIVITIES_PER_PAGE = 25


class ActivityListView(PermissionRequiredMixin, FilterView):
    """The archive as each role may read it: all of it for the bureau, the team's units for a team member, the
    activities an expert was invited to, and the services their unit received for a unit's contact."""

    permission_required = "archives.browse_activities"
    filterset_class = ActivityFilter
    template_name = "archives/activity_list.html"
    paginate_by = ACTIVITIES_PER_PAGE
    paginator_class = CappedPaginator
    strict = False

    def get_queryset(self):
        return activity_list_for_user(user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        role = self.request.user.role
        context = super().get_context_data(**kwargs)
        return context | {
            "rows": activity_rows(context["page_obj"].object_list),
            "can_record": role == Role.TEAM_MEMBER,
            "services_received": role == Role.UNIT_CONTACT,
        }


activity_list = ActivityListView.as_view()


def _error_message(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _unit_to_record(request: HttpRequest) -> Unit | None:
    """The unit of `?unit=<uid>`: 404 outside the user's scope, 403 in scope for someone who may not record for it.
    Without the parameter, a team member's only unit, or None (the page asks which one)."""
    uid = request.GET.get("unit")
    if uid:
        try:
            uid = uuid.UUID(uid)
        except ValueError as missing:
            raise Http404 from missing
        unit = unit_get_for_user(user=request.user, uid=uid)
        if not request.user.has_perm("archives.record_activity", unit):
            raise PermissionDenied
        return unit
    if request.user.role != Role.TEAM_MEMBER:
        raise PermissionDenied
    units = list(units_for_recording(user=request.user)[:2])
    return units[0] if len(units) == 1 else None


def activity_create(request: HttpRequest) -> HttpResponse:
    """Logging an activity, made for a phone on the way out of a visit. Everything is saved together or nothing:
    the record, the progress notes on the measures it advanced and its files. The form sent twice (a double tap)
    records one activity: the second post is taken to the first's page like the first."""
    unit = _unit_to_record(request)
    context: dict[str, Any] = {"unit": unit, "units": units_for_recording(user=request.user)}
    if unit is None:
        return render(request, "archives/activity_form.html", context)
    choices = activity_choices(user=request.user, unit=unit)
    data = request.POST if request.method == "POST" else None
    form = ActivityCreateForm(
        data, request.FILES if data is not None else None, choices=choices, experts_url=_new_experts_url(unit)
    )
    advances = measure_forms(choices.measures, data)
    if data is not None:
        # A browser never sends a file input back filled: the files of a refused post are kept for the next one.
        staged = staged_files(request, form)
        measures_valid = [advance.is_valid() for advance in advances]  # every form checked: all errors at once
        if form.is_valid() and all(measures_valid):
            try:
                activity = services.activity_create(
                    actor=request.user,
                    unit=unit,
                    advances=[advance for form_ in advances if (advance := form_.advance())],
                    files=form.cleaned_data["files"],
                    staged=staged.kept,
                    token=form.cleaned_data["submission_token"],
                    **form.record(),
                )
            except ValidationError as error:
                add_archive_error(form, error)
            else:
                messages.success(request, _("The activity has been recorded."))
                return redirect("archives:activity_detail", uid=activity.uid)
        context |= keep_for_next_post(request, form, staged)
    context |= {
        "form": form,
        "measure_forms": advances,
        "has_plan_measures": bool(choices.measures),
        "measure_errors": any(advance.errors for advance in advances),
    }
    return render(request, "archives/activity_form.html", context)


def activity_detail(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """Everything recorded. The serving team also gets the correction, invitation and file forms; an invited expert
    and the unit's contact read it. The serving side reads the opinions on it; an invited expert and the serving
    team post them."""
    activity = activity_get_for_user(user=request.user, uid=uid)
    record(Action.READ, request=request, obj=activity)
    return _detail(request, activity)


def _detail(
    request: HttpRequest, activity: Activity, *, comment_form: ActivityCommentForm | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    can_change = user.has_perm("archives.change_activity", activity)
    context: dict[str, Any] = {
        "activity": activity,
        "can_change": can_change,
        "unit_visible": user.role != Role.EXPERT,  # experts reach the activity, never the unit's page
        "reads_opinions": sees_internal_notes(user),  # the serving side; never the unit's
        "opinions": activity_comments_for_user(user=user, activity=activity),
        # Whoever may change the activity (its serving team) may comment on it (archives/rules.py): one query less.
        "may_comment": can_change or user.has_perm("archives.comment_activity", activity),
        "comment_form": comment_form or ActivityCommentForm(),
    }
    if can_change:
        experts = invitable_experts(unit=activity.unit, record=activity)
        context |= {
            "invite_form": InviteExpertForm(experts=experts, url=_experts_url(activity)),
            "may_invite": experts.exists(),
            "attach_form": AttachForm(),
        }
    return render(request, "archives/activity_detail.html", context, status=status)


@require_POST
def activity_comment(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """An invited expert's opinion on the activity, or the serving team's answer: 404 out of scope, 403 for those
    who read the activity but may not post (the bureau, the unit's contact)."""
    activity = activity_get_for_user(user=request.user, uid=uid)
    if not request.user.has_perm("archives.comment_activity", activity):
        raise PermissionDenied
    form = ActivityCommentForm(request.POST)
    redirected = save_form(
        request,
        form,
        lambda: services.activity_comment_add(actor=request.user, activity=activity, text=form.cleaned_data["text"]),
        success=_("Your opinion has been posted; the serving team reads it here."),
        redirect_to=reverse("archives:activity_detail", kwargs={"uid": activity.uid}) + "#opinions",
    )
    return redirected or _detail(request, activity, comment_form=form, status=400)


def _activity_to_change(request: HttpRequest, uid: uuid.UUID) -> Activity:
    """404 outside the user's scope; 403 for those who read the activity but do not serve its unit."""
    activity = activity_get_for_user(user=request.user, uid=uid)
    if not request.user.has_perm("archives.change_activity", activity):
        raise PermissionDenied
    return activity


def activity_edit(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """Corrects the record; the measures it advanced and its files stay as they are."""
    activity = _activity_to_change(request, uid)
    choices = activity_choices(user=request.user, unit=activity.unit, activity=activity)
    data = request.POST if request.method == "POST" else None
    form = ActivityEditForm(data, activity=activity, choices=choices, experts_url=_experts_url(activity))
    redirected = save_form(
        request,
        form,
        lambda: services.activity_update(actor=request.user, activity=activity, **form.record()),
        success=_("The activity record has been corrected."),
        redirect_to=reverse("archives:activity_detail", kwargs={"uid": activity.uid}),
        show_error=add_archive_error,
    )
    context = {"form": form, "activity": activity, "unit": activity.unit}
    return redirected or render(request, "archives/activity_form.html", context)


def _to_detail(activity: Activity, anchor: str) -> HttpResponse:
    return redirect(reverse("archives:activity_detail", kwargs={"uid": activity.uid}) + anchor)


def _experts_url(activity: Activity) -> str:
    return reverse("archives:activity_expert_typeahead", kwargs={"uid": activity.uid})


@require_GET
def activity_expert_typeahead(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """The experts the serving team may invite to the activity whose name or organisation holds `?q=`: the first
    ones only (huhang/typeahead.py). 404 out of scope, 403 for those who read the activity but do not serve it."""
    activity = _activity_to_change(request, uid)
    experts = invitable_experts(unit=activity.unit, record=activity)
    return typeahead_response(request, experts, search=person_search, label=expert_label)


def _new_experts_url(unit: Unit) -> str:
    return reverse("archives:activity_form_expert_typeahead") + f"?unit={unit.uid}"


@require_GET
def activity_form_expert_typeahead(request: HttpRequest) -> HttpResponse:
    """The experts the log form may invite to an activity of `?unit=<uid>` whose name or organisation holds `?q=`:
    the first ones only (huhang/typeahead.py). 404 outside the user's scope, 403 in scope for someone who may not
    record for the unit; 404 without a unit (the log form always names one)."""
    unit = _unit_to_record(request) if request.GET.get("unit") else None
    if unit is None:
        raise Http404
    return typeahead_response(request, invitable_experts(unit=unit), search=person_search, label=expert_label)


@require_POST
def activity_invite_expert(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    activity = _activity_to_change(request, uid)
    experts = invitable_experts(unit=activity.unit, record=activity)
    form = InviteExpertForm(request.POST, experts=experts, url=_experts_url(activity))
    if not form.is_valid():
        messages.error(request, _("Choose one of the experts offered."))
        return _to_detail(activity, "#experts")
    expert = form.cleaned_data["expert"]
    try:
        services.activity_invite_expert(actor=request.user, activity=activity, expert=expert)
    except ValidationError as error:
        _error_message(request, error)
    else:
        message = _("%(name)s has been invited and can now read this activity.") % {"name": expert.name}
        messages.success(request, message)
    return _to_detail(activity, "#experts")


@require_POST
def activity_attach(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """Adds files; one refused file refuses them all, and the message says why."""
    activity = _activity_to_change(request, uid)
    form = AttachForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["files"]))
        return _to_detail(activity, "#files")
    try:
        services.attachments_add(actor=request.user, files=form.cleaned_data["files"], activity=activity)
    except ValidationError as error:
        _error_message(request, error)
    else:
        messages.success(request, _("The files have been added."))
    return _to_detail(activity, "#files")
