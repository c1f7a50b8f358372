"""The plans' events on a unit's timeline (units/timeline.py): each approval of the unit's plan, and the due dates
of the measures of the version in force."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plans.models import Measure, PlanEvent
from units.timeline import TimelineEvent, TimelineRow, TimelineSource, local_date, register_timeline_source

if TYPE_CHECKING:
    from accounts.models import User
    from units.models import Unit

MEASURE_TITLE_CHARS = 60


class ApprovalSource(TimelineSource):
    """Every role that reads the unit may know that its plan was approved, superseded versions included (the
    version scope would hide those from officers and the unit), so the approvals are read by unit, not by version."""

    kind = "plan"
    label = gettext_lazy("Plan approval")
    position = 40

    def rows(self, *, unit: Unit, user: User, area: str) -> list[QuerySet]:
        if area:
            return []  # a plan spans every task area
        approvals = PlanEvent.objects.filter(plan__unit=unit, action=PlanEvent.Action.APPROVED)
        return [self.row_query(approvals, date=local_date("created_at"))]

    def events(self, rows: Sequence[TimelineRow]) -> list[TimelineEvent]:
        approvals = self.records(PlanEvent.objects.select_related("version"), rows)
        return [
            TimelineEvent(
                date=row.date,
                kind=self.kind,
                icon="journal-check",
                title=_("Service plan version %(number)d approved") % {"number": approvals[row.record].version.number},
            )
            for row in rows
        ]


class MeasureDueSource(TimelineSource):
    """The due dates of the measures of the version in force, in the plan's order on one day."""

    kind = "measure"
    label = gettext_lazy("Measure due")
    position = 50

    def rows(self, *, unit: Unit, user: User, area: str) -> list[QuerySet]:
        measures = Measure.objects.filter(version__plan__unit=unit, version__plan__in_force=F("version")).exclude(
            due_on=None
        )
        if area:
            measures = measures.filter(area=area)
        return [self.row_query(measures, date="due_on", seq=-F("position"))]

    def events(self, rows: Sequence[TimelineRow]) -> list[TimelineEvent]:
        measures = self.records(Measure.objects.only("due_on", "content", "status"), rows)
        return [
            TimelineEvent(
                date=measure.due_on,
                kind=self.kind,
                icon="check2-square",
                title=_("Measure due: %(measure)s") % {"measure": measure.content[:MEASURE_TITLE_CHARS]},
                detail=measure.get_status_display(),
            )
            for measure in (measures[row.record] for row in rows)
        ]


register_timeline_source(ApprovalSource())
register_timeline_source(MeasureDueSource())
