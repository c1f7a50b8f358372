"""The one rule for a plan's due date (plans/deadlines.py): read for one unit when a plan starts, annotated on the
overview, written into every open plan in one UPDATE when the bureau changes the programme settings."""

import datetime

import pytest
from django.utils import timezone

from huhang.models import ProgrammeSettings
from plans.deadlines import plan_due_on
from plans.selectors import with_plan_state
from plans.services import plan_deadlines_update, plan_start
from tests.factories import UnitFactory, approved_plan
from units.models import ListingEvent, Unit

FIRST_PLANS_DUE = datetime.date(2025, 4, 30)  # the action plan's date, the settings' default
DAYS = 30


def _selected(unit: Unit, *dates: datetime.date) -> Unit:
    for date in dates:
        ListingEvent.objects.create(unit=unit, kind=ListingEvent.Kind.SELECTED, date=date)
    return unit


def _rule(selected_on: datetime.date | None, first_plans_due=FIRST_PLANS_DUE, days=DAYS) -> datetime.date:
    """The rule as the action plan words it, to check the SQL against."""
    return max(first_plans_due, (selected_on or timezone.localdate()) + datetime.timedelta(days=days))


@pytest.mark.parametrize(
    "selected_on",
    [
        pytest.param(datetime.date(2025, 1, 10), id="long before the first deadline"),
        pytest.param(datetime.date(2025, 4, 20), id="shortly before the first deadline"),
        pytest.param(datetime.date(2025, 6, 1), id="after the first deadline"),
        pytest.param(None, id="never selected"),
    ],
)
def test_the_due_date_for_a_unit_is_the_rules_wherever_it_is_read(db, unit, selected_on):
    if selected_on:
        _selected(unit, selected_on)
    expected = _rule(selected_on)
    assert plan_due_on(unit=unit) == expected
    assert with_plan_state(Unit.objects.filter(pk=unit.pk)).get().plan_due_on == expected  # the overview, no plan
    assert plan_start(actor=None, unit=unit).due_on == expected


def test_the_first_selection_counts_when_a_unit_was_selected_again(db, unit):
    _selected(unit, datetime.date(2025, 9, 1), datetime.date(2025, 6, 1))
    ListingEvent.objects.create(
        unit=unit, kind=ListingEvent.Kind.REMOVED, date=datetime.date(2025, 8, 1), reason="调整名单"
    )
    assert plan_due_on(unit=unit) == datetime.date(2025, 7, 1)


def test_an_open_plans_due_date_follows_a_settings_change(users, unit):
    from accounts.models import Role

    plan = plan_start(actor=None, unit=_selected(unit, datetime.date(2025, 6, 1)))
    assert plan.due_on == datetime.date(2025, 7, 1)
    bureau = users[Role.BUREAU]
    plan_deadlines_update(actor=bureau, first_plans_due=datetime.date(2025, 9, 30), plan_due_days=DAYS)
    plan.refresh_from_db()
    assert plan.due_on == datetime.date(2025, 9, 30)  # the later first deadline wins
    plan_deadlines_update(actor=bureau, first_plans_due=FIRST_PLANS_DUE, plan_due_days=10)
    plan.refresh_from_db()
    assert plan.due_on == datetime.date(2025, 6, 11)
    settings = ProgrammeSettings.current()
    assert (settings.first_plans_due, settings.plan_due_days) == (FIRST_PLANS_DUE, 10)


def test_approved_plans_keep_their_due_date(users, unit):
    from accounts.models import Role

    plan = approved_plan(_selected(unit, datetime.date(2025, 6, 1)))
    assert plan.due_on == datetime.date(2025, 7, 1)
    plan_deadlines_update(actor=users[Role.BUREAU], first_plans_due=datetime.date(2025, 12, 31), plan_due_days=5)
    plan.refresh_from_db()
    assert plan.due_on == datetime.date(2025, 7, 1)


def test_a_bad_setting_is_refused_and_changes_no_plan(db, unit):
    from django.core.exceptions import ValidationError

    plan = plan_start(actor=None, unit=_selected(unit, datetime.date(2025, 6, 1)))
    with pytest.raises(ValidationError):
        plan_deadlines_update(actor=None, first_plans_due=FIRST_PLANS_DUE, plan_due_days=-3)
    plan.refresh_from_db()
    assert plan.due_on == datetime.date(2025, 7, 1)
    assert ProgrammeSettings.current().plan_due_days == DAYS


@pytest.mark.parametrize("open_plans", [3, 30])
def test_the_settings_change_is_a_constant_number_of_queries(db, django_assert_num_queries, open_plans):
    units = UnitFactory.create_batch(open_plans)
    for index, unit in enumerate(units):
        _selected(unit, datetime.date(2025, 1, 1) + datetime.timedelta(days=10 * index))
        plan_start(actor=None, unit=unit)
    ProgrammeSettings.current()
    # savepoint, the settings row locked (ProgrammeSettings.current() read above is cached), full_clean's two
    # constraint checks (single row, weights making 100; each in its own savepoint: 6), the settings' UPDATE, the
    # plans' one UPDATE, release
    with django_assert_num_queries(11) as queries:
        plan_deadlines_update(actor=None, first_plans_due=FIRST_PLANS_DUE, plan_due_days=45)
    plan_updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('UPDATE "plans_plan"')]
    assert len(plan_updates) == 1
    expected = {
        unit.pk: _rule(datetime.date(2025, 1, 1) + datetime.timedelta(days=10 * index), days=45)
        for index, unit in enumerate(units)
    }
    assert dict(Unit.objects.filter(pk__in=expected).values_list("pk", "plan__due_on")) == expected
