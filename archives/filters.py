"""Filters, search and sorting of the activity and request lists. Querysets come from archives/selectors.py."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from archives.models import Activity, Request, RequestKind
from archives.selectors import referrals_awaiting_reply
from huhang.forms import DateInput
from huhang.freshness import cached_for_rows
from huhang.search import bigram_filter, bigram_q, term_bigrams
from huhang.text import clean_text, normalise_identifier
from huhang.typeahead import TypeaheadWidget
from teams.scopes import visible_teams_or_none
from units.credit_code import normalise_credit_code
from units.filters import unit_search_q
from units.models import Unit

ALL = _("All")
YES, NO = "yes", "no"


# --- Search: the units found, or the subjects, as sets of ids --------------------------------------------------------

# A search that finds more records than this is taken by its bigrams alone (see few_or_broad).
FEW = 1_000


def few_or_broad(*, exact: QuerySet, broad: Q, ids: str) -> Q:
    """A search's condition on a list. `exact` is the search with its substring recheck, `broad` the same by its
    bigrams alone (bigrams_on_rows), on the list's rows (through their unit). When `exact` finds at most FEW
    records, their ids (as `ids`) as constants: PostgreSQL counts them and starts from their index entries. Beyond
    that, `broad`, which PostgreSQL checks on the rows it walks in the list's order: the recheck's `UPPER(…) LIKE
    '%…%'`, an expression without statistics, would make it expect one record and start from the matches — 9,000
    units and 400,000 activities for 科技 at 100× — where walking the list's order finds a page in a few dozen rows.
    Such a common term is found by its bigrams, which for a term of two characters is the substring search itself,
    and for a longer one may add a record holding its pieces apart (科技创 in 科技……技创).

    The ids found are kept in the cache under the records version (huhang/freshness.py): a list searched again, or
    paged, reads them back rather than finding up to a thousand and one again."""
    first = exact.order_by().values_list("pk", flat=True)[: FEW + 1]
    found = cached_for_rows(first, build=lambda: list(first))
    return Q(**{f"{ids}__in": found}) if len(found) <= FEW else broad


def bigrams_on_rows(term: str, *, field: str) -> Q:
    """The bigram search's condition (huhang/search.py) as PostgreSQL checks it on rows it walks rather than through
    the GIN index: the document contains each bigram as a substring. It finds the same rows — every two characters
    of a token are a token of the document too — and costs a third of `string_to_array(...) @> …` per row, which
    made counting a broad search's 2,000 requests cost more than the whole page (issue 14). The planner reads the
    `LIKE` against the documents' statistics, so it still walks the list's order for a common term."""
    grams = term_bigrams(term)
    if not grams:
        return bigram_q(term, field=field)  # a single character: already a substring condition
    return Q(*(Q(**{f"{field}__contains": gram}) for gram in grams))


def units_found(value: str) -> Q | None:
    """The condition on a list's rows that their unit is one the search finds (units.filters.unit_search_q: by
    name, credit code or pinyin initials), as few_or_broad gives it; None for an empty search."""
    condition = unit_search_q(value)
    if condition is None:
        return None
    text = clean_text(value)
    broad = bigrams_on_rows(normalise_identifier(text), field="unit__search_document") | Q(
        unit__credit_code__startswith=normalise_credit_code(text)
    )
    return few_or_broad(exact=Unit.objects.filter(condition), broad=broad, ids="unit_id")


def _team_filter() -> django_filters.ModelChoiceFilter:
    """The serving team, chosen by typing part of its name (teams:team_typeahead): thousands of teams at 100× make
    no `<select>`. The choices stay the reader's teams, so another team's id is refused as before."""
    return django_filters.ModelChoiceFilter(
        label=_("Team"),
        queryset=visible_teams_or_none,
        widget=TypeaheadWidget(reverse_lazy("teams:team_typeahead"), placeholder=_("All teams")),
    )


# --- Activities (ActivityFilter) ---------------------------------------------------------------------------------


class _StableOrdering(django_filters.OrderingFilter):
    """Sorting that ends on the id, so a page break never falls between equal dates, units or states: in the
    direction of the first key, so that one index serves both directions (`-submitted_at, -id` read backwards). A
    key may instead order the records that share it (`within`: one unit's activities newest first, as the index
    (unit, -date, -id) holds them)."""

    def __init__(self, *args, within: dict[str, tuple[str, ...]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.within = within or {}

    def filter(self, qs, value):
        if not value:
            return qs
        keys = [self.get_ordering_value(param) for param in value]
        first = keys[0]
        ties = self.within.get(first.lstrip("-")) or ("-pk" if first.startswith("-") else "pk",)
        return qs.order_by(*keys, *ties)


class ActivityFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Unit name, credit code or pinyin initials")}),
    )
    kind = django_filters.ChoiceFilter(label=_("Kind of activity"), choices=Activity.Kind.choices, empty_label=ALL)
    date_from = django_filters.DateFilter(
        label=_("Date from"), field_name="date", lookup_expr="gte", widget=DateInput()
    )
    date_to = django_filters.DateFilter(label=_("Date until"), field_name="date", lookup_expr="lte", widget=DateInput())
    team = _team_filter()
    o = _StableOrdering(
        fields=(("date", "date"), ("unit__name", "unit")), within={"unit__name": ("unit_id", "-date", "-pk")}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = kwargs.get("request")
        if request is None or not request.user.has_perm("teams.browse_teams"):
            del self.filters["team"]  # experts and unit contacts see no teams to choose from

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        units = units_found(value)
        return queryset if units is None else queryset.filter(units)


# --- Requests (RequestFilter) ------------------------------------------------------------------------------------

OPEN = "open"
AWAITING_ME = "awaiting_me"


REQUEST_STATUSES = [(OPEN, _("Open (not closed)")), *Request.Status.choices]


class RequestFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Subject, unit name or credit code")}),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=REQUEST_STATUSES, method="filter_status", empty_label=ALL
    )
    kind = django_filters.ChoiceFilter(label=_("Kind of request"), choices=RequestKind.choices, empty_label=ALL)
    overdue = django_filters.ChoiceFilter(
        label=_("Past due"),
        choices=[(YES, _("Yes")), (NO, _("No"))],
        method="filter_overdue",
        empty_label=ALL,
    )
    referral = django_filters.ChoiceFilter(
        label=_("Referrals"),
        choices=[(AWAITING_ME, _("Waiting for my reply"))],
        method="filter_referral",
        empty_label=ALL,
    )
    team = _team_filter()
    submitted_after = django_filters.DateFilter(
        label=_("Submitted from"),
        field_name="received_on",
        lookup_expr="gte",
        widget=DateInput(),
    )
    submitted_before = django_filters.DateFilter(
        label=_("Submitted until"),
        field_name="received_on",
        lookup_expr="lte",
        widget=DateInput(),
    )
    o = _StableOrdering(
        fields=(
            ("submitted_at", "submitted"),
            ("unit__name", "unit"),
            ("status", "status"),
            ("accept_due_at", "accept_due"),
            ("answer_due_at", "answer_due"),
        )
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = kwargs.get("request")
        if request is None or not request.user.has_perm("teams.browse_teams"):
            del self.filters["team"]  # officers, experts and unit contacts see no teams to choose from
        if request is None or request.user.role not in (Role.OFFICER, Role.TEAM_MEMBER):
            del self.filters["referral"]  # only officers and teams record referrals' replies (archives/rules.py)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """The requests of the units found (units_found) and those whose subject holds the term, each side an index
        search (few_or_broad)."""
        units = units_found(value)
        if units is None:
            return queryset
        term = value.strip()
        by_subject = few_or_broad(
            exact=bigram_filter(Request.objects.all(), term).filter(title__icontains=term),
            broad=bigrams_on_rows(term, field="search_document"),
            ids="pk",
        )
        return queryset.filter(units | by_subject)

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        from archives.models import Request

        if value == OPEN:
            return queryset.exclude(status=Request.Status.CLOSED)
        return queryset.filter(status=value)

    def filter_referral(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """The requests with a referral waiting for a reply the user records (the officers' home links here)."""
        if value == AWAITING_ME:
            return queryset.filter(pk__in=referrals_awaiting_reply(user=self.request.user).values("request"))
        return queryset

    def filter_overdue(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Past due: a clock still running after its due time (the figure on the home pages). Requests answered late
        are not past due any more; their missed deadline shows on the request."""
        if value == YES:
            return queryset.past_due()
        if value == NO:
            return queryset.exclude(pk__in=queryset.past_due().values("pk"))
        return queryset
