"""The login lockout (issue 13, item 1): 5 failed logins lock a username for 30 minutes from any address, 20 failures
of any usernames lock an address, a success before the limit forgets the username's failures, an unknown username
is answered exactly like a known one, and the client's address comes from X-Forwarded-For only when the request
comes from a configured proxy."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.db.models import F
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.client_ip import client_ip
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"  # UserFactory's
LOGIN = "accounts:login"


@pytest.fixture
def alice(db):
    return UserFactory(username="alice")


def _log_in(client: Client, username: str, password: str, **headers):
    return client.post(reverse(LOGIN), {"username": username, "password": password}, **headers)


def _fail(client: Client, username: str, times: int, **headers) -> None:
    for _ in range(times):
        _log_in(client, username, "wrong-password", **headers)


def _logged_in(response) -> bool:
    return response.status_code == 302 and response.url == reverse("home")


def _move_clock(minutes: int) -> None:
    """As if the failures so far had happened `minutes` earlier: axes times a lock from each attempt's attempt_time
    (the last failure of that username, address and browser) and counts only attempts newer than the cool-off."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=minutes))


def _page(response) -> str:
    """The page without its CSRF tokens, which differ between any two responses."""
    return re.sub(r"[A-Za-z0-9]{64}", "<token>", response.content.decode())


# ---------------------------------------------------------------------------------------------------------------
# The username's lock


def test_four_failures_still_let_the_right_password_in(alice, client):
    _fail(client, "alice", 4)
    assert _logged_in(_log_in(client, "alice", PASSWORD))


def test_the_fifth_failure_locks_the_username_and_the_right_password_is_refused(alice, client):
    _fail(client, "alice", 4)
    fifth = _log_in(client, "alice", "wrong-password")
    assert fifth.status_code == 429
    assert "_auth_user_id" not in client.session

    refused = _log_in(client, "alice", PASSWORD)
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session
    assert 'data-testid="login-locked"' in refused.text


def test_the_lock_holds_from_every_address(alice, client):
    _fail(client, "alice", 5, REMOTE_ADDR="198.51.100.7")
    elsewhere = Client(REMOTE_ADDR="203.0.113.9")
    assert _log_in(elsewhere, "alice", PASSWORD).status_code == 429


def test_failures_from_several_addresses_add_up(alice, client):
    for address in ("198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4", "198.51.100.5"):
        _fail(client, "alice", 1, REMOTE_ADDR=address)
    assert _log_in(client, "alice", PASSWORD, REMOTE_ADDR="198.51.100.6").status_code == 429


def test_the_lock_lasts_30_minutes_and_is_not_extended_by_attempts_while_locked(alice, client):
    _fail(client, "alice", 5)
    _move_clock(29)
    assert _log_in(client, "alice", PASSWORD).status_code == 429  # 29 minutes on: still locked
    _move_clock(2)
    assert _logged_in(_log_in(client, "alice", PASSWORD))  # 31 minutes after the fifth failure


def test_the_page_says_when_to_try_again(alice, client):
    _fail(client, "alice", 4)
    before = timezone.now()
    response = _log_in(client, "alice", "wrong-password")
    unlocks_at = response.context["unlocks_at"]
    assert before + timedelta(minutes=30) <= unlocks_at <= before + timedelta(minutes=31)
    assert unlocks_at.second == 0
    assert timezone.localtime(unlocks_at).strftime("%Y-%m-%d %H:%M") in response.text  # the bureau's local time
    assert 'lang="zh-hans"' in response.text
    assert reverse(LOGIN) in response.text  # the way back to the login form


def test_a_success_before_the_limit_forgets_the_failures(alice, client):
    _fail(client, "alice", 4)
    assert _logged_in(_log_in(client, "alice", PASSWORD))
    client.logout()
    _fail(client, "alice", 4)
    assert _logged_in(_log_in(client, "alice", PASSWORD))  # 8 failures in all, never 5 in a row


def test_the_unlock_command_lifts_the_lock(alice, client):
    _fail(client, "alice", 5)
    call_command("axes_reset_username", "alice")
    assert _logged_in(_log_in(client, "alice", PASSWORD))


# ---------------------------------------------------------------------------------------------------------------
# Known and unknown usernames


def test_a_failure_reads_the_same_for_a_known_and_an_unknown_username(alice, client):
    known = _log_in(client, "alice", "wrong-password")
    unknown = _log_in(client, "nobody", "wrong-password")
    assert known.status_code == unknown.status_code == 200
    assert _page(known).replace("alice", "nobody") == _page(unknown)


def test_an_unknown_username_is_locked_like_a_known_one(alice, client):
    _fail(client, "alice", 4)
    _fail(client, "nobody", 4)
    known = _log_in(client, "alice", "wrong-password")
    unknown = _log_in(client, "nobody", "wrong-password")
    assert known.status_code == unknown.status_code == 429
    assert _page(known) == _page(unknown)


# ---------------------------------------------------------------------------------------------------------------
# The address's throttle


def test_twenty_failures_of_any_usernames_lock_the_address(alice, client):
    sprayer = Client(REMOTE_ADDR="198.51.100.66")
    for n in range(19):
        assert _log_in(sprayer, f"guess{n}", "wrong-password").status_code == 200
    assert _log_in(sprayer, "guess19", "wrong-password").status_code == 429
    assert _log_in(sprayer, "alice", PASSWORD).status_code == 429  # nothing from that address gets in
    assert _logged_in(_log_in(client, "alice", PASSWORD))  # alice herself, from elsewhere, is not locked


def test_the_attackers_own_success_does_not_clear_the_address_count(alice, client):
    UserFactory(username="mallory")
    sprayer = Client(REMOTE_ADDR="198.51.100.66")
    for n in range(19):
        _log_in(sprayer, f"guess{n}", "wrong-password")
    assert _logged_in(_log_in(sprayer, "mallory", PASSWORD))
    sprayer.logout()
    assert _log_in(sprayer, "guess19", "wrong-password").status_code == 429


# ---------------------------------------------------------------------------------------------------------------
# The client's address


def test_a_forged_forwarded_for_from_an_ordinary_client_is_ignored(alice, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    forger = Client(REMOTE_ADDR="198.51.100.66")
    for n in range(20):  # a new made-up "client" for every attempt, in vain
        _log_in(forger, f"guess{n}", "wrong-password", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 10.0.0.5")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.66"}
    assert _log_in(forger, "guess20", "wrong-password", HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_client_is_counted(alice, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    proxy = Client(REMOTE_ADDR="10.0.0.5")
    for n in range(20):
        _log_in(proxy, f"guess{n}", "wrong-password", HTTP_X_FORWARDED_FOR="198.51.100.66")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.66"}
    # The sprayer is locked; another client through the same proxy is not.
    assert _log_in(proxy, "alice", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.66").status_code == 429
    assert _logged_in(_log_in(proxy, "alice", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9"))


def _request(remote_addr: str, forwarded_for: str | None = None) -> HttpRequest:
    request = HttpRequest()
    request.META["REMOTE_ADDR"] = remote_addr
    if forwarded_for is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return request


@pytest.mark.parametrize(
    ("remote_addr", "forwarded_for", "expected"),
    [
        ("198.51.100.66", None, "198.51.100.66"),
        ("198.51.100.66", "192.0.2.1", "198.51.100.66"),  # not from a proxy: the header is the client's word
        ("10.0.0.5", None, "10.0.0.5"),  # from the proxy but not forwarded (its own health check)
        ("10.0.0.5", "198.51.100.66", "198.51.100.66"),
        ("10.0.0.5", "192.0.2.1, 198.51.100.66", "198.51.100.66"),  # the client's own prefix is not read
        ("10.0.0.5", "198.51.100.66, 10.0.0.7", "198.51.100.66"),  # two proxies of ours
        ("10.0.0.5", "not-an-address", "10.0.0.5"),
        ("10.0.0.50", "198.51.100.66", "10.0.0.50"),  # "10.0.0.5" is not a prefix of every 10.0.0.5x
        ("2001:db8::1", "198.51.100.66", "198.51.100.66"),
    ],
)
def test_the_client_address(settings, remote_addr, forwarded_for, expected):
    settings.TRUSTED_PROXIES = ["10.0.0.5", "10.0.0.7", "2001:db8::/64"]
    assert client_ip(_request(remote_addr, forwarded_for)) == expected


def test_with_no_proxy_configured_the_header_is_never_read(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(_request("10.0.0.5", "198.51.100.66")) == "10.0.0.5"


# ---------------------------------------------------------------------------------------------------------------
# Test logins


def test_the_test_clients_login_works_with_a_request(alice, client):
    # axes needs the request to judge a login; tests that log in without the form use force_login, or this.
    assert client.login(request=HttpRequest(), username="alice", password=PASSWORD)
