"""A small programme for the province report and scorecard pages (tests/reports/test_province_report.py,
test_scorecard_page.py), and a reader of the pages' tables.

Built on the `users`/`outsiders` fixtures (tests/conftest.py) and `two_served_units`:

| unit | city | team | 2026H1 |
|---|---|---|---|
| 西湖光电实验室 (`unit`) | 杭州 西湖区 | 西湖团队 (tom leads) | a visit on 2026-06-10 |
| 宁波甬江材料实验室 | 宁波 江北区 | 甬江团队 (tina leads) | a consultation on 2026-06-12 |
| 杭州静默实验室 | 杭州 西湖区 | 西湖团队 | nothing: out of contact |
| 宁波静默实验室 | 宁波 江北区 | 甬江团队 | nothing: out of contact |
| 西湖新材料实验室 | 杭州 西湖区 | 西湖团队 | a briefing on 2026-05-20 |

So 西湖团队 has been in contact with 2 of its 3 units, 甬江团队 with 1 of 2; nothing else is due, rated or answered, so
contact is the only component of the scorecard with data: 西湖团队 66.7, ranked 1; 甬江团队 50.0, ranked 2.

`more` (or `add_units`) adds that many units a city, each served by its city's team with one activity in the half
year.
"""

from __future__ import annotations

import datetime
from html.parser import HTMLParser
from types import SimpleNamespace

from accounts.models import Role
from reports.periods import Period
from tests.factories import ActivityFactory, TeamFactory, UnitFactory, assign, division, two_served_units

PERIOD = Period(2026, 1)
NINGBO = "330203"  # 宁波市江北区


def province_world(users, unit, *, more: int = 0) -> SimpleNamespace:
    member = users[Role.TEAM_MEMBER]
    served = two_served_units(member, unit)
    w = SimpleNamespace(**served, unit=unit, member=member)
    ActivityFactory(actor=member, unit=unit, date=datetime.date(2026, 6, 10), kind="visit")
    ActivityFactory(actor=w.tina, unit=w.ningbo, date=datetime.date(2026, 6, 12), kind="consultation")
    w.quiet_hangzhou = UnitFactory(name="杭州静默实验室")
    assign(w.quiet_hangzhou, w.team)
    w.quiet_ningbo = UnitFactory(name="宁波静默实验室", division=division(NINGBO))
    assign(w.quiet_ningbo, w.other_team)
    w.materials = UnitFactory(name="西湖新材料实验室")
    assign(w.materials, w.team)
    ActivityFactory(actor=member, unit=w.materials, date=datetime.date(2026, 5, 20), kind="briefing")
    add_units(w, more)
    return w


def add_units(w: SimpleNamespace, count: int) -> None:
    """`count` more units a city, each served by its city's team and visited once in the half year."""
    start = getattr(w, "added", 0)
    for index in range(start, start + count):
        for code, team, actor in (("330106", w.team, w.member), (NINGBO, w.other_team, w.tina)):
            extra = UnitFactory(name=f"扩充单位{code}-{index:02d}", division=division(code))
            assign(extra, team)
            ActivityFactory(actor=actor, unit=extra, date=datetime.date(2026, 5, 1 + index % 28), kind="training")
    w.added = start + count


def add_teams(w: SimpleNamespace, count: int) -> None:
    """`count` more teams, each serving one 杭州 unit it visited once in the half year (a score of 100)."""
    start = getattr(w, "teams_added", 0)
    for index in range(start, start + count):
        team = TeamFactory(name=f"扩充团队{index:03d}")
        extra = UnitFactory(name=f"扩充团队单位{index:03d}")
        assign(extra, team)
        ActivityFactory(unit=extra, date=datetime.date(2026, 6, 1), kind="visit")
    w.teams_added = start + count


class _Tables(HTMLParser):
    """Every table of a page as rows of cell texts, grouped by the report part (`data-part`) it is in."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: dict[str, list[list[list[str]]]] = {}
        self.part = ""
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "section" and "data-part" in attributes:
            self.part = attributes["data-part"] or ""
        elif tag == "table":
            self.parts.setdefault(self.part, []).append([])
        elif tag == "tr":
            self.parts[self.part][-1].append([])
        elif tag in ("td", "th") and self.part in self.parts:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None:
            self.parts[self.part][-1][-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "section":
            self.part = ""

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def page_tables(html: str) -> dict[str, list[list[list[str]]]]:
    """{part key: [table: [row: [cell text]]]}; tables outside a report part under ""."""
    reader = _Tables()
    reader.feed(html)
    return reader.parts


def column(table: list[list[str]], header: str) -> dict[str, str]:
    """A table's column as {first cell of the row: the cell under `header`}."""
    index = table[0].index(header)
    return {row[0]: row[index] for row in table[1:] if len(row) > index}
