"""The accounts app's own events in the trail: second factor, sessions, credentials, roles, lockouts.

accounts sits below audit and may not import it, so it sends Django signals (accounts/signals.py) that audit/apps.py
connects here. The user an event is about is its record (accounts.user); who did it is the actor (a security
administrator) or, for one's own second factor, the user.
"""

from __future__ import annotations

from audit.models import Action, Result
from audit.services import record

SCOPE_CHANGES_RECORDED = "_audit_scope_changes"  # on the request: (label, pk) already recorded by audit/changes.py


def second_factor_verified(sender, *, user, request=None, recovery_code: bool = False, **kwargs) -> None:
    record(
        Action.SECOND_FACTOR,
        request=request,
        user=user,
        obj=user,
        detail={"event": "verified", "recovery_code": bool(recovery_code)},
    )


def second_factor_failed(sender, *, user, request=None, throttled: bool = False, **kwargs) -> None:
    record(
        Action.SECOND_FACTOR,
        request=request,
        user=user,
        obj=user,
        result=Result.FAILED,
        detail={"event": "failed", "throttled": bool(throttled)},
    )


def second_factor_enrolled(sender, *, user, request=None, **kwargs) -> None:
    record(Action.SECOND_FACTOR, request=request, user=user, obj=user, detail={"event": "enrolled"})


def recovery_codes_renewed(sender, *, user, request=None, **kwargs) -> None:
    record(Action.SECOND_FACTOR, request=request, user=user, obj=user, detail={"event": "recovery_codes_renewed"})


def second_factor_reset(sender, *, user, actor=None, request=None, **kwargs) -> None:
    record(Action.SECOND_FACTOR, request=request, user=actor, obj=user, detail={"event": "reset"})


def session_ended(sender, *, user, reason: str, request=None, **kwargs) -> None:
    if reason == "logout":
        return  # Django's user_logged_out has recorded it (audit/signals.py)
    record(Action.SESSION_ENDED, request=request, user=user, obj=user, detail={"reason": reason})


def credentials_reset(sender, *, user, actor=None, request=None, **kwargs) -> None:
    record(Action.PASSWORD, request=request, user=actor, obj=user, detail={"event": "reset"})


def role_changed(sender, *, user, actor=None, request=None, before=None, after=None, **kwargs) -> None:
    if ("accounts.user", user.pk) in getattr(request, SCOPE_CHANGES_RECORDED, set()):
        return  # the user's history has recorded this change, with its before and after (audit/changes.py)
    record(Action.ROLE_CHANGE, request=request, user=actor, obj=user, detail={"before": before, "after": after})


def lockout_cleared(sender, *, username: str, actor=None, request=None, **kwargs) -> None:
    record(
        Action.ADMINISTRATION,
        request=request,
        user=actor,
        object_type="accounts.user",
        object_repr=username[:200],
        detail={"event": "lockout_cleared", "username": username[:150]},
    )
