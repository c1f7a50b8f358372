"""Which experts of the pool (the X of "1+2+X") to bring in for a measure's task area.

Ranked in one query: people whose technical fields mention the unit's field first, then the least loaded. Load is
what a person already carries: open measures they own in plans not yet superseded, plus their fixed team seats.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Case, F, Func, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from plans.models import Measure, PlanVersion
from teams.models import Membership, Person

if TYPE_CHECKING:
    from plans.models import Plan

SUGGESTIONS = 5
OPEN_MEASURE_STATUSES = (Measure.Status.NOT_STARTED, Measure.Status.IN_PROGRESS)


def _count(queryset: QuerySet) -> Coalesce:
    """COUNT(*) of a correlated subquery as a column of the outer query (0 when no row matches)."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def expert_suggestions(*, plan: Plan, area: str, limit: int = SUGGESTIONS) -> list[Person]:
    """Up to `limit` active people with a signed confidentiality undertaking and expertise in `area`, each with
    `field_match` (1 when their fields mention the unit's), `open_measures`, `team_seats` and `load`."""
    field = (plan.unit.technical_field or "").strip()
    field_match = Case(When(technical_fields__icontains=field, then=Value(1)), default=Value(0)) if field else Value(0)
    open_measures = _count(
        Measure.objects.filter(owner=OuterRef("pk"), status__in=OPEN_MEASURE_STATUSES).exclude(
            version__status=PlanVersion.Status.SUPERSEDED
        )
    )
    team_seats = _count(Membership.objects.filter(person=OuterRef("pk")))
    people = (
        Person.objects.filter(
            is_active=True,
            confidentiality_signed_on__isnull=False,
            confidentiality_signed_on__lte=timezone.localdate(),
            expertise__area=area,  # one Expertise row per (person, area): the join never repeats a person
        )
        .annotate(
            field_match=field_match,
            open_measures=open_measures,
            team_seats=team_seats,
            load=F("open_measures") + F("team_seats"),
        )
        .order_by("-field_match", "load", "name", "pk")
    )
    return list(people[:limit])
