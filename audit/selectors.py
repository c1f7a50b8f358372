"""Reads of the audit trail, always through the user's scope (audit/scopes.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from accounts.scopes import visible
from audit.models import AuditEvent

if TYPE_CHECKING:
    from accounts.models import User


def audit_events_for_user(*, user: User) -> QuerySet[AuditEvent]:
    """The events the user may read, newest first, with the user's name in the same query."""
    return visible(user, AuditEvent).select_related("user").order_by("-at", "-pk")


def unit_reads_for_user(*, user: User) -> QuerySet[AuditEvent]:
    """For a unit's contact: who in the programme opened the unit's records (the scope holds only those)."""
    return audit_events_for_user(user=user)
