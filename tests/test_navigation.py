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
    Role.UNIT_CONTACT: {"/", "/archives/requests/", "/archives/activities/"},
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_sees_its_entries(rf, users, role):
    from huhang.navigation import navigation

    request = rf.get("/")
    user = users[role]
    user.is_superuser = False
    request.user = user
    assert {item["url"] for item in navigation(request)["nav_items"]} == EXPECTED[role]
