"""The plan editor's measure owner: searched among the plan's candidates (a type-ahead), never a list of the pool.

The candidates are the serving team's leader and core members, then the pool's active experts with a signed
confidentiality undertaking; the form accepts exactly those ids (and a measure's owner who has since left the team)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from huhang.typeahead import TYPEAHEAD_LIMIT
from plans import services
from tests.factories import PersonFactory, PlanFactory, UnitFactory, two_served_units

HTMX = {"HTTP_HX_REQUEST": "true"}
pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(users, outsiders, unit):
    return two_served_units(users[Role.TEAM_MEMBER], unit)


@pytest.fixture
def plan(unit, programme):
    return PlanFactory(unit=unit)


def _url(name: str, plan, **kwargs) -> str:
    return reverse(f"plans:{name}", kwargs={"uid": plan.uid, **kwargs})


def _data(content: str, **extra) -> dict:
    return {"new-area": "policy_law", "new-content": content, "new-status": "not_started", **extra}


def test_candidates_are_the_serving_team_first_then_signed_active_experts(plan, programme):
    expert = PersonFactory(name="甲专家")
    unsigned = PersonFactory(name="乙未签", confidentiality_signed_on=None)
    retired = PersonFactory(name="丙离任", is_active=False)
    team = list(programme["team"].memberships.values_list("person_id", flat=True))
    candidates = list(services.measure_owner_candidates(version=plan.working).values_list("pk", flat=True))
    assert set(candidates[: len(team)]) == set(team)
    assert expert.pk in candidates
    assert unsigned.pk not in candidates
    assert retired.pk not in candidates


def test_the_search_finds_candidates_only_and_at_most_the_limit(client, users, plan):
    PersonFactory.create_batch(TYPEAHEAD_LIMIT + 5, name="钱塘专家")
    PersonFactory(name="钱塘未签专家", confidentiality_signed_on=None)
    client.force_login(users[Role.TEAM_MEMBER])
    response = client.get(_url("owner_typeahead", plan), {"q": "钱塘"}, **HTMX)
    assert response.status_code == 200
    assert response.text.count('role="option"') == TYPEAHEAD_LIMIT
    assert "钱塘未签专家" not in response.text


def test_the_editor_lists_no_pool_and_its_queries_do_not_grow_with_it(client, users, plan):
    client.force_login(users[Role.TEAM_MEMBER])
    client.get(_url("edit", plan))  # warm: the session's first request writes it
    counts = []
    for size in (5, 60):
        PersonFactory.create_batch(size, name="池中专家")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(_url("edit", plan))
        assert response.status_code == 200
        assert "池中专家" not in response.text
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_search_follows_the_plan_scope(client, users, outsiders, plan, programme):
    target = _url("owner_typeahead", plan)
    client.force_login(programme["tina"])  # another team's leader
    assert client.get(target, {"q": "服务"}).status_code == 404
    client.force_login(outsiders[Role.UNIT_CONTACT])
    assert client.get(target, {"q": "服务"}).status_code == 404
    client.force_login(users[Role.BUREAU])  # reads the plan, does not write it
    assert client.get(target, {"q": "服务"}).status_code == 403
    other = PlanFactory(unit=UnitFactory())
    client.force_login(users[Role.TEAM_MEMBER])
    assert client.get(_url("owner_typeahead", other), {"q": "服务"}).status_code == 404


@pytest.mark.parametrize("who", ["unsigned", "inactive", "missing"])
def test_an_owner_outside_the_candidates_is_refused(client, users, plan, who):
    strangers = {
        "unsigned": lambda: PersonFactory(confidentiality_signed_on=None).pk,
        "inactive": lambda: PersonFactory(is_active=False).pk,
        "missing": lambda: 2_000_000_000,
    }
    client.force_login(users[Role.TEAM_MEMBER])
    response = client.post(_url("measure_add", plan), _data("宣讲", **{"new-owner": strangers[who]()}), **HTMX)
    assert "owner" in response.context["measure_form"].errors
    assert not plan.working.measures.exists()


def test_an_owner_who_left_stays_on_the_measure(client, users, plan, programme):
    leaver = PersonFactory(name="丁已离队")
    measure = services.measure_save(actor=None, version=plan.working, area="policy_law", content="宣讲", owner=leaver)
    leaver.is_active = False
    leaver.save()
    client.force_login(users[Role.TEAM_MEMBER])
    edit = _url("measure_edit", plan, measure_id=measure.pk)
    row = client.get(edit, **HTMX)
    assert "丁已离队" in row.text  # the current choice is shown
    prefix = f"m{measure.pk}"
    data = {f"{prefix}-area": "policy_law", f"{prefix}-content": "宣讲（改）", f"{prefix}-status": "in_progress"}
    assert client.post(edit, {**data, f"{prefix}-owner": leaver.pk}, **HTMX).status_code == 200
    measure.refresh_from_db()
    assert (measure.content, measure.owner_id) == ("宣讲（改）", leaver.pk)
