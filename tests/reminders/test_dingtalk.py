"""The DingTalk channel against a local server that checks every request the way DingTalk's documentation describes
(tests/reminders/dingtalk_server.py): the signature, the timestamp, the JSON body; and its answers."""

import datetime
import json
import urllib.request
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone

from huhang.workdays import end_of_day, sending_time
from reminders import channels
from reminders.channels import DeliveryError, dingtalk
from reminders.kinds import Kind
from reminders.models import Delivery
from reminders.sending import MAX_ATTEMPTS, deliveries_send
from tests.factories import PersonFactory, TeamFactory, UnitContactFactory, UnitFactory, UserFactory, assign
from tests.reminders.dingtalk_server import dingtalk_server
from tests.reminders.factories import DingTalkDeliveryFactory, ReminderFactory, TeamRobotFactory

# A working Tuesday morning, so that nothing waits for office hours.
MORNING = datetime.datetime(2026, 5, 12, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def robot_server():
    with dingtalk_server() as server:
        yield server


@pytest.fixture
def team(db):
    return TeamFactory(name="西湖护航队")


@pytest.fixture
def robot(team, robot_server):
    return TeamRobotFactory(team=team, webhook_url=robot_server.url, secret=robot_server.secret)


def _delivery(team, **reminder):
    return DingTalkDeliveryFactory(
        team=team, reminder=ReminderFactory(**reminder), not_before=MORNING - datetime.timedelta(minutes=1)
    )


# --- signing ---------------------------------------------------------------------------------------------------------


def test_the_signature_is_base64_of_hmac_sha256_over_timestamp_newline_secret():
    import base64
    import hashlib
    import hmac

    secret, timestamp = "SECabc", 1_700_000_000_000
    expected = base64.b64encode(hmac.new(b"SECabc", b"1700000000000\nSECabc", hashlib.sha256).digest()).decode()
    assert dingtalk.signature(secret, timestamp) == expected


def test_the_signed_url_keeps_the_access_token_and_url_encodes_the_sign_once():
    url = dingtalk.signed_url("https://oapi.dingtalk.com/robot/send?access_token=abc", "SECabc", 1_700_000_000_000)
    parts = urlsplit(url)
    assert parts.scheme == "https"
    assert parts.path == "/robot/send"
    assert parts.query.startswith("access_token=abc&timestamp=1700000000000&sign=")
    assert "+" not in parts.query
    assert "/" not in parts.query.split("sign=")[1]
    assert parse_qs(parts.query)["sign"] == [dingtalk.signature("SECabc", 1_700_000_000_000)]


def test_a_webhook_url_without_a_query_gets_one():
    url = dingtalk.signed_url("https://robot.example.gov.cn/send", "SECabc", 1)
    assert urlsplit(url).query.startswith("timestamp=1&sign=")
    assert url.count("?") == 1


def test_the_local_server_refuses_a_timestamp_more_than_an_hour_off(robot_server):
    """The server's own check, so that the tests below prove something: a correct sign on a stale timestamp fails."""
    stale = int(timezone.now().timestamp() * 1000) - 61 * 60 * 1000
    url = dingtalk.signed_url(robot_server.url, robot_server.secret, stale)
    body = json.dumps({"msgtype": "markdown", "markdown": {"title": "t", "text": "x"}}).encode()
    request = urllib.request.Request(  # noqa: S310 - the local server's http URL
        url, data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        assert json.loads(response.read())["errcode"] == 310000
    assert robot_server.received == []


# --- sending -------------------------------------------------------------------------------------------------------


def test_one_reminder_is_one_signed_markdown_message_with_its_link(team, robot, robot_server):
    delivery = _delivery(
        team,
        kind=Kind.PLAN_DUE_SOON,
        title="西湖光电实验室：服务方案5月20日到期",
        url="/plans/7/",
        due_at=end_of_day(datetime.date(2026, 5, 20)),
    )
    channels.send([delivery])
    assert len(robot_server.received) == 1
    message = robot_server.received[0]
    assert message["msgtype"] == "markdown"
    assert "西湖光电实验室：服务方案5月20日到期" in message["markdown"]["title"]
    text = message["markdown"]["text"]
    assert f"]({settings.PORTAL_URL}/plans/7/)" in text
    assert "2026-05-20" in text
    assert "23:59" not in text
    assert robot_server.rejected == []


def test_a_digest_batch_is_one_message_listing_every_reminder(team, robot, robot_server):
    batch = [
        _delivery(
            team,
            title=f"单位{n}：服务举措即将到期",
            url=f"/plans/measures/{n}/",
            due_at=end_of_day(datetime.date(2026, 5, 20 + n)),
        )
        for n in (3, 1, 2)
    ]
    channels.send(batch)
    assert len(robot_server.received) == 1
    text = robot_server.received[0]["markdown"]["text"]
    lines = [line for line in text.splitlines() if line[:2] in {"1.", "2.", "3."}]
    assert [line.split("]")[0] for line in lines] == [
        "1. [单位1：服务举措即将到期",
        "2. [单位2：服务举措即将到期",
        "3. [单位3：服务举措即将到期",
    ]  # soonest first
    for n in (1, 2, 3):
        assert f"({settings.PORTAL_URL}/plans/measures/{n}/)" in text


def test_a_wrong_secret_is_refused_and_the_error_names_no_credential(team, robot_server):
    TeamRobotFactory(team=team, webhook_url=robot_server.url, secret="SECwrong-secret-0123456789")
    with pytest.raises(DeliveryError) as refused:
        channels.send([_delivery(team)])
    message = str(refused.value)
    assert "310000" in message
    assert robot_server.token not in message
    assert "SECwrong" not in message
    assert robot_server.received == []


def test_an_http_error_raises(team, robot, robot_server):
    robot_server.status = 500
    with pytest.raises(DeliveryError, match="500"):
        channels.send([_delivery(team)])


def test_a_server_that_does_not_answer_in_time_raises(team, robot, robot_server, monkeypatch):
    monkeypatch.setattr(dingtalk, "TIMEOUT_SECONDS", 0.3)  # 10 s in production; the test need not wait that long
    robot_server.delay = 2
    with pytest.raises(DeliveryError) as timed_out:
        channels.send([_delivery(team)])
    assert "0.3" in str(timed_out.value)  # "did not answer within 0.3 seconds"
    assert robot_server.token not in str(timed_out.value)


def test_a_server_that_cannot_be_reached_raises(team, robot_server):
    with dingtalk_server() as gone:
        url = gone.url
    TeamRobotFactory(team=team, webhook_url=url, secret=robot_server.secret)
    with pytest.raises(DeliveryError) as refused:
        channels.send([_delivery(team)])
    assert "access_token" not in str(refused.value)


def test_an_answer_that_is_not_dingtalks_raises(team, robot_server, monkeypatch):
    TeamRobotFactory(team=team, webhook_url=robot_server.url, secret=robot_server.secret)
    robot_server.status = 200  # plain text, not JSON
    with pytest.raises(DeliveryError):
        channels.send([_delivery(team)])


@pytest.mark.parametrize("robot_state", ["missing", "disabled"])
def test_a_team_without_an_active_robot_raises(team, robot_server, robot_state):
    if robot_state == "disabled":
        TeamRobotFactory(team=team, webhook_url=robot_server.url, secret=robot_server.secret, is_active=False)
    with pytest.raises(DeliveryError):
        channels.send([_delivery(team)])
    assert robot_server.received == []


# --- no personal data in a group chat ------------------------------------------------------------------------------


def test_a_message_found_by_the_rules_carries_no_persons_details(db, robot_server):
    """A real finder cycle (a unit without contact for too long) over a world full of names, phones and e-mails:
    the group hears the unit's name and what is due, and nothing of the people."""
    from reminders.services import reminders_find

    leader_login = UserFactory(username="zhang", team_member=True, full_name="张建国", email="zhang@example.gov.cn")
    leader = PersonFactory(name="张建国", phone="13812345678", email="zhang.person@example.org", user=leader_login)
    team = TeamFactory(name="之江护航队", leader=leader)
    unit = UnitFactory(name="之江光电实验室")
    contact = UnitContactFactory(unit=unit, name="李秀英", phone="13987654321", email="li@zhijiang.example.com")
    assign(unit, team, start=datetime.date(2026, 1, 5))
    TeamRobotFactory(team=team, webhook_url=robot_server.url, secret=robot_server.secret)

    reminders_find(now=MORNING, kinds=[Kind.NO_CONTACT])
    deliveries_send(now=sending_time(MORNING) + datetime.timedelta(days=3))  # the digest's 9:00 has come
    assert robot_server.received, "the rule found the unit and the group heard of it"
    body = json.dumps(robot_server.received, ensure_ascii=False)
    assert "之江光电实验室" in body
    people = [leader.name, leader.phone, leader.email, leader_login.email, contact.name, contact.phone, contact.email]
    people += [member.person.name for member in team.memberships.select_related("person")]
    for detail in people:
        assert detail not in body


# --- through the sender ----------------------------------------------------------------------------------------------


def test_the_sender_posts_and_marks_the_delivery_sent(team, robot, robot_server):
    delivery = _delivery(team)
    result = deliveries_send(now=MORNING)
    delivery.refresh_from_db()
    assert (result.sent, delivery.status, delivery.attempts) == (1, Delivery.Status.SENT, 1)
    assert delivery.sent_at is not None
    assert len(robot_server.received) == 1
    assert deliveries_send(now=MORNING).sent == 0  # never twice
    assert len(robot_server.received) == 1


def test_a_digest_of_three_goes_as_one_post(team, robot, robot_server):
    batch = [_delivery(team) for _ in range(3)]
    Delivery.objects.filter(pk__in=[d.pk for d in batch]).update(digest=True)
    assert deliveries_send(now=MORNING).sent == 3
    assert len(robot_server.received) == 1
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}


def test_a_failing_post_is_retried_with_backoff_and_failed_after_the_last_try(team, robot, robot_server):
    robot_server.status = 500
    delivery = _delivery(team)
    now = MORNING
    waits = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        deliveries_send(now=now)
        delivery.refresh_from_db()
        assert delivery.attempts == attempt
        if attempt < MAX_ATTEMPTS:
            assert delivery.status == Delivery.Status.PENDING
            assert delivery.not_before > now
            waits.append(delivery.not_before - now)
            assert deliveries_send(now=now).sent == 0  # not before the backoff is over
            now = delivery.not_before
    assert waits == sorted(waits)
    assert waits[0] >= datetime.timedelta(minutes=1)
    assert delivery.status == Delivery.Status.FAILED
    assert "500" in delivery.last_error
    assert robot_server.token not in delivery.last_error
    assert robot_server.received == []


def test_a_retry_that_succeeds_marks_it_sent(team, robot, robot_server):
    robot_server.status = 500
    delivery = _delivery(team)
    deliveries_send(now=MORNING)
    delivery.refresh_from_db()
    robot_server.status = None
    deliveries_send(now=delivery.not_before)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 2)
    assert len(robot_server.received) == 1
