"""Every read of the logins; each query starts from the user's scope (accounts/login_scopes.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, Max, OuterRef, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from pypinyin import Style, lazy_pinyin

from accounts.models import User
from accounts.scopes import visible

USERNAME_FALLBACK = "user"


def _logins(user: User, permission: str) -> QuerySet[User]:
    if not user.has_perm(permission):
        raise PermissionDenied
    return visible(user, User)


def login_list_for_user(*, user: User) -> QuerySet[User]:
    """The logins with what a list row shows (the contact's unit, the officer's division, whether a second factor
    is set up) in one query."""
    confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    return (
        _logins(user, "accounts.view_logins")
        .select_related("unit", "division__city")
        .annotate(has_second_factor=Exists(confirmed))
    )


def login_get_for_user(*, user: User, pk: int, permission: str) -> User:
    """One login to act on with `permission` (accounts/rules.py: manage_logins to disable or enable,
    manage_credentials to reset or move): 403 without the right, 404 when it does not exist."""
    try:
        return _logins(user, permission).select_related("unit", "division__city").get(pk=pk)
    except User.DoesNotExist as missing:
        raise Http404 from missing


@dataclass(frozen=True)
class Lockout:
    """A username locked out now: how many failures, from which addresses, and when the lock lifts."""

    username: str
    failures: int
    addresses: list[str]
    last_failure: datetime
    unlocks_at: datetime


@dataclass(frozen=True)
class AddressLockout:
    """A client address locked out now for failed logins of any usernames (password spraying)."""

    ip_address: str
    failures: int
    usernames: int
    last_failure: datetime
    unlocks_at: datetime


def address_lockouts_for_user(*, user: User) -> list[AddressLockout]:
    """The addresses over LOGIN_IP_FAILURE_LIMIT within the cool-off (accounts/lockout.py), newest first."""
    if not user.has_perm("accounts.manage_credentials"):
        raise PermissionDenied
    threshold = timezone.now() - settings.AXES_COOLOFF_TIME
    rows = (
        AccessAttempt.objects.filter(attempt_time__gte=threshold, ip_address__isnull=False)
        .values("ip_address")
        .annotate(
            failures=Sum("failures_since_start"),
            usernames=Count("username", distinct=True),
            last_failure=Max("attempt_time"),
        )
        .filter(failures__gte=settings.LOGIN_IP_FAILURE_LIMIT)
        .order_by("-last_failure")
    )
    return [
        AddressLockout(
            ip_address=row["ip_address"],
            failures=row["failures"],
            usernames=row["usernames"],
            last_failure=row["last_failure"],
            unlocks_at=row["last_failure"] + settings.AXES_COOLOFF_TIME,
        )
        for row in rows
    ]


def lockouts_for_user(*, user: User) -> list[Lockout]:
    """The usernames over the failure limit within the cool-off (django-axes' AccessAttempt rows), newest first,
    for the security administrator; known and unknown usernames alike (an unknown one shows who is being tried)."""
    if not user.has_perm("accounts.manage_credentials"):
        raise PermissionDenied
    threshold = timezone.now() - settings.AXES_COOLOFF_TIME
    rows = (
        AccessAttempt.objects.filter(attempt_time__gte=threshold)
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last_failure=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last_failure")
    )
    addresses: dict[str, set[str]] = {}
    usernames = [row["username"] for row in rows]
    for username, address in AccessAttempt.objects.filter(
        username__in=usernames, attempt_time__gte=threshold
    ).values_list("username", "ip_address"):
        addresses.setdefault(username, set()).add(address or "")
    return [
        Lockout(
            username=row["username"],
            failures=row["failures"],
            addresses=sorted(a for a in addresses.get(row["username"], ()) if a),
            last_failure=row["last_failure"],
            unlocks_at=row["last_failure"] + settings.AXES_COOLOFF_TIME,
        )
        for row in rows
    ]


def username_suggestion(*, name: str) -> str:
    """The name in pinyin (张伟 → zhangwei), with a number when taken (zhangwei2, zhangwei3 …), in one query.

    Taken is judged case-insensitively, as accounts.services judges it."""
    base = re.sub(r"[^0-9a-z]", "", "".join(lazy_pinyin(name, style=Style.NORMAL, errors="default")).lower())
    base = base[:140] or USERNAME_FALLBACK
    taken = {
        username.lower()
        for username in User.objects.filter(username__istartswith=base).values_list("username", flat=True)
    }
    number = 1
    while (candidate := base if number == 1 else f"{base}{number}") in taken:
        number += 1
    return candidate
