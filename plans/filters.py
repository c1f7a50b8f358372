"""Filters, search and sorting of the plan overview and the approval queue. Querysets come from plans/selectors.py."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from huhang.freshness import records_version
from huhang.widgets import Select
from plans.selectors import STATES
from units.filters import search_units
from units.models import Division, Unit

YES, NO = "yes", "no"
ALL = _("All")
CITY_CHOICES_TIMEOUT = 3600  # seconds; a change to the divisions makes the cached choices unreachable before that


def _selects_in_one_pass(filterset: django_filters.FilterSet) -> None:
    """Renders the filterset's selects without a template per option (huhang/widgets.py)."""
    for filter_ in filterset.filters.values():
        if isinstance(filter_, django_filters.ChoiceFilter):  # ModelChoiceFilter too
            filter_.extra.setdefault("widget", Select)


def _city_choices() -> list[tuple[str, str]]:
    """The cities by code, as filter choices: read once per version of the records (huhang/freshness.py; plans/apps.py
    watches the divisions), not on every page."""
    key = f"plans:city-choices:{records_version()}"
    choices = cache.get(key)
    if choices is None:
        cities = Division.objects.filter(level=Division.Level.CITY).order_by("code")
        choices = [(city.code, str(city)) for city in cities]
        cache.set(key, choices, CITY_CHOICES_TIMEOUT)
    return choices


class PlanOverviewFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Unit name, credit code or pinyin initials")}),
    )
    state = django_filters.ChoiceFilter(
        label=_("Plan status"), choices=STATES, field_name="plan_state", empty_label=ALL
    )
    city = django_filters.ChoiceFilter(
        label=_("City"), field_name="division__city", choices=_city_choices, empty_label=_("All cities")
    )
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Unit.Category.choices, empty_label=ALL)
    past_due = django_filters.ChoiceFilter(
        label=_("Past due"), choices=[(YES, _("Yes")), (NO, _("No"))], method="filter_past_due", empty_label=ALL
    )
    o = django_filters.OrderingFilter(
        fields=(("name", "name"), ("division__code", "division"), ("plan_state", "state"), ("plan_due_on", "due_on"))
    )

    class Meta:
        model = Unit
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _selects_in_one_pass(self)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search_units(queryset, value)

    def filter_past_due(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == YES:
            return queryset.filter(past_due=True)
        if value == NO:
            return queryset.filter(past_due=False)
        return queryset


class ApprovalQueueFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Unit name, credit code or pinyin initials")}),
    )
    city = django_filters.ChoiceFilter(
        label=_("City"), field_name="plan__unit__division__city", choices=_city_choices, empty_label=_("All cities")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _selects_in_one_pass(self)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search_units(queryset, value, prefix="plan__unit__")
