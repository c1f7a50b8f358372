"""The unit list's filters, search and sorting; the Excel export takes the same parameters. The apps above units add
their own filters and sort keys (units/unit_list.py): the serving team, the plan's state."""

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from huhang.text import clean_text, normalise_identifier
from units.credit_code import normalise_credit_code
from units.models import Division, Unit
from units.unit_list import unit_list_extensions


def unit_search_q(value: str, *, prefix: str = "") -> Q | None:
    """By name, by credit code, or by the name's pinyin initials (qtsys finds 钱塘实验室); None for an empty search.
    `prefix` reaches the unit through a relation (`plan__unit__`), so every list that shows units searches them the
    same way."""
    text = clean_text(value)
    if not text:
        return None
    condition = Q(**{f"{prefix}name__icontains": text}) | Q(
        **{f"{prefix}credit_code__startswith": normalise_credit_code(text)}
    )
    folded = normalise_identifier(text)
    if folded != text:  # names are kept as typed; a name saved before that may hold (杭州) for （杭州）
        condition |= Q(**{f"{prefix}name__icontains": folded})
    initials = folded.replace(" ", "").lower()
    if initials.isascii() and initials.isalnum():
        condition |= Q(**{f"{prefix}name_initials__contains": initials})
    return condition


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

    def search(self, queryset: QuerySet[Unit], name: str, value: str) -> QuerySet[Unit]:
        return search_units(queryset, value)

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
