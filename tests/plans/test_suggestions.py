"""Expert suggestions for a measure's task area: the right expertise, the unit's field first, the least loaded next,
only people who may serve, for the bureau and the serving team only, in one query."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Role
from plans.services import measure_save, plan_approve, plan_start, plan_submit
from plans.suggestions import expert_suggestions
from tests.factories import PersonFactory, TeamFactory, UnitFactory, UserFactory, assign
from tests.plans.test_pdf import build_plan

pytestmark = pytest.mark.django_db

AREA = "protection"


@pytest.fixture
def plan(users, unit):
    unit.technical_field = "光电子"
    unit.save(update_fields=["technical_field"])
    leader = PersonFactory(name="汤组长", user=users[Role.TEAM_MEMBER])
    assign(unit, TeamFactory(name="西湖护航队", leader=leader))
    return plan_start(actor=None, unit=unit)


def _names(plan, area=AREA):
    return [person.name for person in expert_suggestions(plan=plan, area=area)]


def _url(plan, area=AREA):
    return reverse("plans:suggest_experts", kwargs={"uid": plan.uid}) + f"?area={area}"


def test_only_people_expert_in_the_area_are_suggested(plan):
    PersonFactory(name="保护专家", expertise=[AREA, "policy_law"])
    PersonFactory(name="政策专家", expertise=["policy_law"])
    assert _names(plan) == ["保护专家"]
    assert _names(plan, "policy_law") == ["保护专家", "政策专家"]
    assert _names(plan, "commercialisation") == []


def test_people_of_the_units_field_come_first_even_when_busier(plan):
    TeamFactory(leader=PersonFactory(name="光电专家", expertise=[AREA], technical_fields="集成电路，光电子"))
    PersonFactory(name="空闲专家", expertise=[AREA], technical_fields="生物医药")
    suggested = expert_suggestions(plan=plan, area=AREA)
    assert [p.name for p in suggested] == ["光电专家", "空闲专家"]
    assert [(p.field_match, p.load) for p in suggested] == [(1, 1), (0, 0)]


def test_the_least_loaded_come_first(plan):
    idle = PersonFactory(name="甲", expertise=[AREA])
    seated = PersonFactory(name="乙", expertise=[AREA])
    busy = PersonFactory(name="丙", expertise=[AREA])
    TeamFactory(leader=seated)
    version = plan.working
    for status in ("not_started", "in_progress", "done", "cancelled"):  # two open, two closed
        measure_save(actor=None, version=version, area=AREA, content=f"举措{status}", owner=busy, status=status)
    suggested = expert_suggestions(plan=plan, area=AREA)
    assert [p.pk for p in suggested] == [idle.pk, seated.pk, busy.pk]
    assert [(p.open_measures, p.team_seats) for p in suggested] == [(0, 0), (0, 1), (2, 0)]


def test_measures_of_superseded_versions_are_not_load(plan):
    other = UnitFactory()
    leader = PersonFactory(name="老组长", expertise=[AREA])
    assign(other, TeamFactory(leader=leader))
    other_plan = build_plan(other, revise=True)  # v1 in force (3 open measures), v2 a draft copying them
    assert {p.name: p.open_measures for p in expert_suggestions(plan=plan, area=AREA)}["老组长"] == 6
    plan_submit(actor=None, version=other_plan.working)
    plan_approve(actor=None, version=other_plan.working)  # v1 is now superseded
    assert {p.name: p.open_measures for p in expert_suggestions(plan=plan, area=AREA)}["老组长"] == 3


def test_inactive_unsigned_and_not_yet_signed_people_are_left_out(plan):
    PersonFactory(name="在册", expertise=[AREA])
    PersonFactory(name="停用", expertise=[AREA], is_active=False)
    PersonFactory(name="未签", expertise=[AREA], confidentiality_signed_on=None)
    PersonFactory(name="将签", expertise=[AREA], confidentiality_signed_on=datetime.date(2099, 1, 1))
    assert _names(plan) == ["在册"]


def test_at_most_five_are_suggested_in_one_query(plan, django_assert_num_queries):
    PersonFactory.create_batch(8, expertise=[AREA])
    with django_assert_num_queries(1):
        suggested = expert_suggestions(plan=plan, area=AREA)
    assert len(suggested) == 5


def test_the_bureau_and_the_serving_team_get_the_partial(client, users, plan):
    PersonFactory(name="保护专家", expertise=[AREA], technical_fields="光电子")
    for role in (Role.BUREAU, Role.TEAM_MEMBER):
        client.force_login(users[role])
        response = client.get(_url(plan), headers={"HX-Request": "true"})
        assert response.status_code == 200, role
        assert response.text.count('data-testid="expert-suggestion"') == 1
        assert "保护专家" in response.text
        assert 'data-testid="field-match"' in response.text


def test_an_unknown_area_is_a_bad_request(client, users, plan):
    client.force_login(users[Role.BUREAU])
    assert client.get(_url(plan, "astrology")).status_code == 400


def test_those_who_see_the_plan_but_do_not_write_it_get_403(client, users, plan):
    for role in (Role.OFFICER, Role.UNIT_CONTACT):
        client.force_login(users[role])
        assert client.get(_url(plan)).status_code == 403, role


def test_experts_outsiders_and_other_teams_get_404(client, users, outsiders, plan):
    stranger = UserFactory(username="terry", team_member=True)
    TeamFactory(leader=PersonFactory(user=stranger))
    for user in (users[Role.EXPERT], outsiders[Role.OFFICER], outsiders[Role.UNIT_CONTACT], stranger):
        client.force_login(user)
        assert client.get(_url(plan)).status_code == 404, user.username


@pytest.mark.parametrize("size", [3, 30])
def test_the_endpoint_runs_a_constant_number_of_queries(client, users, plan, django_assert_max_num_queries, size):
    PersonFactory.create_batch(size, expertise=[AREA])
    client.force_login(users[Role.TEAM_MEMBER])
    # session, user, savepoints (ATOMIC_REQUESTS), the plan in scope, the permission's check, the suggestions
    with django_assert_max_num_queries(8):
        response = client.get(_url(plan))
    assert response.status_code == 200
    assert response.text.count('data-testid="expert-suggestion"') == min(size, 5)


def test_the_partial_says_so_when_nobody_fits(client, users, plan):
    client.force_login(users[Role.BUREAU])
    response = client.get(_url(plan, "commercialisation"))
    assert response.status_code == 200
    assert 'data-testid="no-suggestion"' in response.text
    assert 'data-testid="expert-suggestion"' not in response.text


def test_the_editor_asks_for_suggestions_when_the_area_changes(client, users, plan):
    """The add-measure form's area select sends its prefixed name, `new-area`."""
    client.force_login(users[Role.BUREAU])
    url = reverse("plans:suggest_experts", kwargs={"uid": plan.uid})
    response = client.get(url, {"new-area": AREA})
    assert response.status_code == 200
    assert response.context["area"] == AREA
