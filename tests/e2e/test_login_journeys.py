"""Each role logs in, sees its home page in Chinese, and logs out."""

import pytest
from playwright.sync_api import expect

from accounts.models import Role

HOME_HEADINGS = {
    Role.BUREAU: "全省工作概览",
    Role.OFFICER: "属地服务",
    Role.TEAM_MEMBER: "我服务的单位",
    Role.EXPERT: "邀请您参与的服务需求",
    Role.UNIT_CONTACT: "西湖光电实验室",
    # 三员分立: an administrator's home lists their pages and nothing of the programme.
    Role.SYSTEM_ADMIN: "登录账号",
    Role.SECURITY_ADMIN: "登录账号",
    Role.AUDIT_ADMIN: "审计日志",
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", list(Role))
def test_role_logs_in_sees_the_chinese_home_page_and_logs_out(users, login, live_server, role):
    user = users[role]
    page = login(user.username)

    expect(page.get_by_role("heading", level=1)).to_contain_text(f"欢迎，{user.full_name}")
    expect(page.locator("main")).to_contain_text(HOME_HEADINGS[role])
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_test_id("user-menu")).to_contain_text(user.get_role_display())

    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="退出登录").click()
    expect(page).to_have_url(live_server.url + "/accounts/login/")
    page.goto(live_server.url + "/")
    expect(page).to_have_url(live_server.url + "/accounts/login/?next=/")


@pytest.mark.django_db(transaction=True)
def test_wrong_password_shows_a_chinese_error(users, login):
    page = login("alice", "not-the-password")
    expect(page.get_by_test_id("form-errors")).to_contain_text("用户名或密码错误")


@pytest.mark.django_db(transaction=True)
def test_the_portal_fits_a_phone(users, login, page):
    page.set_viewport_size({"width": 390, "height": 844})
    login("alice")
    expect(page.get_by_role("button", name="菜单")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
