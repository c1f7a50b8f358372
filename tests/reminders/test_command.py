"""`manage.py send_reminders [--dry-run] [--at …]`: one cycle from the shell. A dry run writes nothing and lists what
would go to whom, by which channel and when; a real run finds and sends; a second run sends nothing."""

from __future__ import annotations

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils.translation import gettext

from accounts.models import Role
from reminders.kinds import Kind
from reminders.models import Delivery, FinderRun, Notification, Reminder
from teams.models import Membership
from tests.factories import RequestFactory, UnitFactory, UserFactory, assign, team_led_by
from tests.reminders.dingtalk_server import dingtalk_server
from tests.reminders.factories import EmailDeliveryFactory, TeamRobotFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
AT = "2026-05-12 10:00"  # a working Tuesday
MOMENT = datetime.datetime(2026, 5, 12, 10, 0, tzinfo=SHANGHAI)
TABLES = [Reminder, Notification, Delivery, FinderRun]


@pytest.fixture
def robot_server():
    with dingtalk_server() as server:
        yield server


@pytest.fixture
def programme(robot_server):
    """A team whose leader and one core member log in, with a group robot; a unit out of contact for two months,
    and a request raised an hour ago by another unit it serves."""
    leader = UserFactory(username="lead", team_member=True, full_name="王组长", email="lead@example.gov.cn")
    team = team_led_by(leader, "西湖团队")
    core = team.memberships.filter(role=Membership.Role.CORE).first().person
    core.user = UserFactory(username="core", role=Role.TEAM_MEMBER, full_name="赵骨干", email="core@example.gov.cn")
    core.save()
    TeamRobotFactory(team=team, webhook_url=robot_server.url, secret=robot_server.secret)
    quiet = UnitFactory(name="西湖光电实验室")
    assign(quiet, team, start=datetime.date(2026, 3, 1))
    asking = UnitFactory(name="之江智能实验室")
    assign(asking, team, start=datetime.date(2026, 4, 20))
    request = RequestFactory(unit=asking, submitted_at=MOMENT - datetime.timedelta(hours=1))
    return {"leader": leader, "core": core.user, "team": team, "request": request, "quiet": quiet}


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def table_rows(output: str, kind: str) -> dict[str, list[str]]:
    """The real run's table: channel → [new, sent, waiting, not sent] on the kind's rows."""
    rows = {}
    for line in output.splitlines():
        if line.startswith(str(Kind(kind).label)):
            channel = next(c for c in CHANNELS if f"  {c}  " in line)
            rows[channel] = line.split()[-4:]
    return rows


CHANNELS = [gettext("Bell"), str(Delivery.Channel.EMAIL.label), str(Delivery.Channel.DINGTALK.label)]


def counts() -> list[int]:
    return [model.objects.count() for model in TABLES]


def test_a_dry_run_writes_and_sends_nothing_and_lists_who_gets_what_when(programme, robot_server):
    waiting = EmailDeliveryFactory(
        user=UserFactory(username="waiting", full_name="孙等待"), not_before=MOMENT - datetime.timedelta(hours=2)
    )
    before = counts()
    output = run("--dry-run", "--at", AT)

    assert counts() == before
    assert mail.outbox == []
    assert robot_server.received == []
    waiting.refresh_from_db()
    assert waiting.status == Delivery.Status.PENDING

    lines = output.splitlines()
    raised = [line for line in lines if "之江智能实验室" in line]
    # The bell (at once) and an e-mail (at once: raised is an event) to each of the two, and the group's post.
    assert sum("王组长 (lead)" in line for line in raised) == 2
    assert sum("赵骨干 (core)" in line for line in raised) == 2
    assert sum("西湖团队" in line and "2026-05-12 10:00" in line for line in raised) == 1
    # "No contact" is a deadline reminder: the leader's bell now, the e-mail and the group's post in tomorrow's digest.
    no_contact = [line for line in lines if "西湖光电实验室" in line]
    digest = gettext("in the daily digest, %(when)s") % {"when": "2026-05-13 09:00"}
    assert sum("王组长 (lead)" in line and digest in line for line in no_contact) == 1
    assert sum("西湖团队" in line and digest in line for line in no_contact) == 1
    assert sum(gettext("in the bell at once") in line for line in no_contact) == 1
    # The outbox's waiting e-mail would go now.
    waiting_now = gettext("Already waiting in the outbox, would go now: %(count)d, in %(messages)d messages")
    assert waiting_now % {"count": 1, "messages": 1} in output
    assert "孙等待 (waiting)" in output
    # Counted per kind and channel: new, and waiting in the outbox to go now.
    summary = lines[lines.index(gettext("Summary")) :]  # the heading line itself: 汇总 is in other lines too
    assert [line.split()[-2:] for line in summary if line.startswith(str(Kind.REQUEST_RAISED.label))] == [
        ["2", "0"],
        ["2", "0"],
        ["1", "0"],
    ]
    # The waiting e-mail (a factory's reminder) is of the "no contact" kind too.
    assert [line.split()[-2:] for line in summary if line.startswith(str(Kind.NO_CONTACT.label))] == [
        ["1", "0"],
        ["1", "1"],
        ["1", "0"],
    ]


def test_a_real_run_finds_and_sends_and_a_second_run_sends_nothing(programme, robot_server):
    output = run("--at", AT)

    found = gettext("New reminders found: %(count)d; notifications put in the bells: %(bells)d.")
    assert found % {"count": 2, "bells": 3} in output
    raised = Reminder.objects.get(kind=Kind.REQUEST_RAISED)
    assert Notification.objects.filter(reminder=raised).count() == 2
    assert sorted(message.to[0] for message in mail.outbox) == ["core@example.gov.cn", "lead@example.gov.cn"]
    assert all(raised.title in message.subject for message in mail.outbox)
    assert len(robot_server.received) == 1
    assert raised.title in robot_server.received[0]["markdown"]["text"]
    # The deadline reminders wait for tomorrow's digest.
    no_contact = Delivery.objects.filter(reminder__kind=Kind.NO_CONTACT)
    assert no_contact.count() == 2
    assert set(no_contact.values_list("status", flat=True)) == {Delivery.Status.PENDING}
    assert FinderRun.objects.filter(finished_at__isnull=False).count() == 1
    # Per kind and channel: new, sent, waiting, not sent.
    assert table_rows(output, Kind.REQUEST_RAISED) == {
        gettext("Bell"): ["2", "2", "0", "0"],
        str(Delivery.Channel.EMAIL.label): ["2", "2", "0", "0"],
        str(Delivery.Channel.DINGTALK.label): ["1", "1", "0", "0"],
    }
    assert table_rows(output, Kind.NO_CONTACT) == {
        gettext("Bell"): ["1", "1", "0", "0"],
        str(Delivery.Channel.EMAIL.label): ["1", "0", "1", "0"],
        str(Delivery.Channel.DINGTALK.label): ["1", "0", "1", "0"],
    }

    before = counts()
    second = run("--at", "2026-05-12 10:05")
    assert counts()[:3] == before[:3]  # no reminder, notification or delivery more (one more finder run)
    assert len(mail.outbox) == 2
    assert len(robot_server.received) == 1
    found = gettext("New reminders found: %(count)d; notifications put in the bells: %(bells)d.")
    assert found % {"count": 0, "bells": 0} in second
    assert table_rows(second, Kind.REQUEST_RAISED) == table_rows(second, Kind.NO_CONTACT) == {}

    # Tomorrow at 9:00 the digests go: one e-mail to the leader, one post to the group.
    run("--at", "2026-05-13 09:00")
    assert len(mail.outbox) == 3
    assert len(robot_server.received) == 2
    assert set(no_contact.values_list("status", flat=True)) == {Delivery.Status.SENT}


def test_at_night_the_cycle_finds_but_sends_nothing(programme, robot_server):
    run("--at", "2026-05-12 21:30")
    assert Reminder.objects.filter(kind=Kind.REQUEST_RAISED).exists()
    assert mail.outbox == []
    assert robot_server.received == []
    assert set(Delivery.objects.values_list("not_before", flat=True)) == {
        datetime.datetime(2026, 5, 13, 9, 0, tzinfo=SHANGHAI)
    }


def test_at_takes_a_date_and_time():
    with pytest.raises(CommandError):
        run("--at", "next Tuesday")
