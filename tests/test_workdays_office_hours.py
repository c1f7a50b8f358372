"""Office hours for reminders (huhang/workdays.py, from OPENING down): quiet hours (20:00–8:00 and every non-working
day of China's official calendar, adjusted working days included), when what waits goes out (9:00 on the next
working day), the 9:00 digest, and how far ahead "N working hours before a time limit" reaches. Checked against what
`holidays.China` says, over Spring Festival 2026, National Day 2026 (with Mid-Autumn before it), the turn of 2025 to
2026 and ordinary weekends."""

import datetime
import zoneinfo
from itertools import accumulate

import holidays
import pytest

from huhang import workdays

D = datetime.date
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def end_of(*args) -> datetime.datetime:
    return datetime.datetime.combine(D(*args), datetime.time.max, tzinfo=SHANGHAI)


# --- The calendar the helpers stand on ----------------------------------------------------------------------------


def test_the_library_marks_spring_festival_2026_with_both_worked_saturdays():
    china = holidays.China(years=2026)
    working = {D(2026, 2, 7) + datetime.timedelta(n) for n in range(30)}
    working = sorted(day for day in working if china.is_working_day(day))
    assert D(2026, 2, 14) in working  # Saturday before the festival: worked
    assert D(2026, 2, 28) in working  # Saturday after it: worked
    assert not [day for day in working if D(2026, 2, 15) <= day <= D(2026, 2, 23)]  # nine days off, Sun to Mon
    assert D(2026, 2, 24) in working


def test_the_library_marks_national_day_2026_and_its_worked_sunday_and_saturday():
    china = holidays.China(years=2026)
    assert china.is_working_day(D(2026, 9, 20))  # Sunday worked
    assert not any(china.is_working_day(D(2026, 9, day)) for day in (25, 26, 27))  # Mid-Autumn
    assert not any(china.is_working_day(D(2026, 10, day)) for day in range(1, 8))
    assert china.is_working_day(D(2026, 10, 8))
    assert china.is_working_day(D(2026, 10, 10))  # Saturday worked


def test_the_library_marks_new_year_2026_with_its_worked_sunday():
    china = holidays.China(years=2026)
    assert not any(china.is_working_day(D(2026, 1, day)) for day in (1, 2, 3))
    assert china.is_working_day(D(2026, 1, 4))  # Sunday worked


# --- Quiet hours --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "quiet"),
    [
        (at(2026, 3, 5, 7, 59, 59), True),  # Thursday before 8:00
        (at(2026, 3, 5, 8, 0), False),
        (at(2026, 3, 5, 12, 0), False),
        (at(2026, 3, 5, 19, 59, 59), False),
        (at(2026, 3, 5, 20, 0), True),  # 20:00 is quiet already
        (at(2026, 3, 5, 23, 30), True),
        (at(2026, 3, 6, 0, 0), True),  # midnight
        (at(2026, 3, 7, 10, 0), True),  # an ordinary Saturday
        (at(2026, 3, 8, 10, 0), True),  # an ordinary Sunday
        (at(2026, 2, 14, 10, 0), False),  # the Saturday worked before Spring Festival
        (at(2026, 2, 14, 20, 0), True),  # … but not in its evening
        (at(2026, 2, 17, 10, 0), True),  # Spring Festival
        (at(2026, 2, 23, 10, 0), True),  # the Monday given off for the worked Saturday 28 Feb
        (at(2026, 2, 28, 10, 0), False),  # the Saturday worked after it
        (at(2025, 9, 28, 10, 0), False),  # the Sunday worked before National Day 2025
        (at(2026, 10, 6, 10, 0), True),  # National Day 2026, a Tuesday
        (at(2026, 1, 1, 10, 0), True),
        (at(2026, 1, 4, 10, 0), False),  # the Sunday worked after New Year
    ],
)
def test_is_quiet(moment, quiet):
    assert workdays.is_quiet(moment) is quiet


def test_is_quiet_judges_the_time_in_shanghai_whatever_the_moments_zone():
    utc = datetime.UTC
    assert not workdays.is_quiet(datetime.datetime(2026, 3, 5, 1, 0, tzinfo=utc))  # 9:00 in Shanghai
    assert workdays.is_quiet(datetime.datetime(2026, 3, 5, 12, 30, tzinfo=utc))  # 20:30 in Shanghai
    assert workdays.is_quiet(datetime.datetime(2026, 3, 6, 23, 30, tzinfo=utc))  # Saturday 7:30 in Shanghai


# --- When what waits goes out -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(2026, 3, 5, 10, 0), at(2026, 3, 5, 10, 0)),  # office hours: at once
        (at(2026, 3, 5, 8, 0), at(2026, 3, 5, 8, 0)),  # 8:00–9:00 is not quiet
        (at(2026, 3, 5, 19, 59), at(2026, 3, 5, 19, 59)),
        (at(2026, 3, 5, 7, 30), at(2026, 3, 5, 9, 0)),  # a working day's early morning: 9:00 that day
        (at(2026, 3, 5, 0, 5), at(2026, 3, 5, 9, 0)),
        (at(2026, 3, 5, 20, 0), at(2026, 3, 6, 9, 0)),  # the evening: 9:00 the next working day
        (at(2026, 3, 5, 23, 59), at(2026, 3, 6, 9, 0)),
        (at(2026, 3, 6, 20, 0), at(2026, 3, 9, 9, 0)),  # Friday evening: Monday
        (at(2026, 3, 7, 10, 0), at(2026, 3, 9, 9, 0)),  # Saturday: Monday
        (at(2026, 3, 8, 7, 0), at(2026, 3, 9, 9, 0)),  # Sunday morning: Monday
        # Spring Festival 2026: the Friday evening before it goes out on the worked Saturday …
        (at(2026, 2, 13, 21, 0), at(2026, 2, 14, 9, 0)),
        # … and what is due on that Saturday evening waits for the first working day after the festival.
        (at(2026, 2, 14, 21, 0), at(2026, 2, 24, 9, 0)),
        (at(2026, 2, 15, 10, 0), at(2026, 2, 24, 9, 0)),
        (at(2026, 2, 23, 7, 0), at(2026, 2, 24, 9, 0)),  # a day off's early morning is not "that day"
        (at(2026, 2, 27, 21, 0), at(2026, 2, 28, 9, 0)),  # Friday evening before the worked Saturday
        # Mid-Autumn and National Day 2026
        (at(2026, 9, 24, 21, 0), at(2026, 9, 28, 9, 0)),  # Thursday evening before Mid-Autumn
        (at(2026, 9, 19, 10, 0), at(2026, 9, 20, 9, 0)),  # Saturday: the worked Sunday
        (at(2026, 9, 30, 20, 30), at(2026, 10, 8, 9, 0)),  # the evening before National Day
        (at(2026, 10, 9, 20, 30), at(2026, 10, 10, 9, 0)),  # Friday evening: the worked Saturday
        # Across a year: New Year's Eve 2025 waits for the worked Sunday 4 January 2026.
        (at(2025, 12, 31, 20, 30), at(2026, 1, 4, 9, 0)),
        (at(2025, 9, 27, 21, 0), at(2025, 9, 28, 9, 0)),  # Saturday evening: the worked Sunday
    ],
)
def test_sending_time(moment, expected):
    assert workdays.sending_time(moment) == expected


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(2026, 3, 5, 6, 0), at(2026, 3, 5, 9, 0)),
        (at(2026, 3, 5, 8, 59), at(2026, 3, 5, 9, 0)),
        (at(2026, 3, 5, 9, 0), at(2026, 3, 5, 9, 0)),  # found at 9:00 sharp: in that day's digest
        (at(2026, 3, 5, 9, 0, 1), at(2026, 3, 6, 9, 0)),  # a second later: tomorrow's
        (at(2026, 3, 5, 15, 0), at(2026, 3, 6, 9, 0)),
        (at(2026, 3, 6, 15, 0), at(2026, 3, 9, 9, 0)),  # Friday afternoon: Monday
        (at(2026, 3, 7, 8, 0), at(2026, 3, 9, 9, 0)),  # Saturday morning: Monday
        (at(2026, 2, 13, 10, 0), at(2026, 2, 14, 9, 0)),  # Friday before Spring Festival: the worked Saturday
        (at(2026, 2, 14, 8, 0), at(2026, 2, 14, 9, 0)),  # the worked Saturday itself has a digest
        (at(2026, 2, 14, 10, 0), at(2026, 2, 24, 9, 0)),  # then none until the festival is over
        (at(2026, 2, 20, 8, 0), at(2026, 2, 24, 9, 0)),
        (at(2025, 12, 31, 10, 0), at(2026, 1, 4, 9, 0)),
    ],
)
def test_digest_time(moment, expected):
    assert workdays.digest_time(moment) == expected


def test_sending_and_digest_times_are_never_quiet():
    moment = at(2026, 1, 28, 0, 0)
    while moment < at(2026, 3, 10):
        assert not workdays.is_quiet(workdays.sending_time(moment)), moment
        assert not workdays.is_quiet(workdays.digest_time(moment)), moment
        assert workdays.sending_time(moment) >= moment
        assert workdays.digest_time(moment) >= moment
        moment += datetime.timedelta(minutes=37)


# --- Working hours ahead, and the limits they reach ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "hours", "expected"),
    [
        (at(2026, 3, 5, 10, 0), 4, at(2026, 3, 5, 14, 0)),
        (at(2026, 3, 5, 13, 0), 4, at(2026, 3, 5, 17, 0)),  # exactly to the close of business
        (at(2026, 3, 5, 15, 0), 4, at(2026, 3, 6, 11, 0)),
        (at(2026, 3, 6, 15, 0), 4, at(2026, 3, 9, 11, 0)),  # over the weekend (the docstring's example)
        (at(2026, 3, 6, 18, 0), 4, at(2026, 3, 9, 13, 0)),  # after the close: from Monday's opening
        (at(2026, 3, 5, 7, 0), 4, at(2026, 3, 5, 13, 0)),  # before the opening: from 9:00
        (at(2026, 3, 5, 17, 0), 4, at(2026, 3, 6, 13, 0)),  # 17:00 sharp counts as closed
        (at(2026, 3, 7, 10, 0), 4, at(2026, 3, 9, 13, 0)),  # a Saturday: from Monday
        (at(2026, 3, 5, 18, 0), 0, at(2026, 3, 6, 9, 0)),
        (at(2026, 3, 5, 9, 0), 16, at(2026, 3, 6, 17, 0)),
        (at(2026, 3, 5, 9, 0), 17, at(2026, 3, 9, 10, 0)),
        (at(2026, 2, 13, 15, 0), 4, at(2026, 2, 14, 11, 0)),  # into the worked Saturday
        (at(2026, 2, 14, 15, 0), 4, at(2026, 2, 24, 11, 0)),  # over Spring Festival
        (at(2026, 2, 17, 10, 0), 4, at(2026, 2, 24, 13, 0)),  # from inside it
        (at(2026, 9, 30, 16, 0), 4, at(2026, 10, 8, 12, 0)),  # over National Day
        (at(2025, 12, 31, 16, 30), 2, at(2026, 1, 4, 10, 30)),  # across the year
    ],
)
def test_working_hours_ahead(moment, hours, expected):
    assert workdays.working_hours_ahead(moment, hours) == expected


@pytest.mark.parametrize(
    ("moment", "hours", "last_limit"),
    [
        # A limit ending on Friday (end of day) with N=4 is reached at 13:00 on Friday, not a second before.
        (at(2026, 3, 6, 12, 59, 59), 4, end_of(2026, 3, 5)),
        (at(2026, 3, 6, 13, 0), 4, end_of(2026, 3, 6)),
        (at(2026, 3, 6, 18, 0), 4, end_of(2026, 3, 8)),  # Friday evening: Monday's not yet
        (at(2026, 3, 7, 10, 0), 4, end_of(2026, 3, 8)),  # Saturday: Monday's not yet
        (at(2026, 3, 9, 12, 59), 4, end_of(2026, 3, 8)),
        (at(2026, 3, 9, 13, 0), 4, end_of(2026, 3, 9)),  # Monday 13:00: Monday's
        (at(2026, 3, 6, 16, 0), 8, end_of(2026, 3, 8)),  # 8 hours from Friday 16:00 end Monday 16:00
        (at(2026, 3, 6, 16, 0), 9, end_of(2026, 3, 9)),  # 9 reach Monday's close
        # Spring Festival: a limit on the worked Saturday is reached on it at 13:00; the next one (Tuesday 24 Feb)
        # not during the festival, only at 13:00 that Tuesday.
        (at(2026, 2, 13, 16, 0), 4, end_of(2026, 2, 13)),
        (at(2026, 2, 14, 13, 0), 4, end_of(2026, 2, 14)),
        (at(2026, 2, 14, 16, 0), 4, end_of(2026, 2, 23)),
        (at(2026, 2, 23, 10, 0), 4, end_of(2026, 2, 23)),
        (at(2026, 2, 24, 12, 59), 4, end_of(2026, 2, 23)),
        (at(2026, 2, 24, 13, 0), 4, end_of(2026, 2, 24)),
    ],
)
def test_limits_reminded_by(moment, hours, last_limit):
    assert workdays.limits_reminded_by(moment, hours) == last_limit


def test_limits_reminded_by_agrees_with_counting_office_half_hours_one_by_one():
    """The reference: a limit ending on working day D is in reach at moment m once the office time (9:00–17:00 of
    working days) between m and D's close of business is at most N hours. Counted by half-hour slots over Spring
    Festival 2026, for every moment on the half hour and every working day ahead."""
    start, stop = at(2026, 2, 9, 0, 0), at(2026, 3, 4, 0, 0)
    half = datetime.timedelta(minutes=30)
    slots = []
    moment = start
    while moment < stop:
        slots.append(moment)
        moment += half

    def in_office(slot: datetime.datetime) -> bool:
        return workdays.is_working_day(slot.date()) and datetime.time(9) <= slot.time() < datetime.time(17)

    office = [0, *accumulate(int(in_office(slot)) for slot in slots)]  # office[i]: office slots before slots[i]
    index = {slot: i for i, slot in enumerate(slots)}
    limit_days = [day.date() for day in slots[::48] if workdays.is_working_day(day.date())]
    for hours in (0, 1, 4, 8, 12):
        for i, moment in enumerate(slots):
            reach = workdays.limits_reminded_by(moment, hours)
            for day in limit_days:
                close = at(day.year, day.month, day.day, 17, 0)
                if close < moment or close not in index:
                    continue
                expected = office[index[close]] - office[i] <= 2 * hours
                assert (end_of(day.year, day.month, day.day) <= reach) is expected, (moment, hours, day)
