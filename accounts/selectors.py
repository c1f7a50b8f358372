"""Every read of the logins; each query starts from the user's scope (accounts/login_scopes.py)."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from pypinyin import Style, lazy_pinyin

from accounts.models import User
from accounts.scopes import visible

USERNAME_FALLBACK = "user"


def _logins(user: User) -> QuerySet[User]:
    if not user.has_perm("accounts.manage_logins"):
        raise PermissionDenied
    return visible(user, User)


def login_list_for_user(*, user: User) -> QuerySet[User]:
    """The logins with what a list row shows (the contact's unit, the officer's division) in one query."""
    return _logins(user).select_related("unit", "division__city")


def login_get_for_user(*, user: User, pk: int) -> User:
    """One login to disable, enable or reset: 403 without the right, 404 when it does not exist."""
    try:
        return _logins(user).get(pk=pk)
    except User.DoesNotExist as missing:
        raise Http404 from missing


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
