"""Logins without the admin: the bureau creates them from a unit's contact or a person of the pool, the system
administrator (staff and administrators) from the logins list, with an initial password shown once that the user
must change at the first login; the system administrator lists, disables and enables them, the security
administrator resets them (三员分立). Each page answers every role (404 outside the scope, 403 for a role without
the right)."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.middleware import END_MESSAGES
from accounts.models import LoginSession, Role, User
from accounts.selectors import username_suggestion
from teams.services import person_link_user
from tests.factories import PersonFactory, TeamFactory, UnitContactFactory, UserFactory, division, two_served_units

PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "Qiantang-river-2026"
NON_BUREAU = [Role.OFFICER, Role.TEAM_MEMBER, Role.EXPERT, Role.UNIT_CONTACT]
LIST_READERS = [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN]
NOT_LIST_READERS = [role for role in Role if role not in LIST_READERS]


def _shown_password(response) -> str:
    match = re.search(r'data-testid="new-password">([^<]+)<', response.text)
    assert match, "the page shows the initial password"
    return match.group(1)


@pytest.fixture
def contact(unit):
    return UnitContactFactory(unit=unit, name="周海燕", phone="13812345678", email="zhou@example.com")


@pytest.fixture
def bureau_client(client, users):
    client.force_login(users[Role.BUREAU])
    return client


def _create_contact_login(client, contact, username="zhouhaiyan"):
    url = reverse("units:contact_login_create", kwargs={"uid": contact.unit.uid, "contact_id": contact.pk})
    return client.post(url, {"username": username})


# ---------------------------------------------------------------------------------------------------------------
# Usernames


def test_the_username_is_the_name_in_pinyin_with_a_number_once_taken(db):
    assert username_suggestion(name="周海燕") == "zhouhaiyan"
    UserFactory(username="zhouhaiyan")
    UserFactory(username="ZhouHaiyan2")  # taken case-insensitively, as the service judges it
    assert username_suggestion(name="周海燕") == "zhouhaiyan3"
    assert username_suggestion(name="吕 Li") == "lvli"
    assert username_suggestion(name="——") == "user"


def test_a_username_taken_in_another_case_is_refused(users, unit):
    with pytest.raises(services.ValidationError) as refused:
        services.user_create(actor=None, username="ALICE", role=Role.EXPERT)
    assert refused.value.error_dict["username"][0].code == "taken"


def test_the_initial_password_is_long_random_and_readable(db):
    passwords = {services.initial_password() for _i in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        assert len(password.replace("-", "")) >= 16
        assert not set(password) & set("0O1lI")


# ---------------------------------------------------------------------------------------------------------------
# A unit contact's login, from the unit's page


def test_the_unit_page_links_each_contact_to_their_login_for_the_bureau_only(bureau_client, users, unit, contact):
    url = reverse("units:contact_login_create", kwargs={"uid": unit.uid, "contact_id": contact.pk})
    assert url in bureau_client.get(reverse("units:detail", kwargs={"uid": unit.uid})).text
    officer = Client()
    officer.force_login(users[Role.OFFICER])
    assert url not in officer.get(reverse("units:detail", kwargs={"uid": unit.uid})).text

    _create_contact_login(bureau_client, contact)

    page = bureau_client.get(url)  # the same link now shows the contact's login
    assert page.context["existing"].username == "zhouhaiyan"
    assert 'data-testid="page-form"' not in page.text


def test_a_contact_login_is_bound_to_the_unit_and_the_contact_and_its_password_shown_once(bureau_client, unit, contact):
    form = bureau_client.get(reverse("units:contact_login_create", kwargs={"uid": unit.uid, "contact_id": contact.pk}))
    assert form.status_code == 200
    assert form.context["form"]["username"].initial == "zhouhaiyan"

    response = _create_contact_login(bureau_client, contact)

    assert response.status_code == 200  # the answer to the POST itself: nothing kept to show it again
    assert "no-store" in response.headers["Cache-Control"]
    password = _shown_password(response)
    login = User.objects.get(username="zhouhaiyan")
    assert (login.role, login.unit, login.contact) == (Role.UNIT_CONTACT, unit, contact)
    assert (login.full_name, login.email, login.phone) == ("周海燕", "zhou@example.com", "13812345678")
    assert login.must_change_password
    assert login.check_password(password)
    assert password not in login.password  # only the hash is stored


def test_a_contact_gets_one_login_only(bureau_client, contact):
    _create_contact_login(bureau_client, contact)

    again = _create_contact_login(bureau_client, contact, username="zhou2")

    assert again.status_code == 200
    assert again.context["existing"].username == "zhouhaiyan"
    assert not User.objects.filter(username="zhou2").exists()
    with pytest.raises(services.ValidationError) as refused:
        services.user_create(actor=None, username="zhou3", role=Role.UNIT_CONTACT, unit=contact.unit, contact=contact)
    assert refused.value.code == "contact_has_login"


def test_a_login_for_another_units_contact_is_refused(db, contact, outsiders):
    with pytest.raises(services.ValidationError) as refused:
        services.user_create(
            actor=None, username="zhou", role=Role.UNIT_CONTACT, unit=outsiders[Role.UNIT_CONTACT].unit, contact=contact
        )
    assert refused.value.code == "contact_unit"


@pytest.mark.parametrize("username", ["alice", "周海燕", "zhou haiyan"])  # taken; not letters, digits and @.+-_
def test_a_refused_username_leaves_the_form_with_the_reason_and_no_login(bureau_client, users, contact, username):
    response = _create_contact_login(bureau_client, contact, username=username)

    assert response.status_code == 200
    assert response.context["form"].errors["username"]
    assert not User.objects.filter(contact=contact).exists()


def test_a_contact_of_another_unit_is_not_found(bureau_client, unit, outsiders):
    other = UnitContactFactory(unit=outsiders[Role.UNIT_CONTACT].unit)
    url = reverse("units:contact_login_create", kwargs={"uid": unit.uid, "contact_id": other.pk})
    assert bureau_client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.BUREAU, 200),
        (Role.OFFICER, 403),  # reads the unit, may not create logins
        (Role.TEAM_MEMBER, 404),  # no team of theirs serves the unit
        (Role.EXPERT, 404),
        (Role.UNIT_CONTACT, 403),  # their own unit
    ],
)
def test_the_contact_login_page_per_role(client, users, contact, role, status):
    client.force_login(users[role])
    url = reverse("units:contact_login_create", kwargs={"uid": contact.unit.uid, "contact_id": contact.pk})
    assert client.get(url).status_code == status
    assert client.post(url, {"username": "zhou"}).status_code == status
    assert User.objects.filter(contact=contact).exists() == (role == Role.BUREAU)


def test_the_contact_login_page_for_a_serving_team_member_and_outsiders(client, users, outsiders, unit, contact):
    two_served_units(users[Role.TEAM_MEMBER], unit)
    url = reverse("units:contact_login_create", kwargs={"uid": unit.uid, "contact_id": contact.pk})
    client.force_login(users[Role.TEAM_MEMBER])
    assert client.get(url).status_code == 403  # sees the unit, may not create logins
    for outsider in outsiders.values():
        client.force_login(outsider)
        assert client.get(url).status_code == 404


# ---------------------------------------------------------------------------------------------------------------
# A login for a person of the pool, from their page


def _person_login_url(person) -> str:
    return reverse("teams:person_login_create", kwargs={"pk": person.pk})


def test_a_person_with_a_seat_gets_a_team_member_login_linked_to_them(bureau_client):
    leader = PersonFactory(name="李思远", email="li@example.com")
    TeamFactory(leader=leader)
    form = bureau_client.get(_person_login_url(leader))
    assert form.context["form"]["role"].initial == Role.TEAM_MEMBER
    assert form.context["form"]["username"].initial == "lisiyuan"

    response = bureau_client.post(_person_login_url(leader), {"username": "lisiyuan", "role": Role.TEAM_MEMBER})

    leader.refresh_from_db()
    assert leader.user.username == "lisiyuan"
    assert (leader.user.role, leader.user.full_name, leader.user.email) == (
        Role.TEAM_MEMBER,
        "李思远",
        "li@example.com",
    )
    assert leader.user.check_password(_shown_password(response))
    assert leader.user.must_change_password


def test_a_person_without_a_seat_gets_an_expert_login_by_default(bureau_client):
    expert = PersonFactory(name="孙明哲")
    assert bureau_client.get(_person_login_url(expert)).context["form"]["role"].initial == Role.EXPERT
    bureau_client.post(_person_login_url(expert), {"username": "sunmingzhe", "role": Role.EXPERT})
    expert.refresh_from_db()
    assert expert.user.role == Role.EXPERT


def test_a_refused_link_creates_no_login(bureau_client):
    retired = PersonFactory(name="钱老", is_active=False)

    response = bureau_client.post(_person_login_url(retired), {"username": "qianlao", "role": Role.EXPERT})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()  # the pool's refusal, above the form
    assert not User.objects.filter(username="qianlao").exists()  # the login and the link: both or neither
    retired.refresh_from_db()
    assert retired.user is None


def test_a_person_with_a_login_shows_it_and_gets_no_second_one(bureau_client, users):
    person = PersonFactory(user=users[Role.EXPERT])
    page = bureau_client.get(_person_login_url(person))
    assert page.context["existing"] == users[Role.EXPERT]
    assert 'data-testid="login-exists"' in page.text

    bureau_client.post(_person_login_url(person), {"username": "another", "role": Role.EXPERT})

    assert not User.objects.filter(username="another").exists()


def test_the_person_page_offers_a_login_only_to_someone_without_one(bureau_client, users):
    without = PersonFactory()
    with_login = PersonFactory(user=users[Role.EXPERT])
    page = bureau_client.get(reverse("teams:person_detail", kwargs={"pk": without.pk}))
    assert _person_login_url(without) in page.text
    page = bureau_client.get(reverse("teams:person_detail", kwargs={"pk": with_login.pk}))
    assert _person_login_url(with_login) not in page.text


@pytest.mark.parametrize("role", NON_BUREAU)
def test_only_the_bureau_creates_a_persons_login(client, users, role):
    person = PersonFactory()
    client.force_login(users[role])
    assert client.get(_person_login_url(person)).status_code == 403
    assert client.post(_person_login_url(person), {"username": "x", "role": Role.EXPERT}).status_code == 403
    person.refresh_from_db()
    assert person.user is None


def test_the_persons_login_page_for_the_bureau_and_outsiders(client, users, outsiders):
    person = PersonFactory()
    client.force_login(users[Role.BUREAU])
    assert client.get(_person_login_url(person)).status_code == 200
    assert client.get(reverse("teams:person_login_create", kwargs={"pk": person.pk + 1000})).status_code == 404
    for outsider in outsiders.values():
        client.force_login(outsider)
        assert client.get(_person_login_url(person)).status_code == 403


# ---------------------------------------------------------------------------------------------------------------
# The first login: the initial password must be changed


def test_the_first_login_leads_to_the_password_page_until_the_user_chose_their_own(bureau_client, contact):
    password = _shown_password(_create_contact_login(bureau_client, contact))
    browser = Client()
    response = browser.post(reverse("accounts:login"), {"username": "zhouhaiyan", "password": password})
    assert response.status_code == 302

    for page in [reverse("home"), reverse("archives:request_list"), reverse("units:list")]:
        sent = browser.get(page)
        assert (sent.status_code, sent.url) == (302, reverse("accounts:password_change")), page
    forced = browser.get(reverse("accounts:password_change"))
    assert forced.status_code == 200
    assert 'data-testid="password-required"' in forced.text

    changed = browser.post(
        reverse("accounts:password_change"),
        {"old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert changed.url == reverse("home")  # straight on to their home page
    home = browser.get(reverse("home"))
    assert home.status_code == 200
    assert home.templates[0].name == "reports/home/unit_contact.html"
    login = User.objects.get(username="zhouhaiyan")
    assert not login.must_change_password
    assert login.check_password(NEW_PASSWORD)


def test_with_an_initial_password_only_the_password_page_logout_and_language_answer(client, users):
    user = users[Role.EXPERT]
    user.must_change_password = True
    user.save()
    client.force_login(user)
    assert client.get(reverse("accounts:password_change")).status_code == 200
    assert client.post(reverse("set_language"), {"language": "zh-hans"}).status_code == 302
    assert client.get(reverse("healthz")).status_code in (200, 503)  # public: not sent anywhere
    htmx = client.get(reverse("home"), headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"] == reverse("accounts:password_change")
    assert client.post(reverse("accounts:logout")).url == reverse("accounts:login")


def test_the_new_password_must_differ_from_the_initial_one(client, users):
    user = users[Role.EXPERT]
    user.set_password(NEW_PASSWORD)  # one that meets every other rule: only its sameness is refused
    user.must_change_password = True
    user.save()
    client.force_login(user)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": NEW_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["new_password1"]
    user.refresh_from_db()
    assert user.must_change_password


def test_a_voluntary_change_ends_on_the_done_page(client, users):
    client.force_login(users[Role.OFFICER])
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.url == reverse("accounts:password_change_done")


# ---------------------------------------------------------------------------------------------------------------
# The administrators' logins list (三员分立: the system administrator keeps the logins, the security administrator
# their credentials)


@pytest.fixture
def sysadmin_client(users):
    browser = Client()
    browser.force_login(users[Role.SYSTEM_ADMIN])
    return browser


@pytest.fixture
def secadmin_client(users):
    browser = Client()
    browser.force_login(users[Role.SECURITY_ADMIN])
    return browser


@pytest.fixture
def many_logins(db, unit):
    for n in range(25):
        UserFactory(username=f"contact{n:02d}", full_name=f"联系人{n:02d}", unit_contact=True, unit=unit)
    for n in range(5):
        UserFactory(username=f"expert{n}", full_name=f"专家{n}", expert=True)


@pytest.mark.parametrize("role", LIST_READERS)
def test_the_list_shows_20_a_page_with_role_last_login_and_status(client, users, many_logins, role):
    client.force_login(users[role])
    response = client.get(reverse("accounts:login_list"))

    assert response.status_code == 200
    page = response.context["page_obj"]
    assert len(page.object_list) == 20
    assert page.paginator.count == 38  # 8 role fixtures + 30
    assert 'data-testid="login-row-alice"' in response.text


def test_the_list_filters_by_role_and_status_and_searches_name_and_username(sysadmin_client, users, many_logins):
    def usernames(**query):
        response = sysadmin_client.get(reverse("accounts:login_list"), query)
        return {user.username for user in response.context["page_obj"]}

    assert usernames(role=Role.EXPERT) == {"eve", *(f"expert{n}" for n in range(5))}
    assert usernames(q="专家3") == {"expert3"}
    assert usernames(q="contact1") == {f"contact{n}" for n in range(10, 20)}
    users[Role.OFFICER].is_active = False
    users[Role.OFFICER].save()
    assert usernames(status="disabled") == {"olivia"}
    users[Role.EXPERT].must_change_password = True
    users[Role.EXPERT].save()
    assert usernames(status="initial_password") == {"eve"}


def test_the_list_shows_who_has_a_second_factor(secadmin_client, users):
    response = secadmin_client.get(reverse("accounts:login_list"))
    flags = {login.username: login.has_second_factor for login in response.context["page_obj"]}
    assert flags["sec"] is True  # signed in with it (tests/conftest.py)
    assert flags["uma"] is False


@pytest.mark.parametrize("extra", [0, 40])
def test_the_list_runs_the_same_queries_for_few_or_many_logins(
    sysadmin_client, users, unit, extra, django_assert_max_num_queries
):
    for n in range(extra):
        UserFactory(username=f"extra{n:02d}", unit_contact=True, unit=unit) if n % 2 else UserFactory(
            username=f"extra{n:02d}", officer=True
        )
    # session, user, count, the page's rows with their unit, division and second factor (a subquery)
    with django_assert_max_num_queries(7):
        assert sysadmin_client.get(reverse("accounts:login_list")).status_code == 200


@pytest.mark.parametrize("role", NOT_LIST_READERS)
def test_only_the_system_and_security_administrators_read_the_logins_list(client, users, role):
    client.force_login(users[role])
    assert client.get(reverse("accounts:login_list")).status_code == 403


def test_outsiders_and_anonymous_visitors_do_not_read_the_logins_list(client, outsiders):
    assert client.get(reverse("accounts:login_list")).url.startswith(reverse("accounts:login"))
    for outsider in outsiders.values():
        client.force_login(outsider)
        assert client.get(reverse("accounts:login_list")).status_code == 403


def test_the_administrators_navigation_leads_to_the_logins_list(client, users):
    for role in Role:
        client.force_login(users[role])
        assert (reverse("accounts:login_list") in client.get(reverse("home")).text) == (role in LIST_READERS), role


def test_each_administrator_sees_only_their_own_buttons(sysadmin_client, secadmin_client):
    system = sysadmin_client.get(reverse("accounts:login_list")).text
    security = secadmin_client.get(reverse("accounts:login_list")).text
    for button in ["login-create", "login-disable"]:
        assert f'data-testid="{button}"' in system
        assert f'data-testid="{button}"' not in security
    for button in ["login-reset", "login-role", "login-sessions-end", "lockouts"]:
        assert f'data-testid="{button}"' in security
        assert f'data-testid="{button}"' not in system


# ---------------------------------------------------------------------------------------------------------------
# Disable, enable (the system administrator), reset (the security administrator)


def _session_of(user) -> Client:
    browser = Client()
    browser.force_login(user)
    assert browser.get(reverse("home")).status_code == 200
    return browser


def _sessions_of(user) -> int:
    return sum(1 for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk))


def test_disabling_ends_the_users_sessions_now_and_refuses_their_login(sysadmin_client, users):
    contact = users[Role.UNIT_CONTACT]
    browser = _session_of(contact)
    list_url = reverse("accounts:login_list") + "?role=unit_contact"

    response = sysadmin_client.post(reverse("accounts:login_disable", args=[contact.pk]), {"next": list_url})

    assert response.url == list_url  # back to the list as it was filtered
    assert _sessions_of(contact) == 0
    assert LoginSession.objects.get(user=contact).end_reason == LoginSession.EndReason.DISABLED
    signed_out = browser.get(reverse("home"), follow=True)
    assert signed_out.redirect_chain[0][0].startswith(reverse("accounts:login"))
    with translation.override("zh-hans"):
        assert str(END_MESSAGES[LoginSession.EndReason.DISABLED]) in signed_out.text  # the message says why
    contact.refresh_from_db()
    assert not contact.is_active
    again = Client().post(reverse("accounts:login"), {"username": "uma", "password": PASSWORD})
    assert again.status_code == 200
    assert "_auth_user_id" not in again.wsgi_request.session


def test_a_disabled_login_is_enabled_again(sysadmin_client, users):
    contact = users[Role.UNIT_CONTACT]
    contact.is_active = False
    contact.save()

    sysadmin_client.post(reverse("accounts:login_enable", args=[contact.pk]))

    contact.refresh_from_db()
    assert contact.is_active
    assert Client().post(reverse("accounts:login"), {"username": "uma", "password": PASSWORD}).status_code == 302


def test_the_system_administrator_cannot_disable_itself(sysadmin_client, users):
    admin = users[Role.SYSTEM_ADMIN]
    response = sysadmin_client.post(reverse("accounts:login_disable", args=[admin.pk]), follow=True)
    admin.refresh_from_db()
    assert admin.is_active
    assert response.status_code == 200  # still logged in


def test_a_reset_shows_a_new_initial_password_once_and_ends_the_old_one(secadmin_client, users):
    expert = users[Role.EXPERT]
    browser = _session_of(expert)

    response = secadmin_client.post(reverse("accounts:login_password_reset", args=[expert.pk]))

    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    password = _shown_password(response)
    expert.refresh_from_db()
    assert expert.check_password(password)
    assert not expert.check_password(PASSWORD)
    assert expert.must_change_password
    assert _sessions_of(expert) == 0
    assert LoginSession.objects.get(user=expert).end_reason == LoginSession.EndReason.CREDENTIALS
    assert browser.get(reverse("home")).url.startswith(reverse("accounts:login"))


def test_the_security_administrator_does_not_reset_its_own_password_here(secadmin_client, users):
    admin = users[Role.SECURITY_ADMIN]
    secadmin_client.post(reverse("accounts:login_password_reset", args=[admin.pk]))
    admin.refresh_from_db()
    assert admin.check_password(PASSWORD)
    assert not admin.must_change_password


ACTIONS = {
    "login_disable": Role.SYSTEM_ADMIN,
    "login_enable": Role.SYSTEM_ADMIN,
    "login_password_reset": Role.SECURITY_ADMIN,
    "login_second_factor_reset": Role.SECURITY_ADMIN,
    "login_sessions_end": Role.SECURITY_ADMIN,
}


@pytest.mark.parametrize("name", ACTIONS)
@pytest.mark.parametrize("role", list(Role))
def test_each_action_is_one_administrators_alone(client, users, role, name):
    target = users[Role.EXPERT] if role != Role.EXPERT else users[Role.OFFICER]
    TOTPDevice.objects.create(user=target, name="authenticator", confirmed=True)
    target.is_active = name != "login_enable"
    target.save()
    hash_before = target.password
    client.force_login(users[role])
    response = client.post(reverse(f"accounts:{name}", args=[target.pk]))
    target.refresh_from_db()
    if role == ACTIONS[name]:
        assert response.status_code in (200, 302)
        return
    assert response.status_code == 403
    assert (target.is_active, target.password) == (name != "login_enable", hash_before)
    assert TOTPDevice.objects.filter(user=target).exists()


@pytest.mark.parametrize("name", ACTIONS)
def test_the_actions_on_a_missing_login_are_not_found_and_need_post(client, users, outsiders, name):
    client.force_login(users[ACTIONS[name]])
    assert client.post(reverse(f"accounts:{name}", args=[999999])).status_code == 404
    assert client.get(reverse(f"accounts:{name}", args=[users[Role.EXPERT].pk])).status_code == 405
    for outsider in outsiders.values():
        client = Client()
        client.force_login(outsider)
        assert client.post(reverse(f"accounts:{name}", args=[users[Role.EXPERT].pk])).status_code == 403
    assert Client().post(reverse(f"accounts:{name}", args=[users[Role.EXPERT].pk])).status_code == 302


# ---------------------------------------------------------------------------------------------------------------
# Logins for staff and administrators (the system administrator)


def test_the_system_administrator_creates_an_officers_login_bound_to_a_division(sysadmin_client):
    response = sysadmin_client.post(
        reverse("accounts:login_create"),
        {"full_name": "王建国", "role": Role.OFFICER, "division": "330100", "username": "", "email": ""},
    )

    login = User.objects.get(username="wangjianguo")  # from the name in pinyin
    assert (login.role, login.division, login.must_change_password) == (Role.OFFICER, division("330100"), True)
    assert login.check_password(_shown_password(response))


def test_an_officer_needs_a_division_and_bureau_staff_and_administrators_get_none(sysadmin_client):
    refused = sysadmin_client.post(reverse("accounts:login_create"), {"full_name": "王建国", "role": Role.OFFICER})
    assert refused.context["form"].errors["division"]
    for role, username in [(Role.BUREAU, "chenjing"), (Role.AUDIT_ADMIN, "shenji")]:
        sysadmin_client.post(
            reverse("accounts:login_create"),
            {"full_name": "陈静", "role": role, "division": "330100", "username": username},
        )
        login = User.objects.get(username=username)
        assert (login.role, login.division) == (role, None)


@pytest.mark.parametrize("role", [role for role in Role if role != Role.SYSTEM_ADMIN])
def test_only_the_system_administrator_creates_staff_logins(client, users, outsiders, role):
    for user in [users[role], *outsiders.values()]:
        client.force_login(user)
        assert client.get(reverse("accounts:login_create")).status_code == 403
        response = client.post(
            reverse("accounts:login_create"), {"full_name": "某人", "role": Role.BUREAU, "username": "someone"}
        )
        assert response.status_code == 403
    assert not User.objects.filter(username="someone").exists()


def test_the_system_administrator_reads_the_staff_login_form(sysadmin_client):
    assert sysadmin_client.get(reverse("accounts:login_create")).status_code == 200


# ---------------------------------------------------------------------------------------------------------------
# In Chinese


ACCOUNT_PAGES_LATIN = re.compile(r"[A-Za-z]{3,}")


def _visible_text(html: str) -> str:
    """The page's text a user reads: no tags, scripts, usernames or passwords in <code>, no language names."""
    html = re.sub(r"<(script|style|code|select|svg)[^>]*>.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<[^>]+>", " ", html)
    html = re.sub(r"https?://\S+|\S+@\S+", " ", html)  # the login page's address, e-mail addresses
    return html.replace("English", "")


def test_the_login_and_account_pages_have_no_english_left(
    bureau_client, sysadmin_client, secadmin_client, users, contact
):
    expert = users[Role.EXPERT]
    pages = {
        "logins": sysadmin_client.get(reverse("accounts:login_list")),
        "logins, security": secadmin_client.get(reverse("accounts:login_list")),
        "new staff login": sysadmin_client.get(reverse("accounts:login_create")),
        "role": secadmin_client.get(reverse("accounts:login_role_change", args=[expert.pk])),
        "lockouts": secadmin_client.get(reverse("accounts:lockout_list")),
        "contact login": bureau_client.get(
            reverse("units:contact_login_create", kwargs={"uid": contact.unit.uid, "contact_id": contact.pk})
        ),
        "password shown once": _create_contact_login(bureau_client, contact),
        "password refused": bureau_client.post(
            reverse("accounts:password_change"),
            {"old_password": PASSWORD, "new_password1": "alice12", "new_password2": "alice12"},
        ),
        "password page": bureau_client.get(reverse("accounts:password_change")),
        "second factor": bureau_client.get(reverse("accounts:second_factor")),
        "login refused": Client().post(reverse("accounts:login"), {"username": "alice", "password": "x"}),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        assert ACCOUNT_PAGES_LATIN.findall(_visible_text(response.text)) == [], name


def test_only_a_free_team_member_or_expert_login_is_linked_to_a_person(users):
    person = PersonFactory()
    with pytest.raises(services.ValidationError) as refused:
        person_link_user(actor=None, person=person, user=users[Role.UNIT_CONTACT])
    assert refused.value.code == "role"
    person_link_user(actor=None, person=person, user=users[Role.EXPERT])
    with pytest.raises(services.ValidationError) as refused:
        person_link_user(actor=None, person=person, user=users[Role.TEAM_MEMBER])
    assert refused.value.code == "person_has_login"
