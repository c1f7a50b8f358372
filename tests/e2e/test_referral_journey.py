"""The serving team refers a unit's request to the IP department of the unit's county; the county's officer logs in,
finds it waiting for their reply, and records the reply; the team sees the reply on the request's thread."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from archives.models import Referral, Request
from tests.factories import RequestFactory, TeamFactory, UserFactory, assign, division

REPLY = "已现场核查，侵权线索属实，已移交西湖区市场监管执法队立案。"


def log_in_as(page, login, username: str):
    page.context.clear_cookies()
    login(username)


@pytest.mark.django_db(transaction=True)
def test_the_county_officer_answers_a_request_the_team_referred(users, unit, login, live_server, page):
    team = TeamFactory(name="西湖护航团队")
    leader = team.memberships.get(role="leader").person
    leader.user = users[Role.TEAM_MEMBER]
    leader.save()
    assign(unit, team)
    UserFactory(username="xihu", full_name="西湖区知识产权科", officer=True, division=division("330106"))
    request = RequestFactory(unit=unit, actor=users[Role.UNIT_CONTACT], kind="enforcement", title="展会侵权线索核查")
    today = timezone.localdate().isoformat()

    # The team leader refers the request to the county's IP department (杭州市西湖区).
    log_in_as(page, login, "tom")
    page.goto(f"{live_server.url}/archives/requests/{request.uid}/")
    referrals = page.get_by_test_id("referrals")
    referrals.locator("summary").click()
    form = page.get_by_test_id("refer-form")
    expect(form.locator('input[name="division"]')).to_have_count(3)  # the county's, the city's, another department
    form.locator('input[name="division"][value="330106"]').check()
    form.locator('input[name="referred_on"]').fill(today)
    form.locator('textarea[name="note"]').fill("请西湖区知识产权部门协助核查展会侵权线索。")
    form.get_by_test_id("refer").click()
    expect(page.get_by_test_id("request-status")).to_have_attribute("data-status", "referred")
    expect(page.get_by_test_id("referral")).to_have_attribute("data-division", "330106")
    expect(page.get_by_test_id("referral-waiting")).to_be_visible()  # the officers answer, not the team
    expect(page.get_by_test_id("referral-reply-form")).to_have_count(0)

    # The county's officer finds it among the requests waiting for their reply and answers.
    log_in_as(page, login, "xihu")
    page.goto(f"{live_server.url}/archives/requests/?referral=awaiting_me")
    expect(page.get_by_test_id("request-row")).to_have_count(1)
    page.get_by_role("link", name="展会侵权线索核查").click()
    reply_form = page.get_by_test_id("referral-reply-form")
    reply_form.locator('textarea[name="reply"]').fill(REPLY)
    reply_form.locator('input[name="replied_on"]').fill(today)
    reply_form.get_by_test_id("record-reply").click()
    expect(page.get_by_test_id("referral-reply-text")).to_have_text(REPLY)
    expect(page.get_by_test_id("request-status")).to_have_attribute("data-status", "answered")
    page.goto(f"{live_server.url}/archives/requests/?referral=awaiting_me")
    expect(page.get_by_test_id("request-row")).to_have_count(0)

    # The team reads the reply on the thread.
    log_in_as(page, login, "tom")
    page.goto(f"{live_server.url}/archives/requests/{request.uid}/")
    expect(page.get_by_test_id("referral-reply-text")).to_have_text(REPLY)
    expect(page.get_by_test_id("referral-reply")).to_contain_text("西湖区知识产权科")
    referral = Referral.objects.get()
    assert (referral.division_id, referral.reply, referral.reply_recorded_by.username) == ("330106", REPLY, "xihu")
    assert Request.objects.get().status == Request.Status.ANSWERED
