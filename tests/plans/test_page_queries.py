"""The plan page, the editor and the owner search run the same number of queries whatever the size of the programme
(other plans, the pool) and of the plan itself (its measures and their progress notes)."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Role
from plans import services
from tests.factories import (
    PersonFactory,
    PlanFactory,
    TeamFactory,
    UnitFactory,
    approved_plan,
    assign,
    two_served_units,
)

pytestmark = pytest.mark.django_db

# session, user, savepoint pair, the plan (scope), the audit record of the read, the versions with their dates, the
# measures of the versions shown with their owners, their notes, the events
PLAN_PAGE_QUERIES = 10
# … the editor: session, user, savepoint pair, the plan with its working version, the measures with their owners, the
# return comments (the measure form lists nobody of the pool)
EDITOR_QUERIES = 7
SEARCH_QUERIES = 6  # session, user, savepoint pair, the plan (scope), the first matches


def _programme(size: int) -> None:
    """`size` other units with plans and teams, and 3×`size` more people in the pool."""
    for _ in range(size):
        unit = UnitFactory()
        assign(unit, TeamFactory())
        PlanFactory(unit=unit)
    PersonFactory.create_batch(size)


def _measures(plan, count: int) -> None:
    for index in range(count):
        services.measure_save(
            actor=None, version=plan.working, area="policy_law", content=f"举措{index}", owner=PersonFactory()
        )


@pytest.fixture
def programme(users, outsiders, unit):
    return two_served_units(users[Role.TEAM_MEMBER], unit)


@pytest.mark.parametrize("size", [2, 25])
def test_the_plan_page_queries_do_not_grow(client, users, unit, programme, django_assert_max_num_queries, size):
    _programme(size)
    plan = approved_plan(unit)
    services.plan_revise(actor=None, plan=plan)
    plan.refresh_from_db()
    _measures(plan, size)
    for measure in plan.in_force.measures.all():
        services.measure_progress(
            actor=users[Role.TEAM_MEMBER], measure=measure, date=datetime.date(2026, 5, 1), text="进展"
        )
    for role in (Role.BUREAU, Role.TEAM_MEMBER, Role.UNIT_CONTACT):
        client.force_login(users[role])
        with django_assert_max_num_queries(PLAN_PAGE_QUERIES):
            response = client.get(reverse("plans:detail", kwargs={"uid": plan.uid}))
        assert response.status_code == 200, role


@pytest.mark.parametrize("size", [2, 25])
def test_the_editor_and_the_owner_search_queries_do_not_grow(
    client, users, unit, programme, django_assert_max_num_queries, size
):
    _programme(size)
    plan = PlanFactory(unit=unit)
    _measures(plan, size)
    client.force_login(users[Role.TEAM_MEMBER])
    with django_assert_max_num_queries(EDITOR_QUERIES):
        response = client.get(reverse("plans:edit", kwargs={"uid": plan.uid}))
    assert response.status_code == 200
    with django_assert_max_num_queries(SEARCH_QUERIES):
        response = client.get(reverse("plans:owner_typeahead", kwargs={"uid": plan.uid}), {"q": "服务"})
    assert response.status_code == 200
