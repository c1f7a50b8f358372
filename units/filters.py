"""The unit list's filters, search and sorting; the Excel export takes the same parameters."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from huhang.text import normalise_credit_code, normalise_text
from teams.scopes import visible_teams
from units.models import Division, Unit


def unit_search_q(value: str, *, prefix: str = "") -> Q | None:
    """By name, by credit code, or by the name's pinyin initials (qtsys finds 钱塘实验室); None for an empty search.
    `prefix` reaches the unit through a relation (`plan__unit__`), so every list that shows units searches them the
    same way."""
    text = normalise_text(value)
    if not text:
        return None
    condition = Q(**{f"{prefix}name__icontains": text}) | Q(
        **{f"{prefix}credit_code__startswith": normalise_credit_code(text)}
    )
    if text.isascii() and text.replace(" ", "").isalnum():
        condition |= Q(**{f"{prefix}name_initials__contains": text.replace(" ", "").lower()})
    return condition


def search_units(queryset: QuerySet, value: str, *, prefix: str = "") -> QuerySet:
    condition = unit_search_q(value, prefix=prefix)
    return queryset if condition is None else queryset.filter(condition)


PAST_DUE = "past_due"


def _plan_states():
    from plans.selectors import STATES

    return [*STATES, (PAST_DUE, _("Past due"))]


def _teams(request):
    from teams.models import Team

    return visible_teams(request.user) if request else Team.objects.none()


class UnitFilter(django_filters.FilterSet):
    LISTED, REMOVED, ALL = "listed", "removed", "all"

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name, credit code or pinyin initials")}),
    )
    city = django_filters.ModelChoiceFilter(
        label=_("City"),
        field_name="division__city",
        queryset=Division.objects.filter(level=Division.Level.CITY),
        empty_label=_("All cities"),
    )
    county = django_filters.ModelChoiceFilter(
        label=_("County"),
        field_name="division",
        queryset=Division.objects.filter(level=Division.Level.COUNTY).select_related("city"),
        empty_label=_("All counties"),
    )
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Unit.Category.choices, empty_label=_("All"))
    team = django_filters.ModelChoiceFilter(
        label=_("Team"), queryset=_teams, method="filter_team", empty_label=_("All teams")
    )
    plan = django_filters.ChoiceFilter(
        label=_("Plan status"), choices=lambda: _plan_states(), method="filter_plan", empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        label=_("Listing status"),
        choices=[(LISTED, _("On the list")), (REMOVED, _("Removed")), (ALL, _("All"))],
        method="filter_status",
        empty_label=None,
    )
    o = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(
            ("name", "name"),
            ("credit_code", "code"),
            ("division__code", "division"),
            ("category", "category"),
            ("team_name", "team"),
            ("created_at", "created"),
        ),
    )

    class Meta:
        model = Unit
        fields: list[str] = []

    def __init__(self, data=None, *args, **kwargs):
        # Without a status in the query, the list shows the units on the list now.
        data = data.copy() if data is not None else {}
        data.setdefault("status", self.LISTED)
        super().__init__(data, *args, **kwargs)
        request = kwargs.get("request")
        if request is None or not request.user.has_perm("teams.browse_teams"):
            del self.filters["team"]  # officers see units, not the bureau's teams

    def search(self, queryset: QuerySet[Unit], name: str, value: str) -> QuerySet[Unit]:
        return search_units(queryset, value)

    def filter_team(self, queryset: QuerySet[Unit], name: str, team) -> QuerySet[Unit]:
        from teams.models import Assignment

        served = Assignment.objects.filter(unit=OuterRef("pk"), team=team, end__isnull=True)
        return queryset.filter(Exists(served))

    def filter_plan(self, queryset: QuerySet[Unit], name: str, value: str) -> QuerySet[Unit]:
        """Needs the plan annotations of plans.selectors.with_plan_state, which the unit list and export add."""
        if value == PAST_DUE:
            return queryset.filter(past_due=True)
        return queryset.filter(plan_state=value)

    def filter_status(self, queryset: QuerySet[Unit], name: str, value: str) -> QuerySet[Unit]:
        if value == self.LISTED:
            return queryset.filter(is_listed=True)
        if value == self.REMOVED:
            return queryset.filter(is_listed=False)
        return queryset
