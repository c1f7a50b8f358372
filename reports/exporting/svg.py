"""Charts drawn on the server as SVG for the PDF: bar, line and pie, with axes, Chinese labels in the PDF's font,
the values written on the marks, and a legend. No JavaScript, no screenshot of the page's ECharts.

The standard library suffices: a chart of a report is a few dozen rectangles and texts, and a plotting library
(matplotlib, pygal) would add megabytes and its own font handling for what forty lines of geometry do. Every text
is escaped; the SVG is inlined into the PDF's HTML and parses as XML.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr  # nosec B406 # escapes what it writes, parses nothing

from django.utils.translation import gettext as _

from plans.pdf import FONT_FAMILY
from reports.exporting.text import display_width

if TYPE_CHECKING:
    from reports.document import Chart

WIDTH, HEIGHT = 640, 300
PALETTE = ["#0d4f8b", "#e07b00", "#2e8b57", "#c0392b", "#7d3c98", "#17a2b8", "#8d6e63", "#6c757d"]
FONT_SIZE = 11  # axis and legend labels, in px
VALUE_FONT_SIZE = 9  # the value on a bar or a point
CHAR_WIDTH = FONT_SIZE * 0.55  # a Latin character's advance; a Chinese one is two of these (display_width)
AXIS_COLOUR, GRID_COLOUR, TEXT_COLOUR = "#495057", "#dee2e6", "#212529"


def chart_svg(chart: Chart, *, width: int = WIDTH, height: int = HEIGHT) -> str:
    """The chart as a standalone <svg> element."""
    if not chart.categories or not chart.series:
        body = _centred_text(width / 2, height / 2, _("No data"))
    elif chart.kind == "pie":
        body = _pie(chart, width, height)
    else:
        body = _axes_chart(chart, width, height)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{escape(chart.kind)}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f"aria-label={quoteattr(chart.title)} font-family={quoteattr(FONT_FAMILY + ', sans-serif')} "
        f'font-size="{FONT_SIZE}" fill="{TEXT_COLOUR}">'
        f"<title>{escape(chart.title)}</title>{body}</svg>"
    )


def format_number(value: float | int) -> str:
    """A value as a chart prints it: 1,234 for whole numbers, 4.5 (one decimal) for the rest."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def nice_scale(low: float, high: float, ticks: int = 5) -> tuple[float, float, float]:
    """Axis bounds and step on round numbers (1, 2, 2.5, 5 × 10ⁿ) that include `low`..`high` and zero."""
    low, high = min(low, 0.0), max(high, 0.0)
    if high == low:
        high = low + 1
    raw = (high - low) / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def _text_width(text: str, size: float = FONT_SIZE) -> float:
    return display_width(text) * size * 0.55


def _centred_text(x: float, y: float, text: str, *, size: int = FONT_SIZE, extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" font-size="{size}"{extra}>{escape(text)}</text>'


def _legend(names: list[str], width: float, y: float) -> tuple[str, float]:
    """Swatches and names centred on rows under the plot; returns the SVG and the height it takes."""
    items = [(name, 14 + _text_width(name) + 16) for name in names]
    rows: list[list[tuple[int, str, float]]] = [[]]
    row_width = 0.0
    for index, (name, item_width) in enumerate(items):
        if rows[-1] and row_width + item_width > width - 20:
            rows.append([])
            row_width = 0.0
        rows[-1].append((index, name, item_width))
        row_width += item_width
    parts = []
    for number, row in enumerate(rows):
        x = (width - sum(item[2] for item in row)) / 2
        top = y + number * 18
        for index, name, item_width in row:
            colour = PALETTE[index % len(PALETTE)]
            parts.append(
                f'<g class="legend-item"><rect x="{x:.1f}" y="{top:.1f}" width="10" height="10" fill="{colour}"/>'
                f'<text x="{x + 14:.1f}" y="{top + 9:.1f}">{escape(name)}</text></g>'
            )
            x += item_width
    return f'<g class="legend">{"".join(parts)}</g>', len(rows) * 18


def _axes_chart(chart: Chart, width: int, height: int) -> str:
    """Bars (grouped by category) or lines (one per series) over a value axis from zero."""
    values = [value or 0 for _name, series in chart.series for value in series]
    low, high, step = nice_scale(min(values), max(values))
    tick_values = [low + step * index for index in range(round((high - low) / step) + 1)]
    left = 12 + max(_text_width(format_number(value)) for value in tick_values)
    right, top = 16, 18
    count = len(chart.categories)

    legend, legend_height = _legend([name for name, _values in chart.series], width, 0)
    slot = (width - left - right) / count
    widest = max(_text_width(label) for label in chart.categories)
    rotate = widest > slot - 4
    label_band = (widest * 0.64 + 14) if rotate else FONT_SIZE + 10
    bottom = label_band + legend_height + 8
    plot_height = height - top - bottom

    def y_of(value: float) -> float:
        return top + plot_height * (high - value) / (high - low)

    out = []
    for value in tick_values:  # grid and value axis
        y = y_of(value)
        out.append(
            f'<line class="grid" x1="{left:.1f}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="{GRID_COLOUR}" stroke-width="0.8"/>'
        )
        out.append(f'<text x="{left - 6:.1f}" y="{y + 4:.1f}" text-anchor="end">{escape(format_number(value))}</text>')
    baseline = y_of(0)
    out.append(
        f'<line class="axis" x1="{left:.1f}" y1="{baseline:.1f}" x2="{width - right}" y2="{baseline:.1f}" '
        f'stroke="{AXIS_COLOUR}" stroke-width="1"/>'
    )
    out.append(
        f'<line class="axis" x1="{left:.1f}" y1="{top}" x2="{left:.1f}" y2="{top + plot_height:.1f}" '
        f'stroke="{AXIS_COLOUR}" stroke-width="1"/>'
    )

    label_y = top + plot_height + FONT_SIZE + 4
    for index, label in enumerate(chart.categories):  # category axis
        x = left + slot * (index + 0.5)
        if rotate:
            out.append(
                f'<text class="category" x="{x:.1f}" y="{label_y:.1f}" text-anchor="end" '
                f'transform="rotate(-40 {x:.1f} {label_y:.1f})">{escape(label)}</text>'
            )
        else:
            out.append(_centred_text(x, label_y, label, extra=' class="category"'))

    if chart.kind == "line":
        out.extend(_lines(chart, left, slot, y_of))
    else:
        out.extend(_bars(chart, left, slot, y_of, baseline))
    out.append(f'<g transform="translate(0 {height - legend_height - 2:.1f})">{legend}</g>')
    return "".join(out)


def _bars(chart: Chart, left: float, slot: float, y_of, baseline: float) -> list[str]:
    series_count = len(chart.series)
    group = slot * 0.72
    bar = group / series_count
    show_values = bar >= 9
    out = []
    for number, (name, values) in enumerate(chart.series):
        colour = PALETTE[number % len(PALETTE)]
        for index, value in enumerate(values[: len(chart.categories)]):
            value = value or 0
            x = left + slot * index + (slot - group) / 2 + bar * number
            y = y_of(value)
            top, bar_height = min(y, baseline), abs(baseline - y)
            out.append(
                f'<rect class="bar" data-series="{number}" data-category="{index}" x="{x:.1f}" y="{top:.1f}" '
                f'width="{max(bar - 1, 1):.1f}" height="{bar_height:.1f}" fill="{colour}">'
                f"<title>{escape(f'{name} · {chart.categories[index]}: {format_number(value)}')}</title></rect>"
            )
            if show_values:
                label_y = top - 3 if value >= 0 else top + bar_height + VALUE_FONT_SIZE + 1
                out.append(
                    _centred_text(
                        x + bar / 2, label_y, format_number(value), size=VALUE_FONT_SIZE, extra=' class="value"'
                    )
                )
    return out


def _lines(chart: Chart, left: float, slot: float, y_of) -> list[str]:
    out = []
    for number, (name, values) in enumerate(chart.series):
        colour = PALETTE[number % len(PALETTE)]
        points = [
            (left + slot * (index + 0.5), y_of(value or 0), value or 0)
            for index, value in enumerate(values[: len(chart.categories)])
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _value in points)
        out.append(
            f'<polyline class="line" data-series="{number}" points="{path}" fill="none" '
            f'stroke="{colour}" stroke-width="2"><title>{escape(name)}</title></polyline>'
        )
        for x, y, value in points:
            out.append(f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}"/>')
            out.append(_centred_text(x, y - 5, format_number(value), size=VALUE_FONT_SIZE, extra=' class="value"'))
    return out


def _pie(chart: Chart, width: int, height: int) -> str:
    """The first series as slices clockwise from twelve o'clock, each with its share; the legend on the right names
    each category with its value and share."""
    _name, values = chart.series[0]
    values = [max(value or 0, 0) for value in values[: len(chart.categories)]]
    total = sum(values)
    if not total:
        return _centred_text(width / 2, height / 2, _("No data"))
    radius = min(height / 2 - 16, width * 0.22)
    cx, cy = radius + 24, height / 2
    out, angle = [], -math.pi / 2
    for index, value in enumerate(values):
        if not value:
            continue
        colour = PALETTE[index % len(PALETTE)]
        sweep = 2 * math.pi * value / total
        label = f"{chart.categories[index]}: {format_number(value)} ({value / total:.1%})"
        if sweep >= 2 * math.pi - 1e-9:
            shape = f'<circle class="slice" cx="{cx:.1f}" cy="{cy:.1f}" r="{radius:.1f}" fill="{colour}">'
            closing = "</circle>"
        else:
            x1, y1 = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
            x2, y2 = cx + radius * math.cos(angle + sweep), cy + radius * math.sin(angle + sweep)
            large = 1 if sweep > math.pi else 0
            shape = (
                f'<path class="slice" d="M{cx:.1f},{cy:.1f} L{x1:.1f},{y1:.1f} '
                f'A{radius:.1f},{radius:.1f} 0 {large} 1 {x2:.1f},{y2:.1f} Z" fill="{colour}" '
                f'stroke="#fff" stroke-width="1">'
            )
            closing = "</path>"
        out.append(f"{shape}<title>{escape(label)}</title>{closing}")
        if value / total >= 0.05:
            middle = angle + sweep / 2
            out.append(
                _centred_text(
                    cx + radius * 0.65 * math.cos(middle),
                    cy + radius * 0.65 * math.sin(middle) + 4,
                    f"{value / total:.0%}",
                    size=VALUE_FONT_SIZE,
                    extra=' fill="#fff" class="value"',
                )
            )
        angle += sweep
    x = cx + radius + 28
    top = max(cy - len(values) * 9, 8)
    for index, value in enumerate(values):
        colour = PALETTE[index % len(PALETTE)]
        y = top + index * 18
        text = f"{chart.categories[index]}  {format_number(value)}（{value / total:.1%}）"
        out.append(
            f'<g class="legend-item"><rect x="{x:.1f}" y="{y:.1f}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14:.1f}" y="{y + 9:.1f}">{escape(text)}</text></g>'
        )
    return "".join(out)
