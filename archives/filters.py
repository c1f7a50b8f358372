"""Filters, search and sorting of the activity and request lists. Querysets come from archives/selectors.py."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from archives.models import Activity, Request, RequestKind
from archives.selectors import referrals_awaiting_reply
from huhang.forms import DateInput
from teams.scopes import visible_teams_or_none
from units.filters import unit_search_q

ALL = _("All")
YES, NO = "yes", "no"

# --- Activities (ActivityFilter) ---------------------------------------------------------------------------------


class _StableOrdering(django_filters.OrderingFilter):
    """Sorting that ends on the newest record, so a page break never falls between equal dates or units."""

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.order_by(*(self.get_ordering_value(param) for param in value), "-pk")


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
    team = django_filters.ModelChoiceFilter(label=_("Team"), queryset=visible_teams_or_none, empty_label=_("All teams"))
    o = _StableOrdering(fields=(("date", "date"), ("unit__name", "unit")))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = kwargs.get("request")
        if request is None or not request.user.has_perm("teams.browse_teams"):
            del self.filters["team"]  # experts and unit contacts see no teams to choose from

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        from units.filters import search_units

        return search_units(queryset, value, prefix="unit__")


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
    team = django_filters.ModelChoiceFilter(label=_("Team"), queryset=visible_teams_or_none, empty_label=_("All teams"))
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
    o = django_filters.OrderingFilter(
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
        units = unit_search_q(value, prefix="unit__")
        return queryset if units is None else queryset.filter(units | Q(title__icontains=value.strip()))

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
