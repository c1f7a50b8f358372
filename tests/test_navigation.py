"""The main navigation shows each role the journeys it has, and nothing else."""

import pytest

from accounts.models import Role

EXPECTED = {
    Role.BUREAU: {
        "/",
        "/units/",
        "/plans/",
        "/archives/requests/",
        "/archives/activities/",
        "/teams/",
        "/teams/people/",
        "/teams/workload/",
    },
    Role.OFFICER: {"/", "/units/", "/archives/requests/"},
    Role.TEAM_MEMBER: {"/", "/units/", "/teams/mine/", "/plans/", "/archives/requests/", "/archives/activities/"},
    Role.EXPERT: {"/", "/archives/requests/", "/archives/activities/"},
    Role.UNIT_CONTACT: {"/", "/archives/requests/", "/archives/activities/", "/audit/my-unit/"},
    # 三员分立: the administrators' pages only.
    Role.SYSTEM_ADMIN: {"/", "/accounts/logins/", "/admin/"},
    Role.SECURITY_ADMIN: {"/", "/accounts/logins/"},
    Role.AUDIT_ADMIN: {"/", "/audit/"},
}
# The reports menu (定期复盘改进): the programme's review, by role.
REVIEW = {
    Role.BUREAU: {
        "/reports/dashboard/",
        "/reports/team/",
        "/reports/province/",
        "/reports/scorecards/",
        "/reports/feedback/",
        "/reports/exports/",
    },
    Role.OFFICER: {"/reports/dashboard/", "/reports/province/", "/reports/scorecards/", "/reports/exports/"},
    Role.TEAM_MEMBER: {
        "/reports/dashboard/",
        "/reports/team/",
        "/reports/province/",
        "/reports/scorecards/",
        "/reports/feedback/",
        "/reports/exports/",
    },
    Role.EXPERT: set(),
    Role.UNIT_CONTACT: set(),
    Role.SYSTEM_ADMIN: set(),
    Role.SECURITY_ADMIN: set(),
    Role.AUDIT_ADMIN: set(),
}

# The user menu (under the user's name): everyone's own reminders; the bureau's reminder pages beside its settings.
USER_MENU = {"/reminders/", "/reminders/preferences/", "/accounts/second-factor/"}
BUREAU_MENU = {Role.BUREAU: {"/reminders/outbox/", "/reminders/robots/"}}


def _urls(menu) -> set[str]:
    entries = menu["nav_items"] + menu["nav_admin"] + (menu["nav_review"]["items"] if menu["nav_review"] else [])
    return {item["url"] for item in entries}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_sees_its_entries(rf, users, role):
    from huhang.navigation import navigation

    request = rf.get("/")
    user = users[role]
    user.is_superuser = False
    request.user = user
    menu = navigation(request)
    assert _urls(menu) == EXPECTED[role] | REVIEW[role]
    assert (menu["nav_review"] is None) == (not REVIEW[role])
    assert {item["url"] for item in menu["nav_user"]} == USER_MENU
    assert {item["url"] for item in menu["nav_bureau"]} == BUREAU_MENU.get(role, set())


@pytest.mark.parametrize("role", list(EXPECTED))
def test_the_user_menu_shows_the_reminders_and_the_bureaus_reminder_pages(client, users, role):
    client.force_login(users[role])
    page = client.get("/accounts/password/").text
    for url in USER_MENU | BUREAU_MENU.get(role, set()):
        assert f'class="dropdown-item" href="{url}"' in page
    for url in BUREAU_MENU[Role.BUREAU] - BUREAU_MENU.get(role, set()):
        assert f'href="{url}"' not in page


def test_a_superuser_flag_adds_nothing_to_the_menu(rf, users, django_assert_num_queries):
    """The flag grants nothing (accounts/backends.py): a system administrator's menu is their role's, and it asks
    no database for permissions."""
    from huhang.navigation import navigation

    request = rf.get("/")
    request.user = users[Role.SYSTEM_ADMIN]
    request.user.is_superuser = True
    with django_assert_num_queries(0):
        urls = _urls(navigation(request))
    assert urls == EXPECTED[Role.SYSTEM_ADMIN]
