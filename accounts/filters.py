"""Search and filters of the logins list (django-filter). The queryset comes from accounts/selectors.py."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User


class Status:
    ACTIVE = "active"
    DISABLED = "disabled"
    INITIAL_PASSWORD = "initial_password"  # noqa: S105  # nosec B105 # a filter value, not a password

    choices = [
        (ACTIVE, _("Enabled")),
        (DISABLED, _("Disabled")),
        (INITIAL_PASSWORD, _("Initial password not changed yet")),
    ]


class LoginFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or username"), method="search")
    role = django_filters.ChoiceFilter(label=_("Role"), choices=Role.choices, empty_label=_("All"))
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Status.choices, empty_label=_("All"), method="filter_status"
    )
    o = django_filters.OrderingFilter(fields=["username", "full_name", "role", "last_login", "is_active"])

    class Meta:
        model = User
        fields: list[str] = []

    def search(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        """Every word must match the name or the username."""
        for word in value.split():
            queryset = queryset.filter(Q(full_name__icontains=word) | Q(username__icontains=word))
        return queryset

    def filter_status(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        if value == Status.ACTIVE:
            return queryset.filter(is_active=True)
        if value == Status.DISABLED:
            return queryset.filter(is_active=False)
        if value == Status.INITIAL_PASSWORD:
            return queryset.filter(is_active=True, must_change_password=True)
        return queryset
