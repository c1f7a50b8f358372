"""A bureau user without a second factor logs in, sets up the authenticator app from the QR code's key, notes the
recovery codes, reaches the home page; logs out and logs in again with the app's next code."""

import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

PASSWORD = "correct-horse-battery"


def _code(key: bytes, *, steps_ahead: int = 0) -> str:
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def _password(page, live_server, username: str) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


@pytest.mark.real_second_factor
@pytest.mark.django_db(transaction=True)
def test_a_bureau_user_enrols_notes_the_codes_and_signs_in_again_with_a_code(users, live_server, page):
    _password(page, live_server, "alice")
    expect(page).to_have_url(re.compile(r"/accounts/second-factor/enrol/"))
    expect(page.get_by_test_id("qr").locator("svg")).to_be_visible()
    secret = page.get_by_test_id("secret").inner_text()
    assert re.fullmatch(r"([A-Z2-7]{4} )+[A-Z2-7=]{1,4}", secret)
    key = b32decode(secret.replace(" ", ""))

    page.locator("input[name=code]").fill(_code(key))
    page.get_by_test_id("confirm").click()

    codes = page.get_by_test_id("recovery-codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_test_id("done").click()
    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("欢迎")

    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="退出登录").click()
    expect(page).to_have_url(live_server.url + "/accounts/login/")

    _password(page, live_server, "alice")
    expect(page).to_have_url(re.compile(r"/accounts/second-factor/verify/"))
    page.locator("input[name=code]").fill(_code(key, steps_ahead=1))  # the first code was used at the enrolment
    page.get_by_test_id("verify").click()
    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("欢迎")
