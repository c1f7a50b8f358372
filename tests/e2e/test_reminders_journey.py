"""The bell end to end: a unit's contact raises a request; the serving team's leader sees 1 unread in the header's
bell, opens the list, follows the reminder to the request, and the badge is gone; the leader turns off the e-mail
for new requests and the choice sticks. Fields are found by name and data-testid, so the journey reads the same
before and after the catalogue is compiled."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from reminders.kinds import EmailMode, Kind
from reminders.models import EmailPreference, Notification
from tests.factories import TeamFactory, assign

SUBJECT = "光电芯片海外专利布局咨询"


def log_in_as(page, login, username: str):
    page.context.clear_cookies()
    login(username)


@pytest.mark.django_db(transaction=True)
def test_a_raised_request_rings_the_leaders_bell_once_and_a_preference_sticks(users, unit, login, live_server, page):
    leader_user = users[Role.TEAM_MEMBER]
    team = TeamFactory(name="西湖护航团队")
    leader = team.memberships.get(role="leader").person
    leader.user = leader_user
    leader.save()
    assign(unit, team, start=timezone.localdate())  # served since today: no "no contact" reminder besides

    # The unit's contact raises a request through the form.
    log_in_as(page, login, "uma")
    page.goto(live_server.url + "/archives/requests/new/")
    page.locator("select[name=kind]").select_option("consultation")
    page.locator("input[name=title]").fill(SUBJECT)
    page.locator("textarea[name=description]").fill("计划明年申请海外专利，请协助分析布局方向。")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("request-title")).to_have_text(SUBJECT)
    request_path = page.url.removeprefix(live_server.url)

    # The leader's bell shows one unread reminder, fetched after the page loaded.
    log_in_as(page, login, "tom")
    bell = page.get_by_test_id("bell")
    expect(bell.get_by_test_id("bell-badge")).to_have_text(re.compile(r"^1\b"))
    expect(bell.get_by_test_id("bell-badge")).to_have_attribute("data-count", "1")

    # The list shows it unread; following it opens the request.
    bell.click()
    expect(page).to_have_url(live_server.url + "/reminders/")
    item = page.get_by_test_id("notification")
    expect(item).to_have_count(1)
    expect(item).to_have_attribute("data-unread", "true")
    expect(item).to_contain_text(unit.name)
    item.get_by_test_id("notification-link").click()
    expect(page).to_have_url(live_server.url + request_path)
    expect(page.get_by_test_id("request-title")).to_have_text(SUBJECT)

    # Read now: no badge on the request page, and the list shows it read.
    expect(page.get_by_test_id("bell-slot").locator("#bell-count")).to_be_attached()
    expect(page.get_by_test_id("bell-badge")).to_have_count(0)
    page.goto(live_server.url + "/reminders/")
    expect(page.get_by_test_id("notification")).to_have_attribute("data-unread", "false")
    assert Notification.objects.get(user=leader_user).read_at is not None

    # The leader turns off the e-mail of new requests from the user menu; the choice sticks.
    page.get_by_test_id("user-menu").click()
    page.locator("a.dropdown-item[href='/reminders/preferences/']").click()
    expect(page).to_have_url(live_server.url + "/reminders/preferences/")
    choice = page.get_by_test_id(f"kind-{Kind.REQUEST_RAISED}")
    expect(choice.locator(f"input[value={EmailMode.AT_ONCE}]")).to_be_checked()
    choice.locator(f"label[for=id_{Kind.REQUEST_RAISED}_0]").click()
    page.get_by_test_id("submit").click()
    expect(page).to_have_url(live_server.url + "/reminders/preferences/")
    page.reload()
    expect(page.get_by_test_id(f"kind-{Kind.REQUEST_RAISED}").locator(f"input[value={EmailMode.OFF}]")).to_be_checked()
    assert list(EmailPreference.objects.filter(user=leader_user).values_list("kind", "mode")) == [
        (Kind.REQUEST_RAISED, EmailMode.OFF)
    ]


@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_bell_sits_beside_the_menu_button(users, login, live_server, page):
    from tests.reminders.factories import NotificationFactory

    NotificationFactory(user=users[Role.EXPERT])
    page.set_viewport_size({"width": 390, "height": 844})
    log_in_as(page, login, "eve")
    bell = page.get_by_test_id("bell")
    expect(bell).to_be_visible()  # without opening the collapsed menu
    expect(bell.get_by_test_id("bell-badge")).to_have_attribute("data-count", "1")
    badge = bell.get_by_test_id("bell-badge").bounding_box()
    assert badge["x"] + badge["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
