"""Exactly once, on PostgreSQL: two workers on the same batch, two finder cycles at once, and a real Celery worker
process killed with `kill -9` in the middle of a batch.

The first two use tests/concurrency.py's `at_once`, which holds every call's transaction open until the others are
done or blocked, so the race is the one the test asks for, every run. The third runs `celery -A huhang worker -P solo`
in a subprocess against the test database and the real Redis broker (CELERY_BROKER_URL; CI sets it), posting to a
local DingTalk server that is slow to read: it holds each request 0.3 s before reading it (the worker's fourth until
its sender hangs up), and a request whose sender hung up meanwhile is dropped unread — not delivered, as with any
HTTP server. The worker is killed while the server holds its fourth post; a second worker then sends the rest, and
the server must have taken each message exactly once.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from reminders.kinds import Kind
from reminders.models import Delivery, FinderRun, Notification, Reminder
from reminders.sending import deliveries_send
from reminders.services import reminders_find
from reminders.tasks import queue_due_deliveries_task, send_deliveries_task
from tests.concurrency import at_once, needs_postgresql
from tests.factories import TeamFactory, UnitFactory, UserFactory, assign, team_led_by
from tests.reminders.dingtalk_server import PATH, DingTalkServer, _handler
from tests.reminders.factories import DingTalkDeliveryFactory, EmailDeliveryFactory, ReminderFactory, TeamRobotFactory

pytestmark = [needs_postgresql, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
BROKER_URL = os.environ.get("CELERY_BROKER_URL")
# A working Tuesday, 10:00 in Zhejiang: the tests' clock, whatever the time the suite runs at.
OFFICE_HOURS = datetime.datetime(2026, 5, 12, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


# --- Two workers, one batch ----------------------------------------------------------------------------------------


def test_two_workers_sending_the_same_batch_at_once_send_each_delivery_once():
    deliveries = [
        EmailDeliveryFactory(user=UserFactory(email=f"member{n}@example.gov.cn"), not_before=OFFICE_HOURS)
        for n in range(12)
    ]
    ids = [delivery.pk for delivery in deliveries]

    def worker():
        return deliveries_send(ids=ids, now=OFFICE_HOURS)

    results = at_once(worker, worker)

    assert not [result for result in results if isinstance(result, BaseException)], results
    assert sum(result.sent for result in results) == len(ids)
    assert Counter(address for message in mail.outbox for address in message.to) == Counter(
        f"member{n}@example.gov.cn" for n in range(12)
    )
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}
    # A third, after both committed, finds every one sent.
    assert deliveries_send(ids=ids, now=OFFICE_HOURS).sent == 0
    assert len(mail.outbox) == len(ids)


def test_two_workers_on_the_same_digest_send_one_message():
    nine = OFFICE_HOURS.replace(hour=9)
    user = UserFactory(email="leader@example.gov.cn")
    digest = [EmailDeliveryFactory(user=user, digest=True, not_before=nine) for _ in range(3)]
    ids = [delivery.pk for delivery in digest]

    def worker():
        return deliveries_send(ids=ids, now=nine)

    results = at_once(worker, worker)

    assert not [result for result in results if isinstance(result, BaseException)], results
    assert sorted(result.sent for result in results) == [0, 3]
    [message] = mail.outbox
    assert all(delivery.reminder.title in message.body for delivery in digest)


def test_two_workers_posting_to_dingtalk_at_once_post_each_message_once():
    with contextlib.ExitStack() as stack:
        robot = stack.enter_context(_dingtalk(delay=0.0))
        teams = [TeamFactory() for _ in range(6)]
        for team in teams:
            TeamRobotFactory(team=team, webhook_url=robot.url, secret=robot.secret)
        deliveries = [DingTalkDeliveryFactory(team=team, not_before=OFFICE_HOURS) for team in teams]
        ids = [delivery.pk for delivery in deliveries]

        results = at_once(*[lambda: deliveries_send(ids=ids, now=OFFICE_HOURS)] * 3)

        assert not [result for result in results if isinstance(result, BaseException)], results
        assert sum(result.sent for result in results) == len(ids)
        assert sorted(_titles(robot, deliveries)) == sorted(delivery.reminder.title for delivery in deliveries)


# --- Two finder cycles at once -------------------------------------------------------------------------------------


def test_two_finder_cycles_at_once_store_each_reminder_notification_and_delivery_once():
    """Five units out of contact for two months: two cycles racing store five reminders, not ten, and no error."""
    leader = UserFactory(username="lead", team_member=True, email="lead@example.gov.cn")
    team = team_led_by(leader, "并发团队")
    TeamRobotFactory(team=team)
    today = timezone.localdate(OFFICE_HOURS)
    units = [UnitFactory() for _ in range(5)]
    for unit in units:
        assign(unit, team, start=today - datetime.timedelta(days=60))

    def cycle():
        return reminders_find(now=OFFICE_HOURS)

    results = at_once(cycle, cycle)

    assert not [result for result in results if isinstance(result, BaseException)], results
    no_contact = Reminder.objects.filter(kind=Kind.NO_CONTACT)
    assert sorted(no_contact.values_list("object_id", flat=True)) == sorted(unit.pk for unit in units)
    assert Notification.objects.filter(reminder__in=no_contact).count() == 5
    assert Notification.objects.filter(reminder__in=no_contact, user=leader).count() == 5
    assert Delivery.objects.filter(reminder__in=no_contact, channel=Delivery.Channel.EMAIL).count() == 5
    assert Delivery.objects.filter(reminder__in=no_contact, channel=Delivery.Channel.DINGTALK).count() == 5
    assert FinderRun.objects.filter(finished_at__isnull=False).count() == 2  # both cycles ran to the end
    # A third cycle finds nothing new.
    assert not [o for o in reminders_find(now=OFFICE_HOURS).occasions if o.kind == Kind.NO_CONTACT]


# --- kill -9 -------------------------------------------------------------------------------------------------------


class HeldDingTalkServer(DingTalkServer):
    """tests/reminders/dingtalk_server.py's server, holding each connection `hold` seconds before reading it — and
    the `gate`-th one (counting from 1) until its sender hangs up, so that a kill lands there every run."""

    hold: float = 0.0
    gate: int | None = None
    GATE_SECONDS = 30.0  # only reached when the test fails to kill
    connections: int = 0
    holding: int = 0  # connections held now, unread
    dropped: int = 0  # connections whose sender hung up before they were read: never delivered


def _held_handler(robot: HeldDingTalkServer) -> type:
    base = _handler(robot)

    class Handler(base):
        def handle(self) -> None:
            if self._sender_hung_up_while_held():
                with robot.lock:
                    robot.dropped += 1
                return
            super().handle()  # reads the request, checks it as DingTalk does, answers

        def _sender_hung_up_while_held(self) -> bool:
            # POLLRDHUP: the sender closed its end (it died); the request it wrote is still in our buffer, unread.
            poller = select.poll()
            poller.register(self.connection, select.POLLRDHUP)
            with robot.lock:
                robot.connections += 1
                gated = robot.connections == robot.gate
                robot.holding += 1
            try:
                return bool(poller.poll((robot.GATE_SECONDS if gated else robot.hold) * 1000))
            finally:
                with robot.lock:
                    robot.holding -= 1

    return Handler


@contextlib.contextmanager
def _dingtalk(*, delay: float, gate: int | None = None) -> Iterator[HeldDingTalkServer]:
    robot = HeldDingTalkServer(url="")
    robot.hold, robot.gate = delay, gate
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _held_handler(robot))
    httpd.daemon_threads = True
    robot.url = f"http://127.0.0.1:{httpd.server_address[1]}{PATH}?access_token={robot.token}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield robot
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def _titles(robot: DingTalkServer, deliveries: list[Delivery]) -> list[str]:
    """The reminder each message the server took was about (one per message: no digests here)."""
    titles = {delivery.reminder.title for delivery in deliveries}
    found = []
    for message in robot.received:
        [title] = [title for title in titles if title in message["markdown"]["text"]]
        found.append(title)
    return found


# The worker process: `celery -A huhang worker`, its clock set to OFFICE_HOURS (quiet hours would hold every post
# back at night and at weekends) the way the tests freeze the clock: django.utils.timezone.now, shifted.
WORKER = """
import datetime, os, sys
from django.utils import timezone
offset = datetime.timedelta(seconds=float(os.environ["TEST_CLOCK_OFFSET"]))
real_now = timezone.now
timezone.now = lambda: real_now() + offset
from celery.__main__ import main
sys.argv = ["celery", *sys.argv[1:]]
sys.exit(main())
"""


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start_worker(name: str, queue: str, offset: datetime.timedelta) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "huhang.settings.test",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": BROKER_URL,
        "CELERY_RESULT_BACKEND": os.environ.get("CELERY_RESULT_BACKEND", BROKER_URL),
        "TEST_CLOCK_OFFSET": str(offset.total_seconds()),
    }
    command = [sys.executable, "-c", WORKER, "-A", "huhang", "worker", "-P", "solo", "-Q", queue]
    command += ["--hostname", f"{name}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    command += ["--loglevel", "WARNING"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def _forget_queue(queue: str) -> None:
    """The killed worker's task stays unacknowledged in Redis until its visibility timeout (an hour), then goes back
    to its queue: remove it, and the queue, so that nothing of this test is left in the broker."""
    import redis

    client = redis.Redis.from_url(BROKER_URL)
    for tag, payload in client.hgetall("unacked").items():
        with contextlib.suppress(ValueError, IndexError):
            if json.loads(payload)[2] == queue:
                client.hdel("unacked", tag)
                client.zrem("unacked_index", tag)
    # The queue, and the bindings of its exchange (named after it).
    client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


@pytest.fixture
def broker(celery_app):
    if not BROKER_URL:
        if os.environ.get("CI"):
            pytest.fail("CI must run the broker tests: CELERY_BROKER_URL is not set")
        pytest.skip("CELERY_BROKER_URL is not set: no broker to test against")
    celery_app.conf.task_always_eager = False
    return celery_app


@pytest.mark.broker
def test_a_worker_killed_mid_batch_loses_no_post_and_doubles_none(broker, monkeypatch):
    offset = OFFICE_HOURS - timezone.now()
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + offset)
    queue = f"kill-test-{uuid.uuid4().hex[:8]}"
    workers: list[subprocess.Popen] = []
    with _dingtalk(delay=0.3, gate=4) as robot:
        teams = [TeamFactory() for _ in range(8)]
        for team in teams:
            TeamRobotFactory(team=team, webhook_url=robot.url, secret=robot.secret)
        deliveries = [
            DingTalkDeliveryFactory(
                team=team,
                reminder=ReminderFactory(title=f"第{number}号提醒"),
                not_before=OFFICE_HOURS - datetime.timedelta(minutes=1),
            )
            for number, team in enumerate(teams, start=1)
        ]
        ids = [delivery.pk for delivery in deliveries]
        try:
            first = _start_worker("first", queue, offset)
            workers.append(first)
            send_deliveries_task.apply_async(args=[ids], queue=queue)
            # Three posts taken, the fourth held unread by the server (until its sender hangs up): now.
            _wait_for(lambda: len(robot.received) == 3 and robot.holding, 60, "the first worker's fourth post")
            os.kill(first.pid, signal.SIGKILL)
            first.wait(10)
            _wait_for(lambda: robot.dropped == 1, 5, "the server to notice the dead sender")
            # The three taken were committed as sent; the fourth's lock went with the dead worker's connection.
            assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 3
            assert Delivery.objects.filter(status=Delivery.Status.PENDING).count() == len(ids) - 3

            second = _start_worker("second", queue, offset)
            workers.append(second)
            # What beat queues every minute: whatever is due and still waiting, the killed worker's share included.
            queue_due_deliveries_task.apply_async(queue=queue)
            _wait_for(
                lambda: not Delivery.objects.exclude(status=Delivery.Status.SENT).exists(), 60, "the second worker"
            )
        finally:
            for worker in workers:
                if worker.poll() is None:
                    worker.send_signal(signal.SIGTERM)
                    try:
                        worker.wait(20)
                    except subprocess.TimeoutExpired:
                        worker.kill()
            _forget_queue(queue)
        output = "".join(worker.stdout.read() for worker in workers if worker.stdout)

    assert Counter(_titles(robot, deliveries)) == Counter(f"第{n}号提醒" for n in range(1, 9)), output
    assert robot.dropped == 1
    assert robot.rejected == []
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}
