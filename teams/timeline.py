"""The teams' events on a unit's timeline (units/timeline.py): a team starts serving the unit, and stops."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.scopes import visible
from teams.models import Assignment
from units.timeline import TimelineEvent, TimelineRow, TimelineSource, register_timeline_source

if TYPE_CHECKING:
    from accounts.models import User
    from units.models import Unit

START, END = "start", "end"


class AssignmentSource(TimelineSource):
    kind = "team"
    label = gettext_lazy("Service team")
    position = 20

    def rows(self, *, unit: Unit, user: User, area: str) -> list[QuerySet]:
        if area:
            return []  # a team serves the unit in every task area
        assignments = visible(user, Assignment).filter(unit=unit)
        return [
            self.row_query(assignments, date="start", part=START),
            self.row_query(assignments.exclude(end=None), date="end", part=END),
        ]

    def events(self, rows: Sequence[TimelineRow]) -> list[TimelineEvent]:
        assignments = self.records(Assignment.objects.select_related("team"), rows)
        return [self._event(assignments[row.record], row.part) for row in rows]

    def _event(self, assignment: Assignment, part: str) -> TimelineEvent:
        if part == END:
            return TimelineEvent(
                date=assignment.end,
                kind=self.kind,
                icon="people",
                title=_("No longer served by %(team)s") % {"team": assignment.team.name},
            )
        return TimelineEvent(
            date=assignment.start,
            kind=self.kind,
            icon="people",
            title=_("Served by %(team)s") % {"team": assignment.team.name},
        )


register_timeline_source(AssignmentSource())
