"""The figures the busiest pages read — the dashboard, the province report, the scorecards — built once per part of
the programme and kept in the cache until a record they count changes (huhang/freshness.py: every write to the
counted apps' tables bumps the version in the key) or CACHE_SECONDS pass, as some figures move with the clock alone
(requests falling past due, units reaching 60 days without contact).

Cached figures are shared only by users who would build the same ones: the bureau's staff (the whole province, the
same permissions), the officers of one division; a team member's are their own. The key also holds the language
(labels are translated when built) and the day. After a change, one process rebuilds each set of figures while the
others wait for its result (_build_once)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

from accounts.models import Role
from huhang.freshness import records_version

if TYPE_CHECKING:
    import datetime
    from collections.abc import Callable

    from accounts.models import User
    from reports.dashboard.parts import Dashboard
    from reports.document import ReportDocument
    from reports.periods import Period
    from reports.scorecard import ScoreRow

T = TypeVar("T")

CACHE_SECONDS = 60
# A rebuild after a change (_build_once): the lock lapses after BUILD_LOCK_SECONDS should its builder die (at 100×
# the bureau's builds take about a second); the others look for its result every BUILD_POLL_SECONDS, up to
# BUILD_WAIT_SECONDS, then build themselves.
BUILD_LOCK_SECONDS = 30
BUILD_WAIT_SECONDS = 20
BUILD_POLL_SECONDS = 0.05


def cached_for_user(name: str, *parts: Any, user: User, build: Callable[[str], T]) -> T:
    """What `build` returns for the user's part of the programme, from the cache while nothing it counts changed.
    `build` gets the key, under which (with a suffix) the page caches its HTML: from the version read before the
    figures, so that HTML is never stored under a newer version than the figures it shows."""
    key = _key(name, user, parts)
    found = cache.get(key)
    if found is None:
        found = _build_once(key, build)
    return found


def _build_once(key: str, build: Callable[[str], T]) -> T:
    """Build the figures of `key` in one process at a time: after a write, every viewer arriving while the
    bureau's figures are rebuilt (seconds at national scale) would otherwise rebuild them too, each slowing the
    others down. The first takes a short lock (`cache.add`, atomic in Redis and in the local memory cache) and
    builds; the others wait for its result, up to BUILD_WAIT_SECONDS, then build themselves.

    Waiting never shows a stale figure: the key holds the records version its reader read, so a waiter gets the
    figures of the version it would have built itself, and a reader arriving after a change reads a newer
    version, whose key has no lock yet. Serving the previous version's figures during the rebuild would be
    faster, and is what "never stale after a change" rules out."""
    lock = f"{key}:building"
    if not cache.add(lock, True, BUILD_LOCK_SECONDS):
        deadline = time.monotonic() + BUILD_WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(BUILD_POLL_SECONDS)
            found = cache.get(key)
            if found is not None:
                return found
            if not cache.add(lock, True, BUILD_LOCK_SECONDS):
                continue
            # The lock was released: stored between our look and the release, or the builder failed (an error).
            found = cache.get(key)
            if found is not None:
                cache.delete(lock)
                return found
            break  # build under our own lock
        else:
            return _build_and_store(key, build)  # waited long enough: the builder may be gone
    try:
        return _build_and_store(key, build)
    finally:
        cache.delete(lock)


def _build_and_store(key: str, build: Callable[[str], T]) -> T:
    found = build(key)
    cache.set(key, found, CACHE_SECONDS)
    return found


def _key(name: str, user: User, parts: tuple) -> str:
    today = timezone.localdate().isoformat()
    return ":".join(map(str, ("reports", name, _scope(user), get_language(), today, records_version(), *parts)))


def _scope(user: User) -> str:
    if user.role == Role.BUREAU:
        return "bureau"
    if user.role == Role.OFFICER:
        return f"officer-{user.division_id}"
    return f"{user.role}-{user.pk}"


def cached_dashboard_for_user(*, user: User) -> Dashboard:
    """The dashboard (reports/dashboard/), its page's HTML cached under its cache_key."""
    from reports.dashboard import dashboard_for_user

    def build(key: str) -> Dashboard:
        dashboard = dashboard_for_user(user=user)
        dashboard.cache_key, dashboard.cache_seconds = f"{key}:html", CACHE_SECONDS
        return dashboard

    return cached_for_user("dashboard", user=user, build=build)


def cached_province_report(
    *, user: User, period: Period, city_code: str | None, today: datetime.date, list_limit: int
) -> ReportDocument:
    """The province report's document (reports/documents.py), its parts' HTML cached under its cache_key."""
    from reports.documents import province_report_document

    def build(key: str) -> ReportDocument:
        document = province_report_document(
            user=user, period=period, city_code=city_code, today=today, list_limit=list_limit
        )
        document.cache_key, document.cache_seconds = f"{key}:html", CACHE_SECONDS
        return document

    return cached_for_user("province", period.code, city_code, list_limit, user=user, build=build)


def cached_scorecards(*, user: User, period: Period, today: datetime.date) -> list[ScoreRow]:
    from reports.scorecard import scorecards

    return cached_for_user(
        "scorecards", period.code, user=user, build=lambda _key: scorecards(user=user, period=period, today=today)
    )
