"""The scale data set of issue 14 (`manage.py seed_scale --factor N`): the demo programme, then (N - 1) times its
size again in bulk inserts, so that a database holds about N × 150 units with the issue's 100× volumes of records
per unit (~50 activities, ~10 requests, ~10 measures).

The scale records never touch the demo logins' scopes: the units lie outside Hangzhou (the demo officer's city), are
served by new teams of new people, invite none of the demo's experts; the bureau sees them all. Each part has its
module (one per app, as demo/ does), in the layers' order; the reminders come last, found by the real finder.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db import transaction

from accounts.models import User
from archives.models import Activity, ActivityMeasure, Attachment, Referral, Request, RequestMessage
from demo.scale import archives, plans, reminders, reports, teams, units
from demo.scale.base import USERNAME_PREFIX, Scale, foreign_keys_checked_at_the_end
from huhang import freshness
from plans.models import Measure, PlanEvent, ProgressNote
from reports.models import FeedbackScore, TypicalCase, UnitFeedback

PARTS = [
    ("units", units.build_units),
    ("teams", teams.build_teams),
    ("plans", plans.build_plans),
    ("archive", archives.build_archive),
    ("reports", reports.build_reports),
    ("reminders", reminders.build_reminders),
]


# The tables that take most of the rows: their foreign keys are checked once, at the end (base.py).
BULK_MODELS = [
    Measure,
    PlanEvent,
    ProgressNote,
    Activity,
    ActivityMeasure,
    Attachment,
    Request,
    RequestMessage,
    Referral,
    UnitFeedback,
    FeedbackScore,
    TypicalCase,
]


def _run(name: str, build: Callable[[Scale], None], scale: Scale, report: Callable[[str], None]) -> None:
    started = time.monotonic()
    report(f"{name} …")
    build(scale)
    report(f"  ({time.monotonic() - started:.1f} s)")


class ScaleDataPresent(Exception):
    """The database holds scale data already: adding more would double it."""


def has_scale_data() -> bool:
    return User.objects.filter(username__startswith=USERNAME_PREFIX).exists()


def build_scale(*, factor: int, seed: str, report: Callable[[str], None] = print) -> Scale:
    """Adds the scale data on top of the demo programme (which must be there: seed_demo first). One transaction:
    a failed build leaves nothing behind."""
    if has_scale_data():
        raise ScaleDataPresent
    bureau = User.objects.get(username="bureau")
    scale = Scale(factor=factor, seed=seed, bureau_id=bureau.pk, report=report)
    if factor <= 1:
        return scale
    with transaction.atomic():
        with foreign_keys_checked_at_the_end(*BULK_MODELS):
            for name, build in PARTS[:-1]:
                _run(name, build, scale, report)
            started = time.monotonic()
        report(f"  (foreign keys checked: {time.monotonic() - started:.1f} s)")
        _run(*PARTS[-1], scale, report)  # the reminders' finder reads what the others wrote
        # The COPYs of demo/scale/base.write pass no execute wrapper: the cached figures learn of them here.
        freshness.records_changed()
    return scale
