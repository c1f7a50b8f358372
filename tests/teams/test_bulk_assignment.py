"""Handing several units to one team at once: the step after an import (teams.services.units_assign_team and the
page teams:assign_units that the unit list's checkboxes open)."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from teams import services
from teams.models import Assignment
from tests.factories import UnitFactory, assign, division

pytestmark = pytest.mark.django_db

URL = reverse("teams:assign_units")
LIST = reverse("units:list")
MARCH = datetime.date(2026, 3, 1)


@pytest.fixture
def new_units(db):
    """Three units just imported: no team serves them."""
    return [UnitFactory(name=name) for name in ("甲实验室", "乙实验室", "丙实验室")]


def _query(units, **extra):
    return {"unit": [str(unit.uid) for unit in units], **extra}


def _open(unit):
    return Assignment.objects.get(unit=unit, end__isnull=True)


# ---------------------------------------------------------------------------------------------------------------
# The service


def test_the_units_go_to_the_team_together_with_who_and_when(users, new_units, own_team):
    bureau = users[Role.BUREAU]
    made = services.units_assign_team(actor=bureau, units=new_units, team=own_team, start=MARCH)
    assert len(made) == 3
    assert {(a.unit_id, a.team_id, a.start, a.end, a.assigned_by_id) for a in Assignment.objects.all()} == {
        (unit.pk, own_team.pk, MARCH, None, bureau.pk) for unit in new_units
    }


def test_without_a_start_the_team_serves_from_today(new_units, own_team):
    services.units_assign_team(actor=None, units=new_units, team=own_team)
    assert set(Assignment.objects.values_list("start", flat=True)) == {timezone.localdate()}


def test_a_unit_served_by_another_team_is_refused_and_nothing_is_written(new_units, own_team, other_team):
    assign(new_units[1], other_team)
    with pytest.raises(ValidationError) as refused:
        services.units_assign_team(actor=None, units=new_units, team=own_team, start=MARCH)
    assert refused.value.code == "already_served"
    assert "乙实验室" in refused.value.messages[0]
    assert Assignment.objects.count() == 1  # all or none: the two free units were not assigned either
    assert _open(new_units[1]).team == other_team


def test_reassign_hands_over_served_units_and_keeps_their_history(new_units, own_team, other_team):
    assign(new_units[1], other_team, start=datetime.date(2025, 3, 15))
    services.units_assign_team(actor=None, units=new_units, team=own_team, start=MARCH, reassign=True)
    assert [(a.team, a.start, a.end) for a in Assignment.objects.filter(unit=new_units[1]).order_by("start")] == [
        (other_team, datetime.date(2025, 3, 15), MARCH),
        (own_team, MARCH, None),
    ]
    assert {_open(unit).team for unit in new_units} == {own_team}


def test_units_the_team_serves_already_are_refused_even_with_reassign(new_units, own_team):
    assign(new_units[0], own_team)
    with pytest.raises(ValidationError) as refused:
        services.units_assign_team(actor=None, units=new_units, team=own_team, start=MARCH, reassign=True)
    assert refused.value.code == "same_team"
    assert Assignment.objects.count() == 1


def test_a_start_before_a_current_assignment_is_refused_per_unit(new_units, own_team, other_team):
    assign(new_units[0], other_team, start=datetime.date(2026, 5, 1))
    with pytest.raises(ValidationError) as refused:
        services.units_assign_team(actor=None, units=new_units, team=own_team, start=MARCH, reassign=True)
    assert refused.value.code == "before_current"
    assert "甲实验室" in refused.value.messages[0]
    assert Assignment.objects.get().end is None


def test_every_reason_is_given_at_once(new_units, own_team, other_team):
    assign(new_units[0], own_team)
    assign(new_units[1], other_team)
    with pytest.raises(ValidationError) as refused:
        services.units_assign_team(actor=None, units=new_units, team=own_team, start=MARCH)
    assert [error.code for error in refused.value.error_list] == ["same_team", "already_served"]


def test_an_inactive_team_and_an_empty_selection_are_refused(new_units, own_team):
    with pytest.raises(ValidationError) as refused:
        services.units_assign_team(actor=None, units=[], team=own_team)
    assert refused.value.code == "no_units"
    own_team.is_active = False
    own_team.save()
    with pytest.raises(ValidationError) as refused:
        services.units_assign_team(actor=None, units=new_units, team=own_team)
    assert refused.value.code == "inactive_team"
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("size", [3, 60])
def test_the_service_runs_the_same_queries_for_3_units_or_60(django_assert_num_queries, own_team, other_team, size):
    units = UnitFactory.create_batch(size)
    for unit in units[::2]:
        assign(unit, other_team)
    # savepoint pair, lock the units, read their open assignments, end them, insert the new ones
    with django_assert_num_queries(6):
        services.units_assign_team(actor=None, units=units, team=own_team, start=MARCH, reassign=True)
    assert Assignment.objects.filter(team=own_team, end__isnull=True).count() == size


# ---------------------------------------------------------------------------------------------------------------
# The page


def test_the_page_lists_the_selected_units_with_their_team_and_offers_the_teams(bureau_client, new_units, own_team):
    assign(new_units[2], own_team)
    response = bureau_client.get(URL, _query(new_units, next="/units/?team=none"))
    assert response.status_code == 200
    assert [unit.name for unit in response.context["units"]] == ["丙实验室", "乙实验室", "甲实验室"]
    assert response.context["served"] == 1
    assert 'data-testid="served-note"' in response.text
    assert 'name="reassign"' in response.text
    assert own_team in response.context["team_page"].object_list
    assert response.context["next"] == "/units/?team=none"


def test_the_reassign_box_shows_only_when_a_selected_unit_is_served(bureau_client, new_units, own_team):
    response = bureau_client.get(URL, _query(new_units))
    assert response.context["served"] == 0
    assert 'name="reassign"' not in response.text


def test_assigning_returns_to_the_list_the_units_were_ticked_on(bureau_client, users, new_units, own_team):
    back = "/units/?team=none&category=key_lab"
    response = bureau_client.post(URL, _query(new_units, team=own_team.pk, start="2026-03-01", next=back))
    assert response.status_code == 302
    assert response.url == back
    assert {_open(unit).team for unit in new_units} == {own_team}
    assert {_open(unit).assigned_by for unit in new_units} == {users[Role.BUREAU]}
    [message] = get_messages(response.wsgi_request)
    assert message.level_tag == "success"
    assert "3" in message.message
    assert own_team.name in message.message


def test_never_returns_to_another_site(bureau_client, new_units, own_team):
    query = _query(new_units, team=own_team.pk, start="2026-03-01", next="https://evil.example.com/units/")
    assert bureau_client.post(URL, query).url == LIST


def test_no_team_chosen_is_said_on_the_table(bureau_client, new_units):
    response = bureau_client.post(URL, _query(new_units, start="2026-03-01"))
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["team"]] == ["required"]
    assert 'data-testid="team-error"' in response.text
    assert not Assignment.objects.exists()


def test_a_served_unit_without_reassign_comes_back_with_the_reason(bureau_client, new_units, own_team, other_team):
    assign(new_units[0], other_team)
    response = bureau_client.post(URL, _query(new_units, team=own_team.pk, start="2026-03-01"))
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].non_field_errors().as_data()] == ["already_served"]
    assert Assignment.objects.count() == 1
    ticked = bureau_client.post(URL, _query(new_units, team=own_team.pk, start="2026-03-01", reassign="on"))
    assert ticked.status_code == 302
    assert {_open(unit).team for unit in new_units} == {own_team}


def test_the_chosen_team_stays_checked_when_the_form_comes_back(bureau_client, new_units, own_team):
    response = bureau_client.post(URL, _query(new_units, team=own_team.pk, start="not a date"))
    assert response.status_code == 200
    assert f'value="{own_team.pk}" id="team-choice-{own_team.pk}" form="assignment-form" checked' in response.text


def test_nothing_ticked_goes_back_to_the_list_with_a_word(bureau_client, db):
    response = bureau_client.get(URL, {"next": "/units/?team=none"})
    assert response.url == "/units/?team=none"
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["warning"]
    assert bureau_client.post(URL).url == LIST


def test_a_missing_or_malformed_unit_is_404(bureau_client, new_units):
    import uuid

    assert bureau_client.get(URL, _query(new_units) | {"unit": [str(uuid.uuid4())]}).status_code == 404
    assert bureau_client.get(URL, {"unit": [str(new_units[0].uid), "not-a-uuid"]}).status_code == 404


# ---------------------------------------------------------------------------------------------------------------
# Who may


ROLES = [Role.BUREAU, Role.OFFICER, Role.TEAM_MEMBER, Role.EXPERT, Role.UNIT_CONTACT]


@pytest.mark.parametrize(
    ("role", "expected"),
    # `unit` is in the officer's city, served by the member's team and the contact's own unit: they may read it,
    # not hand it on (403). The expert cannot read it at all (404).
    [(Role.BUREAU, 200), (Role.OFFICER, 403), (Role.TEAM_MEMBER, 403), (Role.EXPERT, 404), (Role.UNIT_CONTACT, 403)],
)
def test_the_page_by_role(client, users, unit, own_team, role, expected):
    assign(unit, own_team)
    client.force_login(users[role])
    assert client.get(URL, _query([unit])).status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_only_the_bureau_assigns(client, users, new_units, own_team, role):
    client.force_login(users[role])
    response = client.post(URL, _query(new_units, team=own_team.pk, start="2026-03-01"))
    # The new units lie in 杭州市 (the officer's city); the others read none of them.
    expected = {Role.BUREAU: 302, Role.OFFICER: 403}.get(role, 404)
    assert response.status_code == expected
    assert Assignment.objects.exists() == (role == Role.BUREAU)


@pytest.mark.parametrize("role", ROLES)
def test_the_page_without_units_is_the_bureaus_only(client, users, role):
    client.force_login(users[role])
    response = client.get(URL)
    assert response.status_code == (302 if role == Role.BUREAU else 403)


def test_outsiders_get_404_for_units_outside_their_scope(client, outsiders, unit, own_team):
    assign(unit, own_team)
    for user in outsiders.values():
        client.force_login(user)
        assert client.get(URL, _query([unit])).status_code == 404
        assert client.post(URL, _query([unit], team=own_team.pk, start="2026-03-01")).status_code == 404
    assert _open(unit).team == own_team


def test_an_officer_gets_404_for_a_unit_of_another_city_among_their_own(client, users, unit):
    ningbo = UnitFactory(division=division("330203"))
    client.force_login(users[Role.OFFICER])
    assert client.get(URL, _query([unit, ningbo])).status_code == 404
