"""A report as the pages, the xlsx and the PDF all render it: parts (one sheet each in Excel, one chapter in PDF)
holding tables, charts and text. Builders (reports/documents.py) turn figures into a ReportDocument; renderers
(templates/reports/includes/part.html, reports/exporting/xlsx.py, reports/exporting/pdf.py) know nothing of figures.

Values in rows are plain Python (int, float, Decimal, str, date, None), never preformatted: the renderer formats by
the column's kind, so Excel gets numbers as numbers."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

ColumnKind = Literal["text", "int", "decimal", "percent", "change", "date"]
# decimal: one decimal place (an average rating, a score); percent: a ratio 0..1 shown as 87.5%;
# change: a signed difference to the previous period (+3 / -2), int or float.


@dataclass(frozen=True)
class Column:
    label: str
    kind: ColumnKind = "int"
    width: int = 12  # in characters, for Excel; the label's own width is the floor


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[list[Any]]
    total: list[Any] | None = None  # a computed total row (values, not formulas); its first cell is "合计"
    links: list[str | None] | None = None  # per row, where the page links the row to its records (not exported)
    note: str = ""  # one line under the table: the rule behind its figures
    # Rows a page left out of a long list (the exports hold them all), and where the whole list is read.
    more: int = 0
    more_url: str = ""


@dataclass
class Chart:
    """A chart the PDF draws as SVG on the server and the page draws with ECharts; its numbers are `table`'s."""

    key: str
    title: str
    kind: Literal["bar", "line", "pie"]
    categories: list[str]
    series: list[tuple[str, list[float | int]]]  # (name, one value per category)


@dataclass
class TextSection:
    heading: str
    text: str  # plain text, paragraphs separated by blank lines


@dataclass
class Part:
    key: str  # stable, ASCII: the sheet's and the anchor's name
    title: str
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    texts: list[TextSection] = field(default_factory=list)


@dataclass
class ReportDocument:
    title: str  # e.g. 2026年上半年知识产权护航行动工作报告
    period_code: str  # "2026H1"
    period_label: str  # 2026年上半年
    scope: str  # 全省 / 杭州市 / 护航服务一队
    issued_by: str  # the issuing office on the cover: 浙江省知识产权局, or the team
    parts: list[Part]
    generated_at: datetime.datetime | None = None
    status: str = ""  # a team report's workflow status, printed on the cover (草稿 / 已提交 / 已通过)
    # The key of the cached document (reports/caching.py), under which its page's HTML is cached too; one of its own
    # for a document built outside the cache, so that no other document's HTML is ever read for it.
    cache_key: str = field(default_factory=lambda: uuid.uuid4().hex, compare=False)
    cache_seconds: int = field(default=60, compare=False)
