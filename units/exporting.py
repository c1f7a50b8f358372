"""The key-unit list as an Excel file: the blank template, and the export of a (filtered, scoped) list.

Both have the same sheet, columns and dropdowns as the import expects (units/importing.py, COLUMNS), so a list
exported, edited and imported again updates the same units. openpyxl writes the workbook (write-only mode); the list's
rows are written as the sheet's XML row by row to a temporary file and spliced into it (`_SheetRows`), so a long list
never sits in memory as a whole.
"""

from __future__ import annotations

import datetime
import html
import io
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from typing import IO, Any

import openpyxl
from django.db.models import F, FilteredRelation, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.datetime import to_excel
from openpyxl.utils.exceptions import IllegalCharacterError
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from huhang.masking import mask_email, mask_phone
from units.importing import CATEGORY_LABELS, COLUMNS, COLUMNS_BY_FIELD
from units.models import Division, ListingEvent, Unit

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TITLE = "浙江省知识产权护航战略科技力量行动重点服务对象清单"
SHEET_TITLE = "重点服务对象清单"
LISTS_TITLE = "选项"  # a hidden sheet holding the dropdowns' choices
CATEGORY_LIST = "类别选项"
CITY_LIST = "设区市选项"
TEMPLATE_ROWS = 1_000  # rows of the blank template that offer the dropdowns
HEADER_ROW = 2  # below the title row, as in the files the bureau receives
TEXT_FIELDS = ("credit_code", "phone")  # typed as text, or Excel turns an all-digit code into a rounded number
SHEET_PATH = "xl/worksheets/sheet1.xml"  # the list's sheet, the workbook's first
SHEET_DATA_END = b"</sheetData>"
_DATA_LETTERS = [get_column_letter(index) for index in range(2, len(COLUMNS) + 1)]  # after 序号 (A)


def template_filename() -> str:
    return "重点服务对象清单模板.xlsx"


def export_filename() -> str:
    return f"重点服务对象清单-{timezone.localdate():%Y%m%d}.xlsx"


def template_write(target: str | IO[bytes]) -> None:
    """Writes the blank template: the title, the headers, and dropdowns for category, city and county."""
    _write_workbook(target, rows=[], row_count=0)


def template_file() -> IO[bytes]:
    return _temporary(template_write)


# What each exported row reads, in the order of COLUMNS after 序号 (the category is written by its label).
EXPORTED = (
    "name",
    "credit_code",
    "category",
    "city_name",
    "county_name",
    "technical_field",
    "address",
    "contact_name",
    "contact_phone",
    "contact_email",
    "selected_on",
    "selected_batch",
)


def export_queryset(units: QuerySet[Unit]) -> QuerySet:
    """The units (scoped and filtered by the caller) as rows of what the export writes, in one query: the primary
    contact joined (one per unit, a constraint), the latest selection by subquery. Rows, not models: the list's own
    annotations (the serving team, the plan's state) are left out unless a filter or the order reads them, and no
    model is built per row. The contacts' phones and e-mails come decrypted (huhang/crypto.py)."""
    selection = ListingEvent.objects.filter(unit=OuterRef("pk"), kind=ListingEvent.Kind.SELECTED).order_by(
        "-date", "-created_at"
    )
    return (
        units.alias(primary_contact=FilteredRelation("contacts", condition=Q(contacts__is_primary=True)))
        .annotate(
            city_name=F("division__city__name"),
            county_name=F("division__name"),
            contact_name=F("primary_contact__name"),
            contact_phone=F("primary_contact__phone"),
            contact_email=F("primary_contact__email"),
            selected_on=Subquery(selection.values("date")[:1]),
            selected_batch=Subquery(selection.values("batch")[:1]),
        )
        .values_list(*EXPORTED, named=True)
    )


def units_export(*, units: QuerySet[Unit], target: str | IO[bytes], contact_details_in_full: bool = False) -> int:
    """Writes the units (already scoped to the user and filtered) in the template's layout; returns how many.

    The contacts' phones and e-mails are masked unless `contact_details_in_full` (the bureau's explicit request,
    units.export_contact_details); imported back, a masked value leaves the stored one as it is."""
    rows = export_queryset(units)
    lines = (_row(row, contact_details_in_full) for row in rows.iterator(chunk_size=2_000))
    return _write_workbook(target, rows=lines, row_count=units.count())


def units_export_file(*, units: QuerySet[Unit], contact_details_in_full: bool = False) -> tuple[IO[bytes], int]:
    """The export in an anonymous temporary file, deleted when closed (FileResponse closes it once sent), and how
    many units it holds."""
    written = 0

    def write(target: IO[bytes]) -> None:
        nonlocal written
        written = units_export(units=units, target=target, contact_details_in_full=contact_details_in_full)

    return _temporary(write), written


def _temporary(write) -> IO[bytes]:
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — handed open to the response, which closes it
    write(target)
    target.seek(0)
    return target


def _row(row, contact_details_in_full: bool) -> list[Any]:
    phone, email = row.contact_phone or "", row.contact_email or ""
    return [
        row.name,
        row.credit_code,
        CATEGORY_LABELS.get(row.category, row.category),
        row.city_name,
        row.county_name,
        row.technical_field,
        row.address,
        row.contact_name or "",
        phone if contact_details_in_full else mask_phone(phone),
        email if contact_details_in_full else mask_email(email),
        row.selected_on,
        row.selected_batch or "",
    ]


def _write_workbook(target: str | IO[bytes], *, rows: Iterable[Sequence[Any]], row_count: int) -> int:
    """The sheet, its rows (`row_count` of them, known beforehand) and the dropdowns below them.

    openpyxl writes the workbook around the rows — the title, the headers, the styles, the dropdowns — and the rows
    themselves are written as XML here (`_SheetRows`) and put into its sheet: openpyxl's write-only mode builds and
    serialises an element per cell in pure Python, most of the time a 15,000-row export took."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    # A write-only sheet writes no <dimension> unless it can say one; without it, openpyxl's reader (the import's)
    # parses the whole sheet once just to find the size before reading a single row.
    last_cell = f"{get_column_letter(len(COLUMNS))}{HEADER_ROW + row_count}"
    sheet.calculate_dimension = lambda: f"A1:{last_cell}"
    lists = workbook.create_sheet(LISTS_TITLE)
    lists.sheet_state = "hidden"

    # A write-only sheet takes its column layout before its first row.
    for index, column in enumerate(COLUMNS, start=1):
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = column.width
        if column.field in TEXT_FIELDS:
            dimension.number_format = "@"
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"

    title = WriteOnlyCell(sheet, value=TITLE)
    title.font = Font(bold=True, size=14)
    title.alignment = Alignment(horizontal="center")
    sheet.append([title])
    sheet.merged_cells.add(f"A1:{get_column_letter(len(COLUMNS))}1")
    sheet.append([_header_cell(sheet, column.header, required=column.required) for column in COLUMNS])
    # The style openpyxl gives a date cell (yyyy-mm-dd), registered in the workbook for the rows' dates.
    data = _SheetRows(first_row=HEADER_ROW + 1, date_style=WriteOnlyCell(sheet, value=datetime.date.min).style_id)
    for values in rows:
        data.append(values)

    _add_dropdowns(workbook, sheet, lists, last_row=HEADER_ROW + data.count + TEMPLATE_ROWS)
    workbook_file = io.BytesIO()
    workbook.save(workbook_file)
    data.insert_into(workbook_file, target, sheet_path=SHEET_PATH)
    return data.count


class _SheetRows:
    """The data rows of the sheet as the XML openpyxl writes for them, kept in a temporary file until the workbook
    around them is written: a number (序号), inline strings, dates as serial numbers in the date style; an empty
    string or None writes no cell. Text is always text: "=…" is never a formula."""

    def __init__(self, *, first_row: int, date_style: int):
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 — closed by insert_into
        self.writer = io.TextIOWrapper(self.file, encoding="utf-8", newline="")
        self.next_row = first_row
        self.date_style = date_style
        self.count = 0

    def append(self, values: Sequence[Any]) -> None:
        self.count += 1
        row = self.next_row
        self.next_row += 1
        cells = [f'<c r="A{row}" t="n"><v>{self.count}</v></c>']
        for letter, value in zip(_DATA_LETTERS, values, strict=True):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                cells.append(f'<c r="{letter}{row}" t="inlineStr"><is>{_text_element(value)}</is></c>')
            elif isinstance(value, datetime.date):
                cells.append(f'<c r="{letter}{row}" s="{self.date_style}" t="n"><v>{to_excel(value)}</v></c>')
            else:
                cells.append(f'<c r="{letter}{row}" t="n"><v>{value}</v></c>')
        self.writer.write(f'<row r="{row}">{"".join(cells)}</row>')

    def insert_into(self, workbook_file: IO[bytes], target: str | IO[bytes], *, sheet_path: str) -> None:
        """Copies the workbook openpyxl wrote to `target`, with the rows at the end of the sheet's <sheetData>."""
        self.writer.flush()
        self.writer.detach()
        with (
            self.file,
            zipfile.ZipFile(workbook_file) as source,
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive,
        ):
            for item in source.infolist():
                if item.filename != sheet_path:
                    archive.writestr(item, source.read(item.filename))
                    continue
                head, tail = source.read(item.filename).split(SHEET_DATA_END)
                with archive.open(item.filename, "w", force_zip64=True) as sheet:
                    sheet.write(head)
                    self.file.seek(0)
                    shutil.copyfileobj(self.file, sheet, 1024 * 1024)
                    sheet.write(SHEET_DATA_END + tail)


def _text_element(value: str) -> str:
    """A string as openpyxl writes it: at most 32,767 characters, refused if it holds characters XML cannot, and
    its surrounding spaces kept."""
    value = value[:32767]
    if ILLEGAL_CHARACTERS_RE.search(value):
        raise IllegalCharacterError(f"{value} cannot be used in worksheets.")
    stripped = value.strip()
    preserve = ' xml:space="preserve"' if stripped and stripped != value else ""
    return f"<t{preserve}>{html.escape(value, quote=False)}</t>"  # & < >, as xml.sax.saxutils.escape


def _header_cell(sheet, header: str, *, required: bool) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=header)
    cell.font = Font(bold=True, color="C00000" if required else "000000")
    cell.fill = PatternFill("solid", fgColor="DDEBF7")
    cell.alignment = Alignment(horizontal="center", vertical="center")
    return cell


def _column_letter(field: str) -> str:
    return get_column_letter(COLUMNS.index(COLUMNS_BY_FIELD[field]) + 1)


def _add_dropdowns(workbook, sheet, lists, *, last_row: int) -> None:
    """Category and city from lists on the hidden sheet; the county from the list named after the row's city."""
    cities = list(Division.objects.filter(level=Division.Level.CITY).prefetch_related("counties").order_by("code"))
    categories = list(CATEGORY_LABELS.values())
    county_lists = [[county.name for county in city.counties.all()] for city in cities]
    height = max(len(categories), len(cities), *(len(names) for names in county_lists), 1)
    lists.append([CATEGORY_LIST, CITY_LIST, *(city.name for city in cities)])
    for index in range(height):
        row = [_at(categories, index), _at([city.name for city in cities], index)]
        lists.append(row + [_at(names, index) for names in county_lists])

    quoted = quote_sheetname(LISTS_TITLE)

    def name_range(name: str, column: int, length: int) -> None:
        letter = get_column_letter(column)
        workbook.defined_names.add(DefinedName(name, attr_text=f"{quoted}!${letter}$2:${letter}${length + 1}"))

    name_range(CATEGORY_LIST, 1, len(categories))
    name_range(CITY_LIST, 2, len(cities))
    for offset, (city, names) in enumerate(zip(cities, county_lists, strict=True)):
        name_range(city.name, 3 + offset, len(names))

    first = HEADER_ROW + 1
    city_column = _column_letter("city")
    for field, formula in (
        ("category", CATEGORY_LIST),
        ("city", CITY_LIST),
        ("county", f"INDIRECT(${city_column}{first})"),
    ):
        # In the file, formulas have no leading "=". A warning, not a stop: the import also takes 湖州 for 湖州市
        # and other spellings the lists do not show.
        validation = DataValidation(
            type="list",
            formula1=formula,
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle=_("Not in the list"),
            error=_("Choose a value from the list."),
        )
        letter = _column_letter(field)
        validation.add(f"{letter}{first}:{letter}{last_row}")
        sheet.data_validations.append(validation)


def _at(values: Sequence[str], index: int) -> str | None:
    return values[index] if index < len(values) else None
