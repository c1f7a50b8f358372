"""The login lockout's rules, on top of django-axes (settings: AXES_*, LOGIN_IP_FAILURE_LIMIT).

A username is locked for AXES_COOLOFF_TIME after AXES_FAILURE_LIMIT failed logins, from whatever addresses; an
address is locked for the same time after LOGIN_IP_FAILURE_LIMIT failures of any usernames (password spraying).
Axes counts both parameters against one limit, so the handler below weighs them separately. A successful login
before the limit forgets the username's failures only: an attacker's own account cannot clear their address's count.
Unknown usernames are counted and locked like known ones, and get the same page, so neither reveals which exist.
The unlock before the time is up: `manage.py axes_reset_username <username>` (or axes_reset_ip <address>).
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def _recent_attempts(request: HttpRequest) -> QuerySet[AccessAttempt]:
    return AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))


def _failures(attempts: QuerySet[AccessAttempt]) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class LoginLockoutHandler(AxesDatabaseHandler):
    """settings.AXES_HANDLER: the database handler with a username limit and a separate, higher address limit."""

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        # Axes compares this number with AXES_FAILURE_LIMIT: an address over its own limit counts as a username that
        # reached the username limit.
        recent = _recent_attempts(request)
        username_failures = _failures(recent.filter(username=get_client_username(request, credentials)))
        if _failures(recent.filter(ip_address=request.axes_ip_address)) >= settings.LOGIN_IP_FAILURE_LIMIT:
            return max(username_failures, settings.AXES_FAILURE_LIMIT)
        return username_failures

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        count, _ = AccessAttempt.objects.filter(username=get_client_username(request, credentials)).delete()
        return count


def unlocks_at(request: HttpRequest, credentials: dict | None = None) -> datetime:
    """When the lock on this request's username or address lifts, at the latest (rounded up to the minute)."""
    recent = _recent_attempts(request)
    locks = []
    username_attempts = recent.filter(username=get_client_username(request, credentials))
    if _failures(username_attempts) >= settings.AXES_FAILURE_LIMIT:
        locks.append(username_attempts)
    address_attempts = recent.filter(ip_address=request.axes_ip_address)
    if _failures(address_attempts) >= settings.LOGIN_IP_FAILURE_LIMIT:
        locks.append(address_attempts)
    last_failures = [attempts.aggregate(last=Max("attempt_time"))["last"] for attempts in locks]
    last_failure = max((time for time in last_failures if time), default=request.axes_attempt_time)
    unlock = last_failure + get_cool_off(request)
    return datetime.fromtimestamp(math.ceil(unlock.timestamp() / 60) * 60, tz=unlock.tzinfo)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """settings.AXES_LOCKOUT_CALLABLE: the same page for a known and an unknown username, saying when to try again."""
    context: dict[str, Any] = {"unlocks_at": timezone.localtime(unlocks_at(request, credentials))}
    return render(request, "accounts/login_locked.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
