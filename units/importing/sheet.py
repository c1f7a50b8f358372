"""A worksheet's cell values, row by row, read straight from its XML: what openpyxl's read-only
`iter_rows(values_only=True)` yields, at a tenth of the cost.

openpyxl's own read-only reader builds an element tree node and a cell dictionary for every cell, and an object tree
(`Text.from_tree`) for every inline string, through defusedxml's pure-Python parser: at 15,000 rows of 13 columns that
was most of an import's time. Here expat (C) parses the sheet and a few Python callbacks keep only the values. The
workbook around the sheet — which sheet is first, the shared strings, which styles are dates, the 1900 or 1904 epoch —
is still read by openpyxl, as before, except its shared strings (`workbook_for_import`): Excel and WPS keep a list's
texts there, one `Text.from_tree` each in openpyxl, and expat reads them here too.

Untrusted files: the parser refuses any document type declaration, so no entity is ever declared, expanded or
fetched (what defusedxml's `forbid_dtd` does; a worksheet written by Excel, WPS or openpyxl never has one).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterator
from typing import IO, Any
from xml.parsers import expat

from openpyxl.formula.translate import Translator
from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SEPARATOR = " "  # expat's separator between a name's namespace and its local name
ROW, CELL, VALUE, FORMULA, INLINE, TEXT, PHONETIC, STRING = (
    f"{MAIN}{SEPARATOR}{name}" for name in ("row", "c", "v", "f", "is", "t", "rPh", "si")
)
CHUNK_BYTES = 64 * 1024
DIGITS = "0123456789"


class SheetError(Exception):
    """The worksheet's XML is malformed, declares a DTD, or holds a value of the wrong type."""


def workbook_for_import(path):
    """`openpyxl.load_workbook(path, read_only=True, data_only=False, keep_links=False)`, with the shared strings
    read by `shared_strings`."""
    reader = _ExcelReader(path, read_only=True, keep_vba=False, data_only=False, keep_links=False)
    reader.read()
    return reader.wb


class _ExcelReader(ExcelReader):
    def read_strings(self) -> None:
        part = self.package.find(SHARED_STRINGS)
        if part is not None:
            with self.archive.open(part.PartName[1:]) as source:
                self.shared_strings = shared_strings(source)


def shared_strings(source: IO[bytes]) -> list[str]:
    """The workbook's shared strings, as openpyxl's read_string_table gives them: each <si>'s text and rich runs,
    without its phonetic guide, "_x005F_" unescaped as openpyxl does."""
    strings: list[str] = []
    parts: list[str] = []
    state = {"text": False, "phonetic": 0}

    def start(name: str, _attributes: dict[str, str]) -> None:
        if name == STRING:
            parts.clear()
        elif name == PHONETIC:
            state["phonetic"] += 1
        elif name == TEXT and not state["phonetic"]:
            state["text"] = True

    def end(name: str) -> None:
        if name == TEXT:
            state["text"] = False
        elif name == PHONETIC:
            state["phonetic"] -= 1
        elif name == STRING:
            strings.append("".join(parts).replace("x005F_", ""))

    def characters(data: str) -> None:
        if state["text"]:
            parts.append(data)

    parser = expat.ParserCreate(namespace_separator=SEPARATOR)
    parser.buffer_text = True
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, characters
    parser.StartDoctypeDeclHandler = _SheetParser.refuse_dtd
    try:
        parser.ParseFile(source)
    except expat.ExpatError as error:
        raise SheetError(str(error)) from error
    return strings


def sheet_rows(
    source: IO[bytes],
    *,
    shared_strings: list[str],
    epoch: datetime.datetime,
    date_formats: set[int],
    timedelta_formats: set[int],
) -> Iterator[tuple[Any, ...]]:
    """The sheet's rows as tuples of values, from its first row: a missing row is an empty tuple, a missing cell
    None, as openpyxl's read-only sheet yields them once its dimensions are reset."""
    parser = _SheetParser(shared_strings, epoch, date_formats, timedelta_formats)
    counter = 1
    for number, cells in parser.rows(source):
        while counter < number:  # rows the file leaves out
            counter += 1
            yield ()
        if counter == number:  # a row numbered below one already read is skipped, as openpyxl skips it
            counter += 1
            yield _values(cells)


def _values(cells: list[tuple[int, Any]]) -> tuple[Any, ...]:
    if not cells:
        return ()
    values = [None] * cells[-1][0]  # openpyxl's width: up to the row's last cell
    for column, value in cells:
        if 1 <= column <= len(values):
            values[column - 1] = value
    return tuple(values)


class _SheetParser:
    """expat's callbacks, keeping the current row's cells; whole rows are handed out after each chunk parsed."""

    def __init__(self, shared_strings, epoch, date_formats, timedelta_formats):
        self.shared_strings = shared_strings
        self.epoch = epoch
        self.date_formats = date_formats
        self.timedelta_formats = timedelta_formats
        self.shared_formulae: dict[str, Translator] = {}
        self.done: list[tuple[int, list[tuple[int, Any]]]] = []
        self.row_number = 0
        self.column = 0
        self.cells: list[tuple[int, Any]] | None = None  # None outside a row
        self.cell: dict[str, str] | None = None  # the open cell's attributes
        self.value: list[str] | None = None  # the text of its <v>
        self.formula: tuple[dict[str, str], list[str]] | None = None
        self.inline: list[str] | None = None  # the text of its <is>, phonetic runs left out
        self.text: list[str] | None = None  # the buffer character data goes to now
        self.phonetic = 0  # depth inside <rPh>

    def rows(self, source: IO[bytes]) -> Iterator[tuple[int, list[tuple[int, Any]]]]:
        parser = expat.ParserCreate(namespace_separator=SEPARATOR)
        parser.buffer_text = True
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.characters
        parser.StartDoctypeDeclHandler = self.refuse_dtd
        try:
            while chunk := source.read(CHUNK_BYTES):
                parser.Parse(chunk, False)
                yield from self.done
                self.done.clear()
            parser.Parse(b"", True)
        except (expat.ExpatError, ValueError, TypeError, IndexError, OverflowError) as error:
            raise SheetError(str(error)) from error
        yield from self.done
        self.done.clear()

    @staticmethod
    def refuse_dtd(*_args: Any) -> None:
        raise SheetError("a worksheet with a document type declaration")

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if name == ROW:
            number = attributes.get("r")
            self.row_number = _row_number(number) if number else self.row_number + 1
            self.column = 0
            self.cells = []
        elif self.cells is None:
            return
        elif name == CELL:
            self.cell, self.value, self.formula, self.inline = attributes, None, None, None
        elif self.cell is None:
            return
        elif name == VALUE and self.inline is None:
            self.value = self.text = []
        elif name == FORMULA:
            self.formula = (attributes, [])
            self.text = self.formula[1]
        elif name == INLINE:
            self.inline = []
        elif name == PHONETIC:
            self.phonetic += 1
        elif name == TEXT and self.inline is not None and not self.phonetic:
            self.text = self.inline

    def end(self, name: str) -> None:
        if name in (VALUE, FORMULA, TEXT):
            self.text = None
        elif name == PHONETIC:
            self.phonetic -= 1
        elif name == CELL and self.cell is not None and self.cells is not None:
            self.cells.append(self.cell_value())
            self.cell = None
        elif name == ROW and self.cells is not None:
            self.done.append((self.row_number, self.cells))
            self.cells = None

    def characters(self, data: str) -> None:
        if self.text is not None:
            self.text.append(data)

    def cell_value(self) -> tuple[int, Any]:
        """The cell's column and value, as openpyxl's WorkSheetParser.parse_cell makes them (data_only=False)."""
        attributes = self.cell
        coordinate = attributes.get("r")
        if coordinate:
            letters = coordinate.rstrip(DIGITS)
            if letters == coordinate:  # "B" without its row, which openpyxl refuses too
                raise ValueError(f"a cell without its row: {coordinate}")
            self.column = _column_index(letters)
        else:
            self.column += 1
        data_type = attributes.get("t", "n")
        if self.formula is not None:
            return self.column, self.formula_value(coordinate)
        if data_type == "inlineStr":
            return self.column, "".join(self.inline) if self.inline is not None else None
        value = "".join(self.value) if self.value is not None else None
        if not value:
            return self.column, None
        if data_type == "n":
            number = _number(value)
            style = int(attributes.get("s") or 0)
            if style in self.date_formats:
                try:
                    return self.column, from_excel(number, self.epoch, timedelta=style in self.timedelta_formats)
                except (OverflowError, ValueError):
                    return self.column, "#VALUE!"
            return self.column, number
        if data_type == "s":
            return self.column, self.shared_strings[int(value)]
        if data_type == "b":
            return self.column, bool(int(value))
        if data_type == "d":
            return self.column, from_ISO8601(value)
        return self.column, value  # "str" (a formula's cached text), "e" (an error such as #N/A)

    def formula_value(self, coordinate: str | None) -> Any:
        attributes, parts = self.formula
        value = "=" + "".join(parts)
        kind = attributes.get("t")
        if kind == "array":
            return ArrayFormula(ref=attributes.get("ref"), text=value)
        if kind == "shared":
            index = attributes.get("si")
            if index in self.shared_formulae:
                return self.shared_formulae[index].translate_formula(coordinate)
            if value != "=":
                self.shared_formulae[index] = Translator(value, coordinate)
        elif kind == "dataTable":
            return DataTableFormula(**attributes)
        return value


@functools.lru_cache(maxsize=1_024)
def _column_index(letters: str) -> int:
    """B → 2: a sheet names the same few columns in every row."""
    return column_index_from_string(letters)


def _row_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        number = float(text)
        if not number.is_integer():
            raise
        return int(number)


def _number(text: str) -> int | float:
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)
