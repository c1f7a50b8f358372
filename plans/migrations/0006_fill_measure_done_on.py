"""Fills `Measure.done_on` for the measures done before plans.services kept it.

The day a measure became done is the local date of the first history row of its latest run of "done" rows (a measure
done, reopened and done again was done on the second day). A measure done in all of its history that was carried into
a revision (plan_revise copies measures without history rows) takes the day of the measure it was carried from. With
no history at all, the local date of its last change (`updated_at`) stands in. Measures not done keep no date.
"""

from itertools import groupby

from django.db import migrations
from django.utils import timezone

DONE = "done"


def _latest_done_run(rows: list) -> tuple[object, bool] | None:
    """The first row of the trailing run of "done" rows, and whether that run is the whole history; None if the
    history does not end done."""
    start = None
    for index in range(len(rows) - 1, -1, -1):
        if rows[index].status != DONE:
            break
        start = index
    if start is None:
        return None
    return rows[start], start == 0


def fill_done_on(apps, schema_editor):
    Measure = apps.get_model("plans", "Measure")
    HistoricalMeasure = apps.get_model("plans", "HistoricalMeasure")
    measures = list(
        Measure.objects.filter(status=DONE, done_on__isnull=True)
        .order_by("id")
        .values_list("id", "carried_from_id", "updated_at")
    )
    if not measures:
        return
    ids = [measure_id for measure_id, _carried, _updated in measures]
    history = (
        HistoricalMeasure.objects.filter(id__in=ids)
        .exclude(history_type="-")
        .order_by("id", "history_date", "history_id")
        .only("id", "status", "history_date")
    )
    runs = {}
    for measure_id, rows in groupby(history.iterator(), key=lambda row: row.id):
        run = _latest_done_run(list(rows))
        if run is not None:
            runs[measure_id] = run
    # Measures already dated (done after plans.services began keeping the date) can be the origin of a copy.
    known = dict(Measure.objects.filter(done_on__isnull=False).values_list("id", "done_on"))
    for measure_id, carried_from_id, updated_at in measures:  # oldest first: an origin is dated before its copies
        run = runs.get(measure_id)
        if run is not None and not (run[1] and known.get(carried_from_id)):
            day = timezone.localdate(run[0].history_date)
        elif known.get(carried_from_id):
            day = known[carried_from_id]
        else:
            day = timezone.localdate(updated_at)
        known[measure_id] = day
        Measure.objects.filter(id=measure_id).update(done_on=day)


class Migration(migrations.Migration):
    dependencies = [("plans", "0005_measure_done_on")]

    # Backwards there is nothing to undo: 0005 drops the column.
    operations = [migrations.RunPython(fill_done_on, migrations.RunPython.noop)]
