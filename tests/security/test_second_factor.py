"""The second factor through its pages (MLPS 2.0 level 3: two kinds of authentication for the staff): enrolment with
a QR code and a first code, ten recovery codes shown once, the code at every later login, throttled wrong codes,
recovery codes that work once, a reset by the security administrator, optional for unit contacts and experts, and
the middleware that keeps an unverified session on these pages. No force_login here: it would stand in for the
factor (tests/conftest.py)."""

import re
import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import signals
from accounts.models import ADMIN_ROLES, SECOND_FACTOR_REQUIRED_ROLES, LoginSession, Role
from demo.totp import DEMO_TOTP_KEY, demo_code, give_demo_second_factor

pytestmark = pytest.mark.real_second_factor

PASSWORD = "correct-horse-battery"
HOME = reverse("home")
VERIFY = reverse("accounts:second_factor_verify")
ENROL = reverse("accounts:second_factor_enrol")
OVERVIEW = reverse("accounts:second_factor")
RENEW = reverse("accounts:second_factor_recovery_codes")


def code_for(key_hex: str, *, steps_ahead: int = 0) -> str:
    """The app's code now, or `steps_ahead` periods on (each code signs in once: a second login in the same 30
    seconds takes the next one, which the device's tolerance of one step accepts)."""
    totp = TOTP(bytes.fromhex(key_hex))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def password_login(client: Client, username: str) -> None:
    response = client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, "the password is right"


def secret_on(page) -> str:
    """The key the enrolment page shows for typing by hand (groups of 4, base32), as hex."""
    from base64 import b32decode

    groups = re.search(r'data-testid="secret">([^<]+)<', page.text).group(1)
    return b32decode(groups.replace(" ", "")).hex()


def shown_codes(page) -> list[str]:
    block = re.search(r'data-testid="recovery-codes">(.*?)</ol>', page.text, flags=re.S).group(1)
    return re.findall(r"<code[^>]*>([^<]+)</code>", block)


@pytest.fixture
def events():
    """The accounts signals sent during the test, as (name, kwargs)."""
    received = []
    names = [
        "second_factor_verified",
        "second_factor_failed",
        "second_factor_enrolled",
        "second_factor_reset",
        "recovery_codes_renewed",
        "session_ended",
    ]
    handlers = {}
    for name in names:

        def handler(sender, _name=name, **kwargs):
            received.append((_name, kwargs))

        handlers[name] = handler
        getattr(signals, name).connect(handler)
    yield received
    for name, handler in handlers.items():
        getattr(signals, name).disconnect(handler)


def enrol(client: Client, username: str) -> tuple[str, list[str]]:
    """Password, enrolment page, first code: returns the device key and the recovery codes shown."""
    password_login(client, username)
    assert client.get(HOME).url == VERIFY + "?next=%2F"
    page = client.get(VERIFY + "?next=%2F", follow=True)
    assert page.redirect_chain[-1][0] == ENROL + "?next=%2F"
    key = secret_on(page)
    done = client.post(ENROL, {"code": code_for(key), "next": "/"})
    assert done.status_code == 200
    return key, shown_codes(done)


# --- enrolment ------------------------------------------------------------------------------------------------------


def test_a_staff_login_without_a_device_enrols_sees_ten_codes_once_and_reaches_home(client, users, events):
    key, codes = enrol(client, "alice")

    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert all(re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", code) for code in codes)
    device = TOTPDevice.objects.get(user=users[Role.BUREAU])
    assert device.confirmed
    assert device.key == key
    assert client.get(HOME).status_code == 200
    assert [name for name, _kwargs in events] == ["second_factor_enrolled"]
    # Never shown again: the overview counts them, no page lists them.
    overview = client.get(OVERVIEW)
    assert "10" in overview.text
    assert all(code not in overview.text for code in codes)


def test_the_enrolment_page_shows_an_inline_svg_qr_code_and_the_secret_in_groups_of_four(client, users):
    password_login(client, "alice")
    page = client.get(ENROL)
    assert page.status_code == 200
    assert "no-store" in page.headers["Cache-Control"]
    assert re.search(r'data-testid="qr"><svg width="220" height="220" role="img"[^>]*viewBox', page.text)
    assert "<img" not in re.search(r'data-testid="qr">.*?</div>', page.text, flags=re.S).group(0)
    groups = re.search(r'data-testid="secret">([^<]+)<', page.text).group(1).split(" ")
    assert all(len(group) == 4 for group in groups)
    # A reload shows the same secret: the app may already have scanned it.
    assert secret_on(client.get(ENROL)) == secret_on(page)


def test_a_wrong_first_code_confirms_nothing(client, users, events):
    password_login(client, "alice")
    key = secret_on(client.get(ENROL))
    wrong = f"{(int(code_for(key)) + 1) % 1000000:06d}"

    response = client.post(ENROL, {"code": wrong})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not TOTPDevice.objects.filter(user=users[Role.BUREAU], confirmed=True).exists()
    assert TOTPDevice.objects.get(user=users[Role.BUREAU]).throttling_failure_count == 1
    assert [name for name, _kwargs in events] == ["second_factor_failed"]
    assert client.get(HOME).url.startswith(VERIFY)


def test_a_user_with_a_device_cannot_enrol_another_with_the_password_alone(client, users):
    TOTPDevice.objects.create(user=users[Role.BUREAU], name="authenticator", confirmed=True)
    password_login(client, "alice")
    assert client.get(ENROL).url == VERIFY
    assert client.post(ENROL, {"code": "123456"}).url == VERIFY
    assert TOTPDevice.objects.filter(user=users[Role.BUREAU]).count() == 1


# --- the code at sign-in --------------------------------------------------------------------------------------------


@pytest.fixture
def device(users):
    return TOTPDevice.objects.create(user=users[Role.OFFICER], name="authenticator", confirmed=True)


def test_the_code_at_sign_in_opens_the_page_first_asked_for_under_a_new_session_id(client, users, device, events):
    password_login(client, "olivia")
    asked = reverse("units:list") + "?q=x"
    sent = client.get(asked)
    assert sent.url == VERIFY + "?" + "next=%2Funits%2F%3Fq%3Dx"
    key_before = client.session.session_key
    page = client.get(sent.url)
    assert page.status_code == 200
    assert "no-store" in page.headers["Cache-Control"]

    response = client.post(VERIFY, {"code": code_for(device.key), "next": asked})

    assert response.url == asked
    assert client.session.session_key != key_before  # rotated at the privilege change
    assert LoginSession.objects.get(user=users[Role.OFFICER], ended_at__isnull=True).session_key == (
        client.session.session_key
    )
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(asked).status_code == 200
    assert [name for name, _kwargs in events] == ["second_factor_verified"]
    assert events[0][1]["recovery_code"] is False


def test_a_code_is_not_accepted_twice(client, users, device):
    password_login(client, "olivia")
    code = code_for(device.key)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    other = Client()
    password_login(other, "olivia")
    assert other.post(VERIFY, {"code": code}).status_code == 200  # refused: replayed
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)  # the wait is over
    assert other.post(VERIFY, {"code": code_for(device.key, steps_ahead=1)}).status_code == 302


def test_wrong_codes_are_refused_audited_and_throttled(client, users, device, events):
    password_login(client, "olivia")
    right = code_for(device.key)
    wrong = f"{(int(right) + 1) % 1000000:06d}"

    first = client.post(VERIFY, {"code": wrong})
    assert first.status_code == 200
    assert "验证码错误" in first.text or first.context["form"].errors
    # Within the throttle's wait even the right code is refused unchecked.
    throttled = client.post(VERIFY, {"code": right})
    assert throttled.status_code == 200
    assert client.get(HOME).url.startswith(VERIFY)
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    assert [(name, kwargs["throttled"]) for name, kwargs in events] == [
        ("second_factor_failed", False),
        ("second_factor_failed", True),
    ]
    assert events[0][1]["user"] == users[Role.OFFICER]

    # After the wait the right code works.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=device.throttling_failure_timestamp.replace(year=2000)
    )
    assert client.post(VERIFY, {"code": right}).status_code == 302
    assert client.get(HOME).status_code == 200


def test_each_wrong_code_doubles_the_wait(client, users, device):
    password_login(client, "olivia")
    for expected in [1, 2, 3]:
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
        client.post(VERIFY, {"code": "000000" if code_for(device.key) != "000000" else "111111"})
        device.refresh_from_db()
        assert device.throttling_failure_count == expected
    allowed, wait = device.verify_is_allowed()
    assert not allowed
    assert wait["failure_count"] == 3


# --- recovery codes -------------------------------------------------------------------------------------------------


def test_a_recovery_code_signs_in_once_in_any_case_and_spacing(client, users, events):
    _key, codes = enrol(client, "alice")
    client.post(reverse("accounts:logout"))

    password_login(client, "alice")
    typed = " " + codes[3].upper().replace("-", " - ") + " "
    assert client.post(VERIFY, {"code": typed, "next": "/"}).url == HOME
    assert events[-1][0] == "second_factor_verified"
    assert events[-1][1]["recovery_code"] is True
    assert StaticToken.objects.filter(device__user=users[Role.BUREAU]).count() == 9
    client.post(reverse("accounts:logout"))

    password_login(client, "alice")
    again = client.post(VERIFY, {"code": codes[3]})
    assert again.status_code == 200  # used once already
    assert client.get(HOME).url.startswith(VERIFY)


def test_a_new_set_of_recovery_codes_voids_the_old_one_and_is_shown_once(client, users, events):
    _key, old = enrol(client, "alice")
    overview = client.get(OVERVIEW)
    assert 'data-testid="renew-codes"' in overview.text

    response = client.post(RENEW)

    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    new = shown_codes(response)
    assert len(new) == 10
    assert not set(new) & set(old)
    assert events[-1][0] == "recovery_codes_renewed"
    client.post(reverse("accounts:logout"))
    password_login(client, "alice")
    assert client.post(VERIFY, {"code": old[0]}).status_code == 200  # void
    assert client.post(VERIFY, {"code": new[0]}).status_code in (200, 302)


def test_renewing_codes_needs_post_and_a_device(client, users):
    password_login(client, "uma")
    assert client.get(RENEW).status_code == 405
    assert client.post(RENEW).url == OVERVIEW
    assert not StaticToken.objects.exists()


# --- optional for unit contacts and experts -------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.UNIT_CONTACT, Role.EXPERT])
def test_unit_contacts_and_experts_may_enrol_and_are_then_asked_at_each_login(client, users, role):
    user = users[role]
    password_login(client, user.username)
    assert client.get(HOME).status_code == 200  # no second factor asked
    overview = client.get(OVERVIEW)
    assert 'data-testid="second-factor-off"' in overview.text
    key = secret_on(client.get(ENROL))
    assert shown_codes(client.post(ENROL, {"code": code_for(key)}))
    assert 'data-testid="second-factor-on"' in client.get(OVERVIEW).text
    client.post(reverse("accounts:logout"))

    password_login(client, user.username)
    assert client.get(HOME).url.startswith(VERIFY)
    assert client.post(VERIFY, {"code": code_for(key, steps_ahead=1)}).status_code == 302
    assert client.get(HOME).status_code == 200


# --- the middleware -------------------------------------------------------------------------------------------------


def test_until_verified_only_the_code_enrolment_logout_and_language_pages_answer(client, users, device):
    password_login(client, "olivia")
    for url in [HOME, reverse("units:list"), OVERVIEW, reverse("accounts:password_change"), RENEW]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(VERIFY), url
    assert client.post(reverse("archives:request_list")).url == VERIFY  # no next for a POST
    htmx = client.get(HOME, headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"] == VERIFY
    # The bell's poll from the code page itself gets nothing rather than a reload without end.
    bell = client.get(
        reverse("reminders:bell"), headers={"HX-Request": "true", "HX-Current-URL": "http://testserver" + VERIFY}
    )
    assert bell.status_code == 204
    assert client.get(VERIFY).status_code == 200
    assert client.post(reverse("set_language"), {"language": "zh-hans"}).status_code == 302
    assert client.post(reverse("accounts:logout")).url == reverse("accounts:login")


def test_the_admin_is_behind_the_second_factor_too(client, users):
    TOTPDevice.objects.create(user=users[Role.SYSTEM_ADMIN], name="authenticator", confirmed=True)
    password_login(client, "sam")
    assert client.get("/admin/").url.startswith(VERIFY)
    assert client.get("/admin/accounts/user/").url.startswith(VERIFY)


def test_the_second_factor_comes_before_the_initial_password_change(client, users, device):
    officer = users[Role.OFFICER]
    officer.must_change_password = True
    officer.save()
    password_login(client, "olivia")
    assert client.get(HOME).url.startswith(VERIFY)
    assert client.get(VERIFY).status_code == 200  # not sent on to the password page
    client.post(VERIFY, {"code": code_for(device.key)})
    assert client.get(HOME).url == reverse("accounts:password_change")


# --- the security administrator's reset -----------------------------------------------------------------------------


def test_a_reset_deletes_the_devices_ends_the_sessions_and_asks_for_a_new_enrolment(users, events):
    officer_browser = Client()
    key, _codes = enrol(officer_browser, "olivia")
    security = Client()
    sec_device = TOTPDevice.objects.create(user=users[Role.SECURITY_ADMIN], name="authenticator", confirmed=True)
    password_login(security, "sec")
    security.post(VERIFY, {"code": code_for(sec_device.key)})
    events.clear()

    response = security.post(reverse("accounts:login_second_factor_reset", args=[users[Role.OFFICER].pk]))

    assert response.status_code == 302
    officer = users[Role.OFFICER]
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert not StaticToken.objects.filter(device__user=officer).exists()
    assert LoginSession.objects.get(user=officer).end_reason == LoginSession.EndReason.CREDENTIALS
    assert officer_browser.get(HOME).url.startswith(reverse("accounts:login"))
    names = [name for name, _kwargs in events]
    assert names == ["session_ended", "second_factor_reset"]
    assert events[1][1]["actor"] == users[Role.SECURITY_ADMIN]
    # At the next login: the enrolment again, with a new key.
    password_login(officer_browser, "olivia")
    page = officer_browser.get(VERIFY, follow=True)
    assert page.redirect_chain[-1][0].startswith(ENROL)
    assert secret_on(page) != key


def test_a_security_administrator_does_not_reset_their_own_second_factor(users):
    admin = users[Role.SECURITY_ADMIN]
    browser = verified_client(admin)
    response = browser.post(reverse("accounts:login_second_factor_reset", args=[admin.pk]), follow=True)
    assert response.status_code == 200  # still signed in, with the refusal said
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert TOTPDevice.objects.filter(user=admin).exists()


# --- every new page per role ----------------------------------------------------------------------------------------


def verified_client(user) -> Client:
    browser = Client()
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    browser.force_login(user)
    if device is None and user.role in SECOND_FACTOR_REQUIRED_ROLES:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    if device is not None:
        session = browser.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return browser


@pytest.mark.parametrize("role", list(Role))
def test_the_second_factor_pages_answer_every_signed_in_role_about_themselves_only(users, role):
    browser = verified_client(users[role])
    assert browser.get(OVERVIEW).status_code == 200
    # Verified already: the code page sends them on, the enrolment page back to their overview.
    assert browser.get(VERIFY).url == HOME
    enrolled = TOTPDevice.objects.filter(user=users[role], confirmed=True).exists()
    assert browser.get(ENROL).url == OVERVIEW if enrolled else browser.get(ENROL).status_code == 200
    renewed = browser.post(RENEW)
    assert renewed.status_code == (200 if enrolled else 302)
    others = [user for other, user in users.items() if other != role]
    assert not StaticToken.objects.filter(device__user__in=others).exists()


def test_the_second_factor_pages_send_anonymous_visitors_to_log_in(client, db):
    for url in [OVERVIEW, VERIFY, ENROL]:
        assert client.get(url).url.startswith(reverse("accounts:login"))
    assert client.post(RENEW).url.startswith(reverse("accounts:login"))


def test_administrators_are_among_the_roles_that_need_a_second_factor():
    assert ADMIN_ROLES <= SECOND_FACTOR_REQUIRED_ROLES
    assert {Role.BUREAU, Role.OFFICER, Role.TEAM_MEMBER} <= SECOND_FACTOR_REQUIRED_ROLES
    assert not {Role.UNIT_CONTACT, Role.EXPERT} & SECOND_FACTOR_REQUIRED_ROLES


# --- the demo's published key ---------------------------------------------------------------------------------------


def test_demo_totp_prints_a_code_only_for_the_published_demo_key(users):
    from io import StringIO

    from django.core.management import CommandError, call_command

    bureau = users[Role.BUREAU]
    give_demo_second_factor(bureau)
    give_demo_second_factor(bureau)  # idempotent
    assert TOTPDevice.objects.get(user=bureau).key == DEMO_TOTP_KEY
    out = StringIO()
    call_command("demo_totp", "alice", stdout=out)
    code, _seconds = demo_code(bureau)
    assert out.getvalue().startswith(code)
    browser = Client()
    password_login(browser, "alice")
    assert browser.post(VERIFY, {"code": code}).status_code == 302

    TOTPDevice.objects.create(user=users[Role.OFFICER], name="authenticator", confirmed=True)  # a real key
    for username in ["olivia", "nobody"]:
        with pytest.raises(CommandError):
            call_command("demo_totp", username, stdout=StringIO())


# --- in Chinese -----------------------------------------------------------------------------------------------------


def test_the_second_factor_pages_have_no_english_left(client, users):
    latin = re.compile(r"[A-Za-z]{3,}")

    def visible_text(html: str) -> str:
        html = re.sub(r"<(script|style|code|svg)[^>]*>.*?</\1>", " ", html, flags=re.S)
        return re.sub(r"<[^>]+>", " ", html).replace("English", "")

    password_login(client, "alice")
    enrol_page = client.get(ENROL)
    key = secret_on(enrol_page)
    wrong = client.post(ENROL, {"code": "12"})
    TOTPDevice.objects.update(throttling_failure_timestamp=None)
    codes_page = client.post(ENROL, {"code": code_for(key)})
    pages = {"enrol": enrol_page, "wrong": wrong, "codes": codes_page, "overview": client.get(OVERVIEW)}
    client.post(reverse("accounts:logout"))
    password_login(client, "alice")
    pages["verify"] = client.get(VERIFY)
    for name, response in pages.items():
        assert response.status_code == 200, name
        assert latin.findall(visible_text(response.text)) == [], name
