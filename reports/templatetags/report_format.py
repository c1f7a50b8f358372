"""How the report pages show a ReportDocument's values (reports/document.py): each value formatted by its column's
kind, so the page, the xlsx and the PDF agree on what a figure is while each renders it its own way.

Values arrive as plain Python or as JSON (a submitted report's frozen figures), so a date may be an ISO string and an
int may be a float; None is shown as a dash."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from reports import charts
from reports.document import Chart, Column, Table

register = template.Library()

NUMERIC_KINDS = {"int", "decimal", "percent", "change"}
MISSING = "—"
NOWRAP_WIDTH = 12  # Column.width, in characters: a text column this narrow never wraps


def _number(value: Any) -> float | int | Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | Decimal):
        return value
    return None


def _one_place(number: float | int | Decimal) -> Decimal:
    """Rounded half up to one decimal, as Excel rounds (Python's float formatting would round 4.25 to 4.2)."""
    return Decimal(str(number)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _whole(number: float | int | Decimal) -> int:
    return int(Decimal(str(number)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_value(value: Any, kind: str) -> str:
    """The text of one cell: int 1,234; decimal 4.5; percent 87.5%; change +3 / -2 / 0; date 2026-06-30."""
    if value is None or value == "":
        return MISSING
    if kind == "date":
        if isinstance(value, datetime.datetime | datetime.date):
            return value.strftime("%Y-%m-%d")
        return str(value)[:10]
    number = _number(value)
    if kind not in NUMERIC_KINDS or number is None:
        return str(value)
    if kind == "int":
        return f"{_whole(number):,}"
    if kind == "decimal":
        return f"{_one_place(number):,}"
    if kind == "percent":
        return f"{_one_place(Decimal(str(number)) * 100)}%"
    # change: a signed difference, whole numbers stay whole
    if number == 0:
        return "0"
    if isinstance(number, int) or float(number).is_integer():
        return f"{_whole(number):+,}"
    return f"{_one_place(number):+,}"


@register.filter
def report_value(value: Any, column: Column) -> str:
    return format_value(value, column.kind)


@register.simple_tag
def report_cell(value: Any, column: Column, link: str | None = None) -> SafeString:
    """One `<td>`: numbers right-aligned, a change green with an up arrow or red with a down arrow; the row's link on
    its first cell."""
    text = format_value(value, column.kind)
    if column.kind in NUMERIC_KINDS:
        classes = "text-end text-nowrap"
    elif column.width <= NOWRAP_WIDTH or column.kind == "date":
        classes = "text-nowrap"  # a short text (a city, a date) keeps to one line when the numbers press on it
    else:
        classes = "hh-cell-wide"  # a long one wraps, but at a readable width: the table scrolls on a phone
    if column.kind == "change" and (number := _number(value)):
        up = number > 0
        content = format_html(
            '<span class="{}"><i class="bi bi-arrow-{}" aria-hidden="true"></i> {}</span>',
            "text-success" if up else "text-danger",
            "up" if up else "down",
            text,
        )
    else:
        content = format_html("{}", text)
    if link:
        content = format_html('<a href="{}">{}</a>', link, content)
    if classes:
        return format_html('<td class="{}">{}</td>', classes, content)
    return format_html("<td>{}</td>", content)


@register.filter
def numeric(column: Column) -> bool:
    return column.kind in NUMERIC_KINDS


@register.filter
def table_rows(table: Table) -> list[dict[str, Any]]:
    """The rows with their cells paired to their columns and their link (on the first cell)."""
    links = table.links or []
    return [
        {
            "cells": [
                (value, column, links[index] if position == 0 and index < len(links) else None)
                for position, (value, column) in enumerate(zip(row, table.columns, strict=False))
            ]
        }
        for index, row in enumerate(table.rows)
    ]


@register.filter
def total_cells(table: Table) -> list[tuple[Any, Column]]:
    return list(zip(table.total or [], table.columns, strict=False))


@register.filter
def chart_rows(chart: Chart) -> list[tuple[str, list[Any]]]:
    """The chart's numbers as table rows: one per category, one value per series."""
    return [
        (category, [values[index] if index < len(values) else None for _name, values in chart.series])
        for index, category in enumerate(chart.categories)
    ]


@register.filter
def chart_value(value: Any) -> str:
    """A chart's number in its data table: whole numbers with thousands separators, others to one decimal."""
    number = _number(value)
    if number is None:
        return MISSING if value is None else str(value)
    if isinstance(number, int) or float(number).is_integer():
        return f"{_whole(number):,}"
    return f"{_one_place(number):,}"


@register.filter
def chart_json(chart: Chart) -> str:
    """The chart as static/js/charts.js reads it from `data-chart` (reports/charts.py owns the shape)."""
    return charts.chart_json(charts.chart_data(chart))


@register.filter
def one_decimal(value: Any) -> str:
    """A score or points: 87.5, 12.0."""
    return format_value(value, "decimal")


@register.filter
def percent(value: Any) -> str:
    """A ratio 0..1 as 87.5%."""
    return format_value(value, "percent")
