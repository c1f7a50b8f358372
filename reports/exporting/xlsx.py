"""A ReportDocument as an Excel workbook that goes to leadership unedited: one sheet per part, named after it; the
period and the scope on the sheet's first row; each table with its title, a bold header row, its rows and its total
row (values, never formulas); numbers as numbers with formats by column kind; the header row of the first table
frozen; widths set; text that Excel or another spreadsheet could read as a formula escaped (OWASP, CSV injection).

Written in openpyxl's write-only mode, one row at a time: nothing but the document itself is held in memory.
"""

from __future__ import annotations

import copy
import datetime
import math
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports.exporting.text import display_width, document_heading

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    from reports.document import Column, Part, ReportDocument, Table, TextSection

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

NUMBER_FORMATS = {
    "int": "#,##0",
    "decimal": "0.0",
    "percent": "0.0%",
    "change": "+#,##0;-#,##0;0",
    "date": "yyyy-mm-dd",
}
CHANGE_FRACTION_FORMAT = "+#,##0.0;-#,##0.0;0"  # a change of a decimal figure (an average rating: +0.3)

# A cell starting with one of these is a formula to Excel, LibreOffice or Google Sheets (or, with tab and carriage
# return, a way to smuggle one past a check). OWASP's advice: make it text by prefixing a single quote.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

SHEET_NAME_MAX = 31
SHEET_NAME_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))
HEAD_ROWS = 3  # the heading, the issuer line and a blank row; the first table's title comes next
MAX_WIDTH = 60  # no column wider than this, however long its label
TEXT_WIDTH = 100  # the width of the text of a part that has no table
BULLET = "• "
LINE_HEIGHT = 16  # points per line of a wrapped paragraph (Excel does not size merged rows by itself)

_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADING_FONT = Font(bold=True, size=14)
_SUBTITLE_FONT = Font(size=10, color="595959")
_TITLE_FONT = Font(bold=True, size=12)
_BOLD = Font(bold=True)
_NOTE_FONT = Font(italic=True, size=9, color="595959")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
_HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
_TEXT_ALIGNMENT = Alignment(vertical="top", wrap_text=True)
_NUMBER_ALIGNMENT = Alignment(horizontal="right", vertical="top")


def write_xlsx(
    document: ReportDocument, target: str | IO[bytes], *, on_part: Callable[[int], None] | None = None
) -> None:
    """Writes the workbook to `target` (a path or a binary file object). `on_part(n)` is called after the n-th
    part's sheet has been written (the export's progress)."""
    workbook = Workbook(write_only=True)
    names: set[str] = set()
    for number, part in enumerate(document.parts, start=1):
        sheet = workbook.create_sheet(sheet_name(part.title or part.key, taken=names))
        _write_part(sheet, document, part)
        if on_part is not None:
            on_part(number)
    if not document.parts:  # a workbook needs a sheet; say what the document is even when it holds nothing
        sheet = workbook.create_sheet(sheet_name(document.scope or "report", taken=names))
        sheet.append([_heading_cell(sheet, document_heading(document))])
    workbook.save(target)


def sheet_name(title: str, *, taken: set[str]) -> str:
    """A sheet name Excel accepts: no []:*?/\\, at most 31 characters, not starting or ending with a quote, and
    unique in the workbook regardless of case ("概况", "概况 (2)")."""
    base = title.translate(SHEET_NAME_FORBIDDEN).strip().strip("'").strip() or "Sheet"
    name, copy = base[:SHEET_NAME_MAX], 1
    while name.casefold() in taken:
        copy += 1
        suffix = f" ({copy})"
        name = base[: SHEET_NAME_MAX - len(suffix)] + suffix
    taken.add(name.casefold())
    return name


def escape_text(text: str) -> str:
    """Text that a spreadsheet would run as a formula, made inert: "=1+1" → "'=1+1"."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


# --- One sheet ---------------------------------------------------------------------------------------------------


def _write_part(sheet: WriteOnlyWorksheet, document: ReportDocument, part: Part) -> None:
    widths = _column_widths(part)
    span = max(len(widths), 1)
    text_width = sum(widths) if widths else TEXT_WIDTH
    # A write-only sheet writes its layout (columns, frozen panes, dimension) before its first row.
    for index, width in enumerate(widths or [TEXT_WIDTH], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    if part.tables:
        sheet.freeze_panes = f"A{HEAD_ROWS + 3}"  # below the first table's header row (its title is row 4)
    last_row = HEAD_ROWS + sum(_table_height(table) for table in part.tables)
    last_row += sum(_section_height(section) for section in part.texts)
    sheet.calculate_dimension = lambda: f"A1:{get_column_letter(span)}{max(last_row, 1)}"
    _print_setup(sheet, wide=sum(widths) > 120)

    sheet.append([_heading_cell(sheet, document_heading(document, part))])
    sheet.append([_styled(sheet, _subtitle(document), font=_SUBTITLE_FONT)])
    sheet.append([])
    row = HEAD_ROWS
    for table in part.tables:
        for cells in _table_rows(sheet, table):
            sheet.append(cells)
        row += _table_height(table)
    for section in part.texts:
        row = _write_section(sheet, section, first_row=row + 1, span=span, width=text_width)


def _subtitle(document: ReportDocument) -> str:
    generated = document.generated_at or timezone.now()
    if timezone.is_aware(generated):
        generated = timezone.localtime(generated)
    pieces = [document.issued_by, document.status, _("Generated on %(date)s") % {"date": f"{generated:%Y-%m-%d}"}]
    return " · ".join(piece for piece in pieces if piece)


def _column_widths(part: Part) -> list[float]:
    """Per column position, the widest the part's tables ask for: Column.width, or the label's own width (a Chinese
    character counts two) when that is wider."""
    widths: list[float] = []
    for table in part.tables:
        for index, column in enumerate(table.columns):
            wanted = min(max(column.width, display_width(column.label) + 2), MAX_WIDTH)
            if index < len(widths):
                widths[index] = max(widths[index], wanted)
            else:
                widths.append(wanted)
    return widths


def _print_setup(sheet: WriteOnlyWorksheet, *, wide: bool) -> None:
    """Printed from Excel, a sheet fits the width of an A4 page."""
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if wide else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _table_height(table: Table) -> int:
    """Rows a table takes: title, header, rows, total, note, and a blank row after it."""
    return 2 + len(table.rows) + (1 if table.total is not None else 0) + (1 if table.note else 0) + 1


def _table_rows(sheet: WriteOnlyWorksheet, table: Table) -> Iterator[list[Any]]:
    yield [_styled(sheet, table.title, font=_TITLE_FONT)]
    yield [
        _styled(sheet, column.label, font=_BOLD, fill=_HEADER_FILL, alignment=_HEADER_ALIGNMENT, border=_BORDER)
        for column in table.columns
    ]
    formats = _number_formats(table)
    for values in table.rows:
        yield [_value_cell(sheet, value, column, formats[index]) for index, (value, column) in _cells(values, table)]
    if table.total is not None:
        yield [
            _value_cell(sheet, value, column, formats[index], font=_BOLD, fill=_TOTAL_FILL)
            for index, (value, column) in _cells(table.total, table)
        ]
    if table.note:
        yield [_styled(sheet, table.note, font=_NOTE_FONT)]
    yield []


def _cells(values: list[Any], table: Table) -> Iterator[tuple[int, tuple[Any, Column]]]:
    return enumerate(zip(values, table.columns, strict=False))


def _number_formats(table: Table) -> list[str | None]:
    """Each column's number format by its kind; a change column holding any fraction (percentage points, a rating)
    shows one decimal throughout, so that +2.0 and +0.4 line up."""
    formats: list[str | None] = []
    for index, column in enumerate(table.columns):
        number_format = NUMBER_FORMATS.get(column.kind)
        if column.kind == "change":
            values = [row[index] for row in [*table.rows, table.total or []] if index < len(row)]
            if any(isinstance(value, float | Decimal) and not float(value).is_integer() for value in values):
                number_format = CHANGE_FRACTION_FORMAT
        formats.append(number_format)
    return formats


def _paragraphs(section: TextSection) -> list[str]:
    """Paragraphs separated by blank lines; a list item ("- " at the start of a line, as typed in the portal)
    becomes a bullet, so a list is not taken for a formula and printed with a quote."""
    paragraphs = []
    for paragraph in section.text.replace("\r\n", "\n").split("\n\n"):
        lines = [
            BULLET + line.strip()[2:] if line.strip().startswith("- ") else line.strip()
            for line in paragraph.split("\n")
        ]
        if text := "\n".join(line for line in lines if line):
            paragraphs.append(text)
    return paragraphs or ["—"]


def _section_height(section: TextSection) -> int:
    return 1 + len(_paragraphs(section)) + 1  # heading, paragraphs, blank row


def _write_section(sheet: WriteOnlyWorksheet, section: TextSection, *, first_row: int, span: int, width: float) -> int:
    """A text section: its heading, then each paragraph as one wrapped cell across the part's columns, its height
    set from its length. Returns the last row written."""
    sheet.append([_styled(sheet, section.heading, font=_TITLE_FONT)])
    row = first_row
    for paragraph in _paragraphs(section):
        row += 1
        if span > 1:
            sheet.merged_cells.add(f"A{row}:{get_column_letter(span)}{row}")
        sheet.row_dimensions[row].height = _paragraph_lines(paragraph, width) * LINE_HEIGHT
        sheet.append([_styled(sheet, paragraph, alignment=_TEXT_ALIGNMENT)])
    sheet.append([])
    return row + 1


def _paragraph_lines(paragraph: str, width: float) -> int:
    usable = max(width - 2, 10)
    return sum(max(1, math.ceil(display_width(line) / usable)) for line in paragraph.split("\n"))


# --- Cells -------------------------------------------------------------------------------------------------------


def _heading_cell(sheet: WriteOnlyWorksheet, text: str) -> WriteOnlyCell:
    return _styled(sheet, text, font=_HEADING_FONT)


def _styled(
    sheet: WriteOnlyWorksheet, value: Any, *, font=None, fill=None, alignment=None, border=None, number_format=None
) -> WriteOnlyCell:
    """A cell with the given styles (this module's constants). Each combination's style is registered with the
    workbook once and copied onto the next cells: setting a style looks it up in the workbook's lists, which cost
    more than the rest of the export at the national scale (tens of thousands of cells)."""
    cell = WriteOnlyCell(sheet, value=escape_text(value) if isinstance(value, str) else value)
    if isinstance(value, str):
        cell.data_type = "s"  # text, whatever it starts with
    styles = sheet.parent.__dict__.setdefault("_huhang_styles", {})
    key = (id(font), id(fill), id(alignment), id(border), number_format)
    if key in styles:
        cell._style = copy.copy(styles[key])
        return cell
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    if border is not None:
        cell.border = border
    if number_format is not None:
        cell.number_format = number_format
    styles[key] = copy.copy(cell._style)
    return cell


def _value_cell(
    sheet: WriteOnlyWorksheet, value: Any, column: Column, number_format: str | None, *, font=None, fill=None
) -> WriteOnlyCell:
    """One value of a table, by its column's kind: numbers as numbers in the column's format, dates as dates, the
    rest as (escaped) text. Values may come from JSON (a submitted report's frozen figures): a date as an ISO string,
    an int as a float."""
    value = _typed(value, column.kind)
    if isinstance(value, datetime.date):
        number_format = NUMBER_FORMATS["date"]
    elif not isinstance(value, int | float | Decimal):
        number_format = None
    numeric = number_format is not None and not isinstance(value, datetime.date)
    cell = _styled(
        sheet,
        value,
        font=font,
        fill=fill,
        alignment=_NUMBER_ALIGNMENT if numeric else _TEXT_ALIGNMENT,
        border=_BORDER,
        number_format=number_format,
    )
    return cell


def _typed(value: Any, kind: str) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    if isinstance(value, datetime.date):
        return value
    if kind == "date" and isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return int(value) if value.is_integer() and kind in ("int", "change") else value
    if isinstance(value, int | Decimal | str):
        return value
    return str(value)
