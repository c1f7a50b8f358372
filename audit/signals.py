"""The sign-in events of the trail: Django's login, failed login and logout, and django-axes' lockout (connected in
audit/apps.py). A failed login keeps the username as it was typed and never the password: Django's signal carries
the credentials already cleansed, and only the username is read from them."""

from __future__ import annotations

from typing import Any

from audit.models import Action, Result
from audit.services import record

USERNAME_LIMIT = 150


def record_login(sender, *, request, user, **kwargs) -> None:
    record(Action.LOGIN, request=request, user=user)


def record_login_failed(sender, *, credentials: dict[str, Any], request=None, **kwargs) -> None:
    username = str(credentials.get("username") or "")[:USERNAME_LIMIT]
    record(Action.LOGIN_FAILED, request=request, username=username, result=Result.FAILED)


def record_logout(sender, *, request, user, **kwargs) -> None:
    if user is not None:  # a logout without a session signs no one out
        record(Action.LOGOUT, request=request, user=user)


def record_lockout(sender, *, request, username: str | None = None, **kwargs) -> None:
    record(Action.LOCKOUT, request=request, username=str(username or "")[:USERNAME_LIMIT], result=Result.DENIED)
