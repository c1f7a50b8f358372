"""A ReportDocument built by hand for the renderers' tests (xlsx, PDF, SVG): every column kind, a total row, a
table long enough to span pages, charts of each kind, text sections, and text that looks like a formula."""

import datetime
from decimal import Decimal

from reports.document import Chart, Column, Part, ReportDocument, Table, TextSection

CITIES = ["杭州市", "宁波市", "温州市", "嘉兴市", "湖州市", "绍兴市", "金华市", "衢州市", "舟山市", "台州市", "丽水市"]
NO_CONTACT_ROWS = 70  # more than one A4 page holds


def summary_table() -> Table:
    return Table(
        title="主要指标",
        columns=[
            Column("指标", "text", 24),
            Column("本期", "int"),
            Column("上期", "int"),
            Column("较上期", "change"),
            Column("按时率", "percent"),
            Column("平均评分", "decimal"),
        ],
        rows=[
            ["服务单位数", 1234, 1100, 134, 0.875, 4.5],
            ["服务活动数", 56, 60, -4, 1.0, Decimal("4.26")],
            ["收到需求数", 7.0, 7, 0, None, None],  # a JSON float for an int, and missing values
        ],
        total=["合计", 1297, 1167, 130, 0.9, 4.4],
        note="按时率 = 按时答复的需求数 / 收到的需求数",
    )


def cities_table() -> Table:
    return Table(
        title="各设区市服务情况",
        columns=[Column("设区市", "text", 10), Column("重点服务对象", "int"), Column("评分变化", "change")],
        rows=[[city, 10 + index, 0.5 if index == 0 else -index] for index, city in enumerate(CITIES)],
        total=["合计", sum(10 + index for index in range(len(CITIES))), None],
    )


def no_contact_table() -> Table:
    rows = [["=1+1", "杭州市", "护航服务第01团队", datetime.date(2026, 3, 1), 121]]
    rows.append(["@SUM(A1)", "宁波市", "+86 571 8888", "2026-02-15", 135])  # a date as JSON gives it
    rows.append(["-5 实验室", "温州市", "\t隐藏", None, 181])
    rows += [
        [f"未联系单位{index:03d}", CITIES[index % len(CITIES)], "护航服务第02团队", datetime.date(2026, 4, 1), 90]
        for index in range(NO_CONTACT_ROWS - 3)
    ]
    return Table(
        title="60天以上未联系的单位",
        columns=[
            Column("单位名称", "text", 30),
            Column("设区市", "text", 8),
            Column("服务团队", "text", 18),
            Column("最近联系日期", "date"),
            Column("未联系天数", "int"),
        ],
        rows=rows,
    )


def sample_document(*, parts: int = 4) -> ReportDocument:
    all_parts = [
        Part(
            key="summary",
            title="总体情况",
            tables=[summary_table()],
            charts=[
                Chart(
                    key="activities_by_month",
                    title="每月服务活动",
                    kind="line",
                    categories=["1月", "2月", "3月", "4月", "5月", "6月"],
                    series=[("本期", [3, 5, 2, 8, 6, 4]), ("上期", [1, 2, 3, 4, 5, 6])],
                )
            ],
        ),
        Part(
            key="cities",
            title="按设区市",
            tables=[cities_table()],
            charts=[
                Chart(
                    key="units_by_city",
                    title="各市重点服务对象",
                    kind="bar",
                    categories=CITIES,
                    series=[("重点服务对象", [10 + index for index in range(len(CITIES))])],
                )
            ],
        ),
        Part(key="no_contact", title="60天以上未联系单位", tables=[no_contact_table()]),
        Part(
            key="text",
            title="工作总结",
            texts=[
                TextSection("工作开展情况", "上半年共走访服务对象56家次。\n\n- 开展政策宣讲12场\n- 专利导航3项"),
                TextSection("存在问题", "=部分单位联系频次不足。"),
            ],
        ),
    ]
    return ReportDocument(
        title="2026年上半年知识产权护航行动工作报告",
        period_code="2026H1",
        period_label="2026年上半年",
        scope="全省",
        issued_by="浙江省知识产权局",
        parts=all_parts[:parts],
        generated_at=datetime.datetime(2026, 7, 20, 2, 30, tzinfo=datetime.UTC),  # 10:30 in Hangzhou
    )
