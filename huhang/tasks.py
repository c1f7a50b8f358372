"""Project-wide tasks: the health check's round trip and beat's heartbeat."""

import logging

from celery import shared_task
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task
def ping_task() -> str:
    """Answers from a worker, so /healthz can tell that the broker delivers and a worker runs."""
    return "pong"


@shared_task
def heartbeat_task() -> str:
    now = timezone.now().isoformat()
    logger.info("heartbeat at %s", now)
    return now
