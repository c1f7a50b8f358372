"""Reading and checking a file: is it a safe .xlsx, where is its header, and is every row right? Writes nothing."""

from __future__ import annotations

import datetime
import functools
import itertools
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from huhang.masking import is_masked
from huhang.text import clean_text, normalise_identifier
from huhang.uploads import OFFICE_MALFORMED, ZIP_MAGIC, office_refusal, zip_members_unsafe
from units.credit_code import normalise_credit_code, validate_credit_code
from units.importing.columns import CATEGORY_LABELS, CATEGORY_NAMES, COLUMNS, COLUMNS_BY_FIELD, REQUIRED_FIELDS
from units.importing.result import ImportResult, Problem, UnitRow
from units.importing.sheet import sheet_rows, workbook_for_import
from units.models import Division, Unit
from units.validators import normalise_phone, validate_phone

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000  # rows below the header, counted while reading
HEADER_SEARCH_ROWS = 10  # the header may sit below title rows; it is looked for in this many rows
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and .xlsx files saved with a password
# Cells matched against a vocabulary or checked as identifiers: their full-width characters are folded (NFKC). The
# other cells — names, addresses, batches — are kept as typed, only their white space tidied (huhang/text.py).
IDENTIFIER_FIELDS = frozenset({"credit_code", "category", "city", "county", "phone", "email"})


def too_large() -> Problem:
    return Problem(None, "", "too_large", {"limit": MAX_FILE_BYTES // (1024 * 1024)})


class _Unreadable(Exception):
    """openpyxl failed on the file's contents."""


def inspect_file(path: str | Path) -> list[Problem]:
    """Whether the file is a safe .xlsx at all; looked at before openpyxl opens it."""
    path = Path(path)
    if path.stat().st_size > MAX_FILE_BYTES:
        return [too_large()]
    with path.open("rb") as f:
        magic = f.read(8)
    if magic.startswith(OLE2_MAGIC):
        return [Problem(None, "", "old_format")]
    if not magic.startswith(ZIP_MAGIC) or not zipfile.is_zipfile(path):
        return [Problem(None, "", "not_xlsx")]
    try:
        with zipfile.ZipFile(path) as archive:
            if zip_members_unsafe(archive.infolist()):
                return [Problem(None, "", "unsafe_zip")]
            # Macros or external links (huhang/uploads.py): refused like an attachment, with the same reason.
            refusal = office_refusal(archive)
    except (zipfile.BadZipFile, OSError, ValueError):
        return [Problem(None, "", "not_xlsx")]
    if refusal == OFFICE_MALFORMED:
        return [Problem(None, "", "not_xlsx")]
    return [Problem(None, "", refusal)] if refusal else []


def read_file(path: str | Path) -> ImportResult:
    """Checks the file and reads its rows; problems are reported, nothing is compared with the list."""
    problems = inspect_file(path)
    if problems:
        return ImportResult(problems=problems)
    try:
        workbook = workbook_for_import(path)
    except Exception:  # whatever openpyxl cannot open is not a workbook this import can read
        return ImportResult(problems=[Problem(None, "", "not_xlsx")])
    try:
        return _read_sheet(workbook)
    except _Unreadable:
        return ImportResult(problems=[Problem(None, "", "not_xlsx")])
    finally:
        workbook.close()


def _read_sheet(workbook) -> ImportResult:
    sheets = [sheet for sheet in workbook.worksheets if hasattr(sheet, "iter_rows")]
    if not sheets:
        raise _Unreadable
    sheet = sheets[0]
    rows = _guarded(_sheet_rows(workbook, sheet))
    head = list(itertools.islice(rows, HEADER_SEARCH_ROWS))
    header = _find_header(head)
    result = ImportResult(header_row=header.row, ignored_columns=header.ignored, problems=header.problems)
    if header.row is None or result.problems:
        return result

    checker = _RowChecker(header)
    below = itertools.chain(head[header.row :], rows)
    for offset, values in enumerate(below, start=1):
        # Counted while streaming, so an oversized sheet is refused without being read to its end.
        if offset > MAX_ROWS:
            return ImportResult(
                header_row=header.row, problems=[Problem(None, "", "too_many_rows", {"limit": MAX_ROWS})]
            )
        cells = {f: values[i] if i < len(values) else None for f, i in header.indexes.items()}
        if all(_is_blank(value) for value in cells.values()):
            continue
        result.rows_read += 1
        row, problems = checker.check(header.row + offset, cells)
        result.problems.extend(problems)
        if row is not None:
            result.rows.append(row)
    if not result.rows_read:
        result.problems.append(Problem(None, "", "no_rows"))
    return result


def _sheet_rows(workbook, sheet) -> Iterator[tuple]:
    """The sheet's values row by row, as `sheet.iter_rows(values_only=True)` gives them once its dimensions are reset
    (some writers declare wrong ones: what is there is read), parsed by units/importing/sheet.py at a tenth of the
    cost; the workbook's date styles and epoch as openpyxl read them."""
    with sheet._get_source() as source:
        yield from sheet_rows(
            source,
            shared_strings=sheet._shared_strings,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )


def _guarded(rows: Iterator[tuple]) -> Iterator[tuple]:
    """openpyxl's rows, with its failures on a malformed sheet turned into one exception of ours."""
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except Exception as error:
            raise _Unreadable from error
        yield values


@dataclass
class _Header:
    row: int | None = None  # 1-based
    indexes: dict[str, int] = field(default_factory=dict)  # field → column index
    headers: dict[str, str] = field(default_factory=dict)  # field → header as the file writes it
    ignored: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _header_key(value: object) -> str:
    key = re.sub(r"[\s*]", "", normalise_identifier(value)).lower()  # NFKC has made ＊ and （） half-width
    return re.sub(r"\((必填|选填|可选)\)$", "", key)


@functools.cache
def _header_lookup() -> dict[str, str]:
    return {_header_key(name): c.field for c in COLUMNS for name in (c.header, *c.synonyms)}


def _find_header(head: list[tuple]) -> _Header:
    lookup = _header_lookup()
    scores = [sum(1 for value in values if _header_key(value) in lookup) for values in head]
    if not scores or max(scores) < 2:
        required = "、".join(COLUMNS_BY_FIELD[f].header for f in REQUIRED_FIELDS)
        return _Header(problems=[Problem(None, "", "no_header", {"rows": HEADER_SEARCH_ROWS, "columns": required})])
    index = scores.index(max(scores))
    header = _Header(row=index + 1)
    for position, value in enumerate(head[index]):
        text = " ".join(str(value).split()) if value is not None else ""  # shown as the sender wrote it
        if not text:
            continue
        name = lookup.get(_header_key(value))
        if name is None:
            header.ignored.append(text)
        elif name in header.indexes:
            header.problems.append(Problem(header.row, text, "duplicate_column", {"column": header.headers[name]}))
        else:
            header.indexes[name] = position
            header.headers[name] = text
    missing = [f for f in REQUIRED_FIELDS if f not in header.indexes]
    # Phone numbers and e-mail addresses belong to a contact: without the contact's name they cannot be saved.
    if "contact_name" not in header.indexes and ({"phone", "email"} & set(header.indexes)):
        missing.append("contact_name")
    for name in missing:
        column = COLUMNS_BY_FIELD[name].header
        header.problems.append(Problem(header.row, column, "missing_column", {"column": column}))
    header.indexes.pop("seq", None)  # numbered by the sender; the import has no use for it
    return header


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not clean_text(value))


def _is_formula(value: object) -> bool:
    # Read with data_only=False, a formula cell holds its formula text. It is refused, never evaluated.
    return isinstance(value, ArrayFormula | DataTableFormula) or (isinstance(value, str) and value.startswith("="))


def _text(value: object, *, identifier: bool = False) -> str:
    """A cell as text: an identifier's full-width characters folded, any other text kept as typed."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 13812345678 typed into a number cell comes back as 13812345678.0
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        value = value.date()
    return normalise_identifier(value) if identifier else clean_text(value)


class _Divisions:
    """Zhejiang's divisions, matched the way senders write them: 湖州 or 湖州市, 西湖 or 西湖区, or by code."""

    def __init__(self):
        self.by_code = {d.code: d for d in Division.objects.all()}
        for division in self.by_code.values():
            if division.city_id:
                division.city = self.by_code[division.city_id]  # so str(county) reads no row
        self.cities = {self._city_key(d.name): d for d in self.by_code.values() if d.level == Division.Level.CITY}
        self.counties: dict[str, list[Division]] = defaultdict(list)
        for division in self.by_code.values():
            if division.level == Division.Level.COUNTY:
                self.counties[division.city_id].append(division)
        # A list names the same few hundred divisions over and over: each spelling is matched once.
        self.city = functools.cache(self.city)
        self.county = functools.cache(self.county)

    @staticmethod
    def _city_key(text: str) -> str:
        return re.sub(r"市$", "", re.sub(r"^浙江省?", "", re.sub(r"\s", "", text)))

    def city(self, text: str) -> Division | None:
        division = self.by_code.get(text)
        if division is not None:
            return division if division.level == Division.Level.CITY else None
        return self.cities.get(self._city_key(text))

    def county(self, city: Division, text: str) -> Division | None:
        division = self.by_code.get(text)
        if division is not None:
            return division if division.city_id == city.code else None
        name = re.sub(r"^浙江省?", "", re.sub(r"\s", "", text))
        name = re.sub(rf"^{re.escape(city.name)}|^{re.escape(self._city_key(city.name))}市?", "", name) or name
        counties = self.counties[city.code]
        exact = [d for d in counties if d.name == name]
        if exact:
            return exact[0]
        # 西湖 for 西湖区, 余姚 for 余姚市: accepted when only one division of the city fits.
        short = [d for d in counties if re.sub(r"[区县市]$", "", d.name) == re.sub(r"[区县市]$", "", name)]
        return short[0] if len(short) == 1 else None


@functools.lru_cache(maxsize=1_000)
def _category_key(text: str) -> str:
    return re.sub(r"[\s\"'“”‘’「」『』]", "", normalise_identifier(text)).lower()


@functools.cache
def _category_lookup() -> dict[str, str]:
    lookup = {_category_key(name): category.value for category, names in CATEGORY_NAMES.items() for name in names}
    with translation.override("en"):
        for category in Unit.Category:
            lookup.setdefault(_category_key(str(category.label)), category.value)
            lookup.setdefault(_category_key(category.value), category.value)
    return lookup


DATE_RE = re.compile(r"(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*[.\-/月]\s*(\d{1,2})\s*日?(?:\s+0{1,2}:00(?::00)?)?")


def _date(value: object) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and 20_000 < value < 80_000:  # an Excel serial date in a general cell
        return from_excel(value).date()
    text = _text(value, identifier=True)
    match = DATE_RE.fullmatch(text) or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    if match is None:
        return None
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


class _RowChecker:
    """Checks one row at a time and remembers what a later row must not repeat (its credit code)."""

    def __init__(self, header: _Header):
        self.header = header
        self.divisions = _Divisions()
        self.codes_seen: dict[str, int] = {}

    def check(self, row: int, cells: dict[str, Any]) -> tuple[UnitRow | None, list[Problem]]:
        problems: list[Problem] = []

        def problem(name: str, code: str, **params: Any) -> None:
            problems.append(Problem(row, self.header.headers[name], code, params))

        values = self._values(cells, problem)
        code = self._credit_code(row, values, problem)
        category = self._category(values, problem)
        county = self._county(values, problem)
        contact = self._contact(values, problem)
        selected_on = None
        if not _is_blank(values.get("selected_on")):
            selected_on = _date(values["selected_on"])
            if selected_on is None:
                problem("selected_on", "invalid_date", value=_text(values["selected_on"], identifier=True))
        if problems:
            return None, problems
        unit = {"name": values["name"], "credit_code": code, "category": category, "division": county}
        unit.update({f: values[f] for f in ("technical_field", "address") if f in values})
        return UnitRow(row, unit, contact, selected_on, values.get("batch", "")), []

    def _values(self, cells: dict[str, Any], problem: Callable[..., None]) -> dict[str, Any]:
        """The cells as text (dates as they are), without formulas; required and over-long cells reported."""
        values: dict[str, Any] = {}
        refused = set()
        for name, raw in cells.items():
            if _is_formula(raw):
                problem(name, "formula", value=_shorten(str(getattr(raw, "text", raw))))
                refused.add(name)
            elif name == "credit_code" and isinstance(raw, float):
                problem(name, "credit_code_number")
                refused.add(name)
            elif name == "selected_on":
                values[name] = raw
            else:
                values[name] = _text(raw, identifier=name in IDENTIFIER_FIELDS)
                limit = COLUMNS_BY_FIELD[name].max_length
                if limit and len(values[name]) > limit:
                    problem(name, "too_long", limit=limit, length=len(values[name]))
        for name in REQUIRED_FIELDS:
            if not values.get(name) and name not in refused:
                problem(name, "required")
        return values

    def _credit_code(self, row: int, values: dict[str, Any], problem: Callable[..., None]) -> str:
        code = normalise_credit_code(values.get("credit_code", ""))
        if not code:
            return code
        try:
            validate_credit_code(code)
        except ValidationError as error:
            problem("credit_code", f"credit_code_{error.code}", **{"value": code, **(error.params or {})})
            return code
        first = self.codes_seen.setdefault(code, row)
        if first != row:
            problem("credit_code", "duplicate_code", first=first)
        return code

    def _category(self, values: dict[str, Any], problem: Callable[..., None]) -> str | None:
        if not values.get("category"):
            return None
        category = _category_lookup().get(_category_key(values["category"]))
        if category is None:
            choices = "、".join(CATEGORY_LABELS.values())
            problem("category", "unknown_category", value=values["category"], choices=choices)
        return category

    def _county(self, values: dict[str, Any], problem: Callable[..., None]) -> Division | None:
        if not values.get("city"):
            return None
        city = self.divisions.city(values["city"])
        if city is None:
            problem("city", "unknown_city", value=values["city"])
            return None
        if not values.get("county"):
            return None
        county = self.divisions.county(city, values["county"])
        if county is None:
            problem("county", "unknown_county", value=values["county"], city=city.name)
        return county

    def _contact(self, values: dict[str, Any], problem: Callable[..., None]) -> dict[str, str]:
        """The primary contact's fields. A column left empty clears its field; a column the file lacks is kept."""
        # A masked value (an export sent back: units/exporting.py) keeps the stored one, as a missing column does.
        masked = {name for name in ("phone", "email") if is_masked(values.get(name) or "")}
        values = {name: value for name, value in values.items() if name not in masked}
        contact = {name: "" for name in ("phone", "email") if name in self.header.indexes and name not in masked}
        if values.get("phone"):
            contact["phone"] = normalise_phone(values["phone"])
            try:
                validate_phone(contact["phone"])
            except ValidationError:
                problem("phone", "invalid_phone", value=values["phone"])
        if values.get("email"):
            contact["email"] = values["email"]
            try:
                validate_email(contact["email"])
            except ValidationError:
                problem("email", "invalid_email", value=values["email"])
        if not values.get("contact_name"):
            if any(contact.values()):
                problem("contact_name", "contact_required")
            return {}  # the row names no contact: the unit's contacts stay as they are
        return {"name": values["contact_name"], **contact}


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
