"""Charts as the pages draw them: the JSON that static/js/charts.js reads from `<div class="hh-chart" data-chart="…">`
(the contract is written at the top of charts.js), built from a `reports.document.Chart` or, for the two kinds the
documents do not hold (a map of the cities, a gauge against a target), from their figures. Every chart on a page comes
with its numbers as a table (ChartView.table), one click away under it.

The server formats nothing here: values are plain numbers (a Decimal becomes a float, a missing figure None), so the
browser draws them and the table beside the chart shows the same numbers."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from collections.abc import Sequence

    from reports.document import Chart, Table

ChartKind = Literal["bar", "line", "pie", "map", "gauge"]


def _number(value: Any) -> int | float | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    return value


def chart_data(chart: Chart, *, unit: str = "") -> dict[str, Any]:
    """The JSON of a document's chart: its kind, title, categories and series (one value per category)."""
    return {
        "kind": chart.kind,
        "title": str(chart.title),
        "categories": [str(category) for category in chart.categories],
        "series": [{"name": str(name), "values": [_number(v) for v in values]} for name, values in chart.series],
        "unit": str(unit),
    }


def map_data(
    *, title: str, cities: Sequence[str], series: Sequence[tuple[str, Sequence[Any], str]], unit: str = ""
) -> dict[str, Any]:
    """A map of Zhejiang's cities: `cities` are the cities' names as the vendored GeoJSON names them (杭州市 …);
    `series` are (name, one value per city, unit). The first series colours the cities, every series shows in the
    tooltip."""
    return {
        "kind": "map",
        "title": str(title),
        "categories": [str(city) for city in cities],
        "series": [
            {"name": str(name), "values": [_number(v) for v in values], "unit": str(series_unit)}
            for name, values, series_unit in series
        ],
        "unit": str(unit),
    }


def gauge_data(*, title: str, label: str, value: int | float, maximum: int | float, unit: str = "") -> dict[str, Any]:
    """A dial from 0 to `maximum` (a target) pointing at `value`."""
    return {
        "kind": "gauge",
        "title": str(title),
        "categories": [str(label)],
        "series": [{"name": str(label), "values": [_number(value)]}],
        "unit": str(unit),
        "max": _number(maximum),
    }


def chart_json(data: dict[str, Any]) -> str:
    """The data-chart attribute's value (the template escapes it)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


@dataclass
class ChartView:
    """A chart on a page: its JSON for charts.js and the table of its numbers, shown under it on a click."""

    key: str  # stable, ASCII: the chart's test id and anchor
    data: dict[str, Any]
    table: Table

    @property
    def kind(self) -> str:
        return self.data["kind"]

    @property
    def title(self) -> str:
        return self.data["title"]

    @property
    def json(self) -> str:
        return chart_json(self.data)
