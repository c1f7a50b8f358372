"""Writes to what belongs to the programme as a whole."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction

from huhang.models import ProgrammeSettings

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def programme_settings_update(
    *, actor: User | None, first_plans_due: datetime.date, plan_due_days: int
) -> ProgrammeSettings:
    """Changes the plan deadlines; plans not approved yet get their due dates recomputed, approved ones keep theirs."""
    from plans.models import Plan
    from plans.services import plan_due_on

    settings = ProgrammeSettings.objects.select_for_update().get(pk=ProgrammeSettings.current().pk)
    settings.first_plans_due = first_plans_due
    settings.plan_due_days = plan_due_days
    settings.full_clean()
    settings.save()
    open_plans = Plan.objects.filter(in_force__isnull=True).select_related("unit")
    for plan in open_plans:
        plan.due_on = plan_due_on(unit=plan.unit)
    Plan.objects.bulk_update(open_plans, ["due_on"], batch_size=500)
    return settings
