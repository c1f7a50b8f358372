"""Attachment downloads: only for those who may see the parent record; 404 for everyone else, guessed ids too."""

import uuid

import pytest
from django.urls import reverse

from archives import services
from tests.archives.conftest import PDF, upload
from tests.factories import ActivityFactory, RequestFactory

ALL = [
    "bureau",
    "officer",
    "officer_out",
    "member",
    "member_other",
    "expert",
    "expert_other",
    "contact",
    "contact_other",
]


def url(attachment) -> str:
    return reverse("archives:attachment_download", kwargs={"uid": attachment.uid})


def status_by_viewer(client, viewers, target: str) -> dict[str, int]:
    statuses = {}
    for name in ALL:
        client.force_login(viewers[name])
        statuses[name] = client.get(target).status_code
    return statuses


@pytest.fixture
def activity_file(world, viewers, unit):
    activity = ActivityFactory(actor=viewers["member"], unit=unit, files=[upload("纪要.pdf", PDF)])
    return activity.attachments.get()


@pytest.fixture
def request_file(world, viewers, unit):
    request = RequestFactory(unit=unit, actor=viewers["contact"], files=[upload("材料.pdf", PDF)])
    return request.attachments.get()


def allowed(*names: str) -> dict[str, int]:
    return {name: 200 if name in names else 404 for name in ALL}


def test_an_activitys_file_per_role(client, viewers, activity_file):
    assert status_by_viewer(client, viewers, url(activity_file)) == allowed("bureau", "member", "contact")


def test_an_invited_expert_gets_the_activitys_file(client, viewers, world, activity_file):
    services.activity_invite_expert(actor=None, activity=activity_file.activity, expert=world["eve"])
    assert status_by_viewer(client, viewers, url(activity_file)) == allowed("bureau", "member", "contact", "expert")


def test_a_requests_file_per_role(client, viewers, world, request_file):
    services.request_invite_expert(actor=None, request=request_file.request, expert=world["eve"])
    expected = allowed("bureau", "officer", "member", "expert", "contact")
    assert status_by_viewer(client, viewers, url(request_file)) == expected


def test_a_file_on_an_internal_note_is_kept_from_the_unit_and_the_officer(client, viewers, world, unit):
    request = RequestFactory(unit=unit, actor=viewers["contact"])
    note = services.request_reply(
        actor=viewers["member"], request=request, text="内部评估", internal=True, files=[upload("评估.pdf", PDF)]
    )
    target = url(note.attachments.get())
    assert status_by_viewer(client, viewers, target) == allowed("bureau", "member")


def test_guessed_ids_are_404(client, viewers, activity_file):
    client.force_login(viewers["contact_other"])
    assert client.get(reverse("archives:attachment_download", kwargs={"uid": uuid.uuid4()})).status_code == 404
    assert client.get(f"/archives/attachments/{activity_file.pk}/").status_code == 404  # sequential keys: no route
    client.force_login(viewers["bureau"])
    assert client.get(reverse("archives:attachment_download", kwargs={"uid": uuid.uuid4()})).status_code == 404


def test_the_file_is_sent_as_a_download_never_inline(client, viewers, activity_file):
    client.force_login(viewers["contact"])
    response = client.get(url(activity_file))
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E7%BA%AA%E8%A6%81.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "X-Accel-Redirect" not in response


def test_with_x_accel_the_proxy_sends_the_file_after_the_check(client, viewers, settings, activity_file):
    settings.SENDFILE_X_ACCEL = "/protected-media/"
    client.force_login(viewers["member"])
    response = client.get(url(activity_file))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected-media/" + activity_file.file.name
    assert response.content == b""
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(viewers["contact_other"])
    response = client.get(url(activity_file))
    assert response.status_code == 404
    assert "X-Accel-Redirect" not in response


def test_only_get_is_allowed(client, viewers, activity_file):
    client.force_login(viewers["member"])
    assert client.post(url(activity_file)).status_code == 405
