"""Session limits (MLPS 2.0 level 3): 30 minutes idle and 10 hours in all, one live session per staff login (the old
browser is told why it was signed out), session ids rotated at login, second factor and password change, sessions
ended at once by disabling, resets and role changes through the LoginSession record; and the security
administrator's pages: role and scope changes, ending sessions, the locked usernames with their unlock."""

import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services, sessions, signals
from accounts.middleware import END_MESSAGES, SessionLimitsMiddleware
from accounts.models import LoginSession, Role, User
from tests.factories import PersonFactory, UnitFactory, UserFactory, division

PASSWORD = "correct-horse-battery"
HOME = reverse("home")
LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:second_factor_verify")
EndReason = LoginSession.EndReason


def _message(reason: str) -> str:
    with translation.override("zh-hans"):
        return str(END_MESSAGES[reason]).split("%")[0][:12]


def _shift_stamps(client: Client, **seconds_ago: int) -> None:
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[{"login": sessions.LOGIN_AT_KEY, "seen": sessions.SEEN_AT_KEY}[key]] = now - ago
    session.save()


def _live(user) -> list[LoginSession]:
    return list(LoginSession.objects.filter(user=user, ended_at__isnull=True))


# --- the record of each session -------------------------------------------------------------------------------------


def test_a_login_is_recorded_with_its_address_and_browser_and_a_logout_ends_it(client, users):
    client.post(LOGIN, {"username": "uma", "password": PASSWORD}, HTTP_USER_AGENT="Firefox/140", REMOTE_ADDR="10.1.2.3")
    row = LoginSession.objects.get(user=users[Role.UNIT_CONTACT])
    assert (row.session_key, row.ip, row.user_agent, row.ended_at) == (
        client.session.session_key,
        "10.1.2.3",
        "Firefox/140",
        None,
    )
    client.post(reverse("accounts:logout"))
    row.refresh_from_db()
    assert row.end_reason == EndReason.LOGOUT
    assert row.ended_at is not None


def test_the_session_id_changes_at_login(client, users):
    client.get(LOGIN)
    client.cookies["sessionid"] = "x" * 32  # a fixated id
    client.post(LOGIN, {"username": "uma", "password": PASSWORD})
    assert client.session.session_key != "x" * 32


# --- idle and absolute limits ---------------------------------------------------------------------------------------


def test_a_session_idle_for_more_than_30_minutes_is_signed_out_with_a_message(client, users):
    contact = users[Role.UNIT_CONTACT]
    client.force_login(contact)
    _shift_stamps(client, seen=30 * 60 + 5)

    response = client.get(HOME, follow=True)

    assert response.redirect_chain[0][0].startswith(LOGIN)
    assert _message(EndReason.IDLE) in response.text
    assert LoginSession.objects.get(user=contact).end_reason == EndReason.IDLE
    assert not Session.objects.filter(session_key=LoginSession.objects.get(user=contact).session_key).exists()


def test_activity_within_30_minutes_keeps_the_session_and_moves_the_stamp(client, users):
    client.force_login(users[Role.UNIT_CONTACT])
    _shift_stamps(client, seen=29 * 60)
    assert client.get(HOME).status_code == 200
    assert int(time.time()) - client.session[sessions.SEEN_AT_KEY] < 5


def test_requests_within_a_minute_leave_the_stamp_and_the_session_row_alone(client, users):
    client.force_login(users[Role.UNIT_CONTACT])
    _shift_stamps(client, seen=10)
    stamp = client.session[sessions.SEEN_AT_KEY]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(HOME).status_code == 200
    assert client.session[sessions.SEEN_AT_KEY] == stamp
    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]]


def test_a_poll_does_not_keep_the_session_alive(users):
    """A view marked sessions.not_user_activity (the reminders bell) leaves the last-seen stamp where it was."""
    request = RequestFactory().get("/poll/")
    request.user = users[Role.UNIT_CONTACT]
    request.session = Client().session
    request.session[sessions.SEEN_AT_KEY] = int(time.time()) - 20 * 60
    middleware = SessionLimitsMiddleware(lambda r: None)

    middleware.process_view(request, sessions.not_user_activity(lambda r: None), (), {})
    assert int(time.time()) - request.session[sessions.SEEN_AT_KEY] >= 20 * 60
    middleware.process_view(request, lambda r: None, (), {})
    assert int(time.time()) - request.session[sessions.SEEN_AT_KEY] < 5


def test_a_session_older_than_10_hours_is_signed_out_however_active(client, users):
    client.force_login(users[Role.BUREAU])
    _shift_stamps(client, login=10 * 3600 + 5, seen=10)

    response = client.get(HOME, follow=True)

    assert response.redirect_chain[0][0].startswith(LOGIN)
    assert _message(EndReason.ABSOLUTE) in response.text
    assert LoginSession.objects.get(user=users[Role.BUREAU]).end_reason == EndReason.ABSOLUTE


@override_settings(SESSION_IDLE_TIMEOUT=timedelta(minutes=5), SESSION_ABSOLUTE_TIMEOUT=timedelta(hours=1))
def test_both_limits_follow_the_settings(client, users):
    client.force_login(users[Role.BUREAU])
    _shift_stamps(client, seen=6 * 60)
    assert client.get(HOME).url.startswith(LOGIN)
    client.force_login(users[Role.BUREAU])
    _shift_stamps(client, login=3601)
    assert client.get(HOME).url.startswith(LOGIN)


def test_an_expired_htmx_request_reloads_the_whole_page_on_the_login_page(client, users):
    client.force_login(users[Role.BUREAU])
    _shift_stamps(client, seen=31 * 60)
    response = client.get(reverse("reminders:bell"), headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"] == LOGIN


def test_the_session_cookie_lives_no_longer_than_the_absolute_limit(settings):
    assert settings.SESSION_COOKIE_AGE == 10 * 3600
    assert timedelta(minutes=30) == settings.SESSION_IDLE_TIMEOUT
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


# --- one live session per staff login -------------------------------------------------------------------------------


def _sign_in_with_code(client: Client, user: User, device: TOTPDevice, step: int) -> None:
    client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    totp = TOTP(device.bin_key)
    totp.time = time.time() + 30 * step
    response = client.post(VERIFY, {"code": f"{totp.token():06d}"})
    assert response.status_code == 302


@pytest.mark.real_second_factor
def test_a_new_staff_login_ends_the_old_session_which_is_told_why(users):
    officer = users[Role.OFFICER]
    device = TOTPDevice.objects.create(user=officer, name="authenticator", confirmed=True)
    office, laptop = Client(), Client()
    _sign_in_with_code(office, officer, device, step=0)
    office_key = office.session.session_key
    assert office.get(HOME).status_code == 200

    # The password alone ends nothing: whoever has it still lacks the code.
    laptop.post(LOGIN, {"username": "olivia", "password": PASSWORD})
    assert office.get(HOME).status_code == 200
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    totp = TOTP(device.bin_key)
    totp.time = time.time() + 30
    laptop.post(VERIFY, {"code": f"{totp.token():06d}"})

    assert laptop.get(HOME).status_code == 200
    signed_out = office.get(HOME, follow=True)
    assert signed_out.redirect_chain[0][0].startswith(LOGIN)
    assert _message(EndReason.SUPERSEDED) in signed_out.text
    assert LoginSession.objects.get(session_key=office_key).end_reason == EndReason.SUPERSEDED
    assert len(_live(officer)) == 1
    # Said once: the cookie is gone, the next page is a plain login page.
    assert _message(EndReason.SUPERSEDED) not in office.get(LOGIN).text


def test_unit_contacts_may_keep_sessions_on_several_browsers(users):
    contact = users[Role.UNIT_CONTACT]
    first, second = Client(), Client()
    first.post(LOGIN, {"username": "uma", "password": PASSWORD})
    second.post(LOGIN, {"username": "uma", "password": PASSWORD})
    assert first.get(HOME).status_code == 200
    assert second.get(HOME).status_code == 200
    assert len(_live(contact)) == 2


def test_a_password_change_rotates_the_session_id_and_ends_the_others(users):
    contact = users[Role.UNIT_CONTACT]
    here, elsewhere = Client(), Client()
    here.post(LOGIN, {"username": "uma", "password": PASSWORD})
    elsewhere.post(LOGIN, {"username": "uma", "password": PASSWORD})
    before = here.session.session_key

    here.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "Qiantang-river-2026", "new_password2": "Qiantang-river-2026"},
    )

    assert here.session.session_key != before
    assert [row.session_key for row in _live(contact)] == [here.session.session_key]
    assert here.get(HOME).status_code == 200
    assert elsewhere.get(HOME).url.startswith(LOGIN)


def test_ending_a_users_sessions_is_one_indexed_query_whatever_the_other_sessions(users):
    for n in range(30):
        Client().force_login(UserFactory(username=f"other{n}", expert=True))
    target = users[Role.EXPERT]
    for _n in range(3):
        Client().force_login(target)

    with CaptureQueriesContext(connection) as queries:
        assert sessions.end_sessions(user=target, reason=EndReason.CREDENTIALS) == 3

    # The live rows of this user, their update, the sessions' delete: no session is read, let alone decoded. (What
    # the audit writes for each ended session is its business.)
    ours = [
        q["sql"].split()[0]
        for q in queries.captured_queries
        if "audit_" not in q["sql"] and "SAVEPOINT" not in q["sql"]
    ]
    assert ours == ["SELECT", "UPDATE", "DELETE"]
    assert "django_session" not in next(q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT"))
    assert Session.objects.count() == 30


# --- the security administrator: end sessions, roles and scopes ------------------------------------------------------


@pytest.fixture
def security(users):
    browser = Client()
    browser.force_login(users[Role.SECURITY_ADMIN])
    return browser


def test_the_security_administrator_ends_a_users_sessions(security, users):
    expert = users[Role.EXPERT]
    browser = Client()
    browser.force_login(expert)
    response = security.post(reverse("accounts:login_sessions_end", args=[expert.pk]), follow=True)
    assert response.status_code == 200
    assert browser.get(HOME).url.startswith(LOGIN)
    assert LoginSession.objects.get(user=expert).end_reason == EndReason.CREDENTIALS


def test_the_role_page_moves_an_officer_to_another_county_and_ends_their_sessions(security, users):
    officer = users[Role.OFFICER]
    browser = Client()
    browser.force_login(officer)
    url = reverse("accounts:login_role_change", args=[officer.pk])
    page = security.get(url)
    assert page.status_code == 200
    assert page.context["form"]["role"].initial == Role.OFFICER

    response = security.post(url, {"role": Role.OFFICER, "division": "330200"})

    assert response.url == reverse("accounts:login_list")
    officer.refresh_from_db()
    assert officer.division == division("330200")
    assert browser.get(HOME).url.startswith(LOGIN)


def test_a_contact_moves_to_another_unit_by_its_credit_code_only(security, users):
    expert = users[Role.EXPERT]
    target = UnitFactory()
    url = reverse("accounts:login_role_change", args=[expert.pk])
    refused = security.post(url, {"role": Role.UNIT_CONTACT, "credit_code": "91330000000000000X"})
    assert refused.context["form"].errors["credit_code"]
    security.post(url, {"role": Role.UNIT_CONTACT, "credit_code": " " + target.credit_code.lower() + " "})
    expert.refresh_from_db()
    assert (expert.role, expert.unit, expert.division) == (Role.UNIT_CONTACT, target, None)
    # The page names no unit to choose from: the administrator reads no list of key units (三员分立).
    assert target.name not in security.get(reverse("accounts:login_role_change", args=[users[Role.OFFICER].pk])).text


def test_the_role_change_service_keeps_the_models_rules(users):
    actor = users[Role.SECURITY_ADMIN]
    officer, contact = users[Role.OFFICER], users[Role.UNIT_CONTACT]
    received = []

    def handler(sender, **kwargs):
        received.append(kwargs)

    signals.role_changed.connect(handler)
    try:
        with pytest.raises(ValidationError):  # an officer needs a division
            services.user_change_role(actor=actor, user=contact, role=Role.OFFICER)
        with pytest.raises(ValidationError) as refused:  # administrators are never made or unmade here
            services.user_change_role(actor=actor, user=officer, role=Role.AUDIT_ADMIN)
        assert refused.value.code == "admin_role"
        with pytest.raises(ValidationError):
            services.user_change_role(actor=actor, user=users[Role.SYSTEM_ADMIN], role=Role.BUREAU)
        with pytest.raises(ValidationError):
            services.user_change_role(actor=actor, user=actor, role=Role.BUREAU)
        person_login = UserFactory(username="pool", team_member=True)
        PersonFactory(user=person_login)
        with pytest.raises(ValidationError) as refused:
            services.user_change_role(actor=actor, user=person_login, role=Role.BUREAU)
        assert refused.value.code == "person_login"

        moved = services.user_change_role(actor=actor, user=officer, role=Role.BUREAU, division=division("330100"))
    finally:
        signals.role_changed.disconnect(handler)

    assert (moved.role, moved.division) == (Role.BUREAU, None)  # a bureau login has no division
    assert received == [
        {
            "signal": signals.role_changed,
            "user": moved,
            "actor": actor,
            "request": None,
            "before": {"role": Role.OFFICER, "division_id": "330100", "unit_id": None},
            "after": {"role": Role.BUREAU, "division_id": None, "unit_id": None},
        }
    ]


def test_a_contact_moved_off_its_unit_loses_the_link_to_the_units_contact(users):
    from tests.factories import UnitContactFactory

    contact_user = users[Role.UNIT_CONTACT]
    contact_user.contact = UnitContactFactory(unit=contact_user.unit)
    contact_user.save()
    moved = services.user_change_role(actor=users[Role.SECURITY_ADMIN], user=contact_user, role=Role.EXPERT)
    assert (moved.unit, moved.contact) == (None, None)


# --- locked usernames -----------------------------------------------------------------------------------------------


@pytest.fixture
def locked_out(db):
    now = timezone.now()
    AccessAttempt.objects.create(
        username="olivia", ip_address="10.0.0.9", user_agent="x", failures_since_start=5, attempt_time=now
    )
    AccessAttempt.objects.create(
        username="nosuchuser", ip_address="10.0.0.8", user_agent="x", failures_since_start=7, attempt_time=now
    )
    AccessAttempt.objects.create(  # under the limit
        username="tom", ip_address="10.0.0.7", user_agent="x", failures_since_start=2, attempt_time=now
    )
    AccessAttempt.objects.create(  # over the limit, but the 30 minutes are past
        username="eve", ip_address="10.0.0.6", user_agent="x", failures_since_start=9
    )
    AccessAttempt.objects.filter(username="eve").update(attempt_time=now - timedelta(minutes=31))


def test_the_lockout_page_lists_the_usernames_locked_now(security, users, locked_out):
    page = security.get(reverse("accounts:lockout_list"))
    assert page.status_code == 200
    assert {lockout.username for lockout in page.context["lockouts"]} == {"olivia", "nosuchuser"}
    assert "10.0.0.9" in page.text
    assert 'data-testid="lockout-row-tom"' not in page.text
    assert 'data-testid="lockout-row-eve"' not in page.text


def test_unlocking_lets_the_user_log_in_again_at_once(security, users, locked_out):
    assert Client().post(LOGIN, {"username": "olivia", "password": PASSWORD}).status_code == 429
    response = security.post(reverse("accounts:lockout_unlock"), {"username": "olivia"})
    assert response.url == reverse("accounts:lockout_list")
    assert not AccessAttempt.objects.filter(username="olivia").exists()
    assert AccessAttempt.objects.filter(username="nosuchuser").exists()
    assert Client().post(LOGIN, {"username": "olivia", "password": PASSWORD}).status_code == 302


def test_a_locked_client_address_is_listed_and_unlocked(security, users, settings):
    now = timezone.now()
    for n in range(4):  # 4 usernames × 5 failures from one address: the address limit (20), no username's
        AccessAttempt.objects.create(
            username=f"guess{n}", ip_address="198.51.100.4", user_agent="x", failures_since_start=5, attempt_time=now
        )
    page = security.get(reverse("accounts:lockout_list"))
    assert [(a.ip_address, a.failures, a.usernames) for a in page.context["address_lockouts"]] == [
        ("198.51.100.4", 20, 4)
    ]
    assert 'data-testid="address-lockout-row-198.51.100.4"' in page.text
    refused = Client().post(LOGIN, {"username": "tom", "password": PASSWORD}, REMOTE_ADDR="198.51.100.4")
    assert refused.status_code == 429

    security.post(reverse("accounts:lockout_unlock"), {"ip_address": "198.51.100.4"})

    assert not AccessAttempt.objects.exists()
    allowed = Client().post(LOGIN, {"username": "tom", "password": PASSWORD}, REMOTE_ADDR="198.51.100.4")
    assert allowed.status_code == 302


# --- every new page per role ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_the_security_administrators_pages_per_role(client, users, outsiders, locked_out, role):
    client.force_login(users[role])
    expert = users[Role.EXPERT]
    pages = {
        "lockouts": client.get(reverse("accounts:lockout_list")),
        "unlock": client.post(reverse("accounts:lockout_unlock"), {"username": "nosuchuser"}),
        "role page": client.get(reverse("accounts:login_role_change", args=[expert.pk])),
        "role change": client.post(reverse("accounts:login_role_change", args=[expert.pk]), {"role": Role.TEAM_MEMBER}),
        "end sessions": client.post(reverse("accounts:login_sessions_end", args=[expert.pk])),
    }
    expert.refresh_from_db()
    if role == Role.SECURITY_ADMIN:
        assert {name: r.status_code for name, r in pages.items()} == {
            "lockouts": 200,
            "unlock": 302,
            "role page": 200,
            "role change": 302,
            "end sessions": 302,
        }
        assert expert.role == Role.TEAM_MEMBER
        return
    assert {name: r.status_code for name, r in pages.items()} == dict.fromkeys(pages, 403)
    assert expert.role == Role.EXPERT
    assert AccessAttempt.objects.filter(username="nosuchuser").exists()


def test_the_security_administrators_pages_for_outsiders_anonymous_and_missing_logins(client, users, outsiders):
    urls = [
        reverse("accounts:lockout_list"),
        reverse("accounts:login_role_change", args=[users[Role.EXPERT].pk]),
    ]
    for url in urls:
        assert client.get(url).url.startswith(LOGIN)
    assert client.post(reverse("accounts:lockout_unlock")).url.startswith(LOGIN)
    for outsider in outsiders.values():
        client.force_login(outsider)
        for url in urls:
            assert client.get(url).status_code == 403
    client.force_login(users[Role.SECURITY_ADMIN])
    assert client.get(reverse("accounts:login_role_change", args=[999999])).status_code == 404
    assert client.post(reverse("accounts:login_sessions_end", args=[999999])).status_code == 404
    assert client.get(reverse("accounts:lockout_unlock")).status_code == 405


# --- the tests' own stand-in ----------------------------------------------------------------------------------------


def test_force_login_stands_in_for_the_second_factor_of_staff_only(client, users):
    """tests/conftest.py: as force_login skips the password, it skips the code, with a device made for the user."""
    client.force_login(users[Role.BUREAU])
    assert client.get(HOME).status_code == 200
    assert TOTPDevice.objects.filter(user=users[Role.BUREAU], confirmed=True).exists()
    client.force_login(users[Role.UNIT_CONTACT])
    assert client.get(HOME).status_code == 200
    assert not TOTPDevice.objects.filter(user=users[Role.UNIT_CONTACT]).exists()


@pytest.mark.real_second_factor
def test_without_the_stand_in_a_force_login_still_owes_the_code(client, users):
    client.force_login(users[Role.BUREAU])
    assert client.get(HOME).url.startswith(VERIFY)
