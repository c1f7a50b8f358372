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


# Office hours, for reminders (reminders/): a limit is reminded of N *working* hours before it ends, counted on
# working days between opening and close of business; nothing is e-mailed or posted at night (20:00–8:00) or on a
# non-working day, and what waits goes out at 9:00 on the next working day, when the daily digest goes too.
OPENING = datetime.time(9, 0)
QUIET_FROM = datetime.time(20, 0)
QUIET_UNTIL = datetime.time(8, 0)
SENDING_RESUMES = OPENING


def _at(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time))


def is_quiet(moment: datetime.datetime) -> bool:
    """Whether nothing may be e-mailed or posted at `moment` (night, or a non-working day)."""
    local = timezone.localtime(moment)
    return not is_working_day(local.date()) or not (QUIET_UNTIL <= local.time() < QUIET_FROM)


def sending_time(moment: datetime.datetime) -> datetime.datetime:
    """`moment` itself outside quiet hours; otherwise 9:00 of the first working day at or after it (at 7:30 on a
    working day that is 9:00 the same day; at 21:00 on the Friday before a holiday, 9:00 after the holiday)."""
    if not is_quiet(moment):
        return moment
    local = timezone.localtime(moment)
    day = local.date()
    if is_working_day(day) and local.time() < QUIET_UNTIL:
        return _at(day, SENDING_RESUMES)
    return _at(next_working_day(day), SENDING_RESUMES)


def digest_time(moment: datetime.datetime) -> datetime.datetime:
    """When the daily digest that takes something found at `moment` goes out: 9:00 on a working day, the same day
    when `moment` is not later than that, else the next working day."""
    local = timezone.localtime(moment)
    day = local.date()
    if is_working_day(day) and local.time() <= SENDING_RESUMES:
        return _at(day, SENDING_RESUMES)
    return _at(next_working_day(day), SENDING_RESUMES)


def working_hours_ahead(moment: datetime.datetime, hours: int) -> datetime.datetime:
    """The moment `hours` working hours (9:00–17:00 on working days) after `moment`. Time outside office hours does
    not count, so 4 working hours after Friday 15:00 end at 11:00 on the next working day."""
    local = timezone.localtime(moment)
    day, time = local.date(), local.time()
    if not is_working_day(day) or time >= CLOSE_OF_BUSINESS:
        day, time = next_working_day(day), OPENING
    elif time < OPENING:
        time = OPENING
    remaining = datetime.timedelta(hours=hours)
    while True:
        start = _at(day, time)
        left_today = _at(day, CLOSE_OF_BUSINESS) - start
        if remaining <= left_today:
            return start + remaining
        remaining -= left_today
        day, time = next_working_day(day), OPENING


def limits_reminded_by(moment: datetime.datetime, hours: int) -> datetime.datetime:
    """The latest time limit (an end of day, as `due_at` gives) to remind of at `moment`, `hours` working hours
    ahead: a limit ending on day D is reminded of from `hours` working hours before D's close of business."""
    ahead = timezone.localtime(working_hours_ahead(moment, hours))
    day = ahead.date()
    if ahead.time() < CLOSE_OF_BUSINESS:
        # D's close of business is not yet within reach: the last limit in reach is the working day before.
        day -= _ONE_DAY
    return end_of_day(day)
