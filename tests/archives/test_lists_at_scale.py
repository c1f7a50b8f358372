"""The archive's lists, thread and activity page made for 100× the programme (issue 14): counts that stop at a cap,
a subject search served by the bigram index that finds what a substring search finds, the experts to invite chosen
by type-ahead from a scoped endpoint, and query counts that do not grow with the rows."""

import datetime
import importlib
from types import SimpleNamespace

import pytest
from django.urls import reverse

from archives import filters, services
from archives.forms.fields import expert_label
from archives.models import Request, request_search_document
from archives.paging import CappedPaginator
from archives.views.activities import ActivityListView
from archives.views.requests import RequestListView
from huhang.typeahead import TYPEAHEAD_LIMIT
from teams.models import Person
from tests.archives.conftest import PDF, upload
from tests.factories import ActivityFactory, PersonFactory, RequestFactory

ACTIVITIES = reverse("archives:activity_list")
REQUESTS = reverse("archives:request_list")


def _activities(member, unit, count: int) -> list:
    return [
        ActivityFactory(actor=member, unit=unit, date=datetime.date(2026, 1, 1) + datetime.timedelta(days=index))
        for index in range(count)
    ]


# --- Counting no further than the cap ----------------------------------------------------------------------------


@pytest.fixture
def cap(monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 4)
    monkeypatch.setattr(ActivityListView, "paginate_by", 2)
    monkeypatch.setattr(RequestListView, "paginate_by", 2)
    return 4


def _uids(response) -> list:
    return [row.uid for row in response.context["page_obj"]]


def test_a_list_longer_than_the_cap_says_more_than_and_offers_pages_up_to_the_cap(client, viewers, world, unit, cap):
    newest_first = _activities(viewers["member"], unit, 5)[::-1]
    client.force_login(viewers["bureau"])
    response = client.get(ACTIVITIES)
    paginator = response.context["paginator"]
    assert (paginator.count, paginator.capped, paginator.num_pages) == (4, True, 2)
    assert 'data-testid="activity-total"' in response.text
    assert _uids(response) == [a.uid for a in newest_first[:2]]
    assert _uids(client.get(ACTIVITIES, {"page": 2})) == [a.uid for a in newest_first[2:4]]
    assert client.get(ACTIVITIES, {"page": 3}).status_code == 404  # beyond the cap: filter instead
    narrowed = client.get(ACTIVITIES, {"date_from": "2026-01-03"}).context["paginator"]
    assert (narrowed.count, narrowed.capped) == (3, False)


def test_a_list_within_the_cap_is_counted_exactly(client, viewers, world, unit, cap):
    _activities(viewers["member"], unit, 5)
    ActivityFactory(actor=world["tina"], unit=world["ningbo"])
    client.force_login(world["tina"])  # another team: their one activity
    paginator = client.get(ACTIVITIES).context["paginator"]
    assert (paginator.count, paginator.capped) == (1, False)


def test_the_request_list_counts_no_further_than_the_cap(client, viewers, world, unit, cap):
    requests = [RequestFactory(unit=unit, actor=viewers["contact"], title=f"咨询{index}") for index in range(6)]
    client.force_login(viewers["bureau"])
    response = client.get(REQUESTS)
    paginator = response.context["paginator"]
    assert (paginator.count, paginator.capped, paginator.num_pages) == (4, True, 2)
    assert _uids(client.get(REQUESTS, {"page": 2})) == [r.uid for r in requests[::-1][2:4]]
    client.force_login(viewers["member"])
    assert client.get(REQUESTS).context["paginator"].capped  # a team's scope beyond the cap too


# --- Query counts ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [3, 30])
def test_the_bureaus_filtered_lists_run_a_constant_number_of_queries(
    client, viewers, world, unit, django_assert_max_num_queries, count
):
    member = viewers["member"]
    for index in range(count):
        ActivityFactory(
            actor=member,
            unit=unit,
            date=datetime.date(2026, 1, 1) + datetime.timedelta(days=index),
            team_participants=[world["leader"]],
            experts=[world["eve"]] if index % 2 else [],
            files=[upload("纪要.pdf", PDF)] if index % 3 == 0 else [],
        )
        RequestFactory(unit=unit, actor=viewers["contact"], title=f"专利布局咨询{index}")
    client.force_login(viewers["bureau"])
    team = {"team": world["team"].pk}
    # session, user, the permission backend, the team's label, the units found, the count, the rows, participants,
    # experts, files (and the savepoint around the count)
    with django_assert_max_num_queries(12):
        response = client.get(ACTIVITIES, {"q": "光电", **team})
    assert len(response.context["object_list"]) == min(count, 25)
    with django_assert_max_num_queries(12):  # the units and the subjects found; no people, no files
        response = client.get(REQUESTS, {"q": "布局", **team})
    assert len(response.context["page_obj"]) == min(count, 25)


def test_the_team_filter_renders_the_chosen_team_not_every_team(client, viewers, world, unit):
    client.force_login(viewers["bureau"])
    response = client.get(ACTIVITIES, {"team": world["other_team"].pk})
    assert f'value="{world["other_team"].pk}"' in response.text
    assert world["other_team"].name in response.text
    assert f'<option value="{world["team"].pk}"' not in response.text  # no <select> of the teams


# --- The subject search --------------------------------------------------------------------------------------

SUBJECTS = ["专利布局咨询", "布局优化建议", "科技成果转化", "技术科普讲座", "知识产权科技服务", "PCT申请指导"]


@pytest.fixture
def subjects(world, viewers, unit):
    here = [RequestFactory(unit=unit, actor=viewers["contact"], title=title) for title in SUBJECTS]
    there = [RequestFactory(unit=world["ningbo"], actor=world["tina"], title=title) for title in SUBJECTS[:3]]
    return here + there


def test_a_request_keeps_the_bigrams_of_its_subject(subjects):
    for request in Request.objects.all():
        assert request.search_document == request_search_document(request.title)
    assert "科技" in request_search_document("知识产权科技服务").split()


@pytest.mark.parametrize("few", [1_000, 1], ids=["ids", "broad"])
@pytest.mark.parametrize("term", ["科技", "布局", "专利布局", "转化", "技科", "pct", "甬江", "科"])
def test_the_search_finds_what_a_substring_search_finds_within_the_scope(
    client, viewers, subjects, term, few, monkeypatch
):
    monkeypatch.setattr(filters, "FEW", few)  # beyond FEW found, the bigram index's own search
    for viewer in ("bureau", "member", "member_other"):
        client.force_login(viewers[viewer])
        scope = {r.pk for r in client.get(REQUESTS).context["page_obj"]}
        expected = {
            r.pk for r in Request.objects.filter(pk__in=scope) if term in r.title.lower() or term in r.unit.name
        }
        found = {r.pk for r in client.get(REQUESTS, {"q": term}).context["page_obj"]}
        assert found == expected, (viewer, term)


def test_the_migration_fills_the_documents_of_existing_requests(subjects):
    from django.apps import apps
    from django.db import connection

    Request.objects.update(search_document="")
    migration = importlib.import_module("archives.migrations.0006_list_orders_and_request_search")
    migration.fill_search_documents(apps, SimpleNamespace(connection=connection))
    for request in Request.objects.all():
        assert request.search_document == request_search_document(request.title)


# --- The experts to invite, by type-ahead ----------------------------------------------------------------------


@pytest.fixture
def pool(world):
    """Thirty lawyers besides ed, one of whom has not signed the undertaking."""
    people = [
        PersonFactory(name=f"律师{index:02d}", kind=Person.Kind.LAWYER, organisation="浙江律师事务所")
        for index in range(30)
    ]
    Person.objects.filter(pk=people[0].pk).update(confidentiality_signed_on=None)
    return people


def _options(response) -> list[str]:
    return [label for _value, label in response.context["options"]]


def test_the_serving_team_finds_the_experts_it_may_invite_to_an_activity(client, viewers, world, unit, pool):
    activity = ActivityFactory(actor=viewers["member"], unit=unit, experts=[world["eve"]])
    target = reverse("archives:activity_expert_typeahead", kwargs={"uid": activity.uid})
    client.force_login(viewers["member"])
    assert _options(client.get(target, {"q": "艾德"})) == [expert_label(world["ed"])]
    assert _options(client.get(target, {"q": "伊芙"})) == []  # already invited
    assert _options(client.get(target, {"q": "律师00"})) == []  # no undertaking signed
    everyone = client.get(target, {"q": "律师事务所"})
    assert len(everyone.context["options"]) == TYPEAHEAD_LIMIT
    assert everyone.context["more"]
    statuses = {}
    for name in ("bureau", "officer", "member_other", "expert", "expert_other", "contact", "contact_other"):
        client.force_login(viewers[name])
        statuses[name] = client.get(target, {"q": "律师"}).status_code
    # Those who read the activity but may not invite: 403; everyone else does not see it: 404.
    assert statuses == {
        "bureau": 403,
        "officer": 404,
        "member_other": 404,
        "expert": 403,
        "expert_other": 404,
        "contact": 403,
        "contact_other": 404,
    }


def test_the_serving_team_finds_the_experts_it_may_invite_to_a_request(client, viewers, world, unit, pool):
    request = RequestFactory(unit=unit, actor=viewers["contact"])
    services.request_invite_expert(actor=None, request=request, expert=world["eve"])
    target = reverse("archives:request_expert_typeahead", kwargs={"uid": request.uid})
    client.force_login(viewers["member"])
    assert _options(client.get(target, {"q": "艾德"})) == [expert_label(world["ed"])]
    assert _options(client.get(target, {"q": "伊芙"})) == []
    statuses = {}
    for name in ("bureau", "officer", "officer_out", "member_other", "expert", "contact", "contact_other"):
        client.force_login(viewers[name])
        statuses[name] = client.get(target, {"q": "律师"}).status_code
    assert statuses == {
        "bureau": 403,
        "officer": 403,
        "officer_out": 404,
        "member_other": 404,
        "expert": 403,
        "contact": 403,
        "contact_other": 404,
    }


def test_the_invitation_forms_render_no_list_of_the_pool(client, viewers, world, unit, pool):
    activity = ActivityFactory(actor=viewers["member"], unit=unit)
    request = RequestFactory(unit=unit, actor=viewers["contact"])
    client.force_login(viewers["member"])
    for page in (
        reverse("archives:activity_detail", kwargs={"uid": activity.uid}),
        reverse("archives:request_detail", kwargs={"uid": request.uid}),
    ):
        html = client.get(page).text
        assert 'data-testid="typeahead-expert"' in html
        assert "律师05" not in html  # the pool is searched, not listed


def test_an_expert_chosen_by_type_ahead_is_invited_and_one_out_of_the_choices_refused(
    client, viewers, world, unit, pool
):
    activity = ActivityFactory(actor=viewers["member"], unit=unit)
    client.force_login(viewers["member"])
    invite = reverse("archives:activity_invite_expert", kwargs={"uid": activity.uid})
    client.post(invite, {"expert": pool[0].pk})  # not signed: not a choice
    client.post(invite, {"expert": world["ed"].pk})
    assert list(activity.experts.all()) == [world["ed"]]
