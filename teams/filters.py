"""Filters, search and sorting of the personnel and team lists (django-filter). Querysets come from selectors."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from huhang.vocabulary import TaskArea
from huhang.widgets import Select
from teams import selectors
from teams.models import Assignment, Expertise, Membership, Person, Team
from teams.team_figures import team_figures
from units.models import Division, Unit
from units.scopes import jurisdiction_q

YES, NO = "yes", "no"
YES_NO = [(YES, _("Yes")), (NO, _("No"))]
ALL = _("All")


def _yes_no(queryset: QuerySet, condition: Q, value: str) -> QuerySet:
    if value == YES:
        return queryset.filter(condition)
    if value == NO:
        return queryset.exclude(condition)
    return queryset


def _selects_in_one_pass(filterset: django_filters.FilterSet) -> None:
    """Renders the filterset's selects without a template per option (huhang/widgets.py): a filter bar's options cost
    more than a page of rows otherwise."""
    for filter_ in filterset.filters.values():
        if isinstance(filter_, django_filters.ChoiceFilter):  # ModelChoiceFilter too
            filter_.extra.setdefault("widget", Select)


def _search(queryset: QuerySet, fields: list[str], value: str) -> QuerySet:
    """Every word must match one of the fields."""
    for word in value.split():
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(any_field)
    return queryset


class PersonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Person.Kind.choices, empty_label=ALL)
    area = django_filters.ChoiceFilter(
        label=_("Task area of expertise"), choices=TaskArea.choices, empty_label=ALL, method="filter_area"
    )
    organisation = django_filters.ChoiceFilter(label=_("Organisation"), choices=[], empty_label=ALL)
    confidentiality = django_filters.ChoiceFilter(
        label=_("Confidentiality signed"), choices=YES_NO, empty_label=ALL, method="filter_confidentiality"
    )
    active = django_filters.ChoiceFilter(label=_("Active"), choices=YES_NO, empty_label=ALL, method="filter_active")
    o = django_filters.OrderingFilter(
        fields=["name", "kind", "organisation", "confidentiality_signed_on", "is_active", "team_count"]
    )

    class Meta:
        model = Person
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["organisation"].extra["choices"] = selectors.person_organisations()  # once per request
        _selects_in_one_pass(self)

    def search(self, queryset, name, value):
        return _search(queryset, ["name", "organisation", "technical_fields"], value)

    def filter_area(self, queryset, name, value):
        return queryset.filter(Exists(Expertise.objects.filter(person=OuterRef("pk"), area=value)))

    def filter_confidentiality(self, queryset, name, value):
        return _yes_no(queryset, Q(confidentiality_signed_on__isnull=False), value)

    def filter_active(self, queryset, name, value):
        return _yes_no(queryset, Q(is_active=True), value)


class TeamFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    active = django_filters.ChoiceFilter(label=_("Active"), choices=YES_NO, empty_label=ALL, method="filter_active")
    o = django_filters.OrderingFilter(fields=["name", "leader_name", "units_served", "is_active"])

    class Meta:
        model = Team
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _selects_in_one_pass(self)

    def search(self, queryset, name, value):
        """A team by its name or by the name of one of its members."""
        for word in value.split():
            member = Membership.objects.filter(team=OuterRef("pk"), person__name__icontains=word)
            queryset = queryset.filter(Q(name__icontains=word) | Exists(member))
        return queryset

    def filter_active(self, queryset, name, value):
        return _yes_no(queryset, Q(is_active=True), value)


class TeamChoiceFilter(django_filters.FilterSet):
    """The teams offered when handing units to a team: by the team's or its leader's name, by a city it serves."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Team or leader name")}),
    )
    city = django_filters.ModelChoiceFilter(
        label=_("City served"),
        queryset=Division.objects.filter(level=Division.Level.CITY),
        empty_label=_("All cities"),
        method="filter_city",
    )

    class Meta:
        model = Team
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The figures the apps above register (teams/team_figures.py) sort too; they register before any request.
        ordering = django_filters.OrderingFilter(
            fields=["name", "leader_name", "units_served", *(figure.key for figure in team_figures())]
        )
        ordering.parent, ordering.field_name = self, "o"
        self.filters["o"] = ordering
        _selects_in_one_pass(self)

    def search(self, queryset, name, value):
        for word in value.split():
            leader = Membership.objects.filter(
                team=OuterRef("pk"), role=Membership.Role.LEADER, person__name__icontains=word
            )
            queryset = queryset.filter(Q(name__icontains=word) | Exists(leader))
        return queryset

    def filter_city(self, queryset, name, value):
        served = Assignment.objects.filter(jurisdiction_q(value, field="unit__division"), team=OuterRef("pk"))
        return queryset.filter(Exists(served.filter(end__isnull=True)))


class PersonWorkloadFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Person.Kind.choices, empty_label=ALL)
    o = django_filters.OrderingFilter(
        fields=["name", "organisation", *(c.key for c in selectors.person_workload_columns())]
    )

    class Meta:
        model = Person
        fields: list[str] = []

    def search(self, queryset, name, value):
        return _search(queryset, ["name", "organisation"], value)


class TeamWorkloadFilter(TeamFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per request: the columns include the figures the apps above register in their ready().
        ordering = django_filters.OrderingFilter(
            fields=["name", "leader_name", "is_active", *(c.key for c in selectors.team_workload_columns())]
        )
        ordering.parent, ordering.field_name = self, "o"
        self.filters["o"] = ordering


class TeamUnitFilter(django_filters.FilterSet):
    """The units a team serves (its open assignments), on the team page."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    o = django_filters.OrderingFilter(fields=[("unit__name", "name"), ("unit__division", "division"), "start"])

    class Meta:
        model = Assignment
        fields: list[str] = []

    def search(self, queryset, name, value):
        return _search(queryset, ["unit__name", "unit__technical_field"], value)


class MyUnitFilter(django_filters.FilterSet):
    """The units a team member's teams serve."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    o = django_filters.OrderingFilter(fields=["name", "division", "team_name", "assigned_since"])

    class Meta:
        model = Unit
        fields: list[str] = []

    def search(self, queryset, name, value):
        return _search(queryset, ["name", "technical_field", "team_name"], value)
