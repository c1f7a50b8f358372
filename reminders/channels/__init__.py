"""The ways a reminder leaves the portal. Each channel sends one message for a list of deliveries to the same
recipient (one delivery, or a daily digest) and raises `DeliveryError` when it could not."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reminders.models import Delivery


class DeliveryError(Exception):
    """The message did not go out; the text says why (it is shown to the bureau, so it names no secret)."""


def send(deliveries: list[Delivery]) -> None:
    from reminders.channels import dingtalk, email
    from reminders.models import Delivery

    channel = deliveries[0].channel
    if channel == Delivery.Channel.EMAIL:
        email.send(deliveries)
    elif channel == Delivery.Channel.DINGTALK:
        dingtalk.send(deliveries)
    else:  # pragma: no cover - the model's choices hold no other
        raise DeliveryError(f"unknown channel {channel}")
