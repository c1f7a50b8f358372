"""The files of a form sent back with errors, kept for its next post (archives/staging.py), as the views use them.

On each post of a form with files and a submission token: the files kept from its earlier posts are read back
(those the user ticked to remove are dropped at once); a successful post hands the rest to the service with the
new files; a refused one keeps the new files too, each refused file's reason on the form, and the page lists what
the form now holds ("已选择：…"). Without a token (a garbled form) nothing can be kept, and the page says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from archives import selectors, staging

if TYPE_CHECKING:
    import uuid

    from django import forms
    from django.http import HttpRequest

    from archives.models import StagedUpload

REMOVE_FIELD = "remove_staged"  # the checkboxes of templates/archives/_staged_files.html


@dataclass(frozen=True)
class StagedFiles:
    token: uuid.UUID | None
    kept: list[StagedUpload]  # kept from earlier posts of the form and not removed: the service attaches them


def staged_files(request: HttpRequest, form: forms.Form) -> StagedFiles:
    """The files kept for this post of `form` (validated here); drops the ones the user removed."""
    form.is_valid()
    token = form.cleaned_data.get("submission_token")
    staged = selectors.staged_uploads_for_user(user=request.user, token=token)
    removed = set(request.POST.getlist(REMOVE_FIELD))
    staging.staged_uploads_discard(actor=request.user, staged=[file for file in staged if str(file.uid) in removed])
    return StagedFiles(token=token, kept=[file for file in staged if str(file.uid) not in removed])


def keep_for_next_post(request: HttpRequest, form: forms.Form, staged: StagedFiles) -> dict[str, Any]:
    """The post was refused: keeps its new files that pass the checks, says on the files field why any other was
    refused, and returns the page's context: the files the form now holds, or that they must be chosen again."""
    uploads = request.FILES.getlist("files")
    if staged.token is None:
        return {"staged_files": staged.kept, "files_dropped": bool(uploads)}
    new, refused = staging.uploads_stage(actor=request.user, token=staged.token, files=uploads)
    shown = set(form.errors.get("files", []))
    for error in refused:
        if not shown.issuperset(error.messages):  # the service may have said it already
            form.add_error("files", error)
    return {"staged_files": [*staged.kept, *new], "files_dropped": False}
