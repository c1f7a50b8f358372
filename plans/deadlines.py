"""The one rule for a plan's due date, written once as SQL: the first-plans date of the programme settings, or the
given number of days after the unit's first selection if that is later (a unit never selected counts from today).

Starting a plan reads it for one unit, the overview and the unit list annotate it for units without a plan, and a
change of the settings writes it into every plan not approved yet in one UPDATE — so the three cannot disagree.
"""

from __future__ import annotations

import datetime

from django.db.models import DateField, Func, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Greatest
from django.utils import timezone

from huhang.models import ProgrammeSettings
from units.models import ListingEvent, Unit


def due_on_rule(*, unit: str, settings: ProgrammeSettings | None = None) -> Func:
    """The due date the rule gives the plan of a unit, as an expression over the queried rows; `unit` is the path from
    a row to its unit's id: "pk" on units, "unit" on plans. `settings` defaults to the stored ones (one query)."""
    settings = settings or ProgrammeSettings.current()
    delta = datetime.timedelta(days=settings.plan_due_days)
    first_selection = (
        ListingEvent.objects.filter(unit=OuterRef(unit), kind=ListingEvent.Kind.SELECTED)
        .order_by("date")
        .values("date")[:1]
    )
    from_selection = Cast(Subquery(first_selection, output_field=DateField()) + Value(delta), DateField())
    never_selected = Value(timezone.localdate() + delta, output_field=DateField())
    return Greatest(
        Value(settings.first_plans_due, output_field=DateField()),
        Coalesce(from_selection, never_selected, output_field=DateField()),
        output_field=DateField(),
    )


def plan_due_on(*, unit: Unit) -> datetime.date:
    """The due date a plan started now for `unit` gets: two queries (the settings, the rule)."""
    return (
        Unit.objects.filter(pk=unit.pk).annotate(due_on=due_on_rule(unit="pk")).values_list("due_on", flat=True).get()
    )
