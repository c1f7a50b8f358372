"""Figures the apps above teams add to every row of a list of teams: registered in their `AppConfig.ready()`.

Teams know neither the plans nor the archive, yet choosing a team for a unit, or weighing its workload, needs what
those apps hold (a team's open measures, its open requests). An app registers a figure as a SQL expression over the
team's row (`OuterRef("pk")` is the team), so a list of teams runs the same queries for 5 rows or 4,000.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.db.models import Expression, QuerySet
    from django.utils.functional import Promise

    from teams.models import Team


@dataclass(frozen=True)
class TeamFigure:
    key: str  # the annotation's name, unique among the teams' columns
    label: str | Promise
    expression: Callable[[], Expression]  # a new expression per query, correlated on the team (OuterRef("pk"))
    help_text: str | Promise = ""


_figures: dict[str, TeamFigure] = {}


def register_team_figure(figure: TeamFigure) -> None:
    """Called from an app's `AppConfig.ready()`; registering a key again replaces the figure rather than doubling
    it. Figures show in the order they were registered."""
    _figures[figure.key] = figure


def team_figures() -> list[TeamFigure]:
    return list(_figures.values())


def annotate_team_figures(teams: QuerySet[Team]) -> QuerySet[Team]:
    return teams.annotate(**{figure.key: figure.expression() for figure in _figures.values()})
