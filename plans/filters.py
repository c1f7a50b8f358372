"""Filters, search and sorting of the plan overview and the approval queue. Querysets come from plans/selectors.py."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from plans.selectors import STATES
from units.filters import search_units
from units.models import Division, Unit

YES, NO = "yes", "no"
ALL = _("All")


def _cities():
    return Division.objects.filter(level=Division.Level.CITY)


class PlanOverviewFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Unit name, credit code or pinyin initials")}),
    )
    state = django_filters.ChoiceFilter(
        label=_("Plan status"), choices=STATES, field_name="plan_state", empty_label=ALL
    )
    city = django_filters.ModelChoiceFilter(
        label=_("City"), field_name="division__city", queryset=_cities(), empty_label=_("All cities")
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
    city = django_filters.ModelChoiceFilter(
        label=_("City"), field_name="plan__unit__division__city", queryset=_cities(), empty_label=_("All cities")
    )

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search_units(queryset, value, prefix="plan__unit__")
