"""What the xlsx and the PDF share about a ReportDocument's words: the heading of a sheet or page, the width of
Chinese text, and the file name a download is saved under."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reports.document import Part, ReportDocument

SEPARATOR = " — "
_UNSAFE_IN_FILENAMES = re.compile(r'[\\/:*?"<>|\s]+')


def display_width(text: str) -> int:
    """Columns the text takes in a fixed-width grid: a Chinese character (East Asian wide or full-width) counts
    two, so "服务单位" is as wide as "units by"."""
    return sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in text)


def title_without_period(document: ReportDocument) -> str:
    """The title without its leading period label: "2026年上半年知识产权护航行动工作报告" becomes
    "知识产权护航行动工作报告"."""
    title = document.title.strip()
    label = document.period_label.strip()
    if label and title.startswith(label):
        return title[len(label) :].strip()
    return title


def document_heading(document: ReportDocument, part: Part | None = None) -> str:
    """The line that says what a sheet or page is: "2026年上半年 知识产权护航行动工作报告 — 全省 — 概况"."""
    title = " ".join(piece for piece in (document.period_label.strip(), title_without_period(document)) if piece)
    pieces = [title, document.scope.strip(), part.title.strip() if part else ""]
    return SEPARATOR.join(piece for piece in pieces if piece)


def document_filename(document: ReportDocument, extension: str) -> str:
    """2026年上半年_全省_知识产权护航行动工作报告.xlsx: period, scope, title; safe on every file system."""
    pieces = [document.period_label, document.scope, title_without_period(document)]
    stem = "_".join(_UNSAFE_IN_FILENAMES.sub("_", piece.strip()) for piece in pieces if piece and piece.strip())
    return f"{stem or 'report'}.{extension}"
