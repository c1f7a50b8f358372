"""templates/reports/includes/part.html: one Part of a ReportDocument rendered for a page, each value formatted by its
column's kind (reports/templatetags/report_format.py), built by hand so the include is tested apart from the
figures."""

import datetime
import json
import re
from decimal import Decimal
from html import unescape

import pytest
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from reports.document import Chart, Column, Part, Table, TextSection
from reports.templatetags.report_format import format_value


def _part() -> Part:
    return Part(
        key="summary",
        title="总体情况",
        tables=[
            Table(
                title="主要指标",
                columns=[
                    Column("指标", "text"),
                    Column("本期", "int"),
                    Column("平均评分", "decimal"),
                    Column("按时率", "percent"),
                    Column("变化", "change"),
                    Column("截至", "date"),
                ],
                rows=[
                    ["服务活动", 12345, 4.25, 0.875, 3, datetime.date(2026, 6, 30)],
                    ["服务需求", 7, Decimal("3.96"), 1, -2, "2026-07-01"],
                    ["<b>未联系</b>", None, None, None, 0, None],
                ],
                total=["合计", 12352, None, 0.9, 1, None],
                links=["/archives/activities/?team=1", None, None],
                note="服务活动按活动日期计入半年度。",
            ),
        ],
        charts=[
            Chart(
                key="activities_by_kind",
                title="服务活动按类型",
                kind="bar",
                categories=["上门走访", "专题会商"],
                series=[("本期", [1234, 5]), ("上期", [2.5, 0])],
            )
        ],
        texts=[TextSection("工作开展情况", "第一段。\n\n第二段第一行\n第二行"), TextSection("存在问题", "")],
    )


def _render(part: Part) -> str:
    return render_to_string("reports/includes/part.html", {"part": part})


def _cells(html: str, testid: str = "report-table") -> list[list[str]]:
    """The text of each row's cells of the first table marked with `testid`, tags stripped."""
    table = html.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        for row in rows
    ]


@pytest.mark.parametrize(
    ("value", "kind", "text"),
    [
        (12345, "int", "12,345"),
        (12345.0, "int", "12,345"),  # a frozen JSON figure
        (4.25, "decimal", "4.3"),  # half up, as Excel rounds
        (1234.5, "decimal", "1,234.5"),
        (Decimal("3.96"), "decimal", "4.0"),
        (0.875, "percent", "87.5%"),
        (0.8125, "percent", "81.3%"),
        (1, "percent", "100.0%"),
        (3, "change", "+3"),
        (-2, "change", "-2"),
        (0, "change", "0"),
        (-0.25, "change", "-0.3"),
        (0.1, "change", "+0.1"),
        (1200, "change", "+1,200"),
        (datetime.date(2026, 6, 30), "date", "2026-06-30"),
        ("2026-07-01", "date", "2026-07-01"),
        (None, "int", "—"),
        (None, "percent", "—"),
        ("合计", "int", "合计"),
        ("杭州市", "text", "杭州市"),
    ],
)
def test_each_kind_of_value_is_formatted_by_its_column(value, kind, text):
    assert format_value(value, kind) == text


def test_the_part_is_a_section_anchored_at_its_key_with_its_title():
    html = _render(_part())
    assert '<section id="summary"' in html
    assert 'id="summary-heading">总体情况</h2>' in html


def test_a_table_shows_its_rows_formatted_its_total_and_its_note():
    html = _render(_part())
    assert _cells(html) == [
        ["指标", "本期", "平均评分", "按时率", "变化", "截至"],
        ["服务活动", "12,345", "4.3", "87.5%", "+3", "2026-06-30"],
        ["服务需求", "7", "4.0", "100.0%", "-2", "2026-07-01"],
        ["&lt;b&gt;未联系&lt;/b&gt;", "—", "—", "—", "0", "—"],  # text is escaped, never markup
        ["合计", "12,352", "—", "90.0%", "+1", "—"],
    ]
    assert 'class="table table-sm' in html
    assert '<div class="table-responsive">' in html
    assert '<tr class="fw-bold" data-testid="total-row">' in html
    assert (
        '<p class="small text-body-secondary mb-0" data-testid="table-note">服务活动按活动日期计入半年度。</p>' in html
    )


def test_numbers_are_right_aligned_and_changes_green_up_or_red_down():
    html = _render(_part())
    assert '<th scope="col" class="text-end">本期</th>' in html
    assert '<th scope="col">指标</th>' in html
    assert '<td class="text-end text-nowrap">12,345</td>' in html
    assert (
        '<td class="text-end text-nowrap"><span class="text-success"><i class="bi bi-arrow-up" aria-hidden="true">'
        "</i> +3</span></td>" in html
    )
    assert (
        '<td class="text-end text-nowrap"><span class="text-danger"><i class="bi bi-arrow-down" aria-hidden="true">'
        "</i> -2</span></td>" in html
    )
    assert '<td class="text-end text-nowrap">0</td>' in html  # no change: no colour, no arrow


def test_short_texts_and_dates_stay_on_one_line_and_long_texts_wrap():
    columns = [Column("设区市", "text", 10), Column("单位", "text", 28), Column("最近联系", "date", 12)]
    part = Part(key="units", title="单位", tables=[Table("单位", columns, rows=[["杭州市", "西湖光电实验室", None]])])
    html = _render(part)
    assert '<td class="text-nowrap">杭州市</td><td class="hh-cell-wide">西湖光电实验室</td>' in html
    assert '<td class="hh-cell-wide">西湖光电实验室</td><td class="text-nowrap">—</td>' in html


def test_a_row_with_a_link_links_its_first_cell_only():
    html = _render(_part())
    assert '<td class="text-nowrap"><a href="/archives/activities/?team=1">服务活动</a></td>' in html
    assert html.count("<a href=") == 1


def test_a_chart_is_drawn_from_its_json_with_its_numbers_as_a_table_one_click_away():
    html = _render(_part())
    drawing = re.search(r'<div class="hh-chart hh-chart-bar" data-chart="([^"]+)"', html)
    assert json.loads(unescape(drawing[1])) == {
        "kind": "bar",
        "title": "服务活动按类型",
        "categories": ["上门走访", "专题会商"],
        "series": [{"name": "本期", "values": [1234, 5]}, {"name": "上期", "values": [2.5, 0]}],
        "unit": "",
    }
    assert f'<details class="hh-chart-data">\n    <summary>{_("Data table")}</summary>' in html
    assert 'id="chart-activities_by_kind-title">服务活动按类型</figcaption>' in html
    assert _cells(html, "chart-table") == [
        [_("Item"), "本期", "上期"],
        ["上门走访", "1,234", "2.5"],
        ["专题会商", "5", "0"],
    ]
    assert html.index('data-testid="chart"') < html.index('data-testid="report-table"')  # charts come first


def test_texts_keep_their_paragraphs_and_line_breaks_and_say_when_empty():
    html = _render(_part())
    assert '<h3 class="h6 fw-semibold mb-2">工作开展情况</h3>' in html
    assert "<p>第一段。</p>\n\n<p>第二段第一行<br>第二行</p>" in html
    assert f'存在问题</h3>\n    <p class="text-body-secondary">{_("Not written.")}</p>' in html


def test_a_table_named_as_its_part_is_not_titled_twice():
    html = _render(_part())
    assert '<h3 class="h6 fw-semibold mb-2">主要指标</h3>' in html
    part = Part(key="cases", title="典型案例", tables=[Table("典型案例", [Column("单位", "text")], rows=[["甲"]])])
    assert "<h3" not in _render(part)


def test_an_empty_table_says_so_instead_of_an_empty_body():
    part = Part(key="cases", title="典型案例", tables=[Table("典型案例", [Column("单位", "text")], rows=[])])
    html = _render(part)
    assert f'data-testid="empty-table">{_("None in this period.")}</td>' in html
    assert "total-row" not in html
