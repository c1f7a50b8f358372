"""The serving team on the unit list and its export (units/unit_list.py): a column that sorts, a filter for the
readers of teams (with "not assigned" for the bureau, who assigns), and the bureau's checkboxes that hand the ticked
units to one team (teams:assign_units)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import django_filters
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from teams.models import Assignment, Team
from teams.scopes import visible_teams
from units.unit_list import UnitListColumn, UnitListExtension, register_unit_list_extension

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User
    from units.models import Unit


def with_serving_team(units: QuerySet[Unit], user: User | None = None) -> QuerySet[Unit]:
    """The team that serves each unit now (`team_id`, `team_name`), in the list's query."""
    open_assignment = Assignment.objects.filter(unit=OuterRef("pk"), end__isnull=True).order_by("-start", "-pk")
    return units.annotate(
        team_id=Subquery(open_assignment.values("team_id")[:1]),
        team_name=Subquery(open_assignment.values("team__name")[:1]),
    )


NOT_ASSIGNED = "none"  # the team filter's value for the units no team serves now


def served_by(queryset: QuerySet[Unit], name: str, team: Team | str) -> QuerySet[Unit]:
    if team == NOT_ASSIGNED:
        return queryset.exclude(Exists(Assignment.objects.filter(unit=OuterRef("pk"), end__isnull=True)))
    served = Assignment.objects.filter(unit=OuterRef("pk"), team=team, end__isnull=True)
    return queryset.filter(Exists(served))


def team_filters(request: HttpRequest | None) -> dict[str, django_filters.Filter]:
    """The team filter, for the readers of teams only: officers see units, not the bureau's teams. "Not assigned"
    is the bureau's, who hands units to teams; a team member reads only units their team serves."""
    if request is None or not request.user.has_perm("teams.browse_teams"):
        return {}
    may_assign = request.user.has_perm("teams.manage_teams")
    return {
        "team": django_filters.ModelChoiceFilter(
            label=_("Team"),
            queryset=visible_teams(request.user),
            method=served_by,
            empty_label=_("All teams"),
            null_label=_("Not assigned") if may_assign else None,
            null_value=NOT_ASSIGNED,
        )
    }


register_unit_list_extension(
    UnitListExtension(
        name="teams",
        annotate=with_serving_team,
        filters=team_filters,
        sort_fields=[("team_name", "team")],
        columns=[
            UnitListColumn(
                label=_("Select"),
                template_name="teams/_unit_list_select.html",
                permission="teams.manage_teams",
                actions_template_name="teams/_unit_list_actions.html",
            ),
            UnitListColumn(label=_("Team"), template_name="teams/_unit_list_cell.html", sort_key="team"),
        ],
    )
)
