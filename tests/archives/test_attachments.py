"""Uploads: every refusal says why and saves nothing; accepted files are stored outside the web root, renamed."""

import datetime
import os
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role
from archives import services
from archives.attachments import check_upload, clean_name
from archives.models import Activity, Attachment, Request
from tests.archives.conftest import EXE, JPG, PDF, PNG, office_zip, upload

KINDS = [
    ("会议纪要.pdf", PDF, "application/pdf"),
    ("现场照片.JPG", JPG, "image/jpeg"),
    ("现场照片.png", PNG, "image/png"),
    ("方案.docx", office_zip("word/"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("清单.xlsx", office_zip("xl/"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("汇报.pptx", office_zip("ppt/"), "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
]


@pytest.mark.parametrize(("name", "content", "content_type"), KINDS)
def test_allowed_files_pass_the_check(name, content, content_type):
    checked = check_upload(upload(name, content))
    assert (checked.name, checked.content_type, checked.size) == (name, content_type, len(content))


def refusal(name: str, content: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as error:
        check_upload(upload(name, content))
    return error.value


@pytest.mark.parametrize("name", ["setup.exe", "脚本.js", "page.html", "archive.zip", "old.doc", "no-extension"])
def test_a_type_not_on_the_allow_list_is_refused(name):
    error = refusal(name, PDF)
    assert error.code == "type_not_allowed"
    assert name in error.messages[0]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("合同.pdf", EXE),  # an .exe renamed .pdf
        ("照片.png", JPG),
        ("照片.jpg", PDF),
        ("方案.docx", PDF),
        ("方案.docx", office_zip("xl/")),  # a workbook renamed .docx
        ("清单.xlsx", b"PK\x03\x04 not really a zip"),
    ],
)
def test_content_not_matching_the_extension_is_refused(name, content):
    assert refusal(name, content).code == "content_mismatch"


def test_a_file_over_the_limit_is_refused(settings):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    error = refusal("扫描件.pdf", PDF + b"0" * (1024 * 1024))
    assert error.code == "too_large"
    assert "1.0" in error.messages[0]


def test_an_empty_file_is_refused():
    assert refusal("空.pdf", b"").code == "empty"


def test_a_zip_bomb_in_a_docx_is_refused():
    bomb = office_zip("word/", {"word/media/image1.png": b"\x00" * (20 * 1024 * 1024)})
    assert len(bomb) < 100 * 1024
    assert refusal("方案.docx", bomb).code == "unsafe_zip"


def test_a_zip_bomb_above_the_imports_own_size_limit_is_refused_too(settings):
    # An attachment may be larger than the unit import's 10 MB: the same limits are applied to it.
    incompressible = os.urandom(11 * 1024 * 1024)
    bomb = office_zip("word/", {"word/media/photo.bin": incompressible, "word/media/x.png": b"\x00" * 2**25})
    assert len(bomb) > 10 * 1024 * 1024
    assert refusal("方案.docx", bomb).code == "unsafe_zip"


def test_a_large_photo_heavy_docx_within_the_limit_is_accepted():
    photos = os.urandom(11 * 1024 * 1024)
    checked = check_upload(upload("汇报.docx", office_zip("word/", {"word/media/photo.bin": photos})))
    assert checked.extension == "docx"


def test_names_lose_paths_and_control_characters():
    assert clean_name("C:\\Users\\张三\\纪要\x00.pdf") == "纪要.pdf"
    assert clean_name("../../etc/passwd.pdf") == "passwd.pdf"
    assert len(clean_name("长" * 300 + ".pdf")) == 255
    assert clean_name("长" * 300 + ".pdf").endswith(".pdf")


def test_stored_files_get_random_names_outside_the_web_root(world, users, unit, media_root):
    request = services.request_submit(
        actor=users[Role.UNIT_CONTACT],
        unit=unit,
        kind="consultation",
        title="咨询",
        description="见附件。",
        files=[upload("保密的技术方案.pdf", PDF)],
    )
    attachment = request.attachments.get()
    path = Path(attachment.file.path)
    assert path.is_relative_to(media_root)
    assert "保密" not in attachment.file.name
    assert path.read_bytes() == PDF
    assert attachment.original_name == "保密的技术方案.pdf"


def test_one_refused_file_saves_neither_the_record_nor_the_other_files(world, users, unit, media_root):
    with pytest.raises(ValidationError) as error:
        services.activity_create(
            actor=users[Role.TEAM_MEMBER],
            unit=unit,
            date=datetime.date(2026, 9, 15),
            kind="visit",
            summary="走访。",
            files=[upload("纪要.pdf", PDF), upload("病毒.pdf", EXE)],
        )
    assert error.value.code == "content_mismatch"
    assert not Activity.objects.exists()
    assert not Attachment.objects.exists()
    assert not any(p.is_file() for p in media_root.rglob("*"))


def test_a_failure_after_files_were_written_removes_them(world, users, unit, media_root, monkeypatch):
    from archives import models

    def refuse(self, *args, **kwargs):
        raise ValidationError("refused", code="late")

    monkeypatch.setattr(models.Attachment, "full_clean", refuse)
    with pytest.raises(ValidationError):
        services.request_submit(
            actor=users[Role.UNIT_CONTACT],
            unit=unit,
            kind="consultation",
            title="咨询",
            description="x",
            files=[upload("纪要.pdf", PDF)],
        )
    assert not Request.objects.exists()
    assert not any(p.is_file() for p in media_root.rglob("*"))


def test_the_database_requires_exactly_one_parent(world, users, unit):
    from django.db import IntegrityError, transaction

    from tests.factories import ActivityFactory, RequestFactory

    activity = ActivityFactory(unit=unit, files=[upload("a.pdf", PDF)])
    request = RequestFactory(unit=unit)
    attachment = activity.attachments.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Attachment.objects.filter(pk=attachment.pk).update(request=request)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attachment.objects.filter(pk=attachment.pk).update(activity=None)
