"""Pages of the personnel pool, the teams, a team member's own teams, unit assignment and the workload.

Thin: reads come from teams/selectors.py (scoped), writes go through teams/services.py, whose ValidationErrors are
put back on the form so that nothing is half-written and the user sees why.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST
from django_filters.views import FilterView

from accounts.access import is_bureau, is_team_member
from huhang.forms import save_form
from huhang.pagination import PAGE_SIZE, page_of
from huhang.typeahead import typeahead_response
from teams import selectors, services
from teams.filters import (
    MyUnitFilter,
    PersonFilter,
    PersonWorkloadFilter,
    TeamChoiceFilter,
    TeamFilter,
    TeamUnitFilter,
    TeamWorkloadFilter,
)
from teams.forms import AssignmentForm, BulkAssignmentForm, PersonForm, TeamForm, TrainingForm
from teams.list_rows import person_rows, team_rows
from teams.team_figures import team_figures
from units.selectors import unit_get_for_user

if TYPE_CHECKING:
    import uuid

    from django.http import HttpRequest, HttpResponse

    from teams.models import Person, Team


# ---------------------------------------------------------------------------------------------------------------
# The personnel pool (bureau only)


class PersonListView(PermissionRequiredMixin, FilterView):
    permission_required = "teams.manage_teams"
    raise_exception = True
    filterset_class = PersonFilter
    paginate_by = PAGE_SIZE
    template_name = "teams/person_list.html"

    def get_queryset(self):
        return selectors.person_list_for_user(user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        return context | {"rows": person_rows(context["page_obj"] or [])}


@permission_required("teams.manage_teams", raise_exception=True)
def person_create(request: HttpRequest) -> HttpResponse:
    return _person_form(request, person=None)


def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get_for_user(user=request.user, pk=pk)
    return _person_form(request, person=selectors.person_detail(person=person))


def _person_form(request: HttpRequest, *, person: Person | None) -> HttpResponse:
    form = PersonForm(data=request.POST if request.method == "POST" else None, person=person)
    redirected = save_form(
        request,
        form,
        lambda: services.person_save(person=person, **form.service_values()),
        success=lambda saved: _("%(name)s has been saved.") % {"name": saved.name},
        redirect_to=lambda saved: reverse("teams:person_detail", kwargs={"pk": saved.pk}),
    )
    return redirected or render(request, "teams/person_form.html", {"form": form, "person": person})


def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get_for_user(user=request.user, pk=pk)
    return _person_page(request, person=person, training_form=TrainingForm())


@require_POST
def training_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get_for_user(user=request.user, pk=pk)
    form = TrainingForm(data=request.POST)
    redirected = save_form(
        request,
        form,
        lambda: services.training_add(person=person, **form.cleaned_data),
        success=_("The training has been recorded."),
        redirect_to=reverse("teams:person_detail", kwargs={"pk": person.pk}),
    )
    return redirected or _person_page(request, person=person, training_form=form)


@require_GET
@permission_required("teams.manage_teams", raise_exception=True)
def person_typeahead(request: HttpRequest) -> HttpResponse:
    """The team form's seat search (htmx): the first matches of `?q=` among the people who may take a seat."""
    return typeahead_response(request, selectors.team_candidates(), search=selectors.person_search)


@require_GET
@permission_required("teams.browse_teams", raise_exception=True)
def team_typeahead(request: HttpRequest) -> HttpResponse:
    """The lists' team filter (htmx): the first matches of `?q=` among the teams the reader may read — all for the
    bureau, their own for a team member; the roles that read no team get 403, as on the team pages."""
    return typeahead_response(request, selectors.team_filter_choices(user=request.user), search=selectors.team_search)


def _person_page(request: HttpRequest, *, person: Person, training_form: TrainingForm) -> HttpResponse:
    context = {"person": selectors.person_detail(person=person), "training_form": training_form}
    return render(request, "teams/person_detail.html", context)


# ---------------------------------------------------------------------------------------------------------------
# Teams


class TeamListView(PermissionRequiredMixin, FilterView):
    permission_required = "teams.browse_teams"
    raise_exception = True
    filterset_class = TeamFilter
    paginate_by = PAGE_SIZE
    template_name = "teams/team_list.html"

    def get_queryset(self):
        return selectors.team_list_for_user(user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        return context | {"rows": team_rows(context["page_obj"] or [])}


def _team_url(team: Team) -> str:
    return reverse("teams:detail", kwargs={"pk": team.pk})


@permission_required("teams.manage_teams", raise_exception=True)
def team_create(request: HttpRequest) -> HttpResponse:
    form = TeamForm(data=request.POST if request.method == "POST" else None)
    redirected = save_form(
        request,
        form,
        lambda: services.team_create(actor=request.user, **form.service_values()),
        success=lambda team: _("The team %(name)s has been formed.") % {"name": team.name},
        redirect_to=_team_url,
    )
    return redirected or render(request, "teams/team_form.html", {"form": form, "team": None})


def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    team = selectors.team_get_for_user(user=request.user, pk=pk, for_write=True)
    form = TeamForm(data=request.POST if request.method == "POST" else None, team=team)
    redirected = save_form(
        request,
        form,
        lambda: services.team_update(actor=request.user, team=team, **form.service_values()),
        success=lambda saved: _("The team %(name)s has been saved.") % {"name": saved.name},
        redirect_to=_team_url,
    )
    return redirected or render(request, "teams/team_form.html", {"form": form, "team": team})


def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = selectors.team_get_for_user(user=request.user, pk=pk)
    units = TeamUnitFilter(request.GET, queryset=selectors.team_units_for_user(user=request.user, team=team))
    context = {
        "team": team,
        "seats": selectors.team_seats_for_display(user=request.user, team=team),
        "filter": units,
        "page_obj": page_of(request, units.qs),
    }
    return render(request, "teams/team_detail.html", context)


def my_teams(request: HttpRequest) -> HttpResponse:
    """A team member's landing: their teams and the units those teams serve."""
    if is_bureau(request.user):
        return redirect("teams:list")  # the bureau has no team of its own; it sees them all there
    if not is_team_member(request.user):
        raise PermissionDenied
    units = MyUnitFilter(request.GET, queryset=selectors.my_units_for_user(user=request.user))
    context = {
        "teams": selectors.my_teams_for_user(user=request.user),
        "filter": units,
        "page_obj": page_of(request, units.qs),
    }
    return render(request, "teams/team_mine.html", context)


# ---------------------------------------------------------------------------------------------------------------
# Assigning a unit to a team (bureau only)


def _unit_for_assignment(request: HttpRequest, uid: uuid.UUID):
    # 404 outside the user's scope comes first, so a 403 never confirms that a unit exists.
    unit = unit_get_for_user(user=request.user, uid=uid, for_write=True)
    if not request.user.has_perm("teams.manage_teams"):
        raise PermissionDenied
    return unit


def assign_unit(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    unit = _unit_for_assignment(request, uid)
    form = AssignmentForm(data=request.POST if request.method == "POST" else None, user=request.user)
    redirected = save_form(
        request,
        form,
        lambda: services.unit_assign_team(actor=request.user, unit=unit, **form.cleaned_data),
        success=lambda assignment: (
            _("%(team)s serves %(unit)s from %(date)s.")
            % {"team": assignment.team.name, "unit": unit.name, "date": assignment.start.isoformat()}
        ),
        redirect_to=reverse("units:detail", kwargs={"uid": unit.uid}),
    )
    if redirected:
        return redirected
    assignments = list(selectors.unit_assignments(unit=unit))
    current = next((a for a in assignments if a.end is None), None)
    context = {"unit": unit, "form": form, "assignments": assignments, "current": current}
    return render(request, "teams/assignment_form.html", {**context, **_team_choices(request)})


def assign_units(request: HttpRequest) -> HttpResponse:
    """The units ticked on the unit list (`unit`, repeated), handed to one team in one go; back to the list after."""
    source = request.POST if request.method == "POST" else request.GET
    back = _next_url(request) or reverse("units:list")
    uids = source.getlist("unit")
    if not uids:
        if not request.user.has_perm("teams.manage_teams"):
            raise PermissionDenied
        messages.warning(request, _("Tick the units to hand to a team first."))
        return redirect(back)
    units = selectors.units_for_assignment(user=request.user, uids=uids)
    form = BulkAssignmentForm(data=request.POST if request.method == "POST" else None, user=request.user)
    redirected = save_form(
        request,
        form,
        lambda: services.units_assign_team(actor=request.user, units=units, **form.cleaned_data),
        success=lambda assignments: (
            ngettext(
                "%(count)d unit is now served by %(team)s from %(date)s.",
                "%(count)d units are now served by %(team)s from %(date)s.",
                len(assignments),
            )
            % {"count": len(assignments), "team": form.cleaned_data["team"].name, "date": form.cleaned_data["start"]}
        ),
        redirect_to=back,
    )
    if redirected:
        return redirected
    context = {
        "units": units,
        "served": sum(1 for unit in units if unit.team_id),
        "form": form,
        "next": back,
        **_team_choices(request),
    }
    return render(request, "teams/assignment_bulk_form.html", context)


TEAM_CHOICES_PER_PAGE = 10


def _team_choices(request: HttpRequest) -> dict[str, Any]:
    """The table of teams to choose from: searched, filtered by city served, sorted and paginated by the query
    string, its figures (teams/team_figures.py) as a list per row for the template."""
    teams = TeamChoiceFilter(request.GET, queryset=selectors.team_choices_for_user(user=request.user))
    page = page_of(request, teams.qs, size=TEAM_CHOICES_PER_PAGE)
    figures = team_figures()
    page.object_list = selectors.with_cities_served(page.object_list)
    for team in page.object_list:
        team.figures = [getattr(team, figure.key) for figure in figures]
    return {"team_filter": teams, "team_page": page, "team_figures": figures}


@require_POST
def unassign_unit(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    unit = _unit_for_assignment(request, uid)
    try:
        ended = services.unit_unassign_team(actor=request.user, unit=unit)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if ended is None:
            messages.info(request, _("No team serves %(unit)s at the moment.") % {"unit": unit.name})
        else:
            messages.success(
                request, _("%(team)s no longer serves %(unit)s.") % {"team": ended.team.name, "unit": unit.name}
            )
    return redirect(_next_url(request) or reverse("units:detail", kwargs={"uid": unit.uid}))


def _next_url(request: HttpRequest) -> str | None:
    target = (request.POST if request.method == "POST" else request.GET).get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return None


# ---------------------------------------------------------------------------------------------------------------
# Workload (bureau only)


@permission_required("teams.view_workload", raise_exception=True)
def workload(request: HttpRequest) -> HttpResponse:
    """Per team or per person (`?by=person`), one paginated, filtered, sortable table each."""
    by_person = request.GET.get("by") == "person"
    if by_person:
        rows = PersonWorkloadFilter(request.GET, queryset=selectors.person_workload_for_user(user=request.user))
        columns = selectors.person_workload_columns()
    else:
        rows = TeamWorkloadFilter(request.GET, queryset=selectors.team_workload_for_user(user=request.user))
        columns = selectors.team_workload_columns()
    page = page_of(request, rows.qs)
    context: dict[str, Any] = {
        "by_person": by_person,
        "filter": rows,
        "columns": columns,
        "page_obj": page,
        "rows": [(row, [getattr(row, column.key) for column in columns]) for row in page],
    }
    return render(request, "teams/workload.html", context)
