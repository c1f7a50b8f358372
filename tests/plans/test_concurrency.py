"""Starting a unit's plan twice at once (a double click): one plan, and a clear refusal for the other click.

plans.services.plan_start locks the unit's row before it checks for a plan; without that lock both clicks pass the
check and the second insert fails on the one-plan-per-unit constraint with an IntegrityError (a server error).
"""

import pytest
from django.core.exceptions import ValidationError

from plans import services
from plans.models import Plan, PlanVersion
from tests.concurrency import at_once, needs_postgresql
from tests.factories import UnitFactory

pytestmark = [needs_postgresql, pytest.mark.django_db(transaction=True)]


def test_two_starts_at_once_give_one_plan_and_a_clear_refusal():
    unit = UnitFactory(name="并发测试实验室")

    def start():
        return services.plan_start(actor=None, unit=unit)

    results = at_once(start, start)

    plans = [result for result in results if isinstance(result, Plan)]
    refusals = [result for result in results if isinstance(result, ValidationError)]
    assert len(plans) == 1, results
    assert [refusal.code for refusal in refusals] == ["exists"], results
    assert Plan.objects.filter(unit=unit).count() == 1
    assert PlanVersion.objects.filter(plan__unit=unit).count() == 1
