"""The unit list's filters, search and sorting; the Excel export takes the same parameters. The apps above units add
their own filters and sort keys (units/unit_list.py): the serving team, the plan's state."""

from collections.abc import Sequence

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from huhang.search import bigram_q
from huhang.text import clean_text, normalise_identifier
from huhang.widgets import Select
from units.credit_code import normalise_credit_code
from units.divisions import city_choices, county_choices, jurisdiction_codes
from units.models import Unit
from units.unit_list import unit_list_extensions


def unit_search_q(value: str, *, prefix: str = "") -> Q | None:
    """By name, by credit code, or by the name's pinyin initials (qtsys finds 钱塘实验室); None for an empty search.
    `prefix` reaches the unit through a relation (`plan__unit__`), so every list that shows units searches them the
    same way.

    The name and initials are found through the bigram index (huhang/search.py: the search document holds both),
    then rechecked as substrings, so the index narrows the rows and the result is exactly the substring search's.
    The credit code by its prefix, which its pattern index serves (a term that cannot start one is not tried)."""
    text = clean_text(value)
    if not text:
        return None
    folded = normalise_identifier(text)
    by_name = Q(**{f"{prefix}name__icontains": text})
    if folded != text:  # names are kept as typed; a name saved before that may hold (杭州) for （杭州）
        by_name |= Q(**{f"{prefix}name__icontains": folded})
    initials = folded.replace(" ", "").lower()
    if initials.isascii() and initials.isalnum():
        by_name |= Q(**{f"{prefix}name_initials__contains": initials})
    found = bigram_q(folded, field=f"{prefix}search_document")
    # Two characters are one bigram, which the document holds exactly when the name or the initials hold it: no
    # recheck, whose selectivity the planner cannot estimate (it would take 科技, in most names, for a rare term).
    by_name = found if len(folded) == 2 else found & by_name
    code = normalise_credit_code(text)
    if not (code.isascii() and code.isalnum()):  # never the start of a credit code: an OR no index could serve
        return by_name
    return by_name | Q(**{f"{prefix}credit_code__startswith": code})


def search_units(queryset: QuerySet, value: str, *, prefix: str = "") -> QuerySet:
    condition = unit_search_q(value, prefix=prefix)
    return queryset if condition is None else queryset.filter(condition)


SORT_FIELDS = (
    ("name", "name"),
    ("credit_code", "code"),
    ("division__code", "division"),
    ("category", "category"),
    ("created_at", "created"),
)


TIE_BREAKERS = ("name", "id")


def with_tie_breakers(ordering: Sequence[str]) -> list[str]:
    """A sort ending with the name and the id, so that pages never overlap where many units share a team, a city or
    a category; in the direction of the first key, so that (name, id) is one index scan either way. No sort: the
    model's (name, id)."""
    if not ordering:
        return list(TIE_BREAKERS)
    descending = str(ordering[0]).startswith("-")
    keys = [str(key).lstrip("-") for key in ordering]
    return [*ordering, *(f"-{key}" if descending else key for key in TIE_BREAKERS if key not in keys)]


class UnitFilter(django_filters.FilterSet):
    LISTED, REMOVED, ALL = "listed", "removed", "all"

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name, credit code or pinyin initials")}),
    )
    # By division code, among choices read once per process (units.selectors.county_choices): no query per page.
    city = django_filters.ChoiceFilter(
        label=_("City"), choices=city_choices, method="filter_city", empty_label=_("All cities")
    )
    county = django_filters.ChoiceFilter(
        label=_("County"), field_name="division", choices=county_choices, empty_label=_("All counties")
    )
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Unit.Category.choices, empty_label=_("All"))
    status = django_filters.ChoiceFilter(
        label=_("Listing status"),
        choices=[(LISTED, _("On the list")), (REMOVED, _("Removed")), (ALL, _("All"))],
        method="filter_status",
        empty_label=None,
    )
    o = django_filters.OrderingFilter(label=_("Sort by"), fields=SORT_FIELDS)  # and the extensions' (__init__)

    class Meta:
        model = Unit
        fields: list[str] = []

    def __init__(self, data=None, *args, **kwargs):
        # Without a status in the query, the list shows the units on the list now.
        data = data.copy() if data is not None else {}
        data.setdefault("status", self.LISTED)
        super().__init__(data, *args, **kwargs)
        self._add_extensions(kwargs.get("request"))
        for filter_ in self.filters.values():
            # The selects in one pass (huhang/widgets.py): the county filter's 90 options cost more than the rows.
            if isinstance(filter_, django_filters.ChoiceFilter):  # ModelChoiceFilter too
                filter_.extra.setdefault("widget", Select)

    def filter_queryset(self, queryset: QuerySet[Unit]) -> QuerySet[Unit]:
        units = super().filter_queryset(queryset)
        return units.order_by(*with_tie_breakers(units.query.order_by))

    def search(self, queryset: QuerySet[Unit], name: str, value: str) -> QuerySet[Unit]:
        return search_units(queryset, value)

    def filter_city(self, queryset: QuerySet[Unit], name: str, value: str) -> QuerySet[Unit]:
        return queryset.filter(division__in=jurisdiction_codes(value))

    def filter_status(self, queryset: QuerySet[Unit], name: str, value: str) -> QuerySet[Unit]:
        if value == self.LISTED:
            return queryset.filter(is_listed=True)
        if value == self.REMOVED:
            return queryset.filter(is_listed=False)
        return queryset

    def _add_extensions(self, request) -> None:
        """The registered apps' filters, after the units' own and before the listing status; their sort keys."""
        extensions = unit_list_extensions()
        added: dict[str, django_filters.Filter] = {}
        for extension in extensions:
            added.update(extension.filters(request))
        for name, filter_ in added.items():
            filter_.parent = self
            if filter_.field_name is None:
                filter_.field_name = name
        ordering = django_filters.OrderingFilter(
            label=self.filters["o"].label,
            fields=(*SORT_FIELDS, *(pair for extension in extensions for pair in extension.sort_fields)),
        )
        ordering.parent, ordering.field_name = self, "o"
        own = {name: filter_ for name, filter_ in self.filters.items() if name not in ("status", "o")}
        self.filters = {**own, **added, "status": self.filters["status"], "o": ordering}
