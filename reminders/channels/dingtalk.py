"""DingTalk group robots."""

from __future__ import annotations


def send(deliveries) -> None:
    raise NotImplementedError
