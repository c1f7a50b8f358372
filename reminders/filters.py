"""Filters and search of a user's notification list and of the bureau's outbox. The querysets come from
reminders/selectors.py, already scoped."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from reminders.kinds import Kind
from reminders.models import Delivery

ALL = _("All")
UNREAD = "unread"


class NotificationFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label=_("Show"),
        choices=[(UNREAD, _("Unread only"))],
        method="filter_state",
        empty_label=ALL,
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind of reminder"), field_name="reminder__kind", choices=Kind.choices, empty_label=ALL
    )
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Words in the title")}),
    )

    def filter_state(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(read_at__isnull=True) if value == UNREAD else queryset

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return queryset.filter(reminder__title__icontains=value) if value else queryset


class DeliveryFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Delivery.Status.choices, empty_label=ALL)
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Delivery.Channel.choices, empty_label=ALL)
    kind = django_filters.ChoiceFilter(
        label=_("Kind of reminder"), field_name="reminder__kind", choices=Kind.choices, empty_label=ALL
    )
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Words in the title, recipient or team")}),
    )

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(reminder__title__icontains=value)
            | Q(user__full_name__icontains=value)
            | Q(user__username__icontains=value)
            | Q(team__name__icontains=value)
        )
