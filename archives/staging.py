"""Files kept from a form that came back with errors (StagedUpload), so that they need not be chosen again.

A browser never sends a file input back filled: when the log-an-activity or raise-a-request form is refused (a
missing field, a date in the future), or a post in a request's exchange, the files the user chose would be lost
without a word. Instead each of them that passes archives/attachments.py's checks is stored under a random name, tied
to its uploader and to the form's one-time submission token; the form shows them ("已选择：…", with a box to remove
one), and the successful post attaches them (archives.services.activity_create / request_submit / request_reply,
`staged=`). What is never sent again is purged after a day (archives.tasks.purge_staged_uploads_task, in the beat
schedule).
"""

from __future__ import annotations

import contextlib
import datetime
import uuid
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from archives.attachments import CheckedUpload, check_upload
from archives.models import StagedUpload

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from accounts.models import User

# How long a staged file waits for its form to be sent again.
KEPT_FOR = datetime.timedelta(days=1)


def _delete_files_on_commit(names: list[str], storage) -> None:
    """The files go once the rows are gone for good: a rolled-back transaction keeps both."""
    if names:
        transaction.on_commit(lambda: [storage.delete(name) for name in names])


def uploads_stage(
    *, actor: User, token: uuid.UUID, files: Sequence[UploadedFile]
) -> tuple[list[StagedUpload], list[ValidationError]]:
    """Keeps each of `files` that passes the attachment checks, for the form sent with `token`; returns the kept
    files and the refusal of each other one (its reason, naming the file), for the form to show."""
    staged: list[StagedUpload] = []
    refused: list[ValidationError] = []
    for upload in files:
        try:
            checked = check_upload(upload)
        except ValidationError as error:
            refused.append(error)
            continue
        staged.append(_stage(actor=actor, token=token, checked=checked))
    return staged, refused


def _stage(*, actor: User, token: uuid.UUID, checked: CheckedUpload) -> StagedUpload:
    staged = StagedUpload(
        uploaded_by=actor,
        token=token,
        original_name=checked.name,
        extension=checked.extension,
        size=checked.size,
    )
    staged.file.save(checked.name, checked.file, save=False)
    try:
        with transaction.atomic():
            staged.full_clean()
            staged.save()
    except BaseException:
        staged.file.storage.delete(staged.file.name)
        raise
    return staged


@transaction.atomic
def staged_uploads_discard(*, actor: User, staged: Iterable[StagedUpload]) -> None:
    """The user removed these files from the form: they are not attached."""
    staged = list(staged)
    if any(upload.uploaded_by_id != actor.pk for upload in staged):
        raise PermissionDenied
    staged_consumed(staged)


@transaction.atomic
def staged_uploads_purge(*, now: datetime.datetime | None = None) -> int:
    """Deletes the files staged more than a day ago whose form was never sent again; returns how many."""
    old = StagedUpload.objects.filter(created_at__lt=(now or timezone.now()) - KEPT_FOR)
    return len(staged_consumed(list(old)))


def staged_consumed(staged: Sequence[StagedUpload]) -> list[StagedUpload]:
    """Deletes the rows now (in the caller's transaction) and their files once it commits."""
    if not staged:
        return []
    StagedUpload.objects.filter(pk__in=[upload.pk for upload in staged]).delete()
    _delete_files_on_commit([upload.file.name for upload in staged], staged[0].file.storage)
    return list(staged)


@contextlib.contextmanager
def staged_checked(staged: Sequence[StagedUpload], *, actor: User) -> Iterator[list[CheckedUpload]]:
    """The staged files opened and checked again like new uploads (archives/attachments.py), for a service to
    attach; closed afterwards. Only the actor's own staged files can be attached."""
    if any(upload.uploaded_by_id != actor.pk for upload in staged):
        raise PermissionDenied
    opened: list[File] = []
    try:
        checked = []
        for upload in staged:
            try:
                file = File(upload.file.storage.open(upload.file.name, "rb"), name=upload.original_name)
            except FileNotFoundError as gone:  # purged while the form was open
                raise ValidationError(
                    _("%(name)s is no longer kept: choose it again."), code="staged_gone", params={"name": upload}
                ) from gone
            opened.append(file)
            checked.append(check_upload(file))
        yield checked
    finally:
        for file in opened:
            file.close()
