"""The reminders' background work: thin tasks over reminders/services.py and reminders/sending.py.

Beat (a single one: README, "Reminders") runs `find_reminders_task` every cycle and `queue_due_deliveries_task`
every minute; the deliveries themselves go out in `send_deliveries_task`, spread over the workers in chunks."""

from celery import shared_task

from reminders.sending import deliveries_due, deliveries_send
from reminders.services import SEND_CHUNK, reminders_find


@shared_task
def find_reminders_task(kinds: list[str] | None = None) -> int:
    """One finder cycle (or only the rules of `kinds`, when an event calls for them at once)."""
    return len(reminders_find(kinds=kinds).occasions)


@shared_task
def send_deliveries_task(ids: list[int]) -> int:
    """Sends the given deliveries that are still waiting and due; safe to run twice or on two workers at once."""
    return deliveries_send(ids=ids).sent


@shared_task
def queue_due_deliveries_task() -> int:
    """Spreads what has become due (the 9:00 digest, the end of quiet hours, retries) over the workers."""
    ids = deliveries_due()
    for start in range(0, len(ids), SEND_CHUNK):
        send_deliveries_task.delay(ids[start : start + SEND_CHUNK])
    return len(ids)
