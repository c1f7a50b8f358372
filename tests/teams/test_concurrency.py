"""Two people handing the same new units to teams at once (after an import, two bureau staff at work).

teams.services.units_assign_team locks the units' rows before it reads their open assignments: a unit nobody serves
has no assignment row to lock, so without the units' lock both writers pass the check and the second insert fails on
the one-open-assignment-per-unit constraint with an IntegrityError (a server error).
"""

import datetime

import pytest
from django.core.exceptions import ValidationError

from teams import services
from teams.models import Assignment
from tests.concurrency import at_once, needs_postgresql
from tests.factories import TeamFactory, UnitFactory

pytestmark = [needs_postgresql, pytest.mark.django_db(transaction=True)]

START = datetime.date(2026, 3, 1)


def test_two_batches_of_the_same_units_at_once_give_one_team_and_a_clear_refusal():
    units = UnitFactory.create_batch(3)
    first, second = TeamFactory(), TeamFactory()

    def hand_to(team):
        return lambda: services.units_assign_team(actor=None, units=units, team=team, start=START)

    results = at_once(hand_to(first), hand_to(second))

    refusals = [result for result in results if isinstance(result, ValidationError)]
    assert [refusal.code for refusal in refusals] == ["already_served"], results
    assert len([result for result in results if isinstance(result, list)]) == 1, results
    open_teams = set(Assignment.objects.filter(unit__in=units, end__isnull=True).values_list("team_id", flat=True))
    assert len(open_teams) == 1
    assert Assignment.objects.count() == 3


def test_one_unit_handed_to_two_teams_at_once_ends_with_one_of_them():
    unit = UnitFactory()
    first, second = TeamFactory(), TeamFactory()

    def hand_to(team):
        return lambda: services.unit_assign_team(actor=None, unit=unit, team=team, start=START)

    results = at_once(hand_to(first), hand_to(second))

    assert all(isinstance(result, Assignment) for result in results), results
    assert Assignment.objects.filter(unit=unit, end__isnull=True).count() == 1
    assert Assignment.objects.filter(unit=unit, end=START).count() == 1  # the other one, ended: history kept
