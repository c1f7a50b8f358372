"""The password policy of MLPS 2.0 level 3 (issue 13, item 2): 12 characters of 3 of 4 kinds, not common, not like
the user's names, none of the last 5; staff change it every 90 days; an initial password is changed at once.

New sentences are compared with their English msgid through gettext at test time (the catalogue is merged later).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.models import PasswordHistory, Role, User
from tests.factories import UserFactory

STRONG = "Qiantang-river-2026"


def _refusals(password: str, user: User | None = None) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    return refused.value.messages


def _too_simple() -> str:
    return gettext(
        "This password needs characters of at least %(min_classes)d of these kinds: upper-case letters, "
        "lower-case letters, digits and symbols."
    ) % {"min_classes": 3}


def _reused() -> str:
    return gettext("You used this password recently: choose one that is not among your last %(count)d.") % {"count": 5}


def _expired() -> str:
    return gettext(
        "Your password is more than %(days)d days old. Staff logins change their password at least "
        "every %(days)d days: choose a new one to continue."
    ) % {"days": 90}


# ---------------------------------------------------------------------------------------------------------------
# The rules, one by one


@pytest.mark.parametrize(
    "password",
    [
        "Ab1-defghijk",  # 12 characters, 4 kinds
        "Qiantangriver2026",  # upper, lower, digits
        "qiantang-river-2026",  # lower, symbols, digits
        "QIANTANG-RIVER-2026",  # upper, symbols, digits
        "钱塘江Qiantang2026",  # a Chinese character counts as a symbol
    ],
)
def test_a_password_of_12_characters_and_3_kinds_is_accepted(db, password):
    user = UserFactory(username="zhouhaiyan", full_name="周海燕", email="zhy@example.gov.cn")
    validate_password(password, user)


def test_11_characters_are_too_short(db):
    message = gettext("This password is too short: it needs at least %(min_length)d characters.") % {"min_length": 12}
    assert _refusals("Ab1-defghij") == [message]


@pytest.mark.parametrize("password", ["qiantangriver", "qiantangriver2026", "QIANTANGRIVER", "qiantang-river"])
def test_fewer_than_3_kinds_of_characters_are_refused(db, password):
    assert _refusals(password) == [_too_simple()]


def test_a_common_password_is_refused_whatever_its_case(db):
    assert _refusals("Password1234") == [gettext("This password is too common.")]


def test_a_password_like_the_username_or_the_full_name_is_refused(db):
    user = UserFactory(username="zhouhaiyan", full_name="钱塘江观潮人周海燕", email="zhy@example.gov.cn")
    like = gettext("This password is too similar to your %(verbose_name)s.")

    assert _refusals("Zhouhaiyan-2026", user) == [
        like % {"verbose_name": User._meta.get_field("username").verbose_name}
    ]
    assert _refusals("钱塘江观潮人周海燕-A1", user) == [
        like % {"verbose_name": User._meta.get_field("full_name").verbose_name}
    ]


def test_the_help_text_lists_the_new_rules(db):
    texts = password_validators_help_texts()
    assert (
        gettext("At least %(min_classes)d of upper-case letters, lower-case letters, digits and symbols.")
        % {"min_classes": 3}
        in texts
    )
    assert gettext("Not one of your last %(count)d passwords.") % {"count": 5} in texts


# ---------------------------------------------------------------------------------------------------------------
# The last 5 passwords


def _change(user: User, password: str) -> None:
    services.user_password_change(user=user, password=password)


def test_none_of_the_last_5_passwords_and_the_6th_oldest_again(db):
    user = UserFactory(username="tom", team_member=True)
    passwords = [f"Qiantang-river-{year}" for year in range(2021, 2027)]
    for password in passwords[:5]:
        _change(user, password)
    assert PasswordHistory.objects.filter(user=user).count() == 5

    # The current one is refused in its own words; the four before it as reused.
    with pytest.raises(ValidationError) as same:
        _change(user, passwords[4])
    assert same.value.message_dict["new_password1"] == [gettext("Choose a password different from the current one.")]
    for earlier in passwords[:4]:
        assert _refusals(earlier, user) == [_reused()]

    _change(user, passwords[5])  # a sixth: the first drops out of the five kept
    assert PasswordHistory.objects.filter(user=user).count() == 5
    validate_password(passwords[0], user)
    assert _refusals(passwords[1], user) == [_reused()]
    _change(user, passwords[0])
    user.refresh_from_db()
    assert user.check_password(passwords[0])


def test_the_history_keeps_hashes_only(db):
    user = UserFactory(username="tom", team_member=True)
    _change(user, STRONG)
    stored = PasswordHistory.objects.get(user=user).password
    assert STRONG not in stored
    assert stored == user.password


def test_an_initial_password_given_by_the_bureau_cannot_be_chosen_again(db):
    bureau = UserFactory(username="alice", bureau=True)
    user = UserFactory(username="eve", expert=True)
    initial = services.user_password_reset(actor=bureau, user=user).password
    _change(user, STRONG)
    assert _refusals(initial, user) == [_reused()]


def test_the_password_page_refuses_a_recent_password_with_the_reason(client, db):
    user = UserFactory(username="tom", team_member=True)
    _change(user, "Qiantang-river-2025")
    _change(user, STRONG)
    client.force_login(user)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": STRONG, "new_password1": "Qiantang-river-2025", "new_password2": "Qiantang-river-2025"},
    )

    assert response.status_code == 200
    assert _reused() in response.context["form"].errors["new_password2"]
    user.refresh_from_db()
    assert user.check_password(STRONG)


# ---------------------------------------------------------------------------------------------------------------
# A change every 90 days for staff


def _aged(user: User, days: int) -> User:
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=days))
    return user


@pytest.mark.parametrize("role", [Role.BUREAU, Role.OFFICER, Role.TEAM_MEMBER])
def test_a_staff_password_of_91_days_leads_to_the_password_page_with_the_reason(client, users, role):
    client.force_login(_aged(users[role], 91))

    sent = client.get(reverse("home"))
    assert (sent.status_code, sent.url) == (302, reverse("accounts:password_change"))
    htmx = client.get(reverse("home"), headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"] == reverse("accounts:password_change")

    page = client.get(reverse("accounts:password_change"))
    assert page.status_code == 200
    assert _expired() in [str(message) for message in page.context["messages"]]
    assert 'data-testid="password-required"' not in page.text  # that one explains an initial password


@pytest.mark.parametrize("role", [Role.BUREAU, Role.OFFICER, Role.TEAM_MEMBER])
def test_a_staff_password_of_89_days_is_still_good(client, users, role):
    client.force_login(_aged(users[role], 89))
    assert client.get(reverse("home")).status_code == 200
    page = client.get(reverse("accounts:password_change"))
    assert _expired() not in [str(message) for message in page.context["messages"]]


@pytest.mark.parametrize("role", [Role.UNIT_CONTACT, Role.EXPERT])
def test_unit_contacts_and_experts_are_not_asked_to_change_every_90_days(client, users, role):
    client.force_login(_aged(users[role], 400))
    assert client.get(reverse("home")).status_code == 200


def test_changing_the_password_starts_the_90_days_again(client, users):
    user = _aged(users[Role.OFFICER], 91)
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 302

    changed = client.post(
        reverse("accounts:password_change"),
        {"old_password": "correct-horse-battery", "new_password1": STRONG, "new_password2": STRONG},
    )

    assert changed.url == reverse("accounts:password_change_done")
    user.refresh_from_db()
    assert timezone.now() - user.password_changed_at < timedelta(minutes=1)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(changed.url).status_code == 200


def test_setting_a_password_dates_it_even_when_only_the_password_is_saved(db):
    """The demo seeder and the services save `update_fields=["password"]`: the date goes with it."""
    user = _aged(UserFactory(username="olivia", officer=True), 200)
    user.refresh_from_db()
    user.set_password("Huhang-2026")
    user.save(update_fields=["password"])
    user.refresh_from_db()
    assert not user.password_expired()


def test_a_new_login_starts_with_a_fresh_date_and_must_change_its_initial_password(db):
    created = services.user_create(actor=None, username="wanglei", role=Role.BUREAU, full_name="王磊")
    assert not created.user.password_expired()
    browser = Client()
    browser.post(reverse("accounts:login"), {"username": "wanglei", "password": created.password})
    # Bureau staff give their second factor first (accounts/second_factor.py), then choose their password.
    device = TOTPDevice.objects.create(user=created.user, name="authenticator", confirmed=True)
    browser.post(reverse("accounts:second_factor_verify"), {"code": f"{totp(device.bin_key):06d}"})
    forced = browser.get(reverse("home"))
    assert (forced.status_code, forced.url) == (302, reverse("accounts:password_change"))
    page = browser.get(forced.url)
    assert 'data-testid="password-required"' in page.text
    assert _expired() not in [str(message) for message in page.context["messages"]]


def test_the_password_page_is_not_sent_to_itself_by_its_own_fragments(client, users):
    """The reminders bell on the password page of an expired staff password must not reload that page forever."""
    client.force_login(_aged(users[Role.BUREAU], 91))
    password_page = "http://testserver" + reverse("accounts:password_change")

    bell = client.get(reverse("reminders:bell"), headers={"HX-Request": "true", "HX-Current-URL": password_page})

    assert bell.status_code == 204
    assert "HX-Redirect" not in bell.headers
    elsewhere = client.get(
        reverse("reminders:bell"), headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/"}
    )
    assert elsewhere.headers["HX-Redirect"] == reverse("accounts:password_change")


def test_a_rehash_at_login_neither_dates_the_password_nor_fills_the_history(db, settings):
    """When the preferred hasher changes, Django re-hashes the same password at login: that is no change of it."""
    user = _aged(UserFactory(username="olivia", officer=True), 30)
    user.refresh_from_db()
    dated = user.password_changed_at
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]

    assert user.check_password("correct-horse-battery")

    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_sha256$")
    assert user.password_changed_at == dated
    assert not PasswordHistory.objects.filter(user=user).exists()
