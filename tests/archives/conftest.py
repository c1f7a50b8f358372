import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from teams.models import Person
from tests.factories import PersonFactory, UserFactory, two_served_units


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SENDFILE_X_ACCEL = ""
    return settings.MEDIA_ROOT


@pytest.fixture
def world(users, outsiders, unit):
    """`unit` (杭州) served by tom's team, eve an expert pool member; a Ningbo unit served by tina's team."""
    served = two_served_units(users[Role.TEAM_MEMBER], unit)
    eve = PersonFactory(user=users[Role.EXPERT], kind=Person.Kind.THINK_TANK, name="伊芙")
    ed = PersonFactory(user=UserFactory(username="ed", expert=True), kind=Person.Kind.LAWYER, name="艾德")
    return {**served, "eve": eve, "ed": ed}


@pytest.fixture
def viewers(users, outsiders, world):
    """Everyone, by the name the scoping tables use."""
    return {
        "bureau": users[Role.BUREAU],
        "officer": users[Role.OFFICER],
        "officer_out": outsiders[Role.OFFICER],
        "member": users[Role.TEAM_MEMBER],
        "member_other": world["tina"],
        "expert": users[Role.EXPERT],
        "expert_other": world["ed"].user,
        "contact": users[Role.UNIT_CONTACT],
        "contact_other": outsiders[Role.UNIT_CONTACT],
    }


# --- Files -------------------------------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 256


def office_zip(folder: str = "word/", extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("_rels/.rels", "<Relationships/>")
        main = {"word/": "word/document.xml", "xl/": "xl/workbook.xml", "ppt/": "ppt/presentation.xml"}[folder]
        archive.writestr(main, "<document/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")
