"""The outbox's sender (reminders/sending.py) with a frozen clock: quiet hours on the official calendar, the Saturday
before Spring Festival 2026, the 9:00 digest, retries with backoff and the final failure, and each delivery once.

E-mails go to the locmem outbox (the tests' backend); a failing mail server is a real one that refuses: port 1 on
127.0.0.1, where nothing listens."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from huhang.workdays import is_working_day
from reminders.kinds import Kind
from reminders.models import Delivery
from reminders.occasions import Occasion
from reminders.sending import BACKOFF_MINUTES, MAX_ATTEMPTS, deliveries_due, deliveries_send
from reminders.services import delivery_resend, planned_deliveries
from tests.factories import UnitFactory, UserFactory
from tests.reminders.factories import EmailDeliveryFactory, ReminderFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def leader():
    return UserFactory(username="wang", team_member=True, full_name="王组长", email="wang@example.gov.cn")


def planned(user, kind: str, found_at: datetime.datetime) -> Delivery:
    """The e-mail a finder cycle at `found_at` plans for `user` (reminders.services.planned_deliveries: the user's
    choice, quiet hours and the digest applied), stored as the cycle stores it."""
    unit = UnitFactory()
    reminder = ReminderFactory(record=unit, kind=kind)
    occasion = Occasion(
        kind=kind,
        record=unit,
        occasion=reminder.occasion,
        title=reminder.title,
        url="/units/",
        user_ids=frozenset({user.pk}),
    )
    [delivery] = planned_deliveries([occasion], now=found_at)
    delivery.reminder = reminder
    delivery.save()
    return delivery


def sent_to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]


# --- Quiet hours on the official calendar --------------------------------------------------------------------------


def test_a_delivery_found_at_21_waits_for_9_next_working_day(leader):
    tuesday_evening = at(2026, 5, 12, 21, 0)
    delivery = planned(leader, Kind.REQUEST_RAISED, tuesday_evening)  # "raised" goes at once, never at night
    assert not delivery.digest
    assert delivery.not_before == at(2026, 5, 13, 9, 0)

    for moment in (tuesday_evening, at(2026, 5, 12, 23, 59), at(2026, 5, 13, 7, 59), at(2026, 5, 13, 8, 59)):
        assert deliveries_due(now=moment) == []
        assert deliveries_send(now=moment).sent == 0
    assert mail.outbox == []

    assert deliveries_send(now=at(2026, 5, 13, 9, 0)).sent == 1
    assert len(sent_to("wang@example.gov.cn")) == 1


def test_a_due_delivery_is_not_sent_at_night_or_on_a_weekend(leader):
    due = EmailDeliveryFactory(user=leader, not_before=at(2026, 5, 15, 17, 0))  # Friday 17:00
    for moment in (at(2026, 5, 15, 20, 0), at(2026, 5, 16, 10, 0), at(2026, 5, 17, 15, 0), at(2026, 5, 18, 7, 30)):
        assert deliveries_due(now=moment) == []
        assert deliveries_send(ids=[due.pk], now=moment).sent == 0
    assert deliveries_send(ids=[due.pk], now=at(2026, 5, 18, 8, 0)).sent == 1  # Monday: quiet hours end at 8:00


def test_a_delivery_found_on_a_public_holiday_waits_for_the_first_working_day():
    """National Day 2026: 1–7 October are off; Saturday 10 October is worked (调休), per the official calendar."""
    user = UserFactory(email="li@example.gov.cn")
    delivery = planned(user, Kind.REQUEST_MISSED, at(2026, 10, 3, 10, 0))
    assert delivery.not_before == at(2026, 10, 8, 9, 0)
    assert deliveries_send(now=at(2026, 10, 7, 10, 0)).sent == 0
    assert deliveries_send(now=at(2026, 10, 8, 9, 0)).sent == 1


def test_the_saturday_before_spring_festival_2026_follows_the_official_calendar():
    """The State Council's notice on the 2026 public holidays: Spring Festival is off from Sunday 15 to Monday 23
    February; Saturday 14 February is worked (调休), and so is Saturday 28 February. The `holidays` library has it
    so, and the sender follows it: on Saturday the 14th a reminder goes out as on any working day; found that
    evening, or on the Sunday, it waits for the first working day after the holiday, Tuesday 24 February at 9:00."""
    saturday = datetime.date(2026, 2, 14)
    assert saturday.weekday() == 5
    assert is_working_day(saturday)
    assert not any(is_working_day(saturday + datetime.timedelta(days=n)) for n in range(1, 10))
    assert is_working_day(datetime.date(2026, 2, 24))

    user = UserFactory(email="zhao@example.gov.cn")
    morning = planned(user, Kind.REQUEST_RAISED, at(2026, 2, 14, 10, 0))
    assert morning.not_before == at(2026, 2, 14, 10, 0)
    assert deliveries_send(now=at(2026, 2, 14, 10, 0)).sent == 1

    evening = planned(user, Kind.REQUEST_RAISED, at(2026, 2, 14, 20, 30))
    sunday = planned(user, Kind.REQUEST_MISSED, at(2026, 2, 15, 11, 0))
    first_working_day = at(2026, 2, 24, 9, 0)
    assert evening.not_before == sunday.not_before == first_working_day
    for day in range(15, 24):  # the nine days off, at noon
        assert deliveries_send(now=at(2026, 2, day, 12, 0)).sent == 0
    assert deliveries_send(now=first_working_day).sent == 2
    assert len(sent_to("zhao@example.gov.cn")) == 3


# --- The daily digest ----------------------------------------------------------------------------------------------


def test_three_digest_deliveries_to_one_user_go_in_one_message_at_9(leader):
    found_at = at(2026, 5, 12, 14, 0)  # Tuesday afternoon: tomorrow's digest
    digests = [planned(leader, kind, found_at) for kind in (Kind.PLAN_DUE_SOON, Kind.MEASURE_OVERDUE, Kind.NO_CONTACT)]
    other = UserFactory(email="other@example.gov.cn")
    theirs = planned(other, Kind.MEASURE_DUE_SOON, found_at)
    assert all(d.digest and d.not_before == at(2026, 5, 13, 9, 0) for d in [*digests, theirs])

    assert deliveries_send(now=at(2026, 5, 13, 8, 59)).sent == 0
    # A worker given only one of the three ids still sends the recipient's whole digest, once.
    result = deliveries_send(ids=[digests[1].pk], now=at(2026, 5, 13, 9, 0))
    assert (result.sent, result.messages) == (3, 1)
    [message] = sent_to("wang@example.gov.cn")
    for delivery in digests:
        assert delivery.reminder.title in message.body
    assert deliveries_send(now=at(2026, 5, 13, 9, 1)).messages == 1  # the other user's digest
    assert len(sent_to("other@example.gov.cn")) == 1
    assert deliveries_send(now=at(2026, 5, 13, 9, 2)).sent == 0
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}


def test_a_digest_waits_for_9_even_when_found_early_in_the_morning(leader):
    early = planned(leader, Kind.PLAN_OVERDUE, at(2026, 5, 13, 8, 30))
    assert early.not_before == at(2026, 5, 13, 9, 0)  # today's digest, not tomorrow's
    assert deliveries_send(now=at(2026, 5, 13, 8, 45)).sent == 0
    assert deliveries_send(now=at(2026, 5, 13, 9, 0)).sent == 1


def test_an_at_once_delivery_is_not_held_for_the_digest(leader):
    at_once = planned(leader, Kind.REQUEST_MISSED, at(2026, 5, 12, 14, 0))
    digest = planned(leader, Kind.PLAN_OVERDUE, at(2026, 5, 12, 14, 0))
    assert deliveries_send(now=at(2026, 5, 12, 14, 0)).sent == 1
    at_once.refresh_from_db()
    digest.refresh_from_db()
    assert (at_once.status, digest.status) == (Delivery.Status.SENT, Delivery.Status.PENDING)


# --- Once ----------------------------------------------------------------------------------------------------------


def test_a_sent_delivery_is_never_sent_again(leader):
    delivery = EmailDeliveryFactory(user=leader, not_before=at(2026, 5, 12, 9, 0))
    assert deliveries_send(ids=[delivery.pk], now=at(2026, 5, 12, 10, 0)).sent == 1
    assert deliveries_send(ids=[delivery.pk], now=at(2026, 5, 12, 10, 1)).sent == 0
    assert deliveries_send(now=at(2026, 5, 12, 10, 2)).sent == 0
    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 1)
    assert delivery.sent_at is not None


def test_a_skipped_delivery_is_never_sent(leader):
    delivery = EmailDeliveryFactory(user=leader, not_before=at(2026, 5, 12, 9, 0), status=Delivery.Status.SKIPPED)
    assert deliveries_due(now=at(2026, 5, 12, 10, 0)) == []
    assert deliveries_send(ids=[delivery.pk], now=at(2026, 5, 12, 10, 0)).sent == 0
    assert mail.outbox == []


def test_the_queue_keeps_a_recipients_deliveries_side_by_side(leader):
    """So that the chunks spread over the workers (reminders.tasks) hold a recipient's whole digest."""
    other = UserFactory(email="other@example.gov.cn")
    nine = at(2026, 5, 13, 9, 0)
    created = [EmailDeliveryFactory(user=user, digest=True, not_before=nine) for user in (leader, other, leader, other)]
    due = deliveries_due(now=nine)
    assert [Delivery.objects.get(pk=pk).user for pk in due] == [leader, leader, other, other]
    assert sorted(due) == sorted(d.pk for d in created)


# --- Retries -------------------------------------------------------------------------------------------------------


@pytest.fixture
def refusing_mail_server(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2  # nothing listens on port 1
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False


def test_a_failing_send_is_retried_after_1_5_30_and_120_minutes_then_failed(leader, refusing_mail_server):
    start = at(2026, 5, 12, 9, 0)
    delivery = EmailDeliveryFactory(user=leader, not_before=start)
    now = start
    for attempt, minutes in enumerate(BACKOFF_MINUTES, start=1):
        result = deliveries_send(now=now)
        assert (result.sent, result.retrying, result.failed) == (0, 1, 0)
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == (Delivery.Status.PENDING, attempt)
        assert delivery.not_before == now + datetime.timedelta(minutes=minutes)
        assert delivery.last_error
        # Not before its time: a second worker a minute early sends nothing and counts no try.
        early = delivery.not_before - datetime.timedelta(seconds=30)
        assert deliveries_send(now=early).retrying == 0
        now = delivery.not_before
    result = deliveries_send(now=now)
    assert (result.sent, result.retrying, result.failed) == (0, 0, 1)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, MAX_ATTEMPTS)
    assert deliveries_due(now=now + datetime.timedelta(days=1)) == []  # failed stays failed until the bureau acts


def test_a_retry_that_would_fall_in_quiet_hours_waits_for_9(leader, refusing_mail_server):
    delivery = EmailDeliveryFactory(user=leader, not_before=at(2026, 5, 15, 19, 0), attempts=2)  # Friday
    deliveries_send(now=at(2026, 5, 15, 19, 45))  # third try fails: 30 minutes later is 20:15, quiet
    delivery.refresh_from_db()
    assert delivery.attempts == 3
    assert delivery.not_before == at(2026, 5, 18, 9, 0)  # Monday


def test_a_failed_delivery_resent_by_the_bureau_goes_once_when_the_mail_server_is_back(leader):
    delivery = EmailDeliveryFactory(
        user=leader, not_before=at(2026, 5, 12, 9, 0), status=Delivery.Status.FAILED, attempts=MAX_ATTEMPTS
    )
    evening = at(2026, 5, 12, 20, 30)
    delivery = delivery_resend(delivery=delivery, now=evening)
    assert (delivery.status, delivery.attempts) == (Delivery.Status.PENDING, 0)
    assert delivery.not_before == at(2026, 5, 13, 9, 0)  # resent in quiet hours: it waits for 9:00
    assert deliveries_send(now=at(2026, 5, 13, 9, 0)).sent == 1
    assert deliveries_send(now=at(2026, 5, 13, 9, 5)).sent == 0
    assert len(mail.outbox) == 1


def test_a_digest_that_fails_is_retried_as_one_and_each_row_keeps_its_count(leader, refusing_mail_server, settings):
    nine = at(2026, 5, 13, 9, 0)
    fresh = EmailDeliveryFactory(user=leader, digest=True, not_before=nine)
    tried = EmailDeliveryFactory(user=leader, digest=True, not_before=nine, attempts=MAX_ATTEMPTS - 1)
    result = deliveries_send(now=nine)
    assert (result.retrying, result.failed) == (1, 1)
    fresh.refresh_from_db()
    tried.refresh_from_db()
    assert (fresh.status, fresh.attempts) == (Delivery.Status.PENDING, 1)
    assert (tried.status, tried.attempts) == (Delivery.Status.FAILED, MAX_ATTEMPTS)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the mail server is back
    assert deliveries_send(now=fresh.not_before).sent == 1
    fresh.refresh_from_db()
    assert (fresh.status, fresh.attempts) == (Delivery.Status.SENT, 2)
