"""The one way to write the audit trail: `record` (`record_many` for the bulk paths). Every app above accounts calls
it for what it must trace."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from accounts.client_ip import client_ip
from audit.models import Action, AuditEvent, Result
from huhang.bulk import built, bulk_insert

if TYPE_CHECKING:
    from django.db.models import Model
    from django.http import HttpRequest

    from accounts.models import User


# The parents through which a record belongs to a unit: an attachment's activity or request, a measure's version, a
# version's plan. Each is a foreign key named so on the record.
UNIT_PARENTS = ("activity", "request", "version", "plan")


def _unit_id_of(obj: Model | None) -> int | None:
    """The unit a record belongs to: the unit itself, the record's `unit_id` (plans, requests, activities …), or its
    parent's (attachments, measures, versions)."""
    if obj is None:
        return None
    if obj._meta.label == "units.Unit":
        return obj.pk
    if hasattr(obj, "unit_id"):
        return obj.unit_id
    for parent in UNIT_PARENTS:
        if getattr(obj, f"{parent}_id", None) is not None:
            return _unit_id_of(getattr(obj, parent))
    return None


def audit_event(
    action: Action,
    *,
    request: HttpRequest | None = None,
    user: User | None = None,
    result: Result = Result.OK,
    obj: Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    unit_id: int | None = None,
    username: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """The event `record` appends, not yet saved: bulk paths build many and append them with `record_many`."""
    if user is None and request is not None and getattr(request, "user", None) is not None:
        user = request.user if request.user.is_authenticated else None
    # built: the same instance as AuditEvent(**fields), quicker for the bulk paths' thousands of events.
    return built(
        AuditEvent,
        {
            "user": user,
            "username": username or (user.get_username() if user is not None else ""),
            "role": getattr(user, "role", "") or "",
            "ip": client_ip(request) or None if request is not None else None,
            "action": action,
            "result": result,
            "object_type": object_type or (obj._meta.label_lower if obj is not None else ""),
            "object_id": str(object_id or (obj.pk if obj is not None else "")),
            "object_repr": (object_repr or (str(obj) if obj is not None else ""))[:200],
            "unit_id": unit_id if unit_id is not None else _unit_id_of(obj),
            "path": (request.get_full_path() if request is not None else "")[:300],
            "detail": detail or {},
        },
    )


def record(action: Action, **fields: Any) -> AuditEvent:
    """Appends one event. `user` defaults to the request's signed-in user; `obj` fills the record's type, id, name
    and unit. `detail` must already be masked: no password, token, secret or full phone number."""
    event = audit_event(action, **fields)
    event.save(force_insert=True)
    return event


def record_many(events: list[AuditEvent]) -> None:
    """Appends events built by `audit_event`, thousands in one statement (the unit import's changes)."""
    bulk_insert(events)
