"""The plans' figure on lists of teams (teams/team_figures.py): the open measures of the teams' units."""

from __future__ import annotations

from django.db.models import F, Func, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from plans.models import Measure
from teams.team_figures import TeamFigure, register_team_figure

OPEN_STATUSES = (Measure.Status.NOT_STARTED, Measure.Status.IN_PROGRESS)  # neither done nor cancelled


def open_measures() -> Coalesce:
    """Measures not yet done or cancelled in the plans in force of the units the team serves now: the work the
    team has promised and not finished. Drafts are not promises yet; superseded versions no longer count."""
    measures = Measure.objects.filter(
        version__plan__in_force=F("version"),
        version__plan__unit__assignments__team=OuterRef("pk"),
        version__plan__unit__assignments__end__isnull=True,
        status__in=OPEN_STATUSES,
    )
    counted = measures.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


register_team_figure(
    TeamFigure(
        key="open_measures",
        label=_("Open measures"),
        expression=open_measures,
        help_text=_("Measures not done or cancelled in the approved plans of the units the team serves now."),
    )
)
