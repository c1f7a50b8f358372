"""Session limits (MLPS 2.0 level 3): 30 minutes idle, 10 hours in all, one live session per staff login, and the
record of every signed-in browser (LoginSession) through which a user's sessions end at once.

Idleness is a last-seen stamp kept in the session, not SESSION_SAVE_EVERY_REQUEST with a 30-minute cookie: that
would write the session row on every request, and every request would count as activity, the reminders bell's
minute-by-minute poll included, so an open tab would never go idle. The stamp is rewritten at most once a minute
(ACTIVITY_GRANULARITY) and only by views that a person's action asks for (see `not_user_activity`).

A session ended from outside (a newer login, a disabled login, a reset password or second factor) is deleted, so
the browser is anonymous at its next request; its LoginSession row says why, and the middleware
(accounts/middleware.py) tells the user.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from accounts import signals
from accounts.client_ip import client_ip
from accounts.models import SECOND_FACTOR_REQUIRED_ROLES, SINGLE_SESSION_ROLES, LoginSession, User

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.http import HttpRequest

LOGIN_AT_KEY = "huhang_login_at"  # Unix seconds of the password login
SEEN_AT_KEY = "huhang_seen_at"  # Unix seconds of the last request a person made
ACTIVITY_GRANULARITY = 60  # seconds: the stamp is rewritten at most this often, so most requests write nothing

EndReason = LoginSession.EndReason


def not_user_activity(view: Callable) -> Callable:
    """Marks a view that a page calls by itself (a poll): it neither keeps the session alive nor is refused for it."""
    view.counts_as_activity = False
    return view


def _now() -> int:
    return int(time.time())


def session_started(sender, request: HttpRequest, user: User, **kwargs) -> None:
    """user_logged_in: stamps the session and records it; a staff login's older sessions end (one at a time)."""
    if request is None or not hasattr(request, "session"):
        return
    now = _now()
    request.session[LOGIN_AT_KEY] = now
    request.session[SEEN_AT_KEY] = now
    if request.session.session_key is None:
        request.session.save()
    key = request.session.session_key
    if user.role not in SECOND_FACTOR_REQUIRED_ROLES:
        end_other_sessions(request, user)  # else once the second factor is verified: a password alone ends nothing
    LoginSession.objects.update_or_create(
        session_key=key,
        defaults={
            "user": user,
            "ip": client_ip(request) or None,
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200],
            "started_at": timezone.now(),
            "ended_at": None,
            "end_reason": "",
        },
    )


def end_other_sessions(request: HttpRequest, user: User) -> None:
    """A staff login's sign-in is complete: its older sessions end (at most one live session per staff login)."""
    if user.role in SINGLE_SESSION_ROLES:
        key = request.session.session_key
        end_sessions(user=user, reason=EndReason.SUPERSEDED, request=request, keep_session_key=key)


def session_closed(sender, request: HttpRequest, user: User | None, **kwargs) -> None:
    """user_logged_out: the session the user signed out of (unless it already ended for another reason)."""
    if user is None or request is None or not hasattr(request, "session"):
        return
    key = request.session.session_key
    if key:
        _close(LoginSession.objects.filter(session_key=key, ended_at__isnull=True), EndReason.LOGOUT, request)


def _close(rows, reason: str, request: HttpRequest | None) -> list[LoginSession]:
    ended = list(rows.select_related("user"))
    if not ended:
        return ended
    now = timezone.now()
    LoginSession.objects.filter(pk__in=[row.pk for row in ended]).update(ended_at=now, end_reason=reason)
    for row in ended:
        row.ended_at, row.end_reason = now, reason
        signals.session_ended.send(sender=User, user=row.user, reason=reason, request=request, login_session=row)
    return ended


@transaction.atomic
def end_sessions(*, user: User, reason: str, request: HttpRequest | None = None, keep_session_key: str = "") -> int:
    """Ends the user's live sessions now (all but `keep_session_key`): one indexed query for the rows, one delete of
    their sessions. Returns how many ended."""
    live = LoginSession.objects.filter(user=user, ended_at__isnull=True)
    if keep_session_key:
        live = live.exclude(session_key=keep_session_key)
    ended = _close(live, reason, request)
    Session.objects.filter(session_key__in=[row.session_key for row in ended]).delete()
    return len(ended)


def rotate_session_key(request: HttpRequest, *, old_key: str | None = None) -> None:
    """A new session id after a privilege change (the second factor verified, a password changed), the LoginSession
    following it. `old_key`: the id before a rotation Django already made (update_session_auth_hash)."""
    if old_key is None:
        old_key = request.session.session_key
        request.session.cycle_key()
    new_key = request.session.session_key
    if old_key and new_key and old_key != new_key:
        LoginSession.objects.filter(session_key=old_key).update(session_key=new_key)


def expiry_reason(request: HttpRequest) -> str | None:
    """Why the signed-in session of this request is over, or None while it is within both limits.

    A session without stamps (signed in before the limits existed) starts counting now."""
    session = request.session
    now = _now()
    login_at = session.setdefault(LOGIN_AT_KEY, now)
    seen_at = session.setdefault(SEEN_AT_KEY, now)
    if now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds():
        return EndReason.ABSOLUTE
    if now - seen_at > settings.SESSION_IDLE_TIMEOUT.total_seconds():
        return EndReason.IDLE
    return None


def end_current_session(request: HttpRequest, reason: str) -> None:
    """Signs this browser out because a limit is reached (the LoginSession says which)."""
    key = request.session.session_key
    if key:
        _close(LoginSession.objects.filter(session_key=key, ended_at__isnull=True), reason, request)
    logout(request)


def note_activity(request: HttpRequest) -> None:
    now = _now()
    if now - request.session.get(SEEN_AT_KEY, 0) >= ACTIVITY_GRANULARITY:
        request.session[SEEN_AT_KEY] = now


def ended_reason(session_key: str) -> str | None:
    """Why the session a browser still names in its cookie ended (None: unknown, or the user signed out)."""
    row = (
        LoginSession.objects.filter(session_key=session_key, ended_at__isnull=False)
        .exclude(end_reason=EndReason.LOGOUT)
        .only("end_reason")
        .first()
    )
    return row.end_reason if row else None


def password_changed(request: HttpRequest, *, old_key: str | None) -> None:
    """After the user changed their password (update_session_auth_hash gave this session a new id): the record
    follows the new id and every other session of theirs ends."""
    rotate_session_key(request, old_key=old_key)
    end_sessions(
        user=request.user, reason=EndReason.CREDENTIALS, request=request, keep_session_key=request.session.session_key
    )
