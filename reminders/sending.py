"""The outbox's sender: each delivery goes out once.

A delivery is claimed with `SELECT … FOR UPDATE SKIP LOCKED` in its own transaction, sent, and marked sent (or
failed) before that transaction commits. So two workers given the same ids never both send one (the second skips
the locked row, or finds it sent once the first committed: PostgreSQL re-reads a row it locks); a worker killed
mid-batch loses its lock with its connection, and the delivery it was sending is still waiting for the next run;
every delivery committed as sent stays sent. A recipient's daily digest is claimed whole, under a lock of the
recipient, so two workers never split it into two messages. The one message a kill can double is the one whose
recipient's server had taken it and answered in the instant before the commit (README, "Exactly once").

A failed try waits (1, 5, 30, 120 minutes) and is tried again, never at night; after the fifth it is marked failed
and listed on the bureau's outbox page, which can resend it.

On SQLite (`make run`) row locks do not exist, but a transaction takes the database's write lock when it begins
(settings: IMMEDIATE), so two senders in one database still claim one after the other.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from huhang.workdays import is_quiet, sending_time
from reminders import channels
from reminders.models import Delivery

logger = logging.getLogger(__name__)

BACKOFF_MINUTES = (1, 5, 30, 120)
MAX_ATTEMPTS = len(BACKOFF_MINUTES) + 1
ERROR_LENGTH = 500
# The queue's order: soonest first, and a recipient's rows side by side, so that the chunks the workers take
# (reminders.tasks) hold a recipient's whole daily digest rather than a part of it each.
QUEUE_ORDER = ("not_before", "channel", "user_id", "team_id", "pk")


@dataclass
class SendResult:
    sent: int = 0  # deliveries (a digest of three counts three)
    messages: int = 0  # e-mails and group posts that went out
    retrying: int = 0
    failed: int = 0


def deliveries_due(*, now: datetime.datetime | None = None, limit: int | None = 1000) -> list[int]:
    """The ids of the deliveries waiting and due (quiet hours over, the digest's hour come, backoff done)."""
    now = now or timezone.now()
    if is_quiet(now):
        return []
    return list(
        Delivery.objects.filter(status=Delivery.Status.PENDING, not_before__lte=now)
        .order_by(*QUEUE_ORDER)
        .values_list("pk", flat=True)[:limit]
    )


def deliveries_send(
    *, ids: Iterable[int] | None = None, now: datetime.datetime | None = None, limit: int = 1000
) -> SendResult:
    """Sends the due deliveries among `ids` (all due ones when None), each at most once, at most `limit` messages.
    A digest delivery takes with it every other due digest delivery to the same recipient, in one message."""
    now = now or timezone.now()
    result = SendResult()
    if is_quiet(now):
        return result
    ids = None if ids is None else list(ids)
    for _message in range(limit):
        with transaction.atomic():
            waiting = Delivery.objects.filter(status=Delivery.Status.PENDING, not_before__lte=now)
            chosen = waiting if ids is None else waiting.filter(pk__in=ids)
            batch = _claim(chosen, waiting)
            if batch is None:
                break
            if batch:
                _send_batch(batch, now=now, result=result)
    return result


def _claim(chosen: QuerySet[Delivery], waiting: QuerySet[Delivery]) -> list[Delivery] | None:
    """The next message's deliveries, locked until the caller's transaction ends: one delivery that goes on its own,
    or a recipient's whole due digest. None when nothing is left; empty when the digest looked at was sent by another
    worker meanwhile.

    A delivery on its own is taken with SKIP LOCKED: a worker passes over what another one holds. A digest is not:
    two workers that each took a part of one recipient's digest would send it as two messages. So the claims of a
    recipient's digest are serialised on a lock of that recipient, taken before any of its rows; the second worker
    waits for the first, then finds the rows sent (PostgreSQL re-reads a row it locks) and moves on."""
    single = chosen.filter(digest=False).select_for_update(skip_locked=True).order_by(*QUEUE_ORDER).first()
    if single is not None:
        return [single]
    digest = chosen.filter(digest=True).order_by(*QUEUE_ORDER).first()
    if digest is None:
        return None
    _lock_recipient(digest)
    recipient = {"channel": digest.channel, "user_id": digest.user_id, "team_id": digest.team_id}
    return list(waiting.filter(digest=True, **recipient).select_for_update().order_by(*QUEUE_ORDER))


# Namespaces of the recipients' digest locks (PostgreSQL advisory locks take two 32-bit keys).
DIGEST_LOCK_NAMESPACES = {Delivery.Channel.EMAIL: 0x68680001, Delivery.Channel.DINGTALK: 0x68680002}


def _lock_recipient(delivery: Delivery) -> None:
    """Until the transaction ends, no other worker claims this recipient's digest. On SQLite there is nothing to do:
    a transaction holds the database's write lock from its start (settings: IMMEDIATE)."""
    if connection.vendor != "postgresql":
        return
    recipient = delivery.user_id if delivery.channel == Delivery.Channel.EMAIL else delivery.team_id
    with connection.cursor() as cursor:
        # Two recipients sharing a key (ids beyond 2**31) only wait for each other; neither sends twice.
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s::int4, %s::int4)",
            [DIGEST_LOCK_NAMESPACES[delivery.channel], recipient % 2**31],
        )


def _send_batch(batch: list[Delivery], *, now: datetime.datetime, result: SendResult) -> None:
    """Sends one message for the batch and records the outcome on its rows, inside the claiming transaction."""
    ids = [delivery.pk for delivery in batch]
    try:
        # A savepoint: a channel that fails on a database error must not leave the claim's transaction unusable,
        # or the failure could not be recorded and the delivery would be tried again at once, for ever.
        with transaction.atomic():
            channels.send(batch)
    except Exception as error:  # any failure of a channel is retried, and shown to the bureau after the last try
        message = (str(error) or error.__class__.__name__)[:ERROR_LENGTH]
        logger.warning("deliveries %s failed: %s", ids, message)
        # A digest's rows may have been tried a different number of times (one joined it after a failure): each
        # row keeps its own count, and gives up after its own last try.
        for delivery in batch:
            delivery.attempts += 1
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.status = Delivery.Status.FAILED
                result.failed += 1
            else:
                delay = datetime.timedelta(minutes=BACKOFF_MINUTES[delivery.attempts - 1])
                delivery.not_before = sending_time(now + delay)
                result.retrying += 1
            delivery.last_error = message
        Delivery.objects.bulk_update(batch, ["status", "attempts", "not_before", "last_error"])
        return
    sent_at = timezone.now()
    for delivery in batch:
        delivery.status, delivery.sent_at, delivery.attempts = Delivery.Status.SENT, sent_at, delivery.attempts + 1
    Delivery.objects.bulk_update(batch, ["status", "sent_at", "attempts"])
    result.sent += len(batch)
    result.messages += 1
