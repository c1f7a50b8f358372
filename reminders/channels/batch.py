"""What a channel's one message says about its batch: one line per reminder, the same for e-mail and DingTalk."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import formats, timezone

from reminders.kinds import Kind
from reminders.models import Reminder

if TYPE_CHECKING:
    from reminders.models import Delivery


@dataclass(frozen=True)
class BatchItem:
    kind: str  # the kind's label
    title: str  # the unit's name and what is due: no person's details (reminders/models.py)
    due: str  # "" when the reminder has no deadline
    link: str  # absolute: the message is read outside the portal


def due_text(due_at: datetime.datetime | None) -> str:
    """A deadline as people write it: the date alone for a limit that ends with its day (huhang.workdays.end_of_day),
    with the time otherwise."""
    if due_at is None:
        return ""
    local = timezone.localtime(due_at)
    if local.time() == datetime.time.max:
        return formats.date_format(local, "Y-m-d")
    return formats.date_format(local, "Y-m-d H:i")


def absolute_link(path: str) -> str:
    return settings.PORTAL_URL + path


def batch_items(deliveries: list[Delivery]) -> list[BatchItem]:
    """The batch's reminders (one query), soonest deadline first, those without a deadline last; call it in the
    language of the message (the kinds' labels are translated here)."""
    reminders = Reminder.objects.filter(pk__in=[delivery.reminder_id for delivery in deliveries])
    never = datetime.datetime.max.replace(tzinfo=datetime.UTC)
    ordered = sorted(reminders, key=lambda reminder: (reminder.due_at or never, reminder.created_at, reminder.pk))
    return [
        BatchItem(
            kind=str(Kind(reminder.kind).label) if reminder.kind in Kind.values else reminder.kind,
            title=reminder.title,
            due=due_text(reminder.due_at),
            link=absolute_link(reminder.url),
        )
        for reminder in ordered
    ]
