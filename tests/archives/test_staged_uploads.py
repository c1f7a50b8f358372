"""A form sent back with errors keeps the files chosen on it (archives/staging.py): each that passes the attachment
checks is kept under the form's submission token and its uploader, listed on the form ("已选择：…") with a box to
remove it, and attached when the form is sent successfully; what is never sent again is purged after a day."""

import datetime
import uuid

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from archives import staging
from archives.models import Activity, Attachment, Request, RequestMessage, StagedUpload
from archives.tasks import purge_staged_uploads_task
from tests.archives.conftest import EXE, PDF, PNG, upload
from tests.factories import RequestFactory

ACTIVITY = {"date": "2026-09-15", "kind": "visit", "summary": "走访了解专利布局。"}
INCOMPLETE = {**ACTIVITY, "summary": ""}  # refused by the form
REQUEST = {"kind": "consultation", "title": "专利布局咨询", "description": "请协助分析。"}


def activity_url(unit) -> str:
    return f"{reverse('archives:activity_create')}?unit={unit.uid}"


@pytest.fixture
def token():
    return str(uuid.uuid4())


# --- Logging an activity -----------------------------------------------------------------------------------------


def test_the_log_form_keeps_the_chosen_file_and_attaches_it_on_the_next_post(
    client, viewers, unit, world, token, media_root, django_capture_on_commit_callbacks
):
    client.force_login(viewers["member"])
    refused = client.post(
        activity_url(unit), {**INCOMPLETE, "submission_token": token, "files": [upload("纪要.pdf", PDF)]}
    )
    assert refused.status_code == 200
    assert refused.context["form"].errors["summary"]
    assert [file.original_name for file in refused.context["staged_files"]] == ["纪要.pdf"]
    assert 'data-testid="staged-file"' in refused.text
    assert "纪要.pdf" in refused.text
    assert 'data-testid="files-dropped"' not in refused.text
    assert not Activity.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(activity_url(unit), {**ACTIVITY, "submission_token": token})
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert [(a.original_name, a.file.read()) for a in activity.attachments.all()] == [("纪要.pdf", PDF)]
    assert not StagedUpload.objects.exists()
    assert not any((media_root / "staged").rglob("*.pdf"))  # the kept copy is gone once attached


def test_a_kept_file_can_be_removed_and_new_files_added(
    client, viewers, unit, world, token, django_capture_on_commit_callbacks
):
    client.force_login(viewers["member"])
    client.post(activity_url(unit), {**INCOMPLETE, "submission_token": token, "files": [upload("旧.pdf", PDF)]})
    staged = StagedUpload.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            activity_url(unit),
            {
                **ACTIVITY,
                "submission_token": token,
                "remove_staged": [str(staged.uid)],
                "files": [upload("新.png", PNG)],
            },
        )
    assert response.status_code == 302
    assert [a.original_name for a in Activity.objects.get().attachments.all()] == ["新.png"]
    assert not StagedUpload.objects.exists()
    assert not staged.file.storage.exists(staged.file.name)


def test_a_refused_file_is_named_and_the_good_ones_are_kept(client, viewers, unit, world, token):
    client.force_login(viewers["member"])
    response = client.post(
        activity_url(unit),
        {
            **ACTIVITY,
            "summary": "",
            "submission_token": token,
            "files": [upload("纪要.pdf", PDF), upload("a.pdf", EXE)],
        },
    )
    assert response.status_code == 200
    assert [file.original_name for file in response.context["staged_files"]] == ["纪要.pdf"]
    errors = response.context["form"].errors.as_data()["files"]
    assert [error.code for error in errors] == ["content_mismatch"]
    assert list(StagedUpload.objects.values_list("original_name", flat=True)) == ["纪要.pdf"]


def test_a_file_refused_by_the_service_is_said_once_and_the_others_are_kept(client, viewers, unit, world, token):
    """The form was valid: the service refused the post for the bad file; the good one waits for the next post."""
    client.force_login(viewers["member"])
    response = client.post(
        activity_url(unit),
        {**ACTIVITY, "submission_token": token, "files": [upload("纪要.pdf", PDF), upload("a.pdf", EXE)]},
    )
    assert response.status_code == 200
    assert len(response.context["form"].errors["files"]) == 1
    assert [file.original_name for file in response.context["staged_files"]] == ["纪要.pdf"]
    assert not Activity.objects.exists()


def test_another_users_kept_files_are_never_attached(client, viewers, unit, world, token):
    """The key is the token and the uploader: someone who learns a token gets none of the files kept under it."""
    client.force_login(viewers["member"])
    client.post(activity_url(unit), {**INCOMPLETE, "submission_token": token, "files": [upload("纪要.pdf", PDF)]})
    leader_of_other_team = world["tina"]
    client.force_login(leader_of_other_team)
    ningbo = world["ningbo"]
    assert client.post(activity_url(ningbo), {**ACTIVITY, "submission_token": token}).status_code == 302
    assert not Activity.objects.get(unit=ningbo).attachments.exists()
    assert StagedUpload.objects.filter(uploaded_by=viewers["member"]).count() == 1
    with pytest.raises(PermissionDenied):  # the service refuses them too
        staging.staged_uploads_discard(actor=leader_of_other_team, staged=StagedUpload.objects.all())


def test_without_a_token_the_form_says_to_choose_the_files_again(client, viewers, unit, world):
    client.force_login(viewers["member"])
    response = client.post(activity_url(unit), {**INCOMPLETE, "files": [upload("纪要.pdf", PDF)]})
    assert 'data-testid="files-dropped"' in response.text
    assert not StagedUpload.objects.exists()


# --- Raising a request, posting in its exchange ----------------------------------------------------------------


def test_the_request_form_keeps_the_chosen_file(client, viewers, unit, world, token):
    client.force_login(viewers["contact"])
    create = reverse("archives:request_create")
    refused = client.post(
        create, {**REQUEST, "title": "", "submission_token": token, "files": [upload("说明.pdf", PDF)]}
    )
    assert refused.status_code == 200
    assert 'data-testid="staged-file"' in refused.text
    assert client.post(create, {**REQUEST, "unit": unit.pk, "submission_token": token}).status_code == 302
    request = Request.objects.get()
    assert [a.original_name for a in request.attachments.all()] == ["说明.pdf"]
    assert not StagedUpload.objects.exists()


def test_the_reply_form_keeps_the_chosen_file(client, viewers, unit, world, token):
    request = RequestFactory(unit=unit, actor=viewers["contact"])
    reply = reverse("archives:request_reply", kwargs={"uid": request.uid})
    client.force_login(viewers["member"])
    refused = client.post(reply, {"text": " ", "submission_token": token, "files": [upload("答复.pdf", PDF)]})
    assert refused.status_code == 400
    assert [file.original_name for file in refused.context["staged_files"]] == ["答复.pdf"]
    assert 'data-testid="staged-file"' in refused.text
    assert client.post(reply, {"text": "答复见附件。", "submission_token": token}).status_code == 302
    message = RequestMessage.objects.get()
    assert [a.original_name for a in message.attachments.all()] == ["答复.pdf"]
    assert Attachment.objects.get().request == request


# --- Purging -----------------------------------------------------------------------------------------------------


def test_files_kept_for_more_than_a_day_are_purged(viewers, token, media_root, django_capture_on_commit_callbacks):
    member = viewers["member"]
    (old,), _refused = staging.uploads_stage(actor=member, token=uuid.UUID(token), files=[upload("旧.pdf", PDF)])
    (new,), _refused = staging.uploads_stage(actor=member, token=uuid.UUID(token), files=[upload("新.pdf", PDF)])
    StagedUpload.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(hours=25))
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_staged_uploads_task.delay().get() == 1
    assert list(StagedUpload.objects.values_list("original_name", flat=True)) == ["新.pdf"]
    assert not old.file.storage.exists(old.file.name)
    assert new.file.storage.exists(new.file.name)


def test_the_purge_is_in_the_beat_schedule():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "archives.tasks.purge_staged_uploads_task" in tasks
