"""reports:feedback_questions and its edit and delete: the bureau sets the points the units rate. Three to five asked
is the norm (warned, not refused); a point once rated is never deleted, only no longer asked."""

# ruff: noqa: F811  (the fixtures of tests/reports/feedback_world.py are imported, then named as arguments)

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Role
from reports import services
from reports.models import FeedbackQuestion
from tests.reports.feedback_world import give, questions, world  # noqa: F401 (fixtures)

URL = reverse("reports:feedback_questions")


def _edit(pk: int) -> str:
    return reverse("reports:feedback_question_edit", kwargs={"pk": pk})


def _delete(pk: int) -> str:
    return reverse("reports:feedback_question_delete", kwargs={"pk": pk})


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _norm(count: int) -> str:
    return ngettext(
        "%(count)s point is asked now; %(low)s to %(high)s make a short feedback that still tells the teams apart.",
        "%(count)s points are asked now; %(low)s to %(high)s make a short feedback that still tells the teams apart.",
        count,
    ) % {"count": count, "low": 3, "high": 5}


@pytest.mark.parametrize("role", [Role.OFFICER, Role.TEAM_MEMBER, Role.EXPERT, Role.UNIT_CONTACT])
def test_only_the_bureau_sets_the_points(client, users, questions, role):
    client.force_login(users[role])
    first = questions[0]
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"text": "新问题", "position": "5", "is_active": "on"}).status_code == 403
    assert client.get(_edit(first.pk)).status_code == 403
    assert client.post(_edit(first.pk), {"text": "改", "position": "1"}).status_code == 403
    assert client.post(_delete(first.pk)).status_code == 403
    assert FeedbackQuestion.objects.count() == 4
    assert FeedbackQuestion.objects.get(pk=first.pk).text == "服务响应是否及时"


def test_the_bureau_lists_the_points_with_how_often_each_was_rated(client, users, world):
    give(users[Role.UNIT_CONTACT], world["questions"], 4)
    client.force_login(users[Role.BUREAU])
    response = client.get(URL)
    assert response.status_code == 200
    assert [(q.position, q.text, q.is_active, q.answers) for q in response.context["questions"]] == [
        (1, "服务响应是否及时", True, 1),
        (2, "服务人员是否专业", True, 1),
        (3, "服务是否解决了实际问题", True, 1),
        (4, "对接沟通是否顺畅", True, 1),
    ]
    assert response.context["norm_warning"] == ""
    assert 'data-testid="delete"' not in response.text  # every point has a score


def test_adding_a_point_and_the_warning_beyond_five(client, users, questions):
    client.force_login(users[Role.BUREAU])
    response = client.post(URL, {"text": "  服务方案是否切合实际  ", "position": "5", "is_active": "on"})
    assert response.url == URL
    assert _messages(response) == [_("The point has been added.")]  # five: within the norm
    added = FeedbackQuestion.objects.get(position=5)
    assert (added.text, added.is_active) == ("服务方案是否切合实际", True)
    response = client.post(URL, {"text": "是否愿意推荐", "position": "6", "is_active": "on"})
    assert _messages(response)[-2:] == [_norm(6), _("The point has been added.")]  # after the first post's
    page = client.get(URL)
    assert page.context["norm_warning"] == _norm(6)
    assert 'data-testid="norm-warning"' in page.text


def test_a_point_needs_its_words(client, users, questions):
    client.force_login(users[Role.BUREAU])
    response = client.post(URL, {"text": "   ", "position": "5"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"text"}
    assert FeedbackQuestion.objects.count() == 4


def test_editing_and_no_longer_asking_a_point(client, users, questions):
    first = questions[0]
    client.force_login(users[Role.BUREAU])
    assert client.get(_edit(first.pk)).status_code == 200
    # "is_active" not ticked: no longer asked
    response = client.post(_edit(first.pk), {"text": "服务响应是否及时、到位", "position": "7"})
    assert response.url == URL
    first.refresh_from_db()
    assert (first.text, first.position, first.is_active) == ("服务响应是否及时、到位", 7, False)
    assert _messages(response) == [_("The point has been saved.")]  # three still asked: within the norm
    second = questions[1]
    response = client.post(_edit(second.pk), {"text": second.text, "position": "2"})
    assert _messages(response)[-2:] == [_norm(2), _("The point has been saved.")]


def test_an_answered_point_edits_with_a_word_of_warning(client, users, world):
    give(users[Role.UNIT_CONTACT], world["questions"], 4)
    client.force_login(users[Role.BUREAU])
    page = client.get(_edit(world["questions"][0].pk))
    assert 'data-testid="answered-note"' in page.text


def test_editing_a_point_that_does_not_exist_is_404(client, users, questions):
    client.force_login(users[Role.BUREAU])
    assert client.get(_edit(999999)).status_code == 404
    assert client.post(_delete(999999)).status_code == 404


def test_a_point_never_rated_is_deleted(client, users, questions):
    client.force_login(users[Role.BUREAU])
    assert client.get(_delete(questions[3].pk)).status_code == 405
    response = client.post(_delete(questions[3].pk))
    assert response.url == URL
    assert _messages(response) == [_("The point has been deleted.")]
    assert list(FeedbackQuestion.objects.order_by("position").values_list("text", flat=True)) == [
        "服务响应是否及时",
        "服务人员是否专业",
        "服务是否解决了实际问题",
    ]


def test_a_rated_point_is_never_deleted(client, users, world):
    give(users[Role.UNIT_CONTACT], world["questions"], 4)
    give(world["nina"], world["questions"], 5)
    question = world["questions"][0]
    client.force_login(users[Role.BUREAU])
    response = client.post(_delete(question.pk))
    assert response.url == URL
    expected = ngettext(
        "This point has been rated %(count)s time, so it is kept with its score: stop asking it instead.",
        "This point has been rated %(count)s times, so it is kept with its scores: stop asking it instead.",
        2,
    ) % {"count": 2}
    assert _messages(response) == [expected]
    assert FeedbackQuestion.objects.filter(pk=question.pk).exists()
    with pytest.raises(ValidationError) as refused:
        services.feedback_question_delete(actor=None, question=question)
    assert refused.value.code == "answered"
