"""Working days on China's official calendar (法定节假日 and 调休), for response time limits and reports.

The calendar is the `holidays` library's: `holidays.China(...).is_working_day` knows the public holidays and the
adjusted working days (a Saturday or Sunday worked to bridge a holiday, e.g. Sunday 2025-09-28).

The rule for a time limit of N working days (`due_at`):
- the clock starts on the day a submission *counts as received*: the submission day itself when it is a working day
  and the submission came before the close of business (17:00 Asia/Shanghai); otherwise the next working day
  (a request sent on Saturday evening, on a holiday, or at 20:00 on a Monday counts from the next working day);
- that day is day 0; the limit ends at the end (23:59:59.999999) of the N-th working day after it.
So a request sent on Monday 10:00 with a one-working-day limit is due by the end of Tuesday; sent Monday 18:00,
by the end of Wednesday.
"""

from __future__ import annotations

import datetime
import functools

import holidays
from django.utils import timezone

CLOSE_OF_BUSINESS = datetime.time(17, 0)
_ONE_DAY = datetime.timedelta(days=1)


@functools.lru_cache(maxsize=16)
def _calendar(year: int) -> holidays.HolidayBase:
    return holidays.China(years=year)


def is_working_day(day: datetime.date) -> bool:
    return _calendar(day.year).is_working_day(day)


def next_working_day(day: datetime.date) -> datetime.date:
    """The first working day strictly after `day`."""
    day += _ONE_DAY
    while not is_working_day(day):
        day += _ONE_DAY
    return day


def add_working_days(day: datetime.date, count: int) -> datetime.date:
    """The `count`-th working day after `day` (`day` itself not counted); `count=0` is `day` or the next working
    day when `day` is not one."""
    if count < 0:
        raise ValueError("count must not be negative")
    if count == 0:
        return day if is_working_day(day) else next_working_day(day)
    for _step in range(count):
        day = next_working_day(day)
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (0 when `end` is not after `start`)."""
    count = 0
    day = start + _ONE_DAY
    while day <= end:
        count += is_working_day(day)
        day += _ONE_DAY
    return count


def received_on(moment: datetime.datetime) -> datetime.date:
    """The working day on which something submitted at `moment` counts as received (see the module's rule)."""
    local = timezone.localtime(moment)
    day = local.date()
    if is_working_day(day) and local.time() < CLOSE_OF_BUSINESS:
        return day
    return next_working_day(day)


def end_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def due_at(moment: datetime.datetime, working_days: int) -> datetime.datetime:
    """When a limit of `working_days` ends for something submitted at `moment` (an aware datetime)."""
    return end_of_day(add_working_days(received_on(moment), working_days))
