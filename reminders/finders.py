"""The rules that find what to remind of (issue 12, "What is reminded, and to whom"). Each finder reads the
records in SQL, leaves out occasions already stored (an anti-join on Reminder) and returns `Occasion`s."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from reminders.occasions import Occasion


def find_occasions(*, now: datetime.datetime, kinds: Iterable[str] | None = None) -> list[Occasion]:
    return []
