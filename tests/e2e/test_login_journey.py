"""The bureau gives a unit's contact a login from the unit's page and reads the initial password once; the contact
logs in with it, must choose their own password and lands on their home page; the bureau disables the login, the
contact's open session ends and they can no longer log in."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import UnitContactFactory

NEW_PASSWORD = "Haiyan-qiantang-2026"


def _log_in(page, live_server, username: str, password: str) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录").click()


def _log_out(page) -> None:
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="退出登录").click()


@pytest.mark.django_db(transaction=True)
def test_a_contact_gets_a_login_changes_its_password_and_loses_it_when_disabled(
    users, unit, login, live_server, page, browser
):
    contact = UnitContactFactory(unit=unit, name="周海燕", phone="13812345678", email="zhou@example.com")

    # The bureau creates the login from the unit's page and reads the password once.
    login("alice")
    page.goto(f"{live_server.url}/units/{unit.uid}/")
    page.get_by_test_id(f"contact-login-{contact.pk}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"为{unit.name}的周海燕创建登录账号")
    expect(page.get_by_label("用户名")).to_have_value("zhouhaiyan")
    page.get_by_test_id("submit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("登录账号已创建")
    username = page.get_by_test_id("new-username").inner_text()
    password = page.get_by_test_id("new-password").inner_text()
    assert username == "zhouhaiyan"
    assert re.fullmatch(r"[A-Za-z2-9]{4}(-[A-Za-z2-9]{4}){3}", password)
    page.reload()  # a reload sends the form again: the password is not shown a second time
    expect(page.get_by_test_id("new-password")).to_have_count(0)
    expect(page.get_by_test_id("login-exists")).to_contain_text(username)
    _log_out(page)

    # The contact logs in with it, is made to choose their own password, and lands on their home page.
    contact_page = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
    _log_in(contact_page, live_server, username, password)
    expect(contact_page).to_have_url(live_server.url + "/accounts/password/")
    expect(contact_page.get_by_test_id("password-required")).to_be_visible()
    contact_page.goto(live_server.url + "/archives/requests/")  # no way around it
    expect(contact_page).to_have_url(live_server.url + "/accounts/password/")
    contact_page.get_by_label("旧密码").fill(password)
    contact_page.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    contact_page.get_by_label("新密码确认").fill(NEW_PASSWORD)
    contact_page.get_by_role("button", name="修改密码").click()
    expect(contact_page).to_have_url(live_server.url + "/")
    expect(contact_page.get_by_role("heading", level=1)).to_contain_text("欢迎，周海燕")
    expect(contact_page.locator("main")).to_contain_text(unit.name)

    # The system administrator disables the login (三员分立): the contact's open session ends at once, and the login
    # is refused.
    login("sam")
    page.goto(live_server.url + "/accounts/logins/")
    page.get_by_label("姓名或用户名").fill(username)
    page.get_by_test_id("filter-submit").click()
    row = page.get_by_test_id(f"login-row-{username}")
    expect(row.get_by_test_id("login-status")).to_have_text("已启用")
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_test_id("login-disable").click()
    expect(page.locator(".alert-success")).to_contain_text("已停用")
    expect(page.get_by_test_id(f"login-row-{username}").get_by_test_id("login-status")).to_have_text("已停用")

    contact_page.reload()
    expect(contact_page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    _log_in(contact_page, live_server, username, NEW_PASSWORD)
    expect(contact_page.get_by_test_id("form-errors")).to_be_visible()
    expect(contact_page).to_have_url(re.compile(r"/accounts/login/"))
