"""The scale data's reminders: one more finder cycle at the demo's "now" (demo/reminders.py), which finds the
occasions of the scale records (the demo's are stored already, so nothing is found twice) and writes their
reminders, notifications and deliveries as the running portal would."""

from __future__ import annotations

from django.utils import timezone

from demo.reminders import DEMO_NOW
from demo.scale.base import Scale
from reminders.models import Delivery, Notification, Reminder
from reminders.services import reminders_find


def build_reminders(scale: Scale) -> None:
    seeding = timezone.now()
    found = reminders_find(now=DEMO_NOW)
    for model in (Reminder, Notification, Delivery):
        model.objects.filter(created_at__gte=seeding).update(created_at=DEMO_NOW)
    scale.report(f"  reminders: {len(found.occasions)}")
