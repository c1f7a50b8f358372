"""The audit administrator's search of the trail. Every filter is a condition on the events' own columns (indexed
where it matters: time, user, record), so a page costs the same few queries however large the trail is."""

from __future__ import annotations

import datetime
import ipaddress

import django_filters
from django import forms
from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from audit.models import Action, Result
from huhang.forms import DateInput

ALL = _("All")
# The apps whose records the trail names (the record-type filter offers their models).
RECORD_APPS = ("accounts", "units", "teams", "plans", "archives", "reports", "audit")


def record_types() -> list[tuple[str, str]]:
    models = [model for label in RECORD_APPS for model in apps.get_app_config(label).get_models()]
    return sorted(
        ((m._meta.label_lower, f"{m._meta.verbose_name}") for m in models if not m.__name__.startswith("Historical")),
        key=lambda choice: choice[1],
    )


def _start_of(day: datetime.date) -> datetime.datetime:
    """Midnight of `day` in Asia/Shanghai (the portal's time zone), so that the index on the time serves."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class AuditEventFilter(django_filters.FilterSet):
    date_from = django_filters.DateFilter(label=_("From"), method="filter_from", widget=DateInput())
    date_to = django_filters.DateFilter(label=_("Until"), method="filter_to", widget=DateInput())
    user = django_filters.CharFilter(
        label=_("User"),
        method="filter_user",
        widget=forms.TextInput(attrs={"placeholder": _("Username or name")}),
    )
    role = django_filters.ChoiceFilter(label=_("Role"), choices=Role.choices, empty_label=ALL)
    action = django_filters.ChoiceFilter(label=_("Action"), choices=Action.choices, empty_label=ALL)
    result = django_filters.ChoiceFilter(label=_("Result"), choices=Result.choices, empty_label=ALL)
    object_type = django_filters.ChoiceFilter(label=_("Record type"), choices=record_types, empty_label=ALL)
    ip = django_filters.CharFilter(
        label=_("IP address"),
        method="filter_ip",
        widget=forms.TextInput(attrs={"placeholder": _("IP address")}),
    )
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Words in the record or the address")}),
    )

    def filter_from(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        return queryset.filter(at__gte=_start_of(value))

    def filter_to(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        return queryset.filter(at__lt=_start_of(value + datetime.timedelta(days=1)))

    def filter_user(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(username__iexact=value) | Q(user__full_name__icontains=value))

    def filter_ip(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        try:
            address = ipaddress.ip_address(value)
        except ValueError:
            return queryset.none()  # not an address: nothing was seen from it
        return queryset.filter(ip=str(address))

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(object_repr__icontains=value)
            | Q(object_id=value)
            | Q(path__icontains=value)
            | Q(username__icontains=value)
        )
