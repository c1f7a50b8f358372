"""The unit pages. Thin: reads through units/selectors.py, writes through units/services.py."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.context_processors import PermWrapper
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from rules.contrib.views import PermissionRequiredMixin, permission_required

from accounts.models import Role
from huhang.forms import save_form
from huhang.freshness import cached_count, cached_for_rows
from huhang.pagination import CappedPaginator
from units import services
from units.filters import UnitFilter
from units.forms import ContactForm, IPProfileForm, RemoveForm, ReselectForm, UnitCreateForm, UnitForm
from units.models import Unit
from units.selectors import (
    contacts_for_display,
    unit_get_for_user,
    unit_list_page_for_user,
    unit_list_rows,
    unit_list_window,
)
from units.selectors import unit_detail as unit_detail_data
from units.timeline import PAGE_PARAM, TimelineFilter, timeline_items, timeline_kinds, unit_timeline
from units.unit_list import unit_list_columns, unit_rows
from units.unit_page import unit_panels

UNITS_PER_PAGE = 25
CONTENT_TEMPLATE = "units/_unit_list_content.html"
SEARCH_COUNT_CAP = 1_000


class _PermissionsOnce:
    """The reader's permissions for one page, each asked once: the rows' cells ask for theirs on every row."""

    def __init__(self, user) -> None:
        self.user, self.known = user, {}

    def has_perm(self, perm: str, obj=None) -> bool:
        if obj is not None:
            return self.user.has_perm(perm, obj)
        if perm not in self.known:
            self.known[perm] = self.user.has_perm(perm)
        return self.known[perm]

    def has_module_perms(self, app_label: str) -> bool:
        return self.user.has_module_perms(app_label)


class UnitListPaginator(Paginator):
    """Django's, reading a page's ids through `window(bottom, top)` where the sort gives one: a sort by a key some
    units lack (units.selectors.unit_list_window)."""

    def __init__(self, object_list, per_page, *, window: Callable[[int, int], list[int]] | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.window = window

    @cached_property
    def count(self) -> int:
        # Counting the province's 15,000 units took longer than the page's rows: cached until a unit, a plan or a
        # team's assignment changes (huhang/freshness.py).
        return cached_count(self.object_list)

    def page(self, number):
        if self.window is None:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:  # as Django's
            top = self.count
        return self._get_page(self.window(bottom, top), number, self)


class SearchPaginator(CappedPaginator, UnitListPaginator):
    """Counts a search up to `cap` rows in the list's order (`capped` beyond): a two-character term may match most
    of 15,000 units, and counting those all costs a scan of the table, where the first `cap` come from the name's
    index. Nobody pages through a thousand matches; they type more. Without a search the count is exact."""

    cap = SEARCH_COUNT_CAP

    def count_up_to(self, limit: int) -> int:
        return cached_count(self.object_list[:limit])  # in the list's order, which the name's index serves


class UnitListView(PermissionRequiredMixin, FilterView):
    permission_required = "units.browse_units"
    filterset_class = UnitFilter
    template_name = "units/unit_list.html"
    paginate_by = UNITS_PER_PAGE
    strict = False

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.role == Role.UNIT_CONTACT and request.user.unit_id:
            # A unit contact has one unit: the list is their unit's page.
            return redirect("units:detail", uid=request.user.unit.uid)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return unit_list_page_for_user(user=self.request.user)

    def get_paginator(self, queryset, per_page, **kwargs):
        searching = bool(self.request.GET.get("q", "").strip())
        paginator = SearchPaginator if searching else UnitListPaginator
        return paginator(queryset, per_page, window=unit_list_window(queryset), **kwargs)

    def paginate_queryset(self, queryset, page_size):
        # Pages by id — the scope, filters and order alone — then reads the page's rows with their annotations.
        paginator, page, ids, is_paginated = super().paginate_queryset(queryset.values_list("pk", flat=True), page_size)
        page.object_list = unit_list_rows(user=self.request.user, ids=list(ids))
        return paginator, page, page.object_list, is_paginated

    def get_context_data(self, **kwargs):
        # What the page shows below the navigation is the same for every reader with the same role, scope, query
        # string and language, on the same day: kept in the cache under those and the records version (the rows'
        # SQL holds the scope and the filters), so a list shown again — another page and back, the same view for
        # another of the bureau's staff — is not queried and rendered again, and a write to any of the programme's
        # records starts afresh (huhang/freshness.py). The day: a plan falls past due with the date.
        user, request = self.request.user, self.request
        parts = (request.get_full_path(), user.role, get_language(), timezone.localdate().isoformat())
        rendered: dict = {}  # the page's context when it is rendered now rather than read from the cache

        def render_content() -> str:
            rendered.update(self._content_context(**kwargs))
            return render_to_string(CONTENT_TEMPLATE, rendered, request=request)

        content = cached_for_rows(self.object_list, *parts, build=render_content)
        return {**kwargs, **rendered, "list_content": content}

    def _content_context(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        reader = _PermissionsOnce(self.request.user)
        columns = unit_list_columns(self.request.user)
        return {
            **context,
            "perms": PermWrapper(reader),
            "selection_columns": [column for column in columns if column.is_selection],
            "columns": [column for column in columns if not column.is_selection],
            "rows": unit_rows(context["object_list"], columns=columns, reader=reader),
        }


def unit_detail(request: HttpRequest, uid) -> HttpResponse:
    unit = unit_detail_data(unit=unit_get_for_user(user=request.user, uid=uid))
    timeline_filter = TimelineFilter(request.GET, kinds=timeline_kinds(request.user))
    selection = timeline_filter.selection()
    timeline = unit_timeline(unit=unit, user=request.user, **selection, page=request.GET.get(PAGE_PARAM))
    return render(
        request,
        "units/unit_detail.html",
        {
            "unit": unit,
            "can_manage": request.user.has_perm("units.manage_units"),
            "contacts": contacts_for_display(user=request.user, unit=unit),
            "panels": unit_panels(unit=unit, user=request.user),
            "timeline": timeline,
            "timeline_items": timeline_items(timeline),
            "timeline_filter": timeline_filter,
            "timeline_filtered": any(selection.values()),
        },
    )


def _unit_url(unit: Unit, anchor: str = "") -> str:
    return reverse("units:detail", kwargs={"uid": unit.uid}) + anchor


@permission_required("units.manage_units", raise_exception=True)
def unit_create(request: HttpRequest) -> HttpResponse:
    form = UnitCreateForm(request.POST or None)
    redirected = save_form(
        request,
        form,
        lambda: services.unit_create(actor=request.user, **form.cleaned_data),
        success=lambda unit: _("%(name)s has been added to the list.") % {"name": unit.name},
        redirect_to=_unit_url,
    )
    return redirected or render(request, "units/unit_form.html", {"form": form, "unit": None})


def unit_edit(request: HttpRequest, uid) -> HttpResponse:
    unit = unit_get_for_user(user=request.user, uid=uid, for_write=True)
    form = UnitForm(request.POST or None, instance=unit)
    redirected = save_form(
        request,
        form,
        lambda: services.unit_update(actor=request.user, unit=unit, **form.cleaned_data),
        success=_("The unit's details have been saved."),
        redirect_to=_unit_url(unit),
    )
    return redirected or render(request, "units/unit_form.html", {"form": form, "unit": unit})


def _listing_action(request: HttpRequest, uid, *, form_class, service, template: str, success: str) -> HttpResponse:
    unit = unit_get_for_user(user=request.user, uid=uid, for_write=True)
    form = form_class(request.POST or None)
    redirected = save_form(
        request,
        form,
        lambda: service(actor=request.user, unit=unit, **form.cleaned_data),
        success=success % {"name": unit.name},
        redirect_to=_unit_url(unit),
    )
    return redirected or render(request, template, {"form": form, "unit": unit})


def unit_remove(request: HttpRequest, uid) -> HttpResponse:
    return _listing_action(
        request,
        uid,
        form_class=RemoveForm,
        service=services.unit_remove,
        template="units/unit_remove.html",
        success=_("%(name)s has been removed from the list."),
    )


def unit_reselect(request: HttpRequest, uid) -> HttpResponse:
    return _listing_action(
        request,
        uid,
        form_class=ReselectForm,
        service=services.unit_reselect,
        template="units/unit_reselect.html",
        success=_("%(name)s is on the list again."),
    )


def contact_edit(request: HttpRequest, uid, contact_id: int | None = None) -> HttpResponse:
    unit = unit_get_for_user(user=request.user, uid=uid, for_write=True)
    contact = get_object_or_404(unit.contacts, pk=contact_id) if contact_id else None
    form = ContactForm(request.POST or None, instance=contact)
    redirected = save_form(
        request,
        form,
        lambda: services.contact_save(unit=unit, contact=contact, **form.cleaned_data),
        success=_("The contact has been saved."),
        redirect_to=_unit_url(unit, "#contacts"),
    )
    return redirected or render(request, "units/contact_form.html", {"form": form, "unit": unit, "contact": contact})


@require_POST
def contact_delete(request: HttpRequest, uid, contact_id: int) -> HttpResponse:
    unit = unit_get_for_user(user=request.user, uid=uid, for_write=True)
    services.contact_delete(contact=get_object_or_404(unit.contacts, pk=contact_id))
    messages.success(request, _("The contact has been deleted."))
    return redirect(_unit_url(unit, "#contacts"))


def ip_profile_record(request: HttpRequest, uid) -> HttpResponse:
    unit = unit_get_for_user(user=request.user, uid=uid, for_write=True)
    form = IPProfileForm(request.POST or None)
    form.instance.unit = unit  # so the form's uniqueness check knows the unit
    redirected = save_form(
        request,
        form,
        lambda: services.ip_profile_record(actor=request.user, unit=unit, **form.cleaned_data),
        success=_("The IP profile has been recorded."),
        redirect_to=_unit_url(unit, "#ip-profile"),
    )
    return redirected or render(request, "units/ip_profile_form.html", {"form": form, "unit": unit})
