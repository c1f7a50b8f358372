"""The demo command guards the real programme (the full demo is tested in tests/demo/), and its reminders: one
finder cycle at the demo's "now" fills every demo login's bell and sends nothing."""

import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from tests.factories import UnitFactory
from units.models import Unit


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_seed_demo_refuses_to_double_a_demo_laid_out_by_an_older_version():
    """An older seed_demo placed its units elsewhere (other credit codes): updating in place would add a second
    programme beside the first, so the command asks for an empty database instead."""
    UnitFactory(name="钱塘智能计算实验室")
    with pytest.raises(CommandError, match="older version of seed_demo"):
        call_command("seed_demo", force=True)
    assert Unit.objects.count() == 1
    assert not User.objects.exists()


# --- The demo's reminders (demo/reminders.py) --------------------------------------------------------------------

DEMO_LOGINS = ["bureau", "officer", "leader", "member", "expert", "unit"]


@pytest.fixture(scope="module")
def seeded_with_reminders(django_db_setup, django_db_blocker):
    """The demo programme, built once for this module inside a transaction rolled back at its end. What seeding
    leaves to run after its commit (the events' own finder task: reminders/signals.py) runs too, as it would."""
    from django.db import transaction
    from django.test import TestCase

    with django_db_blocker.unblock(), transaction.atomic():
        with TestCase.captureOnCommitCallbacks(execute=True) as after_commit:
            call_command("seed_demo", force=True)
        yield after_commit
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_every_demo_login_opens_a_bell_with_unread_notifications(seeded_with_reminders):
    from reminders.models import Notification

    for username in DEMO_LOGINS:
        unread = Notification.objects.filter(user__username=username, read_at__isnull=True)
        assert unread.exists(), username
    # Each from the demo's own records, by the finder: the officer hears of a request referred to Hangzhou's
    # department, the unit's contact of an answer, the expert of an invitation.
    assert Notification.objects.filter(user__username="officer", reminder__kind="request_referred").exists()
    assert Notification.objects.filter(user__username="unit", reminder__kind="request_answered").exists()
    assert Notification.objects.filter(user__username="expert", reminder__kind="expert_invited").exists()


@pytest.mark.django_db
def test_seeding_sends_nothing_every_message_waits_for_the_demo_days_9_oclock(seeded_with_reminders):
    from django.core import mail

    from demo.reminders import DEMO_NOW
    from reminders.models import Delivery, FinderRun, Notification

    assert mail.outbox == []
    assert not Delivery.objects.filter(status__in=[Delivery.Status.SENT, Delivery.Status.FAILED]).exists()
    waiting = Delivery.objects.filter(status=Delivery.Status.PENDING)
    assert waiting.count() > 100
    assert not waiting.filter(not_before__lt=DEMO_NOW.replace(hour=9, minute=0)).exists()
    assert FinderRun.objects.filter(started_at=DEMO_NOW, finished_at__isnull=False).exists()
    # Found at the demo's moment, and dated so, as the archive's records are.
    assert set(Notification.objects.values_list("created_at", flat=True)) == {DEMO_NOW}
    # Every demo login has an address: their e-mails are in the outbox, none skipped for want of one.
    assert not Delivery.objects.filter(user__username__in=DEMO_LOGINS, status=Delivery.Status.SKIPPED).exists()


@pytest.mark.django_db
def test_a_second_seeding_finds_every_occasion_stored(seeded_with_reminders):
    from reminders.models import Delivery, Notification, Reminder

    tables = [Reminder, Notification, Delivery]
    counts = [model.objects.count() for model in tables]
    call_command("seed_demo", force=True)
    assert [model.objects.count() for model in tables] == counts


@pytest.mark.django_db
def test_the_demo_days_9_oclock_cycle_sends_the_waiting_messages_once(seeded_with_reminders):
    from django.core import mail

    from reminders.models import Delivery

    call_command("send_reminders", "--at", "2026-11-25 09:00", stdout=io.StringIO())
    sent = Delivery.objects.filter(status=Delivery.Status.SENT)
    assert sent.exists()
    assert not Delivery.objects.filter(status=Delivery.Status.PENDING, not_before__lte="2026-11-25T09:00+08:00")
    # One message per delivery sent at once, and one daily digest per recipient for all the rest.
    digests = sent.filter(digest=True).values("user").distinct().count()
    assert len(mail.outbox) == sent.filter(digest=False).count() + digests
    outbox = len(mail.outbox)
    call_command("send_reminders", "--at", "2026-11-25 09:05", stdout=io.StringIO())
    assert len(mail.outbox) == outbox
