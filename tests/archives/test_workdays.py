"""Working-day arithmetic on China's official calendar, checked against what `holidays.China` says."""

import datetime
import zoneinfo

import holidays
import pytest

from huhang import workdays

D = datetime.date
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def test_the_library_knows_spring_festival_2026_and_its_adjusted_working_days():
    china = holidays.China(years=2026)
    assert [d for d in (D(2026, 2, 15) + datetime.timedelta(n) for n in range(9)) if china.is_working_day(d)] == []
    assert china.is_working_day(D(2026, 2, 14))  # Saturday worked
    assert china.is_working_day(D(2026, 2, 28))  # Saturday worked
    assert china.is_working_day(D(2026, 2, 24))


def test_the_library_knows_national_day_2025_and_its_adjusted_working_days():
    china = holidays.China(years=2025)
    assert not any(china.is_working_day(D(2025, 10, day)) for day in range(1, 9))
    assert china.is_working_day(D(2025, 9, 28))  # Sunday worked
    assert china.is_working_day(D(2025, 10, 11))  # Saturday worked
    assert not china.is_working_day(D(2025, 10, 12))


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        (D(2026, 2, 13), 1, D(2026, 2, 14)),  # Friday → the adjusted Saturday
        (D(2026, 2, 14), 1, D(2026, 2, 24)),  # over the whole Spring Festival break
        (D(2026, 2, 12), 5, D(2026, 2, 26)),  # 13, 14, 24, 25, 26
        (D(2026, 2, 24), 4, D(2026, 2, 28)),  # 25, 26, 27 and the adjusted Saturday 28
        (D(2026, 2, 27), 1, D(2026, 2, 28)),
        (D(2026, 2, 28), 1, D(2026, 3, 2)),
        (D(2026, 2, 10), 15, D(2026, 3, 9)),
        (D(2025, 9, 26), 1, D(2025, 9, 28)),  # Friday → the adjusted Sunday
        (D(2025, 9, 30), 1, D(2025, 10, 9)),  # over National Day and Mid-Autumn
        (D(2025, 9, 29), 5, D(2025, 10, 13)),  # 30, 9, 10, the adjusted Saturday 11, 13
        (D(2025, 10, 10), 1, D(2025, 10, 11)),
        (D(2025, 10, 11), 1, D(2025, 10, 13)),
        (D(2025, 10, 4), 0, D(2025, 10, 9)),  # zero days from a holiday: the next working day
        (D(2025, 9, 30), 0, D(2025, 9, 30)),
    ],
)
def test_add_working_days(start, count, expected):
    assert workdays.add_working_days(start, count) == expected


def test_working_days_between_spans_the_holidays():
    assert workdays.working_days_between(D(2026, 2, 13), D(2026, 3, 2)) == 7  # 14, 24–28, 2 Mar
    assert workdays.working_days_between(D(2025, 9, 26), D(2025, 10, 13)) == 7  # 28, 29, 30, 9, 10, 11, 13
    assert workdays.working_days_between(D(2025, 10, 13), D(2025, 10, 13)) == 0


@pytest.mark.parametrize(
    ("submitted", "received"),
    [
        (at(2026, 2, 13, 10, 0), D(2026, 2, 13)),  # a working day, in office hours
        (at(2026, 2, 13, 16, 59), D(2026, 2, 13)),
        (at(2026, 2, 13, 17, 0), D(2026, 2, 14)),  # after hours: the next working day (the adjusted Saturday)
        (at(2026, 2, 14, 18, 30), D(2026, 2, 24)),  # after hours before the break: after the break
        (at(2026, 2, 17, 9, 0), D(2026, 2, 24)),  # on a holiday
        (at(2025, 9, 27, 11, 0), D(2025, 9, 28)),  # an ordinary Saturday → the adjusted Sunday
        (at(2025, 10, 1, 9, 0), D(2025, 10, 9)),
        (at(2025, 10, 11, 8, 0), D(2025, 10, 11)),  # early on an adjusted working day counts that day
        (datetime.datetime(2025, 9, 30, 8, 30, tzinfo=datetime.UTC), D(2025, 9, 30)),  # 16:30 in Shanghai
        (datetime.datetime(2025, 9, 30, 10, 0, tzinfo=datetime.UTC), D(2025, 10, 9)),  # 18:00 in Shanghai
    ],
)
def test_received_on_follows_the_close_of_business_rule(submitted, received):
    assert workdays.received_on(submitted) == received


def test_due_at_is_the_end_of_the_nth_working_day_after_receipt_in_shanghai_time():
    due = workdays.due_at(at(2025, 9, 30, 10, 0), 1)
    assert due.tzinfo is not None
    local = due.astimezone(SHANGHAI)
    assert (local.date(), local.hour, local.minute) == (D(2025, 10, 9), 23, 59)
    assert workdays.due_at(at(2026, 2, 13, 18, 0), 5).astimezone(SHANGHAI).date() == D(2026, 2, 28)
