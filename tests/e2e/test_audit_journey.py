"""谁查看了本单位的资料: a team leader opens the plan of a unit their team serves; the unit's contact then sees, on
their own page, who opened it (name and role), what and when — and the audit administrator finds the same read."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts.models import Role
from tests.factories import UserFactory, approved_plan, two_served_units


@pytest.mark.django_db(transaction=True)
def test_a_unit_contact_sees_that_the_team_leader_opened_the_plan(users, unit, login, live_server, page):
    tom = users[Role.TEAM_MEMBER]
    tom.full_name = "汤明"
    tom.save()
    two_served_units(tom, unit)
    plan = approved_plan(unit)
    TOTPDevice.objects.create(user=tom, name="authenticator", confirmed=True)  # enrolled long ago

    login("tom")
    page.goto(f"{live_server.url}/plans/{plan.uid}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(unit.name)
    page.context.clear_cookies()

    login("uma")
    page.get_by_role("link", name="谁查看了本单位的资料").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("谁查看了本单位的资料")
    row = page.get_by_test_id("read")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("汤明")
    expect(row).to_contain_text("服务团队成员")
    expect(row).to_contain_text("查看")

    page.context.clear_cookies()
    auditor = UserFactory(username="auditor", audit_admin=True)
    TOTPDevice.objects.create(user=auditor, name="authenticator", confirmed=True)
    login("auditor")
    page.goto(f"{live_server.url}/audit/?action=read")
    expect(page.get_by_test_id("event").first).to_contain_text("汤明")
