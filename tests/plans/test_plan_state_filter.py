"""The unit list's plan filter reads the plan's joins (plans.selectors.plan_state_q) instead of the annotated state:
both must name the same units for every state."""

import pytest

from plans import services
from plans.selectors import STATES, plan_state_q, with_plan_state
from tests.factories import UnitFactory, approved_plan, ready
from units.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def a_unit_per_state():
    UnitFactory(name="未开始单位")
    services.plan_start(actor=None, unit=UnitFactory(name="草稿单位"))
    submitted = ready(services.plan_start(actor=None, unit=UnitFactory(name="已提交单位")))
    services.plan_submit(actor=None, version=submitted)
    returned = ready(services.plan_start(actor=None, unit=UnitFactory(name="退回单位")))
    services.plan_submit(actor=None, version=returned)
    services.plan_return(actor=None, version=returned, comment="请补充")
    approved_plan(UnitFactory(name="已批准单位"))
    revised = approved_plan(UnitFactory(name="修订中单位"))  # approved, and a new version in the works
    services.plan_revise(actor=None, plan=revised)


def test_every_state_filters_the_units_the_annotation_names(a_unit_per_state):
    states = dict(with_plan_state(Unit.objects.all()).values_list("name", "plan_state"))
    assert {"未开始单位", "草稿单位", "已提交单位", "退回单位", "已批准单位", "修订中单位"} <= set(states)
    for state, _label in STATES:
        by_join = set(Unit.objects.filter(plan_state_q(state)).values_list("name", flat=True))
        assert by_join == {name for name, named in states.items() if named == state}, state
    assert states["修订中单位"] == "draft"
    assert states["已批准单位"] == "approved"
