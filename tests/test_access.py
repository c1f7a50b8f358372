"""The one module that answers "what may this user see"."""

import pytest

from accounts.access import is_bureau, is_officer, is_unit_contact
from accounts.models import Role
from tests.factories import UnitFactory, UserFactory, division
from units.scopes import visible_units


@pytest.fixture
def spread_units(unit):
    return {
        "hangzhou_xihu": unit,
        "hangzhou_yuhang": UnitFactory(division=division("330110")),
        "ningbo": UnitFactory(division=division("330203")),
        "wenzhou": UnitFactory(division=division("330302")),
    }


def test_bureau_sees_every_unit(users, spread_units):
    assert set(visible_units(users[Role.BUREAU])) == set(spread_units.values())


def test_city_officer_sees_the_units_of_every_county_in_the_city(users, spread_units):
    assert set(visible_units(users[Role.OFFICER])) == {
        spread_units["hangzhou_xihu"],
        spread_units["hangzhou_yuhang"],
    }


def test_county_officer_sees_only_the_county(db, spread_units):
    county_officer = UserFactory(officer=True, division=division("330110"))
    assert list(visible_units(county_officer)) == [spread_units["hangzhou_yuhang"]]


def test_unit_contact_sees_only_the_own_unit(users, spread_units):
    assert list(visible_units(users[Role.UNIT_CONTACT])) == [spread_units["hangzhou_xihu"]]


@pytest.mark.parametrize("role", [Role.TEAM_MEMBER, Role.EXPERT])
def test_team_members_and_experts_see_no_unit_without_a_team_or_invitation(users, spread_units, role):
    assert not visible_units(users[role]).exists()


def test_outsiders_see_nothing_of_the_unit(outsiders, spread_units):
    for user in outsiders.values():
        assert spread_units["hangzhou_xihu"] not in visible_units(user)


def test_disabled_and_anonymous_users_see_nothing(users, spread_units):
    from django.contrib.auth.models import AnonymousUser

    bureau = users[Role.BUREAU]
    bureau.is_active = False
    assert not visible_units(bureau).exists()
    assert not visible_units(AnonymousUser()).exists()


def test_role_predicates(users):
    assert is_bureau(users[Role.BUREAU])
    assert not is_bureau(users[Role.OFFICER])
    assert is_officer(users[Role.OFFICER])
    assert is_unit_contact(users[Role.UNIT_CONTACT])
    assert not is_unit_contact(users[Role.TEAM_MEMBER])
