"""Measure.done_on: set by plans.services when a measure becomes done, cleared when it is reopened, carried into a
revision; and the data migration that dates the measures done before the services kept the date."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from plans import services
from plans.models import Measure, PlanVersion
from tests.factories import PlanFactory, UserFactory, plan_with_two_measures

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 20)


@pytest.fixture
def member(db):
    return UserFactory(username="tom", team_member=True)


@pytest.fixture
def measures(unit):
    return plan_with_two_measures(unit)


def test_progress_that_marks_a_measure_done_dates_it_on_the_day_of_the_progress(measures, member):
    measure = measures[0]
    services.measure_progress(actor=member, measure=measure, date=DAY, text="宣讲完成", status="done")
    measure.refresh_from_db()
    assert (measure.status, measure.done_on) == ("done", DAY)
    # More progress without a new status keeps the date.
    services.measure_progress(actor=member, measure=measure, date=datetime.date(2026, 4, 1), text="回访")
    measure.refresh_from_db()
    assert measure.done_on == DAY


def test_reopening_a_done_measure_clears_its_date(measures, member):
    measure = measures[1]
    services.measure_progress(actor=member, measure=measure, date=DAY, text="完成", status="done")
    services.measure_progress(actor=member, measure=measure, date=DAY, text="需补充", status="in_progress")
    measure.refresh_from_db()
    assert (measure.status, measure.done_on) == ("in_progress", None)
    services.measure_progress(actor=member, measure=measure, date=datetime.date(2026, 5, 2), text="完成", status="done")
    measure.refresh_from_db()
    assert measure.done_on == datetime.date(2026, 5, 2)
    services.measure_progress(actor=member, measure=measure, date=DAY, text="取消", status="cancelled")
    measure.refresh_from_db()
    assert (measure.status, measure.done_on) == ("cancelled", None)


def test_a_measure_saved_as_done_in_a_draft_is_done_today_or_on_the_day_given(unit, member):
    plan = PlanFactory(unit=unit)
    version = plan.working
    today = timezone.localdate()
    made = services.measure_save(actor=member, version=version, area="policy_law", content="宣讲", status="done")
    assert made.done_on == today
    earlier = services.measure_save(
        actor=member, version=version, area="policy_law", content="培训", status="done", done_on=DAY
    )
    assert earlier.done_on == DAY
    open_one = services.measure_save(actor=member, version=version, area="protection", content="维权")
    assert open_one.done_on is None
    # Editing the text of a done measure keeps its date; reopening it clears it; a date alone sets nothing.
    earlier = services.measure_save(actor=member, version=version, measure=earlier, content="专题培训")
    assert earlier.done_on == DAY
    earlier = services.measure_save(actor=member, version=version, measure=earlier, status="in_progress")
    assert earlier.done_on is None
    open_one = services.measure_save(actor=member, version=version, measure=open_one, done_on=DAY)
    assert open_one.done_on is None


def test_a_revision_carries_the_day_a_measure_was_done(unit, member, measures):
    services.measure_progress(actor=member, measure=measures[0], date=DAY, text="完成", status="done")
    draft = services.plan_revise(actor=member, plan=measures[0].version.plan)
    carried = {m.carried_from_id: m for m in draft.measures.all()}
    assert (carried[measures[0].pk].status, carried[measures[0].pk].done_on) == ("done", DAY)
    assert carried[measures[1].pk].done_on is None


def _set_history(measure: Measure, *rows: tuple[str, datetime.datetime]) -> None:
    """Replaces the measure's history by rows of (status, moment)."""
    history = apps.get_model("plans", "HistoricalMeasure")
    history.objects.filter(id=measure.pk).delete()
    for status, moment in rows:
        history.objects.create(
            id=measure.pk,
            version_id=measure.version_id,
            position=measure.position,
            area=measure.area,
            content=measure.content,
            status=status,
            created_at=measure.created_at,
            updated_at=moment,
            history_date=moment,
            history_type="~",
        )


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_the_migration_dates_measures_done_from_their_history(unit, member):
    migration = importlib.import_module("plans.migrations.0006_fill_measure_done_on")
    plan = PlanFactory(unit=unit)
    version = plan.working
    make = lambda content: Measure.objects.create(version=version, area="policy_law", content=content)  # noqa: E731
    redone, no_history, open_one, dated = make("A"), make("B"), make("C"), make("D")
    # Done on 2 Feb, reopened on 3 Feb, done again at 23:30 UTC on 4 Feb: 5 February in Zhejiang.
    _set_history(
        redone,
        ("not_started", at(datetime.date(2026, 1, 5))),
        ("done", at(datetime.date(2026, 2, 2))),
        ("in_progress", at(datetime.date(2026, 2, 3))),
        ("done", datetime.datetime(2026, 2, 4, 23, 30, tzinfo=datetime.UTC)),
        ("done", at(datetime.date(2026, 2, 20))),
    )
    _set_history(no_history)
    _set_history(open_one, ("done", at(datetime.date(2026, 1, 9))), ("in_progress", at(datetime.date(2026, 1, 10))))
    Measure.objects.filter(pk__in=[redone.pk, no_history.pk]).update(status="done", done_on=None)
    Measure.objects.filter(pk=no_history.pk).update(
        updated_at=datetime.datetime(2026, 3, 1, 17, 0, tzinfo=datetime.UTC)
    )
    Measure.objects.filter(pk=open_one.pk).update(status="in_progress", done_on=None)
    Measure.objects.filter(pk=dated.pk).update(status="done", done_on=DAY)
    # A revision's copy of the redone measure: copies have no history of their own before their first edit.
    revision = PlanVersion.objects.create(plan=plan, number=2)
    copy = Measure.objects.create(version=revision, area="policy_law", content="A", carried_from=redone)
    _set_history(copy, ("done", at(datetime.date(2026, 6, 1))))
    Measure.objects.filter(pk=copy.pk).update(status="done", done_on=None)

    migration.fill_done_on(apps, None)

    found = dict(Measure.objects.values_list("content", "done_on").filter(version=version))
    assert found == {"A": datetime.date(2026, 2, 5), "B": datetime.date(2026, 3, 2), "C": None, "D": DAY}
    copy.refresh_from_db()
    assert copy.done_on == datetime.date(2026, 2, 5)
