"""What every upload is checked against before it is opened: zip bombs, judged from the zip's central directory.

The unit import (units/importing/reading.py) and the attachments (archives/attachments.py) both accept Office files,
which are zips inside; they refuse a bomb by the same limits. The declared sizes can be trusted as limits: Python's
zipfile never inflates a member beyond its declared size (and fails its CRC). Both also refuse an Office file with
macros or external links (office_refusal), by the same rules.
"""

from __future__ import annotations

import zipfile
from xml.etree.ElementTree import Element, ParseError  # nosec B405 # types only: defusedxml parses

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring
from django.utils.translation import gettext_lazy as _

MAX_ZIP_MEMBERS = 1_000
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100  # worksheets and documents compress 5–30 times; bombs a thousand times
RATIO_CHECKED_FROM_BYTES = 1024 * 1024

ZIP_MAGIC = b"PK\x03\x04"


def zip_members_unsafe(members: list[zipfile.ZipInfo]) -> bool:
    """A zip bomb, judged from the central directory before anything is decompressed."""
    too_many = len(members) > MAX_ZIP_MEMBERS
    return too_many or sum(m.file_size for m in members) > MAX_UNCOMPRESSED_BYTES or any(map(_bomb_like, members))


def _bomb_like(member: zipfile.ZipInfo) -> bool:
    ratio = member.file_size / max(member.compress_size, 1)
    return member.file_size > RATIO_CHECKED_FROM_BYTES and ratio > MAX_COMPRESSION_RATIO


# Office files that can act when opened are refused, whatever their extension says. Macros: a VBA project (in any
# part, also an embedded workbook's), Excel 4.0 macro sheets, ActiveX controls, or a macro-enabled content type.
# External links: a part that pulls data from another workbook (externalLinks/), or a relationship that reaches
# outside the file (TargetMode="External") for anything but a hyperlink — a linked OLE object, an attached template,
# a remote image or frame is fetched when the file is opened (and a UNC path leaks the reader's Windows credentials).
# Old binary .doc/.xls/.ppt are not accepted at all (the attachments' allow-list, the import's `old_format`), so their
# `_VBA_PROJECT` / `Macros` OLE streams need no search.
OFFICE_MACROS = "office_macros"
OFFICE_EXTERNAL_LINKS = "office_external_links"
OFFICE_MALFORMED = "office_malformed"

OFFICE_REFUSAL_MESSAGES = {
    OFFICE_MACROS: _(
        "The file contains macros or other code that runs when it is opened: save it as a plain .xlsx, .docx or "
        ".pptx without macros and upload it again."
    ),
    OFFICE_EXTERNAL_LINKS: _(
        "The file links to other files or addresses that are fetched when it is opened (links to other workbooks, "
        "linked objects or templates): remove the links, save it again and upload it."
    ),
}

MACRO_CONTENT_TYPE_MARKS = ("macroenabled", "vbaproject", "vbadata", "macrosheet", "activex")
MACRO_PART_NAMES = ("vbaproject.bin", "vbadata.xml")
MACRO_FOLDERS = ("macrosheets/", "activex/")
MACRO_EXTENSIONS = (".xlsm", ".xltm", ".xlam", ".docm", ".dotm", ".pptm", ".potm", ".ppsm", ".ppam", ".sldm")
EXTERNAL_LINK_FOLDER = "externallinks/"
# The one relationship type that may point outside the file: a hyperlink opens only when the reader clicks it.
HARMLESS_EXTERNAL_TYPES = frozenset({"hyperlink"})
MAX_PACKAGE_XML_BYTES = 2 * 1024 * 1024  # [Content_Types].xml and the .rels parts are a few kilobytes


def office_refusal(archive: zipfile.ZipFile) -> str | None:
    """Why an Office file (OOXML, a zip) must be refused: OFFICE_MACROS, OFFICE_EXTERNAL_LINKS, OFFICE_MALFORMED
    (its package XML does not parse safely), or None. Call it after zip_members_unsafe has passed the archive."""
    members = archive.infolist()
    names = [member.filename.replace("\\", "/").lower() for member in members]
    if any(_is_macro_part(name) for name in names):
        return OFFICE_MACROS
    if any(f"/{EXTERNAL_LINK_FOLDER}" in f"/{name}" for name in names):
        return OFFICE_EXTERNAL_LINKS
    try:
        for member, name in zip(members, names, strict=True):
            if name == "[content_types].xml":
                types = _parse(archive, member)
                content_types = (element.get("ContentType", "") for element in types.iter())
                if any(mark in value.lower() for value in content_types for mark in MACRO_CONTENT_TYPE_MARKS):
                    return OFFICE_MACROS
            elif name.endswith(".rels") and any(map(_reaches_outside, _parse(archive, member).iter())):
                return OFFICE_EXTERNAL_LINKS
    except (ParseError, DefusedXmlException, _TooLarge, zipfile.BadZipFile, OSError, ValueError):
        return OFFICE_MALFORMED
    return None


class _TooLarge(Exception):
    pass


def _is_macro_part(name: str) -> bool:
    base = name.rpartition("/")[2]
    in_macro_folder = any(f"/{folder}" in f"/{name}" for folder in MACRO_FOLDERS)
    return base in MACRO_PART_NAMES or in_macro_folder or base.endswith(MACRO_EXTENSIONS)


def _parse(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> Element:
    if member.file_size > MAX_PACKAGE_XML_BYTES:
        raise _TooLarge
    # defusedxml: no DTD (Office writes none), no entity expansion, no external entities — the sender's XML.
    return defused_fromstring(archive.read(member), forbid_dtd=True)


def _reaches_outside(element: Element) -> bool:
    if not element.tag.endswith("Relationship") or element.get("TargetMode", "").lower() != "external":
        return False
    kind = element.get("Type", "").rstrip("/").rpartition("/")[2].lower()
    return kind not in HARMLESS_EXTERNAL_TYPES
