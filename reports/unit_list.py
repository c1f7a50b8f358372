"""The programme's coverage on the unit list (units/unit_list.py): a filter by stage — served by a team, an approved
plan in force, guided, or no plan in force yet — for the bureau, whose home page links each coverage figure to the
list it counts. The conditions are reports.selectors.coverage_conditions, so a figure and its list always agree."""

from __future__ import annotations

from typing import TYPE_CHECKING

import django_filters
from django.utils.translation import gettext_lazy as _

from reports.selectors import coverage_conditions
from units.unit_list import UnitListExtension, register_unit_list_extension

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest

    from accounts.models import User
    from units.models import Unit

SERVED, APPROVED, GUIDED, UNAPPROVED = "served", "approved", "guided", "unapproved"
COVERAGE_CHOICES = [
    (SERVED, _("Served by a team")),
    (APPROVED, _("Approved plan in force")),
    (GUIDED, _("Guided")),
    (UNAPPROVED, _("No approved plan yet")),
]


def by_coverage(user: User):
    def filter_units(queryset: QuerySet[Unit], name: str, value: str) -> QuerySet[Unit]:
        conditions = coverage_conditions(user=user)
        if value == UNAPPROVED:
            return queryset.exclude(conditions["approved"])
        return queryset.filter(conditions[value]) if value in conditions else queryset

    return filter_units


def coverage_filters(request: HttpRequest | None) -> dict[str, django_filters.Filter]:
    """For the bureau only: the stages read the teams, plans and the archive, which officers do not."""
    if request is None or not request.user.has_perm("reports.view_programme"):
        return {}
    return {
        "coverage": django_filters.ChoiceFilter(
            label=_("Programme coverage"),
            choices=COVERAGE_CHOICES,
            method=by_coverage(request.user),
            empty_label=_("All"),
        )
    }


register_unit_list_extension(UnitListExtension(name="reports", filters=coverage_filters))
