"""The e-mail channel with the locmem backend (the tests' default): subject, both bodies, link, digest, language,
Message-ID, and the mail server's failures through the sender (retries with backoff, then failed)."""

import datetime
import socket
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from huhang.workdays import end_of_day
from reminders import channels
from reminders.channels import DeliveryError
from reminders.channels.email import message_id
from reminders.kinds import Kind
from reminders.models import Delivery
from reminders.sending import MAX_ATTEMPTS, deliveries_send
from tests.factories import UserFactory
from tests.reminders.factories import EmailDeliveryFactory, ReminderFactory

MORNING = datetime.datetime(2026, 5, 12, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a working Tuesday


@pytest.fixture
def leader(db):
    return UserFactory(username="wang", team_member=True, full_name="王组长", email="wang@example.gov.cn")


def _delivery(user, *, digest=False, **reminder):
    return EmailDeliveryFactory(
        user=user,
        digest=digest,
        reminder=ReminderFactory(**reminder),
        not_before=MORNING - datetime.timedelta(minutes=1),
    )


def _zh(text: str, **values) -> str:
    with translation.override("zh-hans"):
        return gettext(text) % values if values else gettext(text)


def _html(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def test_one_reminder_is_one_message_with_subject_bodies_and_link(leader):
    delivery = _delivery(
        leader,
        kind=Kind.PLAN_DUE_SOON,
        title="西湖光电实验室：服务方案5月20日到期",
        url="/plans/7/",
        due_at=end_of_day(datetime.date(2026, 5, 20)),
    )
    channels.send([delivery])
    [message] = mail.outbox
    assert message.to == ["wang@example.gov.cn"]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.subject == _zh("[Huhang] %(title)s", title="西湖光电实验室：服务方案5月20日到期")
    link = f"{settings.PORTAL_URL}/plans/7/"
    for body in (message.body, _html(message)):
        assert "西湖光电实验室：服务方案5月20日到期" in body
        assert link in body
        assert "2026-05-20" in body
        assert "王组长" in body  # the recipient's own name, in their own mailbox
        assert f"{settings.PORTAL_URL}{reverse('reminders:preferences')}" in body
    assert f'href="{link}"' in _html(message)
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"


def test_a_digest_of_three_is_one_message_listing_each(leader):
    batch = [
        _delivery(
            leader,
            digest=True,
            title=f"单位{n}：服务举措即将到期",
            url=f"/plans/m/{n}/",
            due_at=end_of_day(datetime.date(2026, 5, 20 + n)),
        )
        for n in (2, 3, 1)
    ]
    channels.send(batch)
    [message] = mail.outbox
    with translation.override("zh-hans"):
        expected = ngettext("[Huhang] %(count)d reminder for today", "[Huhang] %(count)d reminders for today", 3) % {
            "count": 3
        }
    assert message.subject == expected
    for body in (message.body, _html(message)):
        positions = [body.index(f"单位{n}：服务举措即将到期") for n in (1, 2, 3)]
        assert positions == sorted(positions)  # soonest deadline first
        for n in (1, 2, 3):
            assert f"{settings.PORTAL_URL}/plans/m/{n}/" in body
    assert _html(message).count("<li") == 3


def test_the_message_is_in_chinese_whatever_the_workers_language(leader):
    delivery = _delivery(leader, title="西湖光电实验室：请求即将超时")
    with translation.override("en"):
        channels.send([delivery])
    with translation.override("zh-hans"):
        channels.send([delivery])
    english_worker, chinese_worker = mail.outbox
    assert english_worker.subject == chinese_worker.subject
    assert english_worker.body == chinese_worker.body
    assert _html(english_worker) == _html(chinese_worker)
    assert _zh("Huhang") in _html(english_worker)
    assert _zh(str(Kind.NO_CONTACT.label)) in english_worker.body  # the kind's label, in the portal's language


def test_the_text_body_is_not_html_escaped_and_the_html_is(leader):
    channels.send([_delivery(leader, title="A&B 实验室：<计划> 到期")])
    [message] = mail.outbox
    assert "A&B 实验室：<计划> 到期" in message.body
    assert "A&amp;B 实验室：&lt;计划&gt; 到期" in _html(message)


def test_the_message_id_is_the_same_for_the_same_batch_and_differs_for_another(leader):
    first = _delivery(leader)
    second = _delivery(leader)
    channels.send([first, second])
    channels.send([second, first])
    channels.send([first])
    ids = [message.extra_headers["Message-ID"] for message in mail.outbox]
    assert ids[0] == ids[1] == message_id([first, second])
    assert ids[2] != ids[0]
    assert ids[0].startswith("<") and ids[0].endswith(">")  # noqa: PT018
    assert [m.message()["Message-ID"] for m in mail.outbox] == ids


@pytest.mark.parametrize("problem", ["no address", "disabled login"])
def test_a_recipient_who_cannot_receive_raises(db, problem):
    user = UserFactory(
        email="" if problem == "no address" else "x@example.gov.cn", is_active=problem != "disabled login"
    )
    with pytest.raises(DeliveryError):
        channels.send([_delivery(user)])
    assert mail.outbox == []


@pytest.fixture
def unreachable_mail_server(settings):
    """The real SMTP backend pointed at a local port nobody listens on: the connection is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 2
    return port


def test_a_mail_server_that_refuses_raises_a_delivery_error(leader, unreachable_mail_server):
    with pytest.raises(DeliveryError):
        channels.send([_delivery(leader)])


# --- through the sender ----------------------------------------------------------------------------------------------


def test_the_sender_mails_and_marks_the_delivery_sent_once(leader):
    delivery = _delivery(leader)
    assert deliveries_send(now=MORNING).sent == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 1)
    assert deliveries_send(now=MORNING).sent == 0
    assert len(mail.outbox) == 1


def test_the_senders_digest_of_three_is_one_message(leader):
    batch = [_delivery(leader, digest=True) for _ in range(3)]
    other = _delivery(UserFactory(email="other@example.gov.cn"), digest=True)
    assert deliveries_send(now=MORNING).sent == 4
    assert sorted(len(m.to) for m in mail.outbox) == [1, 1]
    [wang] = [m for m in mail.outbox if m.to == ["wang@example.gov.cn"]]
    for delivery in batch:
        assert delivery.reminder.title in wang.body
    assert other.reminder.title not in wang.body


def test_a_failing_mail_server_is_retried_with_backoff_then_failed(leader, unreachable_mail_server):
    delivery = _delivery(leader)
    now = MORNING
    for attempt in range(1, MAX_ATTEMPTS + 1):
        deliveries_send(now=now)
        delivery.refresh_from_db()
        assert delivery.attempts == attempt
        if attempt < MAX_ATTEMPTS:
            assert delivery.status == Delivery.Status.PENDING
            assert delivery.not_before > now
            now = delivery.not_before
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.last_error
    assert mail.outbox == []
