"""A form that creates a record, sent twice (a double click, a retry on a slow phone), creates one record.

The forms carry a one-time token (archives.forms.fields.SubmissionTokenField); archives.services.request_submit and
activity_create take it as `token` and return the record their actor already created with it. Two submissions
racing each other on PostgreSQL: test_concurrent_submissions.py.
"""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from archives import services
from archives.models import Activity, Attachment, Request
from archives.services import Advance
from plans.models import ProgressNote
from tests.archives.conftest import PDF, PNG, upload
from tests.factories import plan_with_two_measures

DAY = datetime.date(2026, 9, 15)


@pytest.fixture
def contact(users):
    return users[Role.UNIT_CONTACT]


@pytest.fixture
def member(users):
    return users[Role.TEAM_MEMBER]


def stored_files(media_root) -> list:
    return sorted(path for path in media_root.rglob("*") if path.is_file())


def submit(actor, unit, token, title="专利布局咨询") -> Request:
    return services.request_submit(
        actor=actor,
        unit=unit,
        kind="consultation",
        title=title,
        description="请协助。",
        files=[upload("需求说明.pdf", PDF)],
        token=token,
    )


def record(actor, unit, token, **kwargs) -> Activity:
    return services.activity_create(
        actor=actor,
        unit=unit,
        date=DAY,
        kind="visit",
        summary="走访调研。",
        files=[upload("现场.png", PNG)],
        token=token,
        **kwargs,
    )


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


# --- The services ------------------------------------------------------------------------------------------------


def test_a_request_sent_twice_with_its_token_is_filed_once(world, contact, unit, media_root):
    token = uuid.uuid4()
    first = submit(contact, unit, token)
    with CaptureQueriesContext(connection) as queries:
        second = submit(contact, unit, token)
    assert second.pk == first.pk
    assert Request.objects.count() == 1
    assert first.submission_token == token
    assert list(Attachment.objects.values_list("request", flat=True)) == [first.pk]
    assert len(stored_files(media_root)) == 1  # the second call stored no file
    assert writes(queries.captured_queries) == []  # found before anything was written


def test_requests_without_a_token_are_each_filed(world, contact, unit, media_root):
    first, second = submit(contact, unit, None), submit(contact, unit, None)
    assert first.pk != second.pk
    assert len(stored_files(media_root)) == 2


def test_another_users_token_never_returns_their_request(world, contact, member, unit):
    token = uuid.uuid4()
    theirs = submit(contact, unit, token, title="单位的需求")
    mine = submit(member, unit, token, title="团队代录的需求")
    assert mine.pk != theirs.pk
    assert (mine.raised_by, mine.title, mine.on_behalf) == (member, "团队代录的需求", True)
    assert submit(member, unit, token).pk == mine.pk  # and the token is now also the member's own


def test_an_activity_sent_twice_with_its_token_is_recorded_once(world, member, unit, media_root):
    first_measure, _second = plan_with_two_measures(unit)
    token = uuid.uuid4()
    advances = [Advance(first_measure, "完成宣讲。")]
    first = record(member, unit, token, advances=advances)
    with CaptureQueriesContext(connection) as queries:
        second = record(member, unit, token, advances=advances)
    assert second.pk == first.pk
    assert Activity.objects.count() == 1
    assert ProgressNote.objects.filter(measure=first_measure).count() == 1  # the plan got one progress note
    assert Attachment.objects.filter(activity=first).count() == 1
    assert len(stored_files(media_root)) == 1
    assert writes(queries.captured_queries) == []


def test_another_users_token_never_returns_their_activity(world, member, unit):
    token = uuid.uuid4()
    theirs = record(member, unit, token)
    colleague = world["tina"]
    mine = record(colleague, unit, token)
    assert mine.pk != theirs.pk
    assert mine.recorded_by == colleague


def test_a_request_racing_its_twin_returns_the_twin_and_keeps_no_file(world, contact, unit, media_root, monkeypatch):
    """The twin commits between this call's look-up and its insert (what two threads do on PostgreSQL): the insert
    fails on the unique constraint, the savepoint is rolled back and the twin is returned."""
    token = uuid.uuid4()
    check_files = services._check_files
    twin: list[Request] = []

    def twin_commits_first(files):
        if not twin:
            twin.append(None)  # the twin's own call comes through here too
            twin[0] = submit(contact, unit, token)
        return check_files(files)

    monkeypatch.setattr(services, "_check_files", twin_commits_first)
    returned = submit(contact, unit, token)
    assert returned.pk == twin[0].pk
    assert Request.objects.count() == 1
    assert Attachment.objects.count() == 1
    assert len(stored_files(media_root)) == 1


def test_an_activity_racing_its_twin_returns_the_twin(world, member, unit, media_root, monkeypatch):
    token = uuid.uuid4()
    check_files = services._check_files
    twin: list[Activity] = []

    def twin_commits_first(files):
        if not twin:
            twin.append(None)
            twin[0] = record(member, unit, token)
        return check_files(files)

    monkeypatch.setattr(services, "_check_files", twin_commits_first)
    assert record(member, unit, token).pk == twin[0].pk
    assert Activity.objects.count() == 1
    assert len(stored_files(media_root)) == 1


# --- The forms and views -----------------------------------------------------------------------------------------

CREATE_REQUEST = reverse("archives:request_create")


def request_data(unit, token, **changes) -> dict:
    return {
        "unit": unit.pk,
        "kind": "consultation",
        "title": "专利布局咨询",
        "description": "请协助。",
        "submission_token": token,
        **changes,
    }


def token_of(response) -> str:
    return str(response.context["form"]["submission_token"].value())


def test_each_request_form_shown_carries_a_new_hidden_token(client, viewers, world):
    client.force_login(viewers["contact"])
    first, second = client.get(CREATE_REQUEST), client.get(CREATE_REQUEST)
    assert token_of(first) != token_of(second)
    uuid.UUID(token_of(first))
    assert f'type="hidden" name="submission_token" value="{token_of(first)}"' in first.content.decode()


def test_the_request_form_sent_twice_files_one_request_and_both_posts_go_to_it(client, viewers, unit, world):
    client.force_login(viewers["contact"])
    token = token_of(client.get(CREATE_REQUEST))
    first = client.post(CREATE_REQUEST, request_data(unit, token, files=[upload("a.pdf", PDF)]))
    second = client.post(CREATE_REQUEST, request_data(unit, token, files=[upload("a.pdf", PDF)]))
    req = Request.objects.get()
    assert (first.status_code, second.status_code) == (302, 302)
    assert first.url == second.url == reverse("archives:request_detail", kwargs={"uid": req.uid})
    assert req.attachments.count() == 1


def test_a_request_form_with_errors_keeps_its_token(client, viewers, unit, world):
    client.force_login(viewers["contact"])
    token = token_of(client.get(CREATE_REQUEST))
    refused = client.post(CREATE_REQUEST, request_data(unit, token, title=""))
    assert refused.status_code == 200
    assert token_of(refused) == token
    assert f'value="{token}"' in refused.content.decode()
    assert client.post(CREATE_REQUEST, request_data(unit, token)).status_code == 302
    assert Request.objects.get().submission_token == uuid.UUID(token)


def test_a_garbled_token_is_no_token(client, viewers, unit, world):
    client.force_login(viewers["contact"])
    for _ in range(2):
        assert client.post(CREATE_REQUEST, request_data(unit, "not-a-token")).status_code == 302
    assert list(Request.objects.values_list("submission_token", flat=True)) == [None, None]


def activity_url(unit) -> str:
    return f"{reverse('archives:activity_create')}?unit={unit.uid}"


def test_the_activity_form_sent_twice_records_one_activity(client, viewers, unit, world):
    client.force_login(viewers["member"])
    page = client.get(activity_url(unit))
    token = token_of(page)
    assert f'type="hidden" name="submission_token" value="{token}"' in page.content.decode()
    data = {"date": DAY.isoformat(), "kind": "visit", "summary": "走访。", "submission_token": token}
    first = client.post(activity_url(unit), {**data, "files": [upload("a.png", PNG)]})
    second = client.post(activity_url(unit), {**data, "files": [upload("a.png", PNG)]})
    activity = Activity.objects.get()
    assert first.url == second.url == reverse("archives:activity_detail", kwargs={"uid": activity.uid})
    assert activity.attachments.count() == 1


def test_an_activity_form_with_errors_keeps_its_token(client, viewers, unit, world):
    client.force_login(viewers["member"])
    token = token_of(client.get(activity_url(unit)))
    refused = client.post(
        activity_url(unit), {"date": DAY.isoformat(), "kind": "visit", "summary": " ", "submission_token": token}
    )
    assert refused.status_code == 200
    assert token_of(refused) == token


def test_the_correction_form_has_no_token(client, viewers, unit, world):
    activity = record(viewers["member"], unit, None)
    client.force_login(viewers["member"])
    page = client.get(reverse("archives:activity_edit", kwargs={"uid": activity.uid}))
    assert "submission_token" not in page.context["form"].fields
