"""Charts drawn on the server as SVG: valid XML, one bar per value, axes on round numbers, values on the marks,
Chinese labels in the PDF's font, a legend, and every text escaped."""

import xml.etree.ElementTree as ET

import pytest
from django.utils.translation import gettext

from plans.pdf import FONT_FAMILY
from reports.document import Chart
from reports.exporting.svg import chart_svg, format_number, nice_scale

NS = {"svg": "http://www.w3.org/2000/svg"}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 — our own output


def texts(root: ET.Element) -> list[str]:
    return [element.text for element in root.iter("{http://www.w3.org/2000/svg}text")]


def by_class(root: ET.Element, tag: str, css_class: str) -> list[ET.Element]:
    return [
        element for element in root.iter(f"{{http://www.w3.org/2000/svg}}{tag}") if element.get("class") == css_class
    ]


BAR = Chart(
    key="units_by_city",
    title="各市重点服务对象",
    kind="bar",
    categories=["杭州市", "宁波市", "温州市"],
    series=[("本期", [12, 5, 7]), ("上期", [10, 6, 0])],
)


def test_a_bar_chart_has_one_bar_per_value_with_the_value_on_it():
    root = parse(chart_svg(BAR))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("font-family") == f"{FONT_FAMILY}, sans-serif"
    assert root.find("svg:title", NS).text == "各市重点服务对象"
    bars = by_class(root, "rect", "bar")
    assert len(bars) == 6
    assert [(bar.get("data-series"), bar.get("data-category")) for bar in bars] == [
        ("0", "0"), ("0", "1"), ("0", "2"), ("1", "0"), ("1", "1"), ("1", "2"),
    ]  # fmt: skip
    heights = [float(bar.get("height")) for bar in bars]
    assert heights[0] > heights[3] > heights[2] > heights[4] > heights[1] > heights[5] == 0
    assert [element.text for element in by_class(root, "text", "value")] == ["12", "5", "7", "10", "6", "0"]
    assert [element.text for element in by_class(root, "text", "category")] == ["杭州市", "宁波市", "温州市"]


def test_the_value_axis_runs_on_round_numbers_from_zero_and_the_legend_names_the_series():
    root = parse(chart_svg(BAR))
    assert {"0", "2.5", "5", "7.5", "10", "12.5"} <= set(texts(root))
    legend = [item.find("svg:text", NS).text for item in by_class(root, "g", "legend-item")]
    assert legend == ["本期", "上期"]


def test_long_category_labels_are_turned_to_fit():
    chart = Chart("k", "单位类别", "bar", ["全国/省重点实验室", "专精特新“小巨人”企业"] * 4, [("数量", [1, 2] * 4)])
    labels = by_class(parse(chart_svg(chart)), "text", "category")
    assert all(label.get("transform", "").startswith("rotate(-40") for label in labels)


def test_a_line_chart_has_a_line_per_series_and_a_point_per_value():
    chart = Chart("m", "每月服务活动", "line", ["1月", "2月", "3月"], [("本期", [3, 5, 2]), ("上期", [1, 0, 4])])
    root = parse(chart_svg(chart))
    lines = by_class(root, "polyline", "line")
    assert len(lines) == 2
    assert len(lines[0].get("points").split()) == 3
    assert len(by_class(root, "circle", "point")) == 6
    assert [element.text for element in by_class(root, "text", "value")] == ["3", "5", "2", "1", "0", "4"]


def test_a_pie_chart_has_a_slice_per_category_with_its_share_and_a_legend():
    chart = Chart(
        "p", "需求类别", "pie", ["咨询解答", "专业指导", "专利导航", "其他部门事项"], [("需求", [10, 5, 5, 0])]
    )
    root = parse(chart_svg(chart))
    assert len(by_class(root, "path", "slice")) == 3  # a zero share draws nothing
    assert [element.text for element in by_class(root, "text", "value")] == ["50%", "25%", "25%"]
    legend = [item.find("svg:text", NS).text for item in by_class(root, "g", "legend-item")]
    assert legend == [
        "咨询解答  10（50.0%）",
        "专业指导  5（25.0%）",
        "专利导航  5（25.0%）",
        "其他部门事项  0（0.0%）",
    ]


def test_a_pie_of_one_category_is_a_full_circle():
    root = parse(chart_svg(Chart("p", "全部", "pie", ["咨询解答"], [("需求", [4])])))
    assert len(by_class(root, "circle", "slice")) == 1


@pytest.mark.parametrize("kind", ["bar", "line", "pie"])
def test_a_chart_without_data_says_so(kind):
    root = parse(chart_svg(Chart("e", "空", kind, [], [])))
    assert texts(root) == [gettext("No data")]
    assert not by_class(root, "rect", "bar")


def test_texts_are_escaped():
    chart = Chart("x", "<script>alert(1)</script> & 图", "bar", ["A&B <i>", '"引号"'], [("系列<1>", [1, 2])])
    svg = chart_svg(chart)
    assert "<script>" not in svg
    assert "<i>" not in svg
    root = parse(svg)
    assert root.get("aria-label") == "<script>alert(1)</script> & 图"
    assert [element.text for element in by_class(root, "text", "category")] == ["A&B <i>", '"引号"']


def test_negative_values_hang_below_the_axis():
    root = parse(chart_svg(Chart("c", "较上期变化", "bar", ["杭州市", "宁波市"], [("变化", [3, -2])])))
    up, down = by_class(root, "rect", "bar")
    assert float(down.get("y")) == pytest.approx(float(up.get("y")) + float(up.get("height")), abs=0.2)


def test_numbers_and_scales():
    assert format_number(1234) == "1,234"
    assert format_number(4.0) == "4"
    assert format_number(4.26) == "4.3"
    assert nice_scale(0, 12) == (0, 12.5, 2.5)  # 2.4 a step rounds up to 2.5
    assert nice_scale(0, 87) == (0, 100, 20)
    assert nice_scale(-3, 5) == (-4, 6, 2)
    assert nice_scale(0, 0) == (0, 1, 0.2)
