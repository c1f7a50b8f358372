"""Every create, update and delete of a business record, with its before and after, from django-simple-history.

Each model with HistoricalRecords writes a historical row on save and delete; its post_create_historical_record signal
(connected in audit/apps.py) turns that row into an audit event: the history's user (HistoryRequestMiddleware sets it
from the request), the request's client address when there is a request, and the changed fields as
{field: [before, after]} — phones and e-mails masked (huhang/masking.py), secrets left out, and a long text (a plan's
measures, a request's question) replaced by its length and digest: the audit administrator sees that and when it
changed, and can match it against the record's history, without reading the programme's content (三员分立).
A change of a user's role or binding (division, unit, active) and of a team's membership is a change of what someone
may read: it is recorded as ROLE_CHANGE, so the audit administrator finds every change of a role or a scope at once.
"""

from __future__ import annotations

import datetime
import decimal
import functools
import hashlib
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Model
from django.forms.models import model_to_dict
from simple_history.models import HistoricalRecords

from audit.account_events import SCOPE_CHANGES_RECORDED
from audit.models import Action, AuditEvent
from audit.services import audit_event, record_many
from huhang.masking import mask_email, mask_phone

TEXT_LIMIT = 80  # characters of a value kept as it is (names, statuses, dates); a longer text keeps its digest
SECRET_WORDS = ("password", "token", "secret", "otp", "key", "cipher")
HISTORY_ACTIONS = {"+": Action.CREATE, "~": Action.UPDATE, "-": Action.DELETE}
OPERATIONS = {"+": "create", "~": "update", "-": "delete"}
# Who may read what follows from these (accounts/access.py, teams/scopes.py).
SCOPE_FIELDS = {"accounts.user": {"role", "division", "unit", "is_active", "contact"}}
SCOPE_MODELS = {"teams.membership"}


def masked(field: str, value: Any) -> Any:
    """A value as the trail may keep it: JSON-safe, personal data masked, long texts shortened."""
    if type(value) is str:  # most values (names, statuses): straight to the text's rule, the same as below
        return _masked_text(field, value)
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [masked(field, item) for item in value]
    return _masked_text(field, value if isinstance(value, str) else str(value))


def _masked_text(field: str, text: str) -> Any:
    mask = _personal_mask(field)
    if mask is not None:
        return mask(text)
    if len(text) <= TEXT_LIMIT:
        return text
    return {"length": len(text), "sha256": hashlib.sha256(text.encode()).hexdigest()}


@functools.lru_cache(maxsize=1_024)
def _personal_mask(field: str) -> Callable[[str], str] | None:
    """How a field's text is masked, by its name (a phone, an e-mail), or None: the same for every value of it."""
    name = field.lower()
    if "phone" in name or "mobile" in name:
        return mask_phone
    if "email" in name:
        return mask_email
    return None


def _is_secret(field: str) -> bool:
    return any(word in field.lower() for word in SECRET_WORDS)


def _tracked(history: Model) -> list[str]:
    return _tracked_fields(type(history))


@functools.cache
def _tracked_fields(history_model: type[Model]) -> list[str]:
    return sorted(f.name for f in history_model.tracked_fields if f.editable and not _is_secret(f.name))


def _previous(history: Model, instance: Model) -> Model | None:
    pk_name = instance._meta.pk.attname
    return (
        type(history)
        ._default_manager.filter(**{pk_name: getattr(history, pk_name)}, history_id__lt=history.history_id)
        .order_by("-history_id")
        .first()
    )


def changed_fields(history: Model, instance: Model, previous: Model | None = None) -> dict[str, list[Any]]:
    """{field: [before, after]}, masked: every set field of a create or delete, the changed ones of an update (against
    `previous`, the record's history row before this one, read from the database when not given)."""
    fields = _tracked(history)
    if history.history_type == "~":
        previous = previous or _previous(history, instance)
        if previous is not None:
            delta = history.diff_against(previous, included_fields=fields)
            return {c.field: [masked(c.field, c.old), masked(c.field, c.new)] for c in delta.changes}
    values = model_to_dict(history, fields=fields)
    if history.history_type == "-":
        return {name: [masked(name, value), None] for name, value in values.items() if value not in (None, "")}
    return {name: [None, masked(name, value)] for name, value in values.items() if value not in (None, "")}


def record_history(sender, *, instance: Model, history_instance: Model, history_user=None, **kwargs) -> None:
    """simple_history's post_create_historical_record receiver."""
    event = _history_event(instance, history_instance, history_user)
    if event is not None:
        event.save(force_insert=True)


def record_bulk_history(changes: Iterable[tuple[Model, Model, Model | None]]) -> None:
    """What `record_history` appends, for history rows written by simple_history's `bulk_history_create`, which sends
    no signal: the bulk paths (the unit import) call it with each (instance, history row, previous history row or
    None), so that their thousands of changes reach the trail as if saved one at a time, in a few inserts."""
    request = getattr(HistoricalRecords.context, "request", None)  # once: a thread-local read is slow
    events = (
        _history_event(instance, history, history.history_user, previous, request=request)
        for instance, history, previous in changes
    )
    record_many([event for event in events if event is not None])


_UNREAD = object()


def _history_event(
    instance: Model, history_instance: Model, history_user, previous: Model | None = None, *, request: Any = _UNREAD
) -> AuditEvent | None:
    changes = changed_fields(history_instance, instance, previous)
    if history_instance.history_type == "~" and not changes:
        return None  # a save that changed nothing is no change
    label = instance._meta.label_lower
    scope_fields = SCOPE_FIELDS.get(label, set())
    # A new login is a creation (its role is in its fields); a later change of its role or binding is a scope change.
    is_update = history_instance.history_type == "~"
    is_scope_change = label in SCOPE_MODELS or (is_update and bool(scope_fields.intersection(changes)))
    action = Action.ROLE_CHANGE if is_scope_change else HISTORY_ACTIONS[history_instance.history_type]
    if request is _UNREAD:
        request = getattr(HistoricalRecords.context, "request", None)
    if is_scope_change and request is not None:
        recorded = getattr(request, SCOPE_CHANGES_RECORDED, set())
        setattr(request, SCOPE_CHANGES_RECORDED, recorded | {(label, instance.pk)})
    return audit_event(
        action,
        request=request,
        user=history_user if getattr(history_user, "pk", None) else None,
        obj=instance,
        detail={"operation": OPERATIONS[history_instance.history_type], "changes": changes},
    )
