"""What the dashboard is made of: the seven steps of the seed's implementation flow (图1), each a Step of Figures and
charts, and the Dashboard that holds them (reports/dashboard/__init__.py builds it)."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy

from reports.charts import ChartView
from reports.figures import NO_CONTACT_DAYS  # a served unit with no service for this long is flagged

__all__ = ["ACTIVITY_MONTHS", "NO_CONTACT_DAYS", "STEPS", "Dashboard", "Figure", "Step"]

if TYPE_CHECKING:
    from reports.home import CoverageStage
    from reports.periods import Period

# The seven steps of the seed's implementation flow (图1), in its order: (key, the seed's words).
STEPS = [
    ("coverage", gettext_lazy("Identify the units to serve")),  # 确定服务对象
    ("forces", gettext_lazy("Marshal the service forces")),  # 统筹服务力量
    ("liaison", gettext_lazy("Set up the liaison mechanism")),  # 建立对接机制
    ("plans", gettext_lazy("Draw up service plans")),  # 制定服务方案
    ("guidance", gettext_lazy("Strengthen service guidance")),  # 加强服务指导
    ("requests", gettext_lazy("Respond to needs promptly")),  # 及时回应需求
    ("review", gettext_lazy("Review and improve regularly")),  # 定期复盘改进
]

ACTIVITY_MONTHS = 12  # activities per month over the last twelve months, this one included


@dataclass(frozen=True)
class Figure:
    """One figure of a step: its label, its value as shown, and the list it counts."""

    key: str
    label: str
    value: int | float | None
    kind: str = "int"  # as reports.document.Column's kinds: int, decimal, percent
    url: str | None = None
    tone: str = ""  # "danger" for what needs action
    of: int | None = None  # "/ 150": the figure against a target or a whole

    @property
    def display(self) -> str:
        """The value as the page shows it: 1,234 · 87.5% · 4.5 · — for no figure (reports.templatetags.report_format
        formats the tables the same way)."""
        from reports.templatetags.report_format import format_value

        return format_value(self.value, self.kind)


@dataclass
class Step:
    number: int
    key: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    charts: list[ChartView] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url): the lists and pages behind the step
    note: str = ""  # the rule behind the figures, in one line


@dataclass
class Dashboard:
    scope: str  # 全省 / 杭州市 / the team's name
    role: str
    today: datetime.date
    target_year: int
    target: int | None  # the programme's target for the year (bureau); None for a part of the programme
    steps: list[Step]
    # What the bureau's home page reads besides the steps (reports/home.py).
    coverage: dict[str, int]
    coverage_stages: list[CoverageStage]
    plans: dict[str, int]
    requests: dict[str, int]
    units_by_city: list[dict[str, Any]]
    activities_this_month: int
    month_start: datetime.date
    report_period: Period
    # The key of the cached dashboard (reports/caching.py), under which its page's HTML is cached too; one of
    # its own for a dashboard built outside the cache, so that no other dashboard's HTML is ever read for it.
    cache_key: str = field(default_factory=lambda: uuid.uuid4().hex, compare=False)
    cache_seconds: int = field(default=60, compare=False)

    @property
    def charts(self) -> list[ChartView]:
        return [chart for step in self.steps for chart in step.charts]


def new_step(index: int) -> Step:
    key, title = STEPS[index]
    return Step(number=index + 1, key=key, title=str(title))


def list_url(name: str, **query: Any) -> str:
    query = {key: value for key, value in query.items() if value not in (None, "")}
    return f"{reverse(name)}?{urlencode(query)}" if query else reverse(name)


def ratio(part: int | float | None, whole: int | float | None) -> float | None:
    return part / whole if part is not None and whole else None


def percent(share: float | None) -> float | None:
    """A ratio as a chart's percentage, to one decimal."""
    return None if share is None else round(share * 100, 1)


def month_end(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
