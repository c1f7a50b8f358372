"""The import's worksheet reader (units/importing/sheet.py) gives the values openpyxl's read-only reader gives."""

from __future__ import annotations

import datetime
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.reader.strings import read_string_table
from openpyxl.utils.datetime import WINDOWS_EPOCH

from units.importing import reading
from units.importing.sheet import SheetError, shared_strings, sheet_rows, workbook_for_import

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _workbook_with_sheet(tmp_path: Path, sheet_data: str, *, strings: list[str] = (), doctype: str = "") -> Path:
    """A workbook saved by openpyxl (its styles: 1 is a date, 2 a duration) whose first sheet's rows are replaced by
    `sheet_data`, with `strings` as its shared strings: a sheet as Excel or WPS write it."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A1"] = datetime.date(2025, 3, 14)  # style 1: yyyy-mm-dd
    sheet["A2"] = datetime.timedelta(hours=6)  # style 2: [h]:mm:ss
    plain = tmp_path / "plain.xlsx"
    workbook.save(plain)
    with zipfile.ZipFile(plain) as source:
        members = {item.filename: source.read(item.filename) for item in source.infolist()}
    members["xl/worksheets/sheet1.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<worksheet xmlns="{MAIN}">'
        f"<sheetData>{sheet_data}</sheetData></worksheet>"
    ).encode()
    if strings:
        items = "".join(f"<si><t>{text}</t></si>" for text in strings)
        members["xl/sharedStrings.xml"] = f'<sst xmlns="{MAIN}">{items}</sst>'.encode()
        members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        )
        members["xl/_rels/workbook.xml.rels"] = members["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>",
            b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            b'sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        )
    path = tmp_path / "crafted.xlsx"
    with zipfile.ZipFile(path, "w") as target:
        for name, data in members.items():
            target.writestr(name, data)
    return path


def _openpyxl_rows(path: Path) -> list[tuple]:
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=False, keep_links=False)
    sheet = workbook.worksheets[0]
    sheet.reset_dimensions()
    rows = [_comparable(row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def _our_rows(path: Path) -> list[tuple]:
    workbook = workbook_for_import(path)
    rows = [_comparable(row) for row in reading._sheet_rows(workbook, workbook.worksheets[0])]
    workbook.close()
    return rows


def _comparable(row: tuple) -> tuple:
    return tuple(
        (type(value).__name__, getattr(value, "text", None), getattr(value, "ref", None))
        if type(value).__name__ in ("ArrayFormula", "DataTableFormula")
        else value
        for value in row
    )


SHEETS = {
    "inline strings, rich runs and a phonetic guide": (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>序号</t></is></c>'
        '<c r="B1" t="inlineStr"><is><r><t>杭州</t></r><r><rPr><b/></rPr><t xml:space="preserve">市 </t></r>'
        '<rPh sb="0" eb="2"><t>hangzhou</t></rPh></is></c>'
        '<c r="C1" t="inlineStr"><is><t/></is></c><c r="D1" t="inlineStr"/></row>'
    ),
    "numbers, dates, times, booleans, errors and cached formula text": (
        '<row r="1"><c r="A1"><v>13812345678</v></c><c r="B1"><v>3.5</v></c><c r="C1"><v>1E3</v></c>'
        '<c r="D1" s="1"><v>45730</v></c><c r="E1" s="2"><v>0.25</v></c><c r="F1" t="b"><v>1</v></c>'
        '<c r="G1" t="e"><v>#N/A</v></c><c r="H1" t="str"><v>文本</v></c><c r="I1" t="d"><v>2025-03-14T00:00:00</v></c>'
        '<c r="J1"><v></v></c><c r="K1" s="1"><v>99999999</v></c></row>'
    ),
    "formulas: plain, shared, array and data table": (
        '<row r="1"><c r="A1"><f>SUM(B1:C1)</f><v>3</v></c>'
        '<c r="B1"><f t="shared" ref="B1:B3" si="0">C1*2</f><v>2</v></c>'
        '<c r="C1"><f t="array" ref="C1:C2">TRANSPOSE(D1:E1)</f></c>'
        '<c r="D1"><f t="dataTable" ref="D1:D2" dt2D="0" dtr="0" r1="E1"/></c></row>'
        '<row r="2"><c r="B2"><f t="shared" si="0"/><v>4</v></c></row>'
        '<row r="3"><c r="B3"><f t="shared" si="0"/></c></row>'
    ),
    "rows and cells left out, or without their numbers": (
        '<row r="2"><c r="C2" t="inlineStr"><is><t>c</t></is></c></row>'
        '<row r="5"><c r="B5"><v>1</v></c><c r="E5"><v>2</v></c></row>'
        '<row><c><v>7</v></c><c><v>8</v></c><c r="E7"><v>9</v></c><c><v>10</v></c></row>'
        '<row r="8"/><row r="4"><c r="A4"><v>4</v></c></row><row r="9.0"><c r="A9"><v>1</v></c></row>'
    ),
    "shared strings": ('<row r="1"><c r="A1" t="s"><v>1</v></c><c r="B1" t="s"><v>0</v></c></row>'),
}


@pytest.mark.parametrize("sheet_data", SHEETS.values(), ids=SHEETS.keys())
def test_the_sheet_reads_as_openpyxls_reader_reads_it(tmp_path, sheet_data):
    path = _workbook_with_sheet(tmp_path, sheet_data, strings=["名称", "统一社会信用代码"])
    expected = _openpyxl_rows(path)
    assert expected  # the crafted sheet is read at all
    assert _our_rows(path) == expected


def test_a_date_too_large_for_a_date_reads_as_openpyxl_reads_it(tmp_path):
    # openpyxl warns of the out-of-range date and reads it as #VALUE!; so does the import.
    path = _workbook_with_sheet(tmp_path, SHEETS["numbers, dates, times, booleans, errors and cached formula text"])
    with pytest.warns(UserWarning, match="outside the limits for dates"):
        expected = _openpyxl_rows(path)
    assert _our_rows(path)[0][10] == expected[0][10] == "#VALUE!"


BILLION_LAUGHS = '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'


def test_a_sheet_declaring_entities_is_refused_unread(tmp_path):
    sheet_data = '<row r="1"><c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row>'
    source = io.BytesIO(
        f'<?xml version="1.0"?>{BILLION_LAUGHS}<worksheet xmlns="{MAIN}"><sheetData>{sheet_data}</sheetData>'
        "</worksheet>".encode()
    )
    with pytest.raises(SheetError):
        list(sheet_rows(source, shared_strings=[], epoch=WINDOWS_EPOCH, date_formats=set(), timedelta_formats=set()))
    # The whole file is refused too (openpyxl's defusedxml refuses it first, when it opens the workbook).
    path = _workbook_with_sheet(tmp_path, sheet_data, doctype=BILLION_LAUGHS)
    assert [problem.code for problem in reading.read_file(path).problems] == ["not_xlsx"]


def test_a_malformed_sheet_is_not_an_xlsx(tmp_path):
    path = _workbook_with_sheet(tmp_path, '<row r="1"><c r="A1"><v>1</v></row>')
    assert [problem.code for problem in reading.read_file(path).problems] == ["not_xlsx"]


def test_shared_strings_read_as_openpyxl_reads_them():
    table = (
        f'<sst xmlns="{MAIN}"><si><t>名称</t></si><si><t xml:space="preserve"> 空格 </t></si><si><t/></si>'
        '<si><r><t>杭州</t></r><r><rPr><b/></rPr><t>市</t></r><rPh sb="0" eb="2"><t>hangzhou</t></rPh></si>'
        "<si><t>a_x005F_x000D_b</t></si><si><t>&lt;&amp;&gt;</t></si></sst>"
    ).encode()
    assert shared_strings(io.BytesIO(table)) == read_string_table(io.BytesIO(table))
    assert shared_strings(io.BytesIO(table))[3] == "杭州市"
    with pytest.raises(SheetError):
        shared_strings(io.BytesIO(f'<?xml version="1.0"?>{BILLION_LAUGHS}<sst xmlns="{MAIN}"/>'.encode()))


def test_a_file_with_shared_strings_is_read_as_openpyxl_reads_it(tmp_path):
    path = _workbook_with_sheet(tmp_path, SHEETS["shared strings"], strings=["名称", "统一社会信用代码"])
    workbook = workbook_for_import(path)
    assert workbook.worksheets[0]._shared_strings == ["名称", "统一社会信用代码"]
    workbook.close()
    assert _our_rows(path) == _openpyxl_rows(path) == [("统一社会信用代码", "名称")]
