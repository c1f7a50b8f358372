"""The programme's half years (半年度): H1 January–June, H2 July–December. A period is named by its code, e.g.
"2026H1", in URLs, in the database and on the command line."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

_CODE = re.compile(r"^(?P<year>20\d\d)H(?P<half>[12])$")


@dataclass(frozen=True, order=True)
class Period:
    year: int
    half: int  # 1 or 2

    @classmethod
    def parse(cls, code: str) -> Period:
        """The period of a code such as "2026H1"; ValueError for anything else."""
        match = _CODE.match((code or "").strip().upper())
        if not match:
            raise ValueError(f"not a half year: {code!r}")
        return cls(int(match["year"]), int(match["half"]))

    @classmethod
    def containing(cls, day: datetime.date) -> Period:
        return cls(day.year, 1 if day.month <= 6 else 2)

    @property
    def code(self) -> str:
        return f"{self.year}H{self.half}"

    def __str__(self) -> str:
        return self.code

    @property
    def label(self) -> str:
        """2026年上半年 / 2026年下半年."""
        if self.half == 1:
            return _("First half of %(year)s") % {"year": self.year}
        return _("Second half of %(year)s") % {"year": self.year}

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def end(self) -> datetime.date:
        """The last day, inclusive."""
        return datetime.date(self.year, 6, 30) if self.half == 1 else datetime.date(self.year, 12, 31)

    @property
    def previous(self) -> Period:
        return Period(self.year, 1) if self.half == 2 else Period(self.year - 1, 2)

    @property
    def next(self) -> Period:
        return Period(self.year, 2) if self.half == 1 else Period(self.year + 1, 1)

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end

    def due_on(self, days_after_end: int) -> datetime.date:
        """The report's due date: `days_after_end` days after the half year ends (15 → 15 July, 15 January)."""
        return self.end + datetime.timedelta(days=days_after_end)

    @property
    def feedback_opens(self) -> datetime.date:
        """Units are asked for their feedback (意见建议) in the last month of the half year, and until the report
        is due."""
        return datetime.date(self.year, 6 if self.half == 1 else 12, 1)

    def as_of(self, today: datetime.date) -> datetime.date:
        """The day the period's figures stand at: its last day, or today while it runs."""
        return min(self.end, today)


def periods_between(first: Period, last: Period) -> list[Period]:
    """Every period from `first` to `last`, inclusive, oldest first."""
    periods, period = [], first
    while period <= last:
        periods.append(period)
        period = period.next
    return periods


# The programme's first half year: nothing is reported before it.
FIRST_PERIOD = Period(2025, 1)
