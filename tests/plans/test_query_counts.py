"""The overview and the approval queue run the same number of queries for 5 plans as for 40."""

import pytest
from django.urls import reverse

from accounts.models import Role
from plans import services
from tests.factories import PlanFactory, TeamFactory, UnitFactory, assign, ready

# session, user, savepoint pair, settings, counts by state and city, the city choices (all three cached: the second
# view runs none of them), the sorted ids (cached per filter and order: they also give the count), the page's rows
OVERVIEW_QUERIES = 10
QUEUE_QUERIES = 8  # … page count, the page's ids (sorted over the queue), the page's rows


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
    with django_assert_max_num_queries(OVERVIEW_QUERIES - 3):
        again = client.get(reverse("plans:overview"), {"o": "-due_on"})
    assert again.context["counts"] == response.context["counts"]
    with django_assert_max_num_queries(OVERVIEW_QUERIES - 4):
        next_page = client.get(reverse("plans:overview"), {"o": "-due_on", "page": 2})
    assert next_page.context["page_obj"].number == (2 if count + 4 > 20 else 1)


def test_the_overview_order_is_never_read_from_the_cache_after_a_change(client, users):
    _plans(3)
    client.force_login(users[Role.BUREAU])
    before = client.get(reverse("plans:overview"), {"o": "name"})
    added = UnitFactory(name="0000单位")  # an ASCII digit first: before every name the factories give, in any collation
    after = client.get(reverse("plans:overview"), {"o": "name"})
    assert after.context["page_obj"].paginator.count == before.context["page_obj"].paginator.count + 1
    assert after.context["page_obj"][0].pk == added.pk


def test_overview_counts_are_never_read_after_a_change(client, users):
    """The counts are cached under the version of the records: a write to a table they count shows at once."""
    _plans(2)
    client.force_login(users[Role.BUREAU])

    def counts() -> dict[str, int]:
        states = client.get(reverse("plans:overview")).context["counts"]["states"]
        return {state["key"]: state["count"] for state in states}

    before = counts()
    assert counts() == before  # from the cache
    PlanFactory(unit=UnitFactory())  # a new unit with a draft
    after = counts()
    assert after["draft"] == before["draft"] + 1
    plan = PlanFactory(unit=UnitFactory())
    ready(plan)
    services.plan_submit(actor=None, version=plan.working)
    assert counts()["submitted"] == after["submitted"] + 1


@pytest.mark.parametrize("count", [5, 40])
def test_queue_queries_do_not_grow_with_the_plans(client, users, django_assert_max_num_queries, count):
    _plans(count)
    client.force_login(users[Role.BUREAU])
    with django_assert_max_num_queries(QUEUE_QUERIES):
        response = client.get(reverse("plans:queue"))
    assert response.context["page_obj"].paginator.count == (count + 1) // 2
