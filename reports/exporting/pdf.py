"""A ReportDocument as an A4 PDF, rendered by WeasyPrint: a cover, a table of contents with page numbers when the
document has more than two parts, each part a chapter, tables whose header row repeats on every page they span,
charts drawn as SVG on the server (svg.py), and "第 N 页 / 共 M 页" in the footer.

The CJK font (WenQuanYi Micro Hei) is checked and named by plans/pdf.py, as for the printed plan: without it the
render refuses rather than print boxes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from plans.pdf import CONTENT_TYPE, FONT_FAMILY, require_font
from reports.exporting.svg import chart_svg
from reports.exporting.text import display_width, document_heading
from reports.templatetags.report_format import NUMERIC_KINDS, format_value

if TYPE_CHECKING:
    import datetime

    from reports.document import Chart, Part, ReportDocument, Table, TextSection

__all__ = ["CONTENT_TYPE", "TOC_FROM_PARTS", "write_pdf"]

TOC_FROM_PARTS = 3  # a table of contents when the document has more parts than two
DENSE_FROM_COLUMNS = 8  # tables this wide are set in a smaller type to fit the A4 width (and any whose columns'
# least widths would not fit in the larger one: _column_layout)
# The column widths (_column_widths), in ems of the table's type: report.css sets 9.5pt (8pt when dense) on the A4
# text width of 174 mm, and cells padded 1.6 mm either side within their borders (0.5 pt, collapsed).
TEXT_WIDTH_MM = 174
EM_MM = {False: 9.5 * 25.4 / 72, True: 8 * 25.4 / 72}
PADDING_MM = 2 * 1.6 + 0.6  # the padding, the borders and a little to spare: a text just as wide must not wrap
MAX_MIN_WIDTH = 10  # ems: a text column keeps room for its longest text up to ten Chinese characters a line
HEADER_MIN_WIDTH = 2  # ems: a header wraps, but not to fewer than two characters a line
NARROW_EM = 0.56
CHINESE_NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class RenderedTable:
    title: str
    columns: list[tuple[str, bool]]  # label, numeric (right-aligned)
    widths: list[float]  # each column's share of the table's width, in per cent (_column_widths)
    rows: list[list[tuple[str, bool]]]  # text, numeric
    total: list[tuple[str, bool]] | None
    note: str
    dense: bool


@dataclass(frozen=True)
class RenderedChart:
    number: int  # figures are numbered through the whole document
    title: str
    svg: SafeString


@dataclass(frozen=True)
class RenderedSection:
    heading: str
    blocks: list[tuple[str, Any]]  # ("p", text) or ("ul", [items])


@dataclass(frozen=True)
class RenderedPart:
    anchor: str
    number: str  # 一、二、…
    title: str
    tables: list[RenderedTable]
    charts: list[RenderedChart]
    texts: list[RenderedSection]


def write_pdf(document: ReportDocument, *, on_part: Callable[[int], None] | None = None) -> bytes:
    """The document as PDF bytes. `on_part(n)` is called once the n-th part is laid out in HTML (tables formatted,
    charts drawn); the page layout of the whole follows."""
    from weasyprint import HTML  # imported here: loading Pango costs ~0.5 s that no page should pay

    from huhang.pdf_fetching import BASE_URL, StaticFilesFetcher  # reads only the project's static files

    require_font()
    parts: list[RenderedPart] = []
    for number, part in enumerate(document.parts, start=1):
        figures_before = sum(len(rendered.charts) for rendered in parts)
        parts.append(_render_part(part, number, figures_before=figures_before))
        if on_part is not None:
            on_part(number)
    generated = document.generated_at or timezone.now()
    html = render_to_string(
        "reports/pdf/report.html",
        {
            "doc": document,
            "heading": document_heading(document),
            "parts": parts,
            "toc": len(parts) >= TOC_FROM_PARTS,
            "generated_on": _local_date(generated),
            "font_family": FONT_FAMILY,
        },
    )
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesFetcher()).write_pdf()


def chapter_number(number: int) -> str:
    """一 … 十, 十一 … 九十九: chapters are numbered the way official documents number them."""
    if number <= 10:
        return CHINESE_NUMERALS[number - 1]
    tens, units = divmod(number, 10)
    prefix = "" if tens == 1 else CHINESE_NUMERALS[tens - 1]
    return prefix + "十" + (CHINESE_NUMERALS[units - 1] if units else "")


def _local_date(moment: datetime.datetime) -> datetime.date:
    return (timezone.localtime(moment) if timezone.is_aware(moment) else moment).date()


def _render_part(part: Part, number: int, *, figures_before: int) -> RenderedPart:
    return RenderedPart(
        anchor=f"part-{part.key}",
        number=chapter_number(number),
        title=part.title,
        tables=[_render_table(table) for table in part.tables],
        charts=[_render_chart(chart, figures_before + index) for index, chart in enumerate(part.charts, start=1)],
        texts=[_render_section(section) for section in part.texts],
    )


def _render_table(table: Table) -> RenderedTable:
    kinds = [column.kind for column in table.columns]

    def cells(values: list[Any]) -> list[tuple[str, bool]]:
        return [(format_value(value, kind), kind in NUMERIC_KINDS) for value, kind in zip(values, kinds, strict=False)]

    rows = [cells(values) for values in table.rows]
    total = cells(table.total) if table.total is not None else None
    labels = [column.label for column in table.columns]
    dense, widths = _column_layout(labels, [*rows, *([total] if total else [])])
    return RenderedTable(
        title=table.title,
        columns=[(column.label, column.kind in NUMERIC_KINDS) for column in table.columns],
        widths=widths,
        rows=rows,
        total=total,
        note=" ".join(filter(None, [table.note, _left_out(table.more)])),
        dense=dense,
    )


def _left_out(more: int) -> str:
    return _("The other %(count)s rows are in the Excel export.") % {"count": more} if more else ""


def _column_layout(labels: list[str], rows: list[list[tuple[str, bool]]]) -> tuple[bool, list[float]]:
    """Whether the table is set in the smaller type (DENSE_FROM_COLUMNS columns or more, or columns whose least
    widths do not fit the text width in the larger one), and its columns' widths in that type."""
    extents = _column_extents(labels, rows)
    dense = len(labels) >= DENSE_FROM_COLUMNS
    if not dense:
        padding, available = PADDING_MM / EM_MM[False], TEXT_WIDTH_MM / EM_MM[False]
        dense = sum(padding + least for least, _widest in extents) > available
    return dense, _column_widths(extents, dense=dense)


def _column_extents(labels: list[str], rows: list[list[tuple[str, bool]]]) -> list[tuple[float, float]]:
    """Each column's least and widest width in ems, padding left out: a number's full width, a text's longest up
    to MAX_MIN_WIDTH ems, a header's HEADER_MIN_WIDTH; the widest its longest text or header on one line."""
    extents = []
    for index, label in enumerate(labels):
        cells = [row[index] for row in rows if index < len(row)]
        longest = max((_ems(text) for text, _numeric in cells), default=0.0)
        numeric = any(numeric for _text, numeric in cells)
        header = _ems(label) * 1.1  # set in bold
        least = max(longest if numeric else min(longest, MAX_MIN_WIDTH), min(header, HEADER_MIN_WIDTH))
        extents.append((least, max(longest, header)))
    return extents


def _column_widths(extents: list[tuple[float, float]], *, dense: bool) -> list[float]:
    """Each column's share of the table's width, in per cent, for the fixed table layout (report.css).

    WeasyPrint's automatic layout measures every cell's text twice before it sets a line of it, which was a third
    of a ten-page report's rendering; the widths are as simple to reckon here from the texts, in the manner of CSS
    2.1's automatic layout, between each column's least and widest (_column_extents). When every column fits at
    its widest they share the table in proportion to it; else each gets its least and the room left is shared in
    proportion to what each lacks of its widest."""
    padding = PADDING_MM / EM_MM[dense]
    available = TEXT_WIDTH_MM / EM_MM[dense]
    least = [padding + low for low, _high in extents]
    widest = [padding + high for _low, high in extents]
    if sum(widest) <= available:
        widths = widest
    elif sum(least) >= available:
        widths = least
    else:
        share = (available - sum(least)) / (sum(widest) - sum(least))
        widths = [low + (high - low) * share for low, high in zip(least, widest, strict=True)]
    total = sum(widths)
    return [round(width * 100 / total, 2) for width in widths]


def _ems(text: str) -> float:
    """The text's width on one line, in ems: a Chinese character is one, a digit or a Latin letter a little over
    half (WenQuanYi Micro Hei's digits are 0.55 em)."""
    wide = display_width(text) - len(text)
    return wide + NARROW_EM * (len(text) - wide)


def _render_chart(chart: Chart, number: int) -> RenderedChart:
    # chart_svg escapes every text it writes (reports/exporting/svg.py).
    svg = mark_safe(chart_svg(chart))  # noqa: S308  # nosec B308 B703 # every text escaped
    return RenderedChart(number=number, title=chart.title, svg=svg)


def _render_section(section: TextSection) -> RenderedSection:
    """Paragraphs separated by blank lines; lines starting with "- " become a list (as in the plans' sections)."""
    blocks: list[tuple[str, Any]] = []
    for paragraph in section.text.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in paragraph.split("\n") if line.strip()]
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            blocks.append(("ul", [line[2:].strip() for line in lines]))
        else:
            blocks.append(("p", "\n".join(lines)))
    return RenderedSection(heading=section.heading, blocks=blocks)
