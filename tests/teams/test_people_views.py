"""The personnel pool pages: list with filters, search and sorting; create and edit with expertise; trainings."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Role
from huhang.vocabulary import TaskArea
from teams.models import Person
from tests.factories import PersonFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

VALID = {
    "name": "李明",
    "kind": Person.Kind.LAWYER,
    "organisation": "浙江天册律师事务所",
    "technical_fields": "集成电路, 人工智能",
    "phone": "0571-87654321",
    "email": "liming@example.com",
    "confidentiality_signed_on": "2025-02-20",
    "expertise": [TaskArea.PROTECTION, TaskArea.ANALYSIS_EVALUATION],
    "user": "",
    "is_active": "on",
}


def _names(response):
    return [p.name for p in response.context["page_obj"]]


def test_create_a_person_with_expertise_and_a_login_account(bureau_client, users):
    tom = users[Role.TEAM_MEMBER]
    response = bureau_client.post(reverse("teams:person_create"), {**VALID, "user": tom.pk})
    person = Person.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("teams:person_detail", kwargs={"pk": person.pk})
    assert person.user == tom
    assert person.confidentiality_signed_on == datetime.date(2025, 2, 20)
    assert set(person.expertise.values_list("area", flat=True)) == {"protection", "analysis_evaluation"}


def test_the_form_offers_only_team_members_and_experts_not_yet_linked(bureau_client, users):
    linked = UserFactory(team_member=True)
    PersonFactory(user=linked)
    offered = set(bureau_client.get(reverse("teams:person_create")).context["form"].fields["user"].queryset)
    assert offered == {users[Role.TEAM_MEMBER], users[Role.EXPERT]}


def test_edit_changes_details_and_expertise_and_keeps_the_own_login_account_selectable(bureau_client, users):
    person = PersonFactory(user=users[Role.EXPERT], expertise=[TaskArea.POLICY_LAW])
    url = reverse("teams:person_edit", kwargs={"pk": person.pk})
    form = bureau_client.get(url).context["form"]
    assert users[Role.EXPERT] in form.fields["user"].queryset
    assert form.initial["expertise"] == ["policy_law"]

    data = {**VALID, "name": "李明明", "user": users[Role.EXPERT].pk, "expertise": [TaskArea.COMMERCIALISATION]}
    response = bureau_client.post(url, data)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.name == "李明明"
    assert list(person.expertise.values_list("area", flat=True)) == ["commercialisation"]


def test_invalid_input_is_shown_and_nothing_is_written(bureau_client):
    data = {**VALID, "name": "", "email": "not-an-email"}
    response = bureau_client.post(reverse("teams:person_create"), data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "email"}
    assert 'data-testid="form-errors"' in response.text
    assert not Person.objects.exists()


def test_a_service_error_goes_back_on_its_field(bureau_client):
    # The service normalises the number (138-1234-5678 → 13812345678) before the model's validator refuses it.
    data = {**VALID, "phone": "138-1234-567"}
    response = bureau_client.post(reverse("teams:person_create"), data)
    assert response.status_code == 200
    assert "phone" in response.context["form"].errors
    assert 'class="form-control is-invalid"' in response.text
    assert not Person.objects.exists()


def test_person_page_shows_expertise_trainings_and_seats(bureau_client):
    person = PersonFactory(expertise=[TaskArea.PORTFOLIO_LAYOUT])
    team = TeamFactory(leader=person)
    response = bureau_client.get(reverse("teams:person_detail", kwargs={"pk": person.pk}))
    assert 'data-testid="expertise-portfolio_layout"' in response.text
    assert f'data-testid="seat-{team.pk}"' in response.text


def test_add_a_training(bureau_client):
    person = PersonFactory()
    url = reverse("teams:training_add", kwargs={"pk": person.pk})
    response = bureau_client.post(url, {"title": "海外知识产权纠纷应对", "attended_on": "2026-04-02"})
    assert response.status_code == 302
    assert person.trainings.get().attended_on == datetime.date(2026, 4, 2)

    response = bureau_client.post(url, {"title": "", "attended_on": "later"})
    assert response.status_code == 200
    assert set(response.context["training_form"].errors) == {"title", "attended_on"}
    assert person.trainings.count() == 1


def test_a_missing_person_is_404(bureau_client):
    assert bureau_client.get(reverse("teams:person_detail", kwargs={"pk": 999999})).status_code == 404


def test_list_filters_search_and_sorts(bureau_client):
    PersonFactory(name="甲律师", kind=Person.Kind.LAWYER, organisation="律所A", expertise=[TaskArea.PROTECTION])
    PersonFactory(name="乙警官", kind=Person.Kind.IP_POLICE, organisation="公安厅", confidentiality_signed_on=None)
    PersonFactory(name="丙专员", organisation="保护中心", technical_fields="生物医药", is_active=False)
    url = reverse("teams:person_list")

    assert set(_names(bureau_client.get(url))) == {"甲律师", "乙警官", "丙专员"}
    assert _names(bureau_client.get(url, {"kind": Person.Kind.LAWYER})) == ["甲律师"]
    assert _names(bureau_client.get(url, {"area": TaskArea.PROTECTION})) == ["甲律师"]
    assert _names(bureau_client.get(url, {"organisation": "公安厅"})) == ["乙警官"]
    assert set(_names(bureau_client.get(url, {"confidentiality": "no"}))) == {"乙警官"}
    assert set(_names(bureau_client.get(url, {"confidentiality": "yes"}))) == {"甲律师", "丙专员"}
    assert _names(bureau_client.get(url, {"active": "no"})) == ["丙专员"]
    assert _names(bureau_client.get(url, {"q": "生物"})) == ["丙专员"]
    assert _names(bureau_client.get(url, {"q": "律所"})) == ["甲律师"]
    by_org = _names(bureau_client.get(url, {"o": "organisation"}))
    assert by_org == sorted(by_org, key=lambda n: {"甲律师": "律所A", "乙警官": "公安厅", "丙专员": "保护中心"}[n])
    assert _names(bureau_client.get(url, {"o": "-organisation"})) == list(reversed(by_org))


def test_list_paginates_by_twenty(bureau_client):
    PersonFactory.create_batch(25)
    url = reverse("teams:person_list")
    assert len(bureau_client.get(url).context["page_obj"]) == 20
    page_two = bureau_client.get(url, {"page": 2})
    assert len(page_two.context["page_obj"]) == 5
