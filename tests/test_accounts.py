import pytest
from django.db import IntegrityError
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ADMIN_ROLES, SECOND_FACTOR_REQUIRED_ROLES, Role
from tests.factories import UnitFactory, UserFactory, division

PASSWORD = "correct-horse-battery"


@pytest.mark.real_second_factor
@pytest.mark.parametrize("role", list(Role))
def test_each_role_logs_in_lands_on_its_home_page_and_logs_out(client, users, role):
    user = users[role]
    if role in SECOND_FACTOR_REQUIRED_ROLES:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)

    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("home")
    if role in SECOND_FACTOR_REQUIRED_ROLES:  # then the code of the authenticator app
        verify = client.get(reverse("home"))
        assert verify.url == reverse("accounts:second_factor_verify") + "?next=%2F"
        response = client.post(verify.url, {"code": f"{totp(device.bin_key):06d}", "next": "/"})
        assert response.url == reverse("home")

    home = client.get(reverse("home"))
    assert home.status_code == 200
    template = "administrator" if role in ADMIN_ROLES else role.value
    assert home.templates[0].name == f"reports/home/{template}.html"
    assert home.context["user"] == user

    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302  # back to the login page


def test_login_page_speaks_chinese_by_default(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "zh-hans"
    assert "登录" in response.text


def test_wrong_password_gets_a_chinese_error_and_no_session(client, users):
    response = client.post(reverse("accounts:login"), {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码错误" in response.text
    assert "_auth_user_id" not in client.session


def test_unit_contacts_and_experts_log_in_without_a_second_factor_until_they_enrol(client, users):
    response = client.post(reverse("accounts:login"), {"username": "uma", "password": PASSWORD})
    assert response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_disabled_account_cannot_log_in(client, users):
    users[Role.BUREAU].is_active = False
    users[Role.BUREAU].save()
    client.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_login_redirect_refuses_another_host(client, users):
    response = client.post(
        reverse("accounts:login") + "?next=https://evil.example.com/",
        {"username": "alice", "password": PASSWORD, "next": "https://evil.example.com/"},
    )
    assert response.url == reverse("home")


def test_logout_needs_post(client, users):
    client.force_login(users[Role.BUREAU])
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert "_auth_user_id" in client.session


def test_password_change_checks_the_old_password_and_rules(client, users):
    user = users[Role.TEAM_MEMBER]
    client.force_login(user)
    url = reverse("accounts:password_change")
    assert client.get(url).status_code == 200

    wrong = client.post(url, {"old_password": "nope", "new_password1": "x", "new_password2": "x"})
    assert wrong.status_code == 200
    assert "旧密码不正确" in wrong.text

    ok = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "Qiantang-river-2026",
            "new_password2": "Qiantang-river-2026",
        },
    )
    assert ok.url == reverse("accounts:password_change_done")
    assert client.get(ok.url).status_code == 200
    user.refresh_from_db()
    assert user.check_password("Qiantang-river-2026")


def test_officer_must_have_a_jurisdiction(db):
    with pytest.raises(IntegrityError):
        UserFactory(role=Role.OFFICER, division=None)


def test_only_officers_have_a_jurisdiction(db):
    with pytest.raises(IntegrityError):
        UserFactory(role=Role.BUREAU, division=division("330100"))


def test_unit_contact_must_have_a_unit(db):
    with pytest.raises(IntegrityError):
        UserFactory(role=Role.UNIT_CONTACT, unit=None)


def test_only_unit_contacts_have_a_unit(db):
    with pytest.raises(IntegrityError):
        UserFactory(role=Role.TEAM_MEMBER, unit=UnitFactory())


def test_user_changes_are_kept_in_history_without_the_password(users):
    user = users[Role.OFFICER]
    user.division = division("330300")
    user.save()
    assert [h.division_id for h in user.history.order_by("history_date")] == ["330100", "330300"]
    assert not hasattr(user.history.first(), "password")
