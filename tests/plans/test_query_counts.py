"""The overview and the approval queue run the same number of queries for 5 plans as for 40."""

import pytest
from django.urls import reverse

from accounts.models import Role
from plans import services
from tests.factories import PlanFactory, TeamFactory, UnitFactory, assign, ready

OVERVIEW_QUERIES = 10  # session, user, settings, counts by state and city, page count, page rows …
QUEUE_QUERIES = 7


def _plans(count: int) -> None:
    team = TeamFactory()
    for index in range(count):
        unit = UnitFactory()
        assign(unit, team)
        plan = PlanFactory(unit=unit)
        if index % 2 == 0:
            ready(plan)
            services.plan_submit(actor=None, version=plan.working)
    UnitFactory.create_batch(3)  # not started


@pytest.mark.parametrize("count", [5, 40])
def test_overview_queries_do_not_grow_with_the_plans(client, users, django_assert_max_num_queries, count):
    _plans(count)
    client.force_login(users[Role.BUREAU])
    with django_assert_max_num_queries(OVERVIEW_QUERIES):
        response = client.get(reverse("plans:overview"), {"o": "state"})
    assert response.context["counts"]["total"] == count + 4  # + the `unit` fixture
    assert len(response.context["page_obj"]) == min(count + 4, 20)


@pytest.mark.parametrize("count", [5, 40])
def test_queue_queries_do_not_grow_with_the_plans(client, users, django_assert_max_num_queries, count):
    _plans(count)
    client.force_login(users[Role.BUREAU])
    with django_assert_max_num_queries(QUEUE_QUERIES):
        response = client.get(reverse("plans:queue"))
    assert response.context["page_obj"].paginator.count == (count + 1) // 2
