"""Browser journeys: Playwright drives Debian's Chromium against pytest-django's live server."""

import os
import shutil
import time

import pytest

# Playwright runs an event loop in the test thread, and the fixtures' ORM calls (including the flush after each
# transactional test) are synchronous. The suite has no async code of its own for this check to protect.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "e2e" in str(item.path):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not shutil.which(CHROMIUM):
        message = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)  # under CI a missing browser is a failure, never a skip
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def browser_context_args(browser_context_args):
    # A 1366×768 laptop, the bureau's usual screen, in Chinese.
    return {**browser_context_args, "viewport": {"width": 1366, "height": 768}, "locale": "zh-CN"}


def second_factor_code(username: str, *, create_only: bool = False) -> str | None:
    """The code a staff user's authenticator app shows now (their device made here if they have none, as for a user
    who enrolled long ago); None for a user who signs in without one. Each code signs in once, so a second login
    in the same 30 seconds takes the next period's code, which the device's tolerance of one step accepts, waiting
    for it when even that one is used."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import SECOND_FACTOR_REQUIRED_ROLES, User

    user = User.objects.filter(username=username).first()
    if user is None:
        return None
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        if user.role not in SECOND_FACTOR_REQUIRED_ROLES:
            return None
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    if create_only:
        return None
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now = time.time()
    step = max(totp.t(), device.last_t + 1)
    while step > int(now - device.t0) // device.step + device.tolerance:
        time.sleep(1)
        now = time.time()
    totp.time = device.t0 + step * device.step
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def login(live_server, page):
    def log_in(username: str, password: str = "correct-horse-battery"):
        second_factor_code(username, create_only=True)  # a staff user has their app before they log in
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        with page.expect_navigation():  # the form's answer, or the page it redirects to
            page.get_by_role("button", name="登录").click()
        if "/accounts/second-factor/verify/" in page.url:  # the page asks for the authenticator's code
            code = second_factor_code(username)
            if code is not None:
                page.locator("input[name=code]").fill(code)
                with page.expect_navigation():
                    page.get_by_test_id("verify").click()
        return page

    return log_in
