import pytest
from django.urls import reverse

from accounts.models import Role
from archives.models import RequestKind, ResponseLimit
from archives.services import response_limits

URL = reverse("archives:response_limits")


def rows(**changes):
    """The page's form data with every kind at its current limits, `changes` applied as {kind: (accept, answer)}."""
    data = {"form-TOTAL_FORMS": str(len(RequestKind)), "form-INITIAL_FORMS": str(len(RequestKind))}
    for index, kind in enumerate(RequestKind.values):
        accept, answer = changes.get(kind, response_limits(kind))
        data |= {f"form-{index}-kind": kind, f"form-{index}-accept_days": accept, f"form-{index}-answer_days": answer}
    return data


def test_the_bureau_sees_every_kind_with_its_limits(client, users):
    client.force_login(users[Role.BUREAU])
    response = client.get(URL)
    assert response.status_code == 200
    assert len(response.context["formset"].forms) == len(RequestKind)


def test_the_bureau_changes_a_limit(client, users):
    client.force_login(users[Role.BUREAU])
    response = client.post(
        URL, rows(patent_navigation=(2, 20)) if "patent_navigation" in RequestKind.values else rows()
    )
    assert response.status_code == 302
    kind = RequestKind.values[0]
    client.post(URL, rows(**{kind: (2, 9)}))
    assert response_limits(kind) == (2, 9)


def test_an_answer_due_before_the_acceptance_is_refused_and_nothing_is_saved(client, users):
    client.force_login(users[Role.BUREAU])
    first, second = RequestKind.values[:2]
    before = list(ResponseLimit.objects.order_by("kind").values_list("kind", "accept_days", "answer_days"))
    response = client.post(URL, rows(**{first: (3, 8), second: (5, 2)}))
    assert response.status_code == 200
    assert response.context["formset"].forms[1].errors["answer_days"]
    assert list(ResponseLimit.objects.order_by("kind").values_list("kind", "accept_days", "answer_days")) == before


@pytest.mark.parametrize("role", [Role.OFFICER, Role.TEAM_MEMBER, Role.EXPERT, Role.UNIT_CONTACT])
def test_only_the_bureau_sets_the_limits(client, users, role):
    client.force_login(users[role])
    assert client.get(URL).status_code == 403
    assert client.post(URL, rows(**{RequestKind.values[0]: (9, 99)})).status_code == 403
    assert response_limits(RequestKind.values[0]) != (9, 99)


def test_a_change_of_limits_is_kept_in_the_history_with_who_made_it(client, users):
    client.force_login(users[Role.BUREAU])
    kind = RequestKind.values[0]
    client.post(URL, rows(**{kind: (2, 9)}))
    change = ResponseLimit.history.filter(kind=kind).latest("history_date")
    assert (change.accept_days, change.answer_days, change.history_user) == (2, 9, users[Role.BUREAU])
