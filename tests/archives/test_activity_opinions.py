"""Experts give their opinion on the activities they were invited to (专家意见), as they do on requests: posted on the
activity's page through archives.services.activity_comment_add (rule archives.comment_activity: the serving team or
an invited expert), kept with its history, read by the serving side (bureau, team, invited experts), never by the
unit's side."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from archives import services
from archives.models import ActivityComment
from archives.scopes import visible_activity_comments
from tests.factories import ActivityFactory

OPINION = "建议补充检索欧洲同族专利，再定布局。"


@pytest.fixture
def activity(world, viewers, unit):
    """A visit to `unit` recorded by its team, eve invited."""
    return ActivityFactory(actor=viewers["member"], unit=unit, experts=[world["eve"]], summary="走访了解专利布局")


def url(name, activity):
    return reverse(f"archives:{name}", kwargs={"uid": activity.uid})


@pytest.mark.parametrize(
    ("viewer", "status"),
    [
        ("expert", 302),  # invited
        ("member", 302),  # the serving team answers
        ("bureau", 403),  # reads, does not post
        ("contact", 403),  # reads the activity, not the opinions
        ("officer", 404),  # the archive is not the officers'
        ("officer_out", 404),
        ("expert_other", 404),  # not invited
        ("member_other", 404),
        ("contact_other", 404),
    ],
)
def test_posting_an_opinion_per_role(client, viewers, activity, viewer, status):
    client.force_login(viewers[viewer])
    response = client.post(url("activity_comment", activity), {"text": OPINION})
    assert response.status_code == status
    assert ActivityComment.objects.filter(activity=activity).exists() is (status == 302)
    if status == 302:
        assert response.url == url("activity_detail", activity) + "#opinions"
        assert ActivityComment.objects.get().author == viewers[viewer]


def test_the_invited_expert_posts_and_the_serving_side_reads_it(client, viewers, activity):
    client.force_login(viewers["expert"])
    page = client.get(url("activity_detail", activity))
    assert b'data-testid="opinion-form"' in page.content
    assert client.post(url("activity_comment", activity), {"text": OPINION}).status_code == 302
    comment = ActivityComment.objects.get()
    assert comment.history.count() == 1
    for name, reads, may_post in [
        ("member", True, True),
        ("bureau", True, False),
        ("expert", True, True),
        ("contact", False, False),
    ]:
        client.force_login(viewers[name])
        content = client.get(url("activity_detail", activity)).content.decode()
        assert (OPINION in content) is reads, name
        assert ('data-testid="opinions"' in content) is reads, name
        assert ('data-testid="opinion-form"' in content) is may_post, name


def test_the_opinions_scope_per_role(viewers, activity, world):
    comment = services.activity_comment_add(actor=viewers["expert"], activity=activity, text=OPINION)
    elsewhere = ActivityFactory(actor=world["tina"], unit=world["ningbo"], experts=[world["ed"]])
    other = services.activity_comment_add(actor=world["ed"].user, activity=elsewhere, text="宁波的意见")
    expected = {
        "bureau": {comment.pk, other.pk},
        "member": {comment.pk},
        "expert": {comment.pk},
        "expert_other": {other.pk},
        "member_other": {other.pk},
        "officer": set(),
        "officer_out": set(),
        "contact": set(),
        "contact_other": set(),
    }
    for name, pks in expected.items():
        assert set(visible_activity_comments(viewers[name]).values_list("pk", flat=True)) == pks, name


def test_an_empty_opinion_is_refused_on_the_page(client, viewers, activity):
    client.force_login(viewers["expert"])
    response = client.post(url("activity_comment", activity), {"text": "   "})
    assert response.status_code == 400
    assert response.context["comment_form"].errors["text"]
    assert not ActivityComment.objects.exists()


def test_the_service_refuses_an_empty_opinion(viewers, activity):
    with pytest.raises(ValidationError) as refused:
        services.activity_comment_add(actor=viewers["expert"], activity=activity, text=" \n ")
    assert [error.code for error in refused.value.error_dict["text"]] == ["required"]
    assert not ActivityComment.objects.exists()


def test_the_service_refuses_those_without_the_right(viewers, activity):
    for name in ("bureau", "contact", "expert_other"):
        with pytest.raises(PermissionDenied):
            services.activity_comment_add(actor=viewers[name], activity=activity, text=OPINION)
    assert not ActivityComment.objects.exists()


def test_the_page_lists_the_opinions_oldest_first_in_a_fixed_number_of_queries(
    client, viewers, activity, django_assert_max_num_queries
):
    client.force_login(viewers["member"])
    client.get(url("activity_detail", activity))  # warm the session
    for index in range(5):
        services.activity_comment_add(actor=viewers["expert"], activity=activity, text=f"意见{index}")
    services.activity_comment_add(actor=viewers["member"], activity=activity, text="团队回复")
    with django_assert_max_num_queries(30) as captured:
        response = client.get(url("activity_detail", activity))
    queries = len(captured)
    assert [opinion.text for opinion in response.context["opinions"]] == [*(f"意见{i}" for i in range(5)), "团队回复"]
    for index in range(5, 10):
        services.activity_comment_add(actor=viewers["expert"], activity=activity, text=f"意见{index}")
    with django_assert_max_num_queries(queries):
        client.get(url("activity_detail", activity))
