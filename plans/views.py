"""The plan pages: the plan, its editor and measures, the workflow's actions, the approval queue and the overview.

Thin: reads come from plans/selectors.py (scoped: 404 out of scope, 403 in scope without the right), writes go through
plans/services.py, whose ValidationErrors come back as form errors or messages, never as a 500.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from audit.models import Action
from audit.services import record
from huhang.forms import add_service_error, save_form
from huhang.pagination import page_of
from huhang.typeahead import typeahead_response
from plans import selectors, services
from plans.diff import measures_diff, section_diffs
from plans.filters import ApprovalQueueFilter, PlanOverviewFilter
from plans.forms import ApproveForm, MeasureForm, ProgressForm, ReturnForm, SectionsForm, section_label
from plans.list_rows import editor_measure_rows, overview_rows
from plans.models import SECTIONS, Plan, PlanVersion
from plans.sanitising import sanitise
from teams.models import Person
from teams.selectors import person_search
from units.selectors import unit_get_for_user

if TYPE_CHECKING:
    import uuid

    from django.http import HttpRequest, HttpResponse

Status = PlanVersion.Status


def _error_message(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _sections(version: PlanVersion | None) -> list[dict[str, str]]:
    if version is None:
        return []
    return [{"name": name, "label": section_label(name), "html": getattr(version, name)} for name in SECTIONS]


# ---------------------------------------------------------------------------------------------------------------
# The plan


def plan_detail(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, uid=uid)
    record(Action.READ, request=request, obj=plan)
    full = selectors.may_read_all_versions(request.user)
    shown = selectors.plan_page_versions(plan=plan, every_version=full)
    context: dict[str, Any] = {
        "plan": plan,
        "unit": plan.unit,
        "full": full,
        "in_force": shown.in_force,
        "in_force_sections": _sections(shown.in_force),
        "past_due": selectors.plan_is_past_due(plan),
        "can_write": request.user.has_perm("plans.write_plans"),
        "can_review": request.user.has_perm("plans.review_plans"),
    }
    if full:
        context |= {
            "working": shown.working,
            "working_sections": _sections(shown.working),
            "versions": shown.versions,
            "events": selectors.plan_events(plan=plan),
        }
    return render(request, "plans/plan_detail.html", context)


@require_POST
def plan_start(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    unit = unit_get_for_user(user=request.user, uid=uid)
    if not request.user.has_perm("plans.write_plans"):
        raise PermissionDenied
    try:
        plan = services.plan_start(actor=request.user, unit=unit)
    except ValidationError as error:
        _error_message(request, error)
        return redirect("units:detail", uid=unit.uid)
    messages.success(request, _("The plan has been started. Write its sections and measures, then submit it."))
    return redirect("plans:edit", uid=plan.uid)


# ---------------------------------------------------------------------------------------------------------------
# The editor: sections (optimistic locking) and measures (htmx, or full pages without JavaScript)


def _editable_version(request: HttpRequest, uid: uuid.UUID) -> tuple[Plan, PlanVersion | None]:
    """The plan and its working version when the team may edit it now; otherwise a message says why."""
    plan = selectors.plan_get_for_user(user=request.user, uid=uid, for_write=True)
    version = plan.working
    if version is None or not version.is_editable:
        if version is None:
            messages.info(request, _("No version of this plan is being written. Start a revision to change it."))
        else:
            messages.info(request, _("The plan is waiting for the bureau's review and cannot be changed now."))
        return plan, None
    return plan, version


def _to_detail(request: HttpRequest, plan: Plan) -> HttpResponse:
    url = reverse("plans:detail", kwargs={"uid": plan.uid})
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _measure_form(plan: Plan, version: PlanVersion, data=None, **kwargs: Any) -> MeasureForm:
    """The measure form of the editor: its owner is searched among the plan's candidates (`owner_typeahead`)."""
    return MeasureForm(
        data,
        candidates=services.measure_owner_candidates(version=version),
        owner_url=reverse("plans:owner_typeahead", kwargs={"uid": plan.uid}),
        **kwargs,
    )


def _new_measure_form(plan: Plan, version: PlanVersion, data=None) -> MeasureForm:
    suggest_url = reverse("plans:suggest_experts", kwargs={"uid": plan.uid})
    return _measure_form(plan, version, data, prefix="new", suggest_url=suggest_url)


def _editor_context(request: HttpRequest, plan: Plan, version: PlanVersion, **extra: Any) -> dict[str, Any]:
    version = selectors.editor_version(plan=plan, version=version)
    measures = list(version.measures.all())
    return {
        "plan": plan,
        "unit": plan.unit,
        "version": version,
        "measures": measures,
        "measure_rows": editor_measure_rows(measures, plan=plan, csrf_token=get_token(request)),
        "measure_form": _new_measure_form(plan, version),
        "return_comments": selectors.return_comments(version=version),
        "past_due": selectors.plan_is_past_due(plan),
        **extra,
    }


def plan_edit(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    plan, version = _editable_version(request, uid)
    if version is None:
        return _to_detail(request, plan)
    conflicts: list[dict[str, str]] = []
    if request.method == "POST":
        form = SectionsForm(request.POST, version=version)
        if form.is_valid():
            try:
                services.plan_sections_save(
                    actor=request.user, version=version, revision=form.cleaned_data["revision"], **form.sections()
                )
            except services.PlanConflict as conflict:
                conflicts, form = _conflict(request, form, conflict.current)
                if not conflicts:  # the stored text is already what this editor holds: nothing to decide
                    messages.success(request, _("The sections have been saved."))
                    return redirect("plans:edit", uid=plan.uid)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("The sections have been saved."))
                return redirect("plans:edit", uid=plan.uid)
    else:
        form = SectionsForm(version=version)
    return render(
        request, "plans/plan_edit.html", _editor_context(request, plan, version, form=form, conflicts=conflicts)
    )


@require_POST
def plan_autosave(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """The editor's autosave (htmx, a few seconds after typing stops): the same optimistic locking as the Save
    button. It answers with the new revision for the form; on a conflict it saves nothing and says so, and the Save
    button then shows both texts."""
    plan, version = _editable_version(request, uid)
    if version is None:
        return _to_detail(request, plan)
    form = SectionsForm(request.POST, version=version)
    outcome = "invalid"
    if form.is_valid():
        try:
            version = services.plan_sections_save(
                actor=request.user, version=version, revision=form.cleaned_data["revision"], **form.sections()
            )
        except services.PlanConflict:
            outcome = "conflict"
        except ValidationError:
            outcome = "invalid"
        else:
            outcome = "saved"
    context = {"version": version, "outcome": outcome, "saved_at": timezone.localtime()}
    return render(request, "plans/_autosave.html", context)


def _conflict(
    request: HttpRequest, form: SectionsForm, current: PlanVersion
) -> tuple[list[dict[str, str]], SectionsForm]:
    """Both texts of each section that differs; the form keeps the user's text and now names the stored revision,
    so that saving it again, deliberately, wins."""
    mine = form.sections()
    conflicts = [
        {"name": name, "label": section_label(name), "stored": getattr(current, name), "mine": mine[name]}
        for name in SECTIONS
        if sanitise(mine[name]) != getattr(current, name)
    ]
    data = request.POST.copy()
    data["revision"] = str(current.revision)
    return conflicts, SectionsForm(data, version=current)


def _measures_response(request: HttpRequest, plan: Plan, version: PlanVersion, *, form: MeasureForm | None = None):
    """htmx gets the measures list back; a plain form post goes back to the editor (or shows the form's errors)."""
    if request.htmx:
        # The fragment shows the messages itself; a full page shows them once, in base.html.
        context = _editor_context(request, plan, version, fragment=True)
        if form is not None:
            context["measure_form"] = form
        return render(request, "plans/_measures.html", context)
    if form is not None:
        context = _editor_context(request, plan, version, form=SectionsForm(version=version), conflicts=[])
        context["measure_form"] = form
        return render(request, "plans/plan_edit.html", context)
    return redirect(reverse("plans:edit", kwargs={"uid": plan.uid}) + "#measures")


@require_POST
def measure_add(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    plan, version = _editable_version(request, uid)
    if version is None:
        return _to_detail(request, plan)
    form = _new_measure_form(plan, version, request.POST)
    if form.is_valid():
        try:
            services.measure_save(actor=request.user, version=version, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return _measures_response(request, plan, version)
    return _measures_response(request, plan, version, form=form)


def measure_edit(request: HttpRequest, uid: uuid.UUID, measure_id: int) -> HttpResponse:
    plan, version = _editable_version(request, uid)
    if version is None:
        return _to_detail(request, plan)
    measure = selectors.measure_get(version=version, pk=measure_id)
    form = _measure_form(
        plan, version, request.POST if request.method == "POST" else None, measure=measure, prefix=f"m{measure.pk}"
    )
    if form.is_bound and form.is_valid():
        try:
            services.measure_save(actor=request.user, version=version, measure=measure, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return _measures_response(request, plan, version)
    context = {"plan": plan, "unit": plan.unit, "version": version, "measure": measure, "form": form}
    if request.htmx:
        return render(request, "plans/_measure_form_row.html", context)
    return render(request, "plans/measure_form.html", context)


@require_POST
def measure_delete(request: HttpRequest, uid: uuid.UUID, measure_id: int) -> HttpResponse:
    plan, version = _editable_version(request, uid)
    if version is None:
        return _to_detail(request, plan)
    measure = selectors.measure_get(version=version, pk=measure_id)
    try:
        services.measure_delete(actor=request.user, measure=measure)
    except ValidationError as error:
        _error_message(request, error)
    return _measures_response(request, plan, version)


@require_POST
def measure_move(request: HttpRequest, uid: uuid.UUID, measure_id: int) -> HttpResponse:
    """Moves a measure one place up or down (`direction`), through measures_reorder."""
    plan, version = _editable_version(request, uid)
    if version is None:
        return _to_detail(request, plan)
    selectors.measure_get(version=version, pk=measure_id)  # 404 for a measure of another version
    order = selectors.measure_order(version=version)
    index = order.index(measure_id)
    target = index - 1 if request.POST.get("direction") == "up" else index + 1
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
        try:
            services.measures_reorder(actor=request.user, version=version, order=order)
        except ValidationError as error:
            _error_message(request, error)
    return _measures_response(request, plan, version)


def measure_progress(request: HttpRequest, uid: uuid.UUID, measure_id: int) -> HttpResponse:
    """A progress note on a measure of the plan in force (the serving team)."""
    plan = selectors.plan_get_for_user(user=request.user, uid=uid, for_write=True)
    measure = selectors.measure_get(version=plan.in_force, pk=measure_id)
    form = ProgressForm(request.POST if request.method == "POST" else None)

    def save():
        data = form.cleaned_data
        services.measure_progress(
            actor=request.user, measure=measure, date=data["date"], text=data["text"], status=data["status"] or None
        )

    redirected = save_form(
        request,
        form,
        save,
        success=_("The progress has been recorded."),
        redirect_to=reverse("plans:detail", kwargs={"uid": plan.uid}) + "#measures",
    )
    return redirected or render(
        request, "plans/progress_form.html", {"plan": plan, "unit": plan.unit, "measure": measure, "form": form}
    )


@require_GET
def owner_typeahead(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """The editor's owner search (htmx): the first matches of `?q=` among the people who may own a measure of the
    version being written. The serving team and the bureau only (404 out of scope, 403 without the right to write);
    nobody while no version is being written."""
    plan = selectors.plan_get_for_user(user=request.user, uid=uid, for_write=True)
    if plan.working is None:
        candidates = Person.objects.none()
    else:
        candidates = services.measure_owner_candidates(version=plan.working)
    return typeahead_response(request, candidates, search=person_search, label=lambda person: person.name)


# ---------------------------------------------------------------------------------------------------------------
# The workflow's actions


@require_POST
def plan_submit(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, uid=uid, for_write=True)
    if plan.working is None:
        messages.error(request, _("No version of this plan is being written."))
        return redirect("plans:detail", uid=plan.uid)
    try:
        services.plan_submit(actor=request.user, version=plan.working)
    except ValidationError as error:
        _error_message(request, error)
        target = "plans:edit" if plan.working.is_editable else "plans:detail"
        return redirect(target, uid=plan.uid)
    messages.success(request, _("The plan has been submitted to the bureau for approval."))
    return redirect("plans:detail", uid=plan.uid)


@require_POST
def plan_revise(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, uid=uid, for_write=True)
    try:
        services.plan_revise(actor=request.user, plan=plan)
    except ValidationError as error:
        _error_message(request, error)
        return redirect("plans:detail", uid=plan.uid)
    messages.success(
        request, _("A new version has been started; the approved plan stays in force until it is replaced.")
    )
    return redirect("plans:edit", uid=plan.uid)


def _review_page(request: HttpRequest, plan: Plan, *, return_form=None, approve_form=None, status: int = 200):
    version = selectors.version_with_measures(plan.working)
    baselines = selectors.review_baselines(plan=plan, version=version)
    key = request.GET.get("against")
    baseline = baselines.get(key) if key in baselines else next(iter(baselines.values()), None)
    labels = [(name, section_label(name)) for name in SECTIONS]
    context = {
        "plan": plan,
        "unit": plan.unit,
        "version": version,
        "baseline": baseline,
        "baselines": baselines,
        "sections": section_diffs(baseline.sections if baseline else None, version, labels),
        "measures": measures_diff(
            baseline.measures if baseline else None, version.measures.all(), label=_("Measures list")
        ),
        "events": selectors.plan_events(plan=plan),
        "return_form": return_form or ReturnForm(),
        "approve_form": approve_form or ApproveForm(),
        "past_due": selectors.plan_is_past_due(plan),
    }
    return render(request, "plans/plan_review.html", context, status=status)


def _reviewable(request: HttpRequest, uid: uuid.UUID) -> Plan | None:
    plan = selectors.plan_get_for_user(user=request.user, uid=uid, for_review=True)
    if plan.working is None or plan.working.status != Status.SUBMITTED:
        messages.info(request, _("This plan is not waiting for approval."))
        return None
    return plan


def plan_review(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    plan = _reviewable(request, uid)
    if plan is None:
        return redirect("plans:detail", uid=uid)
    record(Action.READ, request=request, obj=plan)
    return _review_page(request, plan)


def _review_decision(request: HttpRequest, uid: uuid.UUID, *, form_class, service, form_key: str, done: str):
    """Returning and approving differ only in their form, their service and what they say when done."""
    plan = _reviewable(request, uid)
    if plan is None:
        return redirect("plans:detail", uid=uid)
    form = form_class(request.POST)
    redirected = save_form(
        request,
        form,
        lambda: service(actor=request.user, version=plan.working, comment=form.cleaned_data["comment"]),
        success=done,
        redirect_to="plans:queue",
    )
    return redirected or _review_page(request, plan, **{form_key: form})


@require_POST
def plan_return(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    return _review_decision(
        request,
        uid,
        form_class=ReturnForm,
        service=services.plan_return,
        form_key="return_form",
        done=_("The plan has been returned to the team with your comments."),
    )


@require_POST
def plan_approve(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    return _review_decision(
        request,
        uid,
        form_class=ApproveForm,
        service=services.plan_approve,
        form_key="approve_form",
        done=_("The plan has been approved and is now in force."),
    )


# ---------------------------------------------------------------------------------------------------------------
# Lists


def approval_queue(request: HttpRequest) -> HttpResponse:
    queue = selectors.approval_queue_for_user(user=request.user)
    versions = ApprovalQueueFilter(request.GET, queryset=queue)
    page = page_of(request, versions.qs.values_list("pk", flat=True))
    page.object_list = selectors.rows_in_order(queue, list(page.object_list))
    today = timezone.localdate()
    for version in page:
        version.past_due = selectors.plan_is_past_due(version.plan, today=today)
    return render(request, "plans/plan_queue.html", {"filter": versions, "page_obj": page})


def plan_overview(request: HttpRequest) -> HttpResponse:
    units = selectors.plan_overview_for_user(user=request.user)
    rows = PlanOverviewFilter(request.GET, queryset=units)
    # The ids are sorted over the whole scope with only the joins the order needs (and cached under the records'
    # version); the rows' states, versions and team are then read for the page's ids alone.
    selection = request.GET.copy()
    selection.pop("page", None)
    ids = selectors.plan_overview_ids(
        user=request.user, ids=rows.qs.values_list("pk", flat=True), selection=selection.urlencode()
    )
    page = page_of(request, ids)
    page.object_list = selectors.rows_in_order(units, list(page.object_list))
    context = {
        "filter": rows,
        "page_obj": page,
        "rows": overview_rows(page.object_list),
        "counts": selectors.plan_counts(user=request.user, units=units),
        "can_review": request.user.has_perm("plans.review_plans"),
    }
    return render(request, "plans/plan_overview.html", context)
