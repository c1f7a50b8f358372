"""Checking an uploaded attachment before anything is stored, and storing it.

An upload is refused, with the reason, when its type is not on the allow-list, when it is larger than
`settings.ATTACHMENT_MAX_BYTES`, when its content is not what its extension says (an .exe renamed .pdf), or when an
Office file (a zip inside) looks like a zip bomb or holds macros or external links. The zip checks are shared with
the unit import (huhang/uploads.py): the same limits, read from the zip's central directory before anything is
decompressed, and the same rules for what may not be inside.
"""

from __future__ import annotations

import os
import unicodedata
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from huhang.uploads import (
    OFFICE_EXTERNAL_LINKS,
    OFFICE_MACROS,
    OFFICE_MALFORMED,
    OFFICE_REFUSAL_MESSAGES,
    office_refusal,
    zip_members_unsafe,
)

# extension → (content type sent on download, what `filetype` must recognise, the folder an Office zip holds)
# The codes check_upload refuses a file with: forms show such an error on their files field.
UPLOAD_ERROR_CODES = frozenset(
    {
        "type_not_allowed",
        "too_large",
        "empty",
        "content_mismatch",
        "unsafe_zip",
        OFFICE_MACROS,
        OFFICE_EXTERNAL_LINKS,
        "staged_gone",
    }
)

ALLOWED_TYPES: dict[str, tuple[str, str, str | None]] = {
    "pdf": ("application/pdf", "pdf", None),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "word/"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "xl/"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx", "ppt/"),
    "jpg": ("image/jpeg", "jpg", None),
    "jpeg": ("image/jpeg", "jpg", None),
    "png": ("image/png", "png", None),
}
SNIFF_BYTES = 8192


@dataclass(frozen=True)
class CheckedUpload:
    file: UploadedFile
    name: str  # the uploader's file name, cleaned, for Content-Disposition on download
    extension: str
    content_type: str
    size: int


def clean_name(name: str) -> str:
    """The base name without path parts or control characters, at most 255 characters (extension kept)."""
    name = os.path.basename(name.replace("\\", "/"))
    name = "".join(c for c in unicodedata.normalize("NFC", name) if unicodedata.category(c)[0] != "C").strip()
    stem, dot, ext = name.rpartition(".")
    if dot and len(name) > 255:
        name = stem[: 254 - len(ext)] + "." + ext
    return name[:255] or "file"


def check_upload(upload: UploadedFile) -> CheckedUpload:
    """Validates one upload; raises ValidationError with a code (type_not_allowed, too_large, empty,
    content_mismatch, unsafe_zip, office_macros, office_external_links) and a message that says why."""
    name = clean_name(upload.name or "")
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if extension not in ALLOWED_TYPES:
        raise ValidationError(
            _("%(name)s: files of this type cannot be attached. Allowed types: %(types)s."),
            code="type_not_allowed",
            params={"name": name, "types": ", ".join(t for t in ALLOWED_TYPES if t != "jpeg")},
        )
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("%(name)s is larger than the limit of %(limit)s MB."),
            code="too_large",
            params={"name": name, "limit": round(limit / (1024 * 1024), 1)},
        )
    if not upload.size:
        raise ValidationError(_("%(name)s is empty."), code="empty", params={"name": name})
    content_type, kind, folder = ALLOWED_TYPES[extension]
    if not _content_matches(upload, kind, folder):
        raise ValidationError(
            _("The content of %(name)s is not a %(type)s file."),
            code="content_mismatch",
            params={"name": name, "type": extension.upper()},
        )
    if folder and _unsafe_zip(upload):
        raise ValidationError(
            _("%(name)s expands to far more data than it holds and was refused as unsafe."),
            code="unsafe_zip",
            params={"name": name},
        )
    refusal = _office_refusal(upload) if folder else None
    if refusal == OFFICE_MALFORMED:
        raise ValidationError(
            _("The content of %(name)s is not a %(type)s file."),
            code="content_mismatch",
            params={"name": name, "type": extension.upper()},
        )
    if refusal:
        raise ValidationError(
            _("%(name)s was refused: %(reason)s"),
            code=refusal,
            params={"name": name, "reason": OFFICE_REFUSAL_MESSAGES[refusal]},
        )
    upload.seek(0)
    return CheckedUpload(file=upload, name=name, extension=extension, content_type=content_type, size=upload.size)


def _head(upload: UploadedFile) -> bytes:
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    return head


def _content_matches(upload: UploadedFile, kind: str, folder: str | None) -> bool:
    guess = filetype.guess(_head(upload))
    if folder is None:
        return guess is not None and guess.extension == kind
    # Office files are zips; `filetype` names them from the first members, which some writers order differently.
    if guess is None or guess.extension not in {kind, "zip"}:
        return False
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)
    return "[Content_Types].xml" in names and any(name.startswith(folder) for name in names)


def _unsafe_zip(upload: UploadedFile) -> bool:
    """The unit import's zip-bomb rule, on the upload's central directory; a zip that does not open is unsafe."""
    try:
        with zipfile.ZipFile(upload) as archive:
            return zip_members_unsafe(archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return True
    finally:
        upload.seek(0)


def _office_refusal(upload: UploadedFile) -> str | None:
    """Macros or external links in an Office file (huhang/uploads.py); the zip has passed _unsafe_zip."""
    try:
        with zipfile.ZipFile(upload) as archive:
            return office_refusal(archive)
    except (zipfile.BadZipFile, OSError, ValueError):
        return OFFICE_MALFORMED
    finally:
        upload.seek(0)
