"""The reminders end to end through the real Redis broker and a real worker (tests/test_celery_broker.py's
`real_worker`, in a thread of this process; CI sets CELERY_BROKER_URL, and then these run, never skip).

Data that makes reminders due → `find_reminders_task.delay()` → the worker finds them, queues the sends, sends them →
the locmem outbox holds the e-mails and the local DingTalk server the posts → a second cycle sends nothing more.
The clock is set to a working Tuesday at 10:00 (django.utils.timezone.now, shifted), so quiet hours do not hold the
messages back when the suite runs at night.
"""

from __future__ import annotations

import datetime
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Role
from huhang.tasks import ping_task
from reminders.kinds import EmailMode, Kind
from reminders.models import Delivery, EmailPreference, Reminder
from reminders.tasks import find_reminders_task, queue_due_deliveries_task
from teams.models import Membership
from tests.factories import RequestFactory, UnitFactory, UserFactory, assign, team_led_by
from tests.reminders.dingtalk_server import dingtalk_server
from tests.reminders.factories import TeamRobotFactory
from tests.test_celery_broker import real_worker  # noqa: F401 - the fixture

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]

OFFICE_HOURS = datetime.datetime(2026, 5, 12, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a working Tuesday
TIMEOUT = 30


@pytest.fixture
def office_hours(monkeypatch):
    """The clock reads OFFICE_HOURS when the test starts, and runs on from there (for the worker thread too)."""
    real_now = timezone.now
    offset = OFFICE_HOURS - real_now()
    monkeypatch.setattr(timezone, "now", lambda: real_now() + offset)


@pytest.fixture
def robot_server():
    with dingtalk_server() as server:
        yield server


def _drained() -> None:
    """Waits until the worker has run everything queued so far: it takes tasks in order, one at a time (solo)."""
    assert ping_task.delay().get(timeout=TIMEOUT) == "pong"


def test_the_beat_task_finds_queues_and_sends_through_the_broker_once(office_hours, robot_server, real_worker):  # noqa: F811
    leader = UserFactory(username="lead", team_member=True, full_name="王组长", email="lead@example.gov.cn")
    team = team_led_by(leader, "西湖团队")
    core = []
    for number, membership in enumerate(team.memberships.filter(role=Membership.Role.CORE), start=1):
        membership.person.user = UserFactory(username=f"core{number}", role=Role.TEAM_MEMBER)
        membership.person.save()
        core.append(membership.person.user)
    TeamRobotFactory(team=team, webhook_url=robot_server.url, secret=robot_server.secret)
    today = timezone.localdate()
    quiet_unit = UnitFactory(name="西湖光电实验室")
    assign(quiet_unit, team, start=today - datetime.timedelta(days=60))  # no contact for two months
    # The leader wants this kind at once rather than in tomorrow's digest (the group still gets it at 9:00).
    EmailPreference.objects.create(user=leader, kind=Kind.NO_CONTACT, mode=EmailMode.AT_ONCE)
    asking_unit = UnitFactory(name="之江智能实验室")
    assign(asking_unit, team, start=today - datetime.timedelta(days=10))
    request = RequestFactory(unit=asking_unit)  # its own event queues a finder task for "raised" at once

    assert find_reminders_task.delay().get(timeout=TIMEOUT) >= 1
    _drained()

    raised = Reminder.objects.get(kind=Kind.REQUEST_RAISED, object_id=request.pk)
    no_contact = Reminder.objects.get(kind=Kind.NO_CONTACT, object_id=quiet_unit.pk)
    to_leader = [message for message in mail.outbox if message.to == ["lead@example.gov.cn"]]
    assert any(raised.title in m.subject for m in to_leader)
    assert any(no_contact.title in m.subject for m in to_leader)
    for user in core:
        assert [m for m in mail.outbox if m.to == [user.email] and raised.title in m.subject]
    assert [post for post in robot_server.received if raised.title in post["markdown"]["text"]]
    # The group's "no contact" is a deadline reminder: it waits for tomorrow's 9:00 digest.
    group_digest = Delivery.objects.get(reminder=no_contact, channel=Delivery.Channel.DINGTALK)
    assert group_digest.status == Delivery.Status.PENDING
    assert group_digest.not_before == OFFICE_HOURS.replace(day=13, hour=9)

    # Every delivery marked sent went out exactly once; what is not sent waits for a later moment.
    sent = Delivery.objects.filter(status=Delivery.Status.SENT)
    assert sent.filter(channel=Delivery.Channel.EMAIL).count() == len(mail.outbox)
    assert Counter(message.to[0] for message in mail.outbox) == Counter(
        sent.filter(channel=Delivery.Channel.EMAIL).values_list("user__email", flat=True)
    )
    assert sent.filter(channel=Delivery.Channel.DINGTALK).count() == len(robot_server.received)
    assert not Delivery.objects.filter(status=Delivery.Status.PENDING, not_before__lte=timezone.now()).exists()
    assert robot_server.rejected == []

    # A second cycle, and beat's minute: nothing new is found, nothing is queued, nothing more goes out.
    emails, posts = len(mail.outbox), len(robot_server.received)
    assert find_reminders_task.delay().get(timeout=TIMEOUT) == 0
    assert queue_due_deliveries_task.delay().get(timeout=TIMEOUT) == 0
    _drained()
    assert (len(mail.outbox), len(robot_server.received)) == (emails, posts)
