"""The activity forms' invited experts: a type-ahead of several choices (huhang/typeahead.py, MultipleTypeaheadWidget)
rather than a checkbox for each of the pool's thousands of experts. The page renders only the chosen ones, the search
answers at most TYPEAHEAD_LIMIT matches from the experts one may invite, and an id outside them is refused."""

import pytest
from django.urls import reverse

from archives.forms.fields import expert_label
from archives.models import Activity
from huhang.typeahead import TYPEAHEAD_LIMIT
from teams.models import Person
from tests.factories import ActivityFactory, PersonFactory


def create_url(unit) -> str:
    return f"{reverse('archives:activity_create')}?unit={unit.uid}"


def search_url(unit) -> str:
    return f"{reverse('archives:activity_form_expert_typeahead')}?unit={unit.uid}"


def search(client, unit, term: str):
    return client.get(reverse("archives:activity_form_expert_typeahead"), {"unit": unit.uid, "q": term})


@pytest.fixture
def pool():
    """Thirty lawyers, one of whom has not signed the undertaking."""
    people = [
        PersonFactory(name=f"律师{index:02d}", kind=Person.Kind.LAWYER, organisation="浙江律师事务所")
        for index in range(30)
    ]
    Person.objects.filter(pk=people[0].pk).update(confidentiality_signed_on=None)
    return people


def _record(unit, **extra) -> dict:
    return {"date": "2026-09-10", "kind": "visit", "summary": "走访。", **extra}


def test_the_log_form_lists_no_expert_until_one_is_chosen(client, viewers, unit, world, pool):
    client.force_login(viewers["member"])
    page = client.get(create_url(unit)).text
    assert page.count('data-testid="typeahead-experts"') == 1  # a visible field, not one of the hidden ones too
    assert search_url(unit).replace("&", "&amp;") in page or search_url(unit) in page
    # Nobody rendered: they are searched for.
    assert "律师05" not in page
    assert "艾德" not in page


def test_the_log_forms_search_answers_the_first_matches_of_the_experts_one_may_invite(
    client, viewers, unit, world, pool
):
    client.force_login(viewers["member"])
    options = search(client, unit, "律师").context
    assert len(options["options"]) == TYPEAHEAD_LIMIT
    assert options["more"]
    assert [label for _pk, label in search(client, unit, "艾德").context["options"]] == [expert_label(world["ed"])]
    assert search(client, unit, "律师00").context["options"] == []  # no undertaking signed
    assert search(client, unit, world["leader"].name).context["options"] == []  # a team seat


def test_the_log_forms_search_per_role(client, viewers, unit, world):
    statuses = {}
    for name, user in viewers.items():
        client.force_login(user)
        statuses[name] = search(client, unit, "艾").status_code
    # Those who read the unit but may not record for it: 403; those who do not read it: 404.
    assert statuses == {
        "bureau": 403,
        "officer": 403,
        "officer_out": 404,
        "member": 200,
        "member_other": 404,
        "expert": 404,
        "expert_other": 404,
        "contact": 403,
        "contact_other": 404,
    }
    client.force_login(viewers["member"])
    assert client.get(reverse("archives:activity_form_expert_typeahead")).status_code == 404  # no unit named


def test_two_experts_chosen_are_invited(client, viewers, unit, world, pool):
    client.force_login(viewers["member"])
    response = client.post(create_url(unit), _record(unit, experts=[world["ed"].pk, pool[3].pk]))
    assert response.status_code == 302
    activity = Activity.objects.get(unit=unit)
    assert set(activity.experts.all()) == {world["ed"], pool[3]}


@pytest.mark.parametrize("outside", ["unsigned", "team_seat", "unknown"])
def test_an_expert_outside_those_one_may_invite_is_refused_with_a_message(client, viewers, unit, world, pool, outside):
    person_id = {"unsigned": pool[0].pk, "team_seat": world["leader"].pk, "unknown": 987654321}[outside]
    client.force_login(viewers["member"])
    response = client.post(create_url(unit), _record(unit, experts=[world["ed"].pk, person_id]))
    assert response.status_code == 200
    errors = response.context["form"].errors["experts"]
    # Said in the reader's language (the Chinese is in the catalogue): not Django's "select a valid choice".
    assert errors == ["请从搜索结果中选择专家：所提交的专家中有人不能受邀参加该单位的活动。"]
    assert not Activity.objects.filter(unit=unit).exists()
    # The expert still allowed stays chosen, as a ticked box, for the next post.
    assert f'value="{world["ed"].pk}" checked' in response.text


def test_the_correction_form_shows_the_invited_as_ticked_boxes_and_an_untick_removes_one(client, viewers, unit, world):
    activity = ActivityFactory(actor=viewers["member"], unit=unit, experts=[world["eve"], world["ed"]])
    client.force_login(viewers["member"])
    page = client.get(reverse("archives:activity_edit", kwargs={"uid": activity.uid})).text
    for expert in (world["eve"], world["ed"]):
        assert f'name="experts" value="{expert.pk}" checked' in page
        assert expert_label(expert) in page
    response = client.post(
        reverse("archives:activity_edit", kwargs={"uid": activity.uid}),
        {"date": "2026-09-10", "kind": "visit", "summary": "改。", "experts": [world["eve"].pk]},
    )
    assert response.status_code == 302
    assert list(activity.experts.all()) == [world["eve"]]


def test_the_log_form_costs_the_same_queries_for_a_pool_of_3_or_300_experts(
    client, viewers, unit, world, django_assert_max_num_queries
):
    client.force_login(viewers["member"])
    client.get(create_url(unit))  # warm: session, language
    with django_assert_max_num_queries(14) as few:
        client.get(create_url(unit))
    for index in range(300):
        PersonFactory(name=f"专家{index:03d}", kind=Person.Kind.THINK_TANK)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(create_url(unit)).text
    assert "专家150" not in page
