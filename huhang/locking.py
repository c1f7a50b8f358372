"""The two steps every state change of a record starts with, inside its transaction: lock the row, then check that
the change is possible from the state the row is in now (not the state the page was rendered in)."""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model

M = TypeVar("M", bound=Model)


def locked(instance: M, *related: str) -> M:
    """The row read again under SELECT … FOR UPDATE: a second writer waits, then sees what the first one wrote."""
    return type(instance)._default_manager.select_for_update().select_related(*related).get(pk=instance.pk)


def require_status(instance: Model, *statuses: str, message: str) -> None:
    """Refuses (code "state") unless the record's `status` is one of `statuses`; `message` names the status as
    %(status)s."""
    if instance.status not in statuses:
        raise ValidationError(message, code="state", params={"status": instance.get_status_display()})
