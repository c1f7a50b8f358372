"""How personal data shows to a role that does not need it in full (PIPL: the least that serves the purpose).

A phone keeps its first 3 and last 4 digits (138****5678), an e-mail its first character and domain (z***@zju.edu.cn).
The audit trail never stores more than the masked form.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

MASK = "****"
Record = TypeVar("Record")


def mask_phone(phone: str) -> str:
    digits = phone.strip()
    if not digits:
        return ""
    if len(digits) <= 7:
        return digits[:1] + MASK
    return f"{digits[:3]}{MASK}{digits[-4:]}"


def mask_email(email: str) -> str:
    email = email.strip()
    if not email:
        return ""
    local, _at, domain = email.partition("@")
    if not domain:
        return local[:1] + MASK
    return f"{local[:1]}{MASK}@{domain}"


def is_masked(value: str) -> bool:
    """A value as `mask_phone` or `mask_email` wrote it (an export sent back to the import keeps the stored value)."""
    return MASK in value


def show_contact_details(records: Iterable[Record], *, in_full: bool) -> list[Record]:
    """The records (contacts, people) with `shown_phone` and `shown_email` set for a template: in full, or masked.
    Which it is, each app decides in one place (units.selectors.contacts_for_display, teams' team page)."""
    shown = list(records)
    for record in shown:
        record.shown_phone = record.phone if in_full else mask_phone(record.phone)
        record.shown_email = record.email if in_full else mask_email(record.email)
    return shown
