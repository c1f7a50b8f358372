"""The outbox's sender: each delivery goes out once.

A delivery is claimed with `SELECT … FOR UPDATE SKIP LOCKED` in its own transaction, sent, and marked sent (or
failed) before that transaction commits. So two workers given the same ids never both send one (the second skips
the locked row, then finds it sent); a worker killed mid-batch loses its lock with its connection, and the delivery
it was sending is still waiting for the next run; every delivery committed as sent stays sent. The one message a
kill can double is the one whose recipient had answered in the instant before the commit (documented in README).

A failed try waits (1, 5, 30, 120 minutes) and is tried again, never at night; after the fifth it is marked failed
and listed on the bureau's outbox page, which can resend it.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from huhang.workdays import is_quiet, sending_time
from reminders import channels
from reminders.models import Delivery

logger = logging.getLogger(__name__)

BACKOFF_MINUTES = (1, 5, 30, 120)
MAX_ATTEMPTS = len(BACKOFF_MINUTES) + 1
ERROR_LENGTH = 500


@dataclass
class SendResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def deliveries_due(*, now: datetime.datetime | None = None, limit: int = 1000) -> list[int]:
    """The ids of the deliveries waiting and due (quiet hours over, the digest's hour come, backoff done)."""
    now = now or timezone.now()
    if is_quiet(now):
        return []
    return list(
        Delivery.objects.filter(status=Delivery.Status.PENDING, not_before__lte=now)
        .order_by("not_before", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def deliveries_send(
    *, ids: Iterable[int] | None = None, now: datetime.datetime | None = None, limit: int = 1000
) -> SendResult:
    """Sends the due deliveries among `ids` (all due ones when None), each at most once. A digest delivery takes
    with it every other due digest delivery to the same recipient, in one message."""
    now = now or timezone.now()
    result = SendResult()
    if is_quiet(now):
        return result
    ids = None if ids is None else list(ids)
    for _step in range(limit):
        with transaction.atomic():
            waiting = Delivery.objects.filter(status=Delivery.Status.PENDING, not_before__lte=now)
            chosen = waiting if ids is None else waiting.filter(pk__in=ids)
            first = chosen.select_for_update(skip_locked=True).order_by("not_before", "pk").first()
            if first is None:
                break
            batch = [first]
            if first.digest:
                batch += list(
                    waiting.select_for_update(skip_locked=True)
                    .filter(digest=True, channel=first.channel, user_id=first.user_id, team_id=first.team_id)
                    .exclude(pk=first.pk)
                    .order_by("not_before", "pk")
                )
            _send_batch(batch, now=now, result=result)
    return result


def _send_batch(batch: list[Delivery], *, now: datetime.datetime, result: SendResult) -> None:
    ids = [delivery.pk for delivery in batch]
    try:
        channels.send(batch)
    except Exception as error:  # any failure of a channel is retried, and shown to the bureau after the last try
        attempts = batch[0].attempts + 1
        message = (str(error) or error.__class__.__name__)[:ERROR_LENGTH]
        logger.warning("delivery %s failed (try %s): %s", ids, attempts, message)
        if attempts >= MAX_ATTEMPTS:
            Delivery.objects.filter(pk__in=ids).update(
                status=Delivery.Status.FAILED, attempts=attempts, last_error=message
            )
            result.failed += len(batch)
        else:
            retry_at = sending_time(now + datetime.timedelta(minutes=BACKOFF_MINUTES[attempts - 1]))
            Delivery.objects.filter(pk__in=ids).update(attempts=attempts, last_error=message, not_before=retry_at)
            result.retrying += len(batch)
        return
    Delivery.objects.filter(pk__in=ids).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), attempts=batch[0].attempts + 1
    )
    result.sent += len(batch)
