"""The serving team on the unit list and its export (units/unit_list.py): a column that sorts, a filter for the
readers of teams (with "not assigned" for the bureau, who assigns), and the bureau's checkboxes that hand the ticked
units to one team (teams:assign_units)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import django_filters
from django.db.models import Exists, F, FilteredRelation, OuterRef, Q, QuerySet
from django.urls import reverse_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from huhang.html import format_html
from huhang.typeahead import TypeaheadWidget
from teams.models import Assignment, Team
from teams.scopes import visible_teams
from units.unit_list import UnitListColumn, UnitListExtension, register_unit_list_extension, row_url

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django.utils.safestring import SafeString

    from accounts.models import User
    from units.models import Unit
    from units.unit_list import Reader


def with_open_assignment(units: QuerySet[Unit], user: User | None = None) -> QuerySet[Unit]:
    """The unit's one open assignment (a unique constraint) as the alias `open_assignment`, which sorting by team
    joins (`open_assignment__team__name`): one join and a sort, where a subquery per unit of the scope was."""
    return units.alias(open_assignment=FilteredRelation("assignments", condition=Q(assignments__end__isnull=True)))


def with_serving_team(units: QuerySet[Unit], user: User | None = None) -> QuerySet[Unit]:
    """The team that serves each unit now (`team_id`, `team_name`), through the open assignment's join: at most one
    row per unit (a unique constraint), so the join never repeats a unit. Two left joins cost the planner and the ORM
    less than the two subqueries they replace, on a page's 25 rows and on the export's every row alike. (The export
    has the alias already, from `alias_unit_list`; naming it again replaces it before any join uses it.)"""
    units = with_open_assignment(units)
    return units.annotate(team_id=F("open_assignment__team_id"), team_name=F("open_assignment__team__name"))


NOT_ASSIGNED = "none"  # the team filter's value for the units no team serves now


def served_by(queryset: QuerySet[Unit], name: str, team: Team | str) -> QuerySet[Unit]:
    if team == NOT_ASSIGNED:
        return queryset.exclude(Exists(Assignment.objects.filter(unit=OuterRef("pk"), end__isnull=True)))
    served = Assignment.objects.filter(unit=OuterRef("pk"), team=team, end__isnull=True)
    return queryset.filter(Exists(served))


def split_by_serving_team(units: QuerySet[Unit]) -> tuple[QuerySet[Unit], QuerySet[Unit]]:
    """The units a team serves now (an inner join, so a sort by the team's name walks the teams' name index) and
    those none serves: the list sorted by team (units.unit_list.UnitListExtension.partial_sorts)."""
    return units.filter(open_assignment__isnull=False), served_by(units, "team", NOT_ASSIGNED)


def team_filters(request: HttpRequest | None) -> dict[str, django_filters.Filter]:
    """The team filter, for the readers of teams only: officers see units, not the bureau's teams. "Not assigned"
    is the bureau's, who hands units to teams; a team member reads only units their team serves."""
    if request is None or not request.user.has_perm("teams.browse_teams"):
        return {}
    may_assign = request.user.has_perm("teams.manage_teams")
    not_assigned = _("Not assigned") if may_assign else None
    # Thousands of teams at a national scale: searched (teams:team_typeahead), never listed whole.
    widget = TypeaheadWidget(
        reverse_lazy("teams:team_typeahead"),
        placeholder=_("All teams"),
        extra_choices=[(NOT_ASSIGNED, not_assigned)] if not_assigned else (),
    )
    return {
        "team": django_filters.ModelChoiceFilter(
            label=_("Team"),
            queryset=visible_teams(request.user),  # what teams:team_typeahead searches
            method=served_by,
            widget=widget,
            null_label=not_assigned,
            null_value=NOT_ASSIGNED,
        )
    }


def select_cell(unit: Unit, reader: Reader) -> SafeString:
    """The bureau's checkbox on a row; it belongs to the form of teams/_unit_list_actions.html. A row's cell,
    built with huhang.html (units.unit_list.unit_rows)."""
    return format_html(
        '<td class="hh-select-col"><input class="form-check-input" type="checkbox" name="unit" value="{uid}"'
        ' form="unit-selection" id="select-{uid}" aria-label="{label}" data-testid="select-{uid}"></td>',
        uid=unit.uid,
        label=gettext("Select %(name)s") % {"name": unit.name},
    )


def team_cell(unit: Unit, reader: Reader) -> SafeString:
    """The serving team, a link for the readers of teams."""
    if unit.team_id and reader.has_perm("teams.browse_teams"):
        url = row_url("teams:detail", pk=987654321)(unit.team_id)
        return format_html('<td class="text-nowrap"><a href="{}">{}</a></td>', url, unit.team_name)
    return format_html('<td class="text-nowrap">{}</td>', unit.team_name or "—")


register_unit_list_extension(
    UnitListExtension(
        name="teams",
        annotate=with_serving_team,
        alias=with_open_assignment,
        filters=team_filters,
        sort_fields=[("open_assignment__team__name", "team")],
        partial_sorts={"open_assignment__team__name": split_by_serving_team},
        columns=[
            UnitListColumn(
                label=_("Select"),
                cell=select_cell,
                permission="teams.manage_teams",
                actions_template_name="teams/_unit_list_actions.html",
            ),
            UnitListColumn(label=_("Team"), cell=team_cell, sort_key="team"),
        ],
    )
)
