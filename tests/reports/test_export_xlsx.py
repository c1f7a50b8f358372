"""The xlsx renderer, opened back with openpyxl and checked cell by cell: one sheet per part, the period and scope
in the first row, bold headers, numbers as numbers with their formats, totals as values, frozen header rows, widths,
and text that a spreadsheet would run as a formula escaped."""

import datetime
import io

import openpyxl
import pytest

from reports.document import Column, Part, ReportDocument, Table
from reports.exporting.xlsx import escape_text, sheet_name, write_xlsx
from tests.reports.export_samples import CITIES, NO_CONTACT_ROWS, sample_document


@pytest.fixture(scope="module")
def workbook():
    target = io.BytesIO()
    write_xlsx(sample_document(), target)
    target.seek(0)
    return openpyxl.load_workbook(target)


def values(sheet, row: int) -> list:
    return [cell.value for cell in sheet[row]]


def test_one_sheet_per_part_named_after_it(workbook):
    assert workbook.sheetnames == ["总体情况", "按设区市", "60天以上未联系单位", "工作总结"]


def test_the_first_row_says_the_period_the_title_the_scope_and_the_part(workbook):
    assert workbook["总体情况"]["A1"].value == "2026年上半年 知识产权护航行动工作报告 — 全省 — 总体情况"
    assert workbook["总体情况"]["A1"].font.bold
    assert workbook["按设区市"]["A1"].value == "2026年上半年 知识产权护航行动工作报告 — 全省 — 按设区市"
    subtitle = workbook["总体情况"]["A2"].value
    assert subtitle.startswith("浙江省知识产权局 · ")
    assert subtitle.endswith("2026-07-20")  # generated_at in Hangzhou's time
    assert values(workbook["总体情况"], 3) == [None] * 6


def test_a_table_has_its_title_a_bold_filled_header_its_rows_its_total_and_its_note(workbook):
    sheet = workbook["总体情况"]
    assert sheet["A4"].value == "主要指标"
    assert sheet["A4"].font.bold
    assert values(sheet, 5) == ["指标", "本期", "上期", "较上期", "按时率", "平均评分"]
    for cell in sheet[5]:
        assert cell.font.bold
        assert cell.fill.fgColor.rgb == "00DDEBF7"
    assert values(sheet, 6) == ["服务单位数", 1234, 1100, 134, 0.875, 4.5]
    assert values(sheet, 7) == ["服务活动数", 56, 60, -4, 1, 4.26]
    assert values(sheet, 8) == ["收到需求数", 7, 7, 0, None, None]
    assert values(sheet, 9) == ["合计", 1297, 1167, 130, 0.9, 4.4]
    assert all(cell.font.bold for cell in sheet[9])
    assert sheet["A10"].value == "按时率 = 按时答复的需求数 / 收到的需求数"
    assert sheet.max_row == 10


def test_numbers_are_numbers_with_the_format_of_their_column_kind(workbook):
    sheet = workbook["总体情况"]
    formats = [cell.number_format for cell in sheet[6]]
    assert formats == ["General", "#,##0", "#,##0", "+#,##0;-#,##0;0", "0.0%", "0.0"]
    for row in (6, 7, 9):
        for cell in sheet[row][1:]:
            assert cell.data_type == "n", cell.coordinate
            assert isinstance(cell.value, int | float)
    assert isinstance(sheet["B8"].value, int)  # 7.0 from JSON is written as the whole number it is
    # A change column holding a fraction shows one decimal throughout (+0.5 above -1.0), one of whole numbers none.
    cities = workbook["按设区市"]
    assert cities["C6"].value == 0.5
    assert cities["C7"].value == -1
    assert {cities.cell(row, 3).number_format for row in range(6, 17)} == {"+#,##0.0;-#,##0.0;0"}
    assert {sheet.cell(row, 4).number_format for row in range(6, 10)} == {"+#,##0;-#,##0;0"}


def test_totals_are_values_never_formulas(workbook):
    cities = workbook["按设区市"]
    total_row = 6 + len(CITIES)
    assert values(cities, total_row) == ["合计", 10 * 11 + 55, None]
    for sheet in workbook:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate}"


def test_dates_are_dates_whether_they_came_as_dates_or_iso_strings(workbook):
    sheet = workbook["60天以上未联系单位"]
    assert sheet["D6"].value.date() == datetime.date(2026, 3, 1)  # openpyxl reads a date cell as a datetime
    assert sheet["D6"].number_format == "yyyy-mm-dd"
    assert sheet["D7"].value.date() == datetime.date(2026, 2, 15)
    assert sheet["D7"].number_format == "yyyy-mm-dd"
    assert sheet["D8"].value is None


def test_text_that_a_spreadsheet_would_run_as_a_formula_is_escaped(workbook):
    sheet = workbook["60天以上未联系单位"]
    assert sheet["A6"].value == "'=1+1"
    assert sheet["A7"].value == "'@SUM(A1)"
    assert sheet["C7"].value == "'+86 571 8888"
    assert sheet["A8"].value == "'-5 实验室"
    assert sheet["C8"].value == "'\t隐藏"
    for coordinate in ("A6", "A7", "C7", "A8", "C8"):
        assert sheet[coordinate].data_type == "s"
    assert sheet["A9"].value == "未联系单位000"  # ordinary text untouched
    assert workbook["工作总结"]["A9"].value == "'=部分单位联系频次不足。"  # text sections too


def test_escape_text_follows_owasp():
    assert escape_text("=1+1") == "'=1+1"
    assert escape_text("@SUM(A1)") == "'@SUM(A1)"
    assert escape_text("+1") == "'+1"
    assert escape_text("-1") == "'-1"
    assert escape_text("\r=1") == "'\r=1"
    assert escape_text("杭州市=1") == "杭州市=1"
    assert escape_text("") == ""


def test_the_header_row_of_the_first_table_is_frozen(workbook):
    assert workbook["总体情况"].freeze_panes == "A6"
    assert workbook["按设区市"].freeze_panes == "A6"
    assert workbook["60天以上未联系单位"].freeze_panes == "A6"
    assert workbook["工作总结"].freeze_panes is None  # no table, nothing to freeze


def test_widths_come_from_the_columns_and_the_width_of_their_chinese_labels(workbook):
    widths = {key: dimension.width for key, dimension in workbook["总体情况"].column_dimensions.items()}
    assert widths == {"A": 24, "B": 12, "C": 12, "D": 12, "E": 12, "F": 12}
    cities = workbook["按设区市"].column_dimensions
    assert cities["A"].width == 10
    assert cities["B"].width == 14  # 重点服务对象: six Chinese characters are twelve columns, plus a margin
    no_contact = workbook["60天以上未联系单位"].column_dimensions
    assert [no_contact[letter].width for letter in "ABCDE"] == [30, 8, 18, 14, 12]  # 最近联系日期 is 12 + 2


def test_a_long_table_is_written_whole(workbook):
    sheet = workbook["60天以上未联系单位"]
    assert sheet.max_row == 5 + NO_CONTACT_ROWS
    last = values(sheet, 5 + NO_CONTACT_ROWS)
    assert last[:3] + last[4:] == ["未联系单位066", "杭州市", "护航服务第02团队", 90]
    assert last[3].date() == datetime.date(2026, 4, 1)


def test_text_sections_are_wrapped_paragraphs_across_the_sheet(workbook):
    sheet = workbook["工作总结"]
    assert sheet["A4"].value == "工作开展情况"
    assert sheet["A4"].font.bold
    assert sheet["A5"].value == "上半年共走访服务对象56家次。"
    assert sheet["A6"].value == "• 开展政策宣讲12场\n• 专利导航3项"  # a typed list, not a formula
    assert sheet["A6"].alignment.wrap_text
    assert sheet.row_dimensions[6].height == 32  # two lines
    assert sheet["A8"].value == "存在问题"
    assert sheet.column_dimensions["A"].width == 100


def test_paragraphs_span_the_columns_of_a_part_with_tables():
    document = sample_document(parts=1)
    document.parts[0].texts.append(sample_document().parts[3].texts[0])
    target = io.BytesIO()
    write_xlsx(document, target)
    sheet = openpyxl.load_workbook(target)["总体情况"]
    assert sheet["A12"].value == "工作开展情况"
    assert [str(merged) for merged in sheet.merged_cells.ranges] == ["A13:F13", "A14:F14"]


def test_sheet_names_are_valid_and_unique():
    taken: set[str] = set()
    assert sheet_name("概况", taken=taken) == "概况"
    assert sheet_name("概况", taken=taken) == "概况 (2)"
    assert sheet_name("a/b:c?[d]*", taken=taken) == "a_b_c__d__"
    long = "很长的部分标题" * 6
    name = sheet_name(long, taken=taken)
    assert name == long[:31]
    assert sheet_name(long, taken=taken) == long[:27] + " (2)"
    assert len(sheet_name(long, taken=taken)) == 31


def test_progress_is_reported_after_each_part_and_a_path_is_a_target(tmp_path):
    done = []
    path = tmp_path / "report.xlsx"
    write_xlsx(sample_document(), str(path), on_part=done.append)
    assert done == [1, 2, 3, 4]
    assert openpyxl.load_workbook(path).sheetnames[0] == "总体情况"


def test_a_document_without_parts_still_makes_a_workbook():
    document = ReportDocument(
        "2026年上半年知识产权护航行动工作报告", "2026H1", "2026年上半年", "杭州市", "浙江省知识产权局", []
    )
    target = io.BytesIO()
    write_xlsx(document, target)
    sheet = openpyxl.load_workbook(target).active
    assert sheet.title == "杭州市"
    assert sheet["A1"].value == "2026年上半年 知识产权护航行动工作报告 — 杭州市"


def test_a_table_without_rows_keeps_its_header():
    document = ReportDocument(
        "报告",
        "2026H1",
        "2026年上半年",
        "全省",
        "浙江省知识产权局",
        [
            Part(
                "cases",
                "典型案例",
                tables=[Table("典型案例", [Column("单位", "text", 30), Column("日期", "date")], [])],
            )
        ],
    )
    target = io.BytesIO()
    write_xlsx(document, target)
    sheet = openpyxl.load_workbook(target)["典型案例"]
    assert sheet["A1"].value == "2026年上半年 报告 — 全省 — 典型案例"
    assert values(sheet, 5) == ["单位", "日期"]
    assert sheet.freeze_panes == "A6"
