"""The teams' world: the team member `tom` (users fixture) leads `own_team`; `other_team` is someone else's."""

import pytest

from accounts.models import Role
from tests.factories import PersonFactory, TeamFactory


@pytest.fixture
def own_team(users):
    return TeamFactory(name="西湖护航队", leader=PersonFactory(name="汤组长", user=users[Role.TEAM_MEMBER]))


@pytest.fixture
def other_team(db):
    return TeamFactory(name="宁波护航队")


@pytest.fixture
def bureau_client(client, users):
    client.force_login(users[Role.BUREAU])
    return client
