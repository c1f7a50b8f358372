"""The PDF renderer, read back with poppler: the cover, the table of contents with the chapters' page numbers, the
figures formatted, a table that spans pages repeating its header row, the charts' labels, the page footer, and the
Chinese font embedded."""

import dataclasses
import re
import shutil
import subprocess
import time

import pytest
from django.utils.translation import gettext

from reports.document import Column, Table
from reports.exporting.pdf import (
    EM_MM,
    MAX_MIN_WIDTH,
    PADDING_MM,
    TEXT_WIDTH_MM,
    _column_layout,
    _ems,
    chapter_number,
    write_pdf,
)
from tests.reports.export_samples import sample_document

PDFTOTEXT, PDFFONTS = shutil.which("pdftotext"), shutil.which("pdffonts")

pytestmark = pytest.mark.skipif(not (PDFTOTEXT and PDFFONTS), reason="poppler-utils is not installed")


def pdf_pages(content: bytes, tmp_path) -> list[str]:
    """The text of each page (pdftotext -layout separates pages by form feeds)."""
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    text = subprocess.run([PDFTOTEXT, "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


@pytest.fixture(scope="module")
def rendered():
    progress = []
    started = time.monotonic()
    content = write_pdf(sample_document(), on_part=progress.append)
    return content, time.monotonic() - started, progress


@pytest.fixture
def pages(rendered, tmp_path):
    return pdf_pages(rendered[0], tmp_path)


def page_of(pages: list[str], needle: str) -> int:
    """The number (from 1) of the first page holding `needle`."""
    return next(number for number, page in enumerate(pages, start=1) if needle in page)


def test_it_is_a_pdf_built_in_a_few_seconds_with_progress_per_part(rendered):
    content, elapsed, progress = rendered
    assert content.startswith(b"%PDF")
    assert elapsed < 10
    assert progress == [1, 2, 3, 4]


def test_the_cover_names_the_report_the_period_the_scope_the_office_and_the_date(pages):
    cover = pages[0]
    assert "浙江省知识产权局" in cover
    assert "2026年上半年知识产权护航行动工作报告" in cover
    assert "2026年上半年（2026H1）" in cover
    assert "全省" in cover
    assert "2026-07-20" in cover
    assert "总体情况" not in cover  # the chapters start after the cover and the contents


def test_every_page_says_its_number_and_the_count(pages):
    count = len(pages)
    assert count >= 6
    for number, page in enumerate(pages, start=1):
        assert re.search(rf"第\s*{number}\s*页\s*/\s*共\s*{count}\s*页", page), number


def test_the_table_of_contents_gives_each_chapter_its_page(pages):
    contents = pages[1]
    found = re.findall(r"([一二三四])、(\S+?)\s*\.{3,}\s*(\d+)", contents)
    entries = {f"{numeral}、{title}": int(page) for numeral, title, page in found}
    assert list(entries) == ["一、总体情况", "二、按设区市", "三、60天以上未联系单位", "四、工作总结"]
    for heading, page in entries.items():
        assert page == page_of(pages[2:], heading) + 2, heading  # the chapter's heading is on the page it names
    assert entries["一、总体情况"] == 3


def test_figures_are_formatted_by_their_column_kind(pages):
    summary = pages[page_of(pages[2:], "一、总体情况") + 1]
    assert re.search(r"服务单位数\s+1,234\s+1,100\s+\+134\s+87\.5%\s+4\.5", summary)
    assert re.search(r"服务活动数\s+56\s+60\s+-4\s+100\.0%\s+4\.3", summary)
    assert re.search(r"收到需求数\s+7\s+7\s+0\s+—\s+—", summary)
    assert re.search(r"合计\s+1,297\s+1,167\s+\+130\s+90\.0%\s+4\.4", summary)
    assert "按时率 = 按时答复的需求数 / 收到的需求数" in summary


def test_a_table_that_spans_pages_repeats_its_header_row(pages):
    holding = [page for page in pages if "未联系单位0" in page]
    assert len(holding) >= 2
    for page in holding:
        assert re.search(r"单位名称\s+设区市\s+服务团队\s+最近联系日期\s+未联系天数", page)
    assert "=1+1" in holding[0]  # in the PDF a formula-like text is just text
    assert "2026-02-15" in holding[0]


def test_charts_are_drawn_with_their_labels_and_values(pages):
    summary = pages[page_of(pages[2:], "一、总体情况") + 1]
    for month in ("1月", "3月", "6月"):
        assert month in summary  # the line chart's category axis
    cities = pages[page_of(pages[2:], "二、按设区市") + 1]
    caption = gettext("Figure %(number)s: %(title)s") % {"number": 2, "title": "各市重点服务对象"}
    assert caption in cities  # figures are numbered through the document
    assert re.search(r"杭州市.*宁波市.*温州市", cities.replace("\n", " "))


def test_text_sections_keep_their_paragraphs_and_lists(pages):
    text = pages[page_of(pages[2:], "四、工作总结") + 1]
    assert "上半年共走访服务对象56家次。" in text
    assert "开展政策宣讲12场" in text
    assert "=部分单位联系频次不足。" in text


def test_the_chinese_font_is_embedded(rendered, tmp_path):
    path = tmp_path / "fonts.pdf"
    path.write_bytes(rendered[0])
    fonts = subprocess.run([PDFFONTS, str(path)], capture_output=True, text=True, check=True).stdout
    embedded = [line for line in fonts.splitlines() if "WenQuanYi" in line]
    assert embedded
    assert all(" yes " in line for line in embedded)


def test_two_parts_need_no_table_of_contents_and_a_team_report_shows_its_status(tmp_path):
    document = dataclasses.replace(sample_document(parts=2), scope="护航服务第01团队", status="已提交")
    pages = pdf_pages(write_pdf(document), tmp_path)
    assert "已提交" in pages[0]
    assert not any(re.search(r"\.{5,}", page) for page in pages)
    assert "一、总体情况" in pages[1]  # straight after the cover


def test_chapter_numbers_are_chinese_numerals():
    assert [chapter_number(n) for n in (1, 9, 10, 11, 12, 20, 21, 35)] == [
        "一", "九", "十", "十一", "十二", "二十", "二十一", "三十五",
    ]  # fmt: skip


# --- The columns' widths (the fixed table layout) -----------------------------------------------------------------


ROUNDING = 0.01  # ems: the widths are given in hundredths of a per cent


def widths_in_ems(labels, rows):
    """The layout's columns in ems of the table's type, and whether it is set dense."""
    dense, percentages = _column_layout(labels, rows)
    assert sum(percentages) == pytest.approx(100, abs=0.05)
    return dense, [TEXT_WIDTH_MM / EM_MM[dense] * share / 100 for share in percentages]


def test_narrow_columns_share_the_table_in_proportion_to_their_widest_text():
    dense, widths = widths_in_ems(["指标", "本期"], [[("服务单位", False), ("1,234", True)]])
    assert not dense
    assert widths[0] > widths[1]  # 服务单位 is wider than 1,234 and than 本期
    assert sum(widths) == pytest.approx(TEXT_WIDTH_MM / EM_MM[False], rel=0.01)


def test_a_long_text_takes_the_room_left_and_numbers_and_names_stay_on_one_line():
    padding = PADDING_MM / EM_MM[False]
    long_text = "深入研发一线摸清需求，" * 12
    rows = [[("护航服务第548团队", False), (long_text, False), ("12,345", True)]]
    dense, widths = widths_in_ems(["服务团队", "服务内容", "服务活动"], rows)
    assert not dense
    assert widths[0] >= _ems("护航服务第548团队") + padding - ROUNDING  # a team's name is not broken in two
    assert widths[2] >= _ems("12,345") + padding - ROUNDING  # nor a number
    assert widths[1] > widths[0]  # the long text has what is left


def test_a_table_whose_least_widths_do_not_fit_is_set_in_the_smaller_type():
    name = "宁波某某集成电路科技股份有限公司"  # longer than MAX_MIN_WIDTH: may wrap at ten characters
    row = [("2026-01-04", False), (name, False), ("护航服务第548团队", False), ("上门走访", False)]
    row += [("开展季度回访，了解上次会商意见的落实情况。" * 3, False)] * 2
    dense, widths = widths_in_ems(["日期", "单位", "服务团队", "类别", "服务内容", "典型意义"], [row])
    assert dense
    padding = PADDING_MM / EM_MM[True]
    assert widths[1] >= MAX_MIN_WIDTH + padding - ROUNDING
    assert widths[2] >= _ems("护航服务第548团队") + padding - ROUNDING
    assert widths[3] >= _ems("上门走访") + padding - ROUNDING


def test_eight_columns_or_more_are_set_in_the_smaller_type():
    dense, _widths = widths_in_ems([f"列{n}" for n in range(8)], [[("1", True)] * 8])
    assert dense


def test_a_name_just_as_wide_as_its_column_is_printed_on_one_line(tmp_path):
    """The widths hold in the rendered PDF: the padding and borders are reckoned in (a name as wide as its least
    width was broken before its last character when they were not)."""
    teams = ["护航服务第548团队", "护航服务第1996团队"]
    table = Table(
        title="典型案例",
        columns=[Column("服务团队", "text"), Column("服务内容", "text")],
        rows=[[team, "开展季度回访，了解上次会商意见的落实情况。" * 8] for team in teams],
    )
    document = sample_document(parts=2)
    document = dataclasses.replace(document, parts=[dataclasses.replace(document.parts[0], tables=[table], charts=[])])
    text = "\n".join(pdf_pages(write_pdf(document), tmp_path))
    for team in teams:
        assert team in text
