"""The bureau's outbox (提醒发送记录): every delivery, failed first, filtered and searched; the counts per status; the
last finder run and whether it is stale; a failed delivery sent again. Other roles are refused, like on the bureau's
other pages."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from reminders.kinds import Kind
from reminders.models import Delivery, FinderRun
from reminders.services import CYCLE, STALE_AFTER_CYCLES
from tests.factories import TeamFactory, UserFactory
from tests.reminders.factories import DingTalkDeliveryFactory, EmailDeliveryFactory, ReminderFactory

URL = reverse("reminders:outbox")
NOT_BUREAU = [Role.OFFICER, Role.TEAM_MEMBER, Role.EXPERT, Role.UNIT_CONTACT]
FAILED, PENDING, SENT, SKIPPED = (
    Delivery.Status.FAILED,
    Delivery.Status.PENDING,
    Delivery.Status.SENT,
    Delivery.Status.SKIPPED,
)


def resend_url(delivery) -> str:
    return reverse("reminders:resend", args=[delivery.pk])


@pytest.fixture
def bureau_client(client, users):
    client.force_login(users[Role.BUREAU])
    return client


@pytest.fixture
def outbox(db):
    """One delivery of each status and channel, with titles and recipients to search."""
    now = timezone.now()
    return {
        "sent": EmailDeliveryFactory(
            status=SENT, sent_at=now, attempts=1, reminder=ReminderFactory(title="西湖光电实验室：服务方案7日后到期")
        ),
        "failed": EmailDeliveryFactory(
            status=FAILED,
            attempts=5,
            last_error="SMTP 550 mailbox unavailable",
            user=UserFactory(username="wang", full_name="王组长", email="wang@example.gov.cn"),
            reminder=ReminderFactory(title="之江材料实验室：服务需求即将超时", kind=Kind.REQUEST_DUE_SOON),
        ),
        "pending": DingTalkDeliveryFactory(
            team=TeamFactory(name="甬江护航团队"), reminder=ReminderFactory(title="宁波材料所：半年度报告即将到期")
        ),
        "skipped": EmailDeliveryFactory(
            status=SKIPPED, last_error="No e-mail address.", reminder=ReminderFactory(title="温州实验室：长期未对接")
        ),
    }


# --- who may ----------------------------------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_the_login_page(client, outbox):
    for response in (client.get(URL), client.post(resend_url(outbox["failed"]))):
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
    assert Delivery.objects.get(pk=outbox["failed"].pk).status == FAILED


@pytest.mark.parametrize("role", NOT_BUREAU)
def test_only_the_bureau_reads_the_outbox_and_resends(client, users, outbox, role):
    client.force_login(users[role])
    assert client.get(URL).status_code == 403
    assert client.post(resend_url(outbox["failed"])).status_code == 403
    assert Delivery.objects.get(pk=outbox["failed"].pk).status == FAILED


@pytest.mark.parametrize("role", NOT_BUREAU)
def test_the_menu_shows_the_outbox_to_the_bureau_only(client, users, role):
    client.force_login(users[role])
    assert URL not in client.get(reverse("reminders:list")).text


def test_the_bureau_menu_leads_to_the_outbox_and_the_robots(bureau_client):
    page = bureau_client.get(reverse("reminders:list")).text
    assert URL in page
    assert reverse("reminders:robots") in page


# --- the list ---------------------------------------------------------------------------------------------------------


def test_the_outbox_lists_every_delivery_failed_first(bureau_client, outbox):
    response = bureau_client.get(URL)
    assert response.status_code == 200
    rows = list(response.context["page_obj"])
    assert rows[0] == outbox["failed"]
    assert rows[1] == outbox["pending"]
    assert set(rows) == set(outbox.values())
    assert "王组长" in response.text
    assert "甬江护航团队" in response.text
    assert "SMTP 550 mailbox unavailable" in response.text
    # Only the failed one has a resend button.
    assert response.text.count('data-testid="resend"') == 1
    assert resend_url(outbox["failed"]) in response.text


def test_the_counts_per_status_are_at_the_top(bureau_client, outbox):
    EmailDeliveryFactory(status=FAILED)
    counts = {status: count for status, _label, count in bureau_client.get(URL).context["status_counts"]}
    assert counts == {FAILED: 2, PENDING: 1, SKIPPED: 1, SENT: 1}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "failed"}, {"failed"}),
        ({"status": "sent"}, {"sent"}),
        ({"channel": "dingtalk"}, {"pending"}),
        ({"channel": "email"}, {"sent", "failed", "skipped"}),
        ({"kind": Kind.REQUEST_DUE_SOON}, {"failed"}),
        ({"q": "材料"}, {"failed", "pending"}),  # the titles
        ({"q": "王组长"}, {"failed"}),  # the recipient
        ({"q": "甬江护航"}, {"pending"}),  # the team
        ({"q": "材料", "channel": "email"}, {"failed"}),
        ({"status": "not-a-status"}, {"sent", "failed", "pending", "skipped"}),  # an unknown value filters nothing
    ],
)
def test_the_outbox_filters_and_searches(bureau_client, outbox, query, expected):
    rows = set(bureau_client.get(URL, query).context["page_obj"])
    assert rows == {outbox[name] for name in expected}


@pytest.mark.parametrize("count", [3, 40])
def test_the_outbox_runs_the_same_queries_for_few_or_many(bureau_client, count, django_assert_max_num_queries):
    for n in range(count):
        if n % 2:
            EmailDeliveryFactory(status=FAILED, attempts=5, last_error="timeout")
        else:
            DingTalkDeliveryFactory()
    FinderRun.objects.create(started_at=timezone.now(), finished_at=timezone.now(), found=3)
    # session, user, savepoint and release, the header's two permission queries, the counts per status, the last
    # finder run twice (shown, and judged by the health rule), the page's count and rows with their reminders,
    # recipients and teams
    with django_assert_max_num_queries(11):
        assert bureau_client.get(URL).status_code == 200


# --- the finder -------------------------------------------------------------------------------------------------------


def test_the_outbox_says_when_the_finder_never_ran(bureau_client):
    finder = bureau_client.get(URL).context["finder"]
    assert finder.last_run is None
    assert finder.stale


def test_the_outbox_shows_the_last_finder_run(bureau_client):
    now = timezone.now()
    FinderRun.objects.create(started_at=now - CYCLE * 2, finished_at=now - CYCLE * 2, found=1)
    last = FinderRun.objects.create(started_at=now - CYCLE, finished_at=now - CYCLE, found=12)
    FinderRun.objects.create(started_at=now, finished_at=None)  # under way: not yet the last one that ran
    response = bureau_client.get(URL)
    assert response.context["finder"].last_run == last
    assert not response.context["finder"].stale
    assert 'data-stale="false"' in response.text
    assert 'data-testid="finder-stale"' not in response.text


def test_a_finder_older_than_three_cycles_is_stale(bureau_client):
    started = timezone.now() - STALE_AFTER_CYCLES * CYCLE - datetime.timedelta(minutes=1)
    FinderRun.objects.create(started_at=started, finished_at=started, found=4)
    response = bureau_client.get(URL)
    assert response.context["finder"].stale
    assert 'data-testid="finder-stale"' in response.text
    assert str(STALE_AFTER_CYCLES * CYCLE.seconds // 60) in response.text


# --- resending --------------------------------------------------------------------------------------------------------


def test_resending_puts_a_failed_delivery_back_in_the_queue(bureau_client, outbox):
    failed = outbox["failed"]
    response = bureau_client.post(resend_url(failed), {"next": f"{URL}?status=failed"})
    assert response.status_code == 302
    assert response.url == f"{URL}?status=failed"
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (PENDING, 0)
    assert failed.not_before >= timezone.now() - datetime.timedelta(minutes=1)


@pytest.mark.parametrize("name", ["sent", "pending", "skipped"])
def test_only_a_failed_delivery_is_resent(bureau_client, outbox, name):
    delivery = outbox[name]
    before = Delivery.objects.filter(pk=delivery.pk).values().get()
    response = bureau_client.post(resend_url(delivery))
    assert response.status_code == 302
    assert response.url == URL
    assert Delivery.objects.filter(pk=delivery.pk).values().get() == before


def test_resending_a_missing_delivery_is_404_and_a_get_is_refused(bureau_client, outbox):
    assert bureau_client.post(reverse("reminders:resend", args=[999999])).status_code == 404
    assert bureau_client.get(resend_url(outbox["failed"])).status_code == 405


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example", "/units/"])
def test_resending_returns_to_the_outbox_only(bureau_client, outbox, next_url):
    assert bureau_client.post(resend_url(outbox["failed"]), {"next": next_url}).url == URL
