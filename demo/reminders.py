"""The demo's reminders: one finder cycle at the demo's "now", so that every demo login opens a bell with unread
notifications that the demo's own records gave rise to (no notification is written by hand).

The cycle runs at 7:30 on the demo's today, before office hours: the bells fill at once, while every e-mail and
group post waits in the outbox for 9:00 (quiet hours), so seeding sends nothing. They go out with the first cycle of
the running portal, through whatever EMAIL_URL it has (`make run`: the console). The demo configures no DingTalk
group robot: a robot's webhook is a credential DingTalk issues, and a made-up one would only fail.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from reminders.models import Delivery, Notification, Reminder
from reminders.services import FindResult, reminders_find

# The demo's today is 25 November 2026 (demo/reports.py), a Wednesday and a working day.
DEMO_NOW = datetime.datetime(2026, 11, 25, 7, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def build_reminders() -> FindResult:
    """One cycle as beat would run it at the demo's "now"; a second seeding finds every occasion stored already."""
    seeding = timezone.now()
    found = reminders_find(now=DEMO_NOW)
    # As the archive does with its records: what the cycle stored carries the demo's moment, not the seeding's (the
    # bell lists notifications by the time they arrived).
    for model in (Reminder, Notification, Delivery):
        model.objects.filter(created_at__gte=seeding).update(created_at=DEMO_NOW)
    return found
