"""What each role's home page shows: first what waits for the user — each a count and the first rows, with a link
to the whole list — then the figures of their corner of the programme. Every figure is read through the role's
scope (reports/selectors.py and the archive's selectors) and computed in SQL, in a number of queries that does not
grow with the programme."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from archives import selectors as archive
from archives.filters import AWAITING_ME
from plans.selectors import approval_queue_for_user
from reports import selectors, unit_list
from reports.caching import CACHE_SECONDS, cached_for_user
from reports.feedback import feedback_prompt_for_user
from teams.unit_list import NOT_ASSIGNED

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from accounts.models import User


HOME_ROWS = 5  # the first rows of each list of what waits; its "view all" link leads to the whole list
HOME_UNITS = 20  # the home page lists a team member's first units; the unit list has them all
HOME_REQUESTS = 10  # open requests on a unit's home; the request list has them all
HOME_SERVICES = 5  # the latest services a unit received


@dataclass(frozen=True)
class FirstRows:
    """The first rows of a list and how many it holds in all."""

    rows: Sequence[Any]
    total: int

    @property
    def more(self) -> int:
        """How many rows the home page leaves to the whole list."""
        return self.total - len(self.rows)

    def __bool__(self) -> bool:
        return self.total > 0


def first_rows(rows: QuerySet, *, limit: int = HOME_ROWS, total: int | None = None) -> FirstRows:
    """The first `limit` rows of `rows` and their total: `total` when the caller counted it already, else counted
    in SQL — and only when the first rows fill the limit, as a shorter list is the whole list."""
    if total == 0:  # counted already (the dashboard's figures): nothing to read
        return FirstRows(rows=[], total=0)
    return _bounded(list(rows[:limit]), limit=limit, count=(lambda: total) if total is not None else rows.count)


def _bounded(rows: list, *, limit: int, count: Callable[[], int]) -> FirstRows:
    return FirstRows(rows=rows, total=len(rows) if len(rows) < limit else count())


@dataclass(frozen=True)
class AdminPage:
    label: str
    text: str
    url: str
    icon: str


# An administrator's pages, each behind the permission that opens it (accounts/rules.py, audit/rules.py).
ADMIN_PAGES = [
    (
        "accounts.view_logins",
        _("Logins"),
        _("Create, disable and enable logins; reset credentials."),
        "accounts:login_list",
        "person-lock",
    ),
    ("accounts.view_user", _("Administration"), _("Django's administration of the logins."), "admin:index", "gear"),
    (
        "audit.view_trail",
        _("Audit trail"),
        _("Search and export every sign-in, denial, change, read and export."),
        "audit:list",
        "journal-check",
    ),
]


def administrator_pages(user: User) -> list[AdminPage]:
    return [
        AdminPage(label=label, text=text, url=reverse(url_name), icon=icon)
        for permission, label, text, url_name, icon in ADMIN_PAGES
        if user.has_perm(permission)
    ]


def home_context(user: User) -> dict[str, Any]:
    """What the user's home shows, read from the cache while no record it counts has changed (reports/caching.py):
    the home is every user's first page and reads counts and first rows across their scope. The key holds the
    user's division and unit as well, which the scopes of officers and unit contacts follow. The page caches its
    HTML under `cache_key`, made from the figures' key, so that it never shows other figures than these."""
    today = timezone.localdate()
    if user.role == Role.BUREAU:
        return {"today": today, **_bureau(user)}

    def build(key: str) -> dict[str, Any]:
        return {**_figures(user, today), "cache_key": f"{key}:html", "cache_seconds": CACHE_SECONDS}

    return {"today": today, **cached_for_user("home", user.division_id, user.unit_id, user=user, build=build)}


def _figures(user: User, today: datetime.date) -> dict[str, Any]:
    units = selectors.listed_units_for_user(user=user)
    context: dict[str, Any] = {}
    if user.role == Role.OFFICER:
        context.update(
            unit_count=units.count(),
            division=user.division,
            requests=archive.request_figures_for_user(user=user),
            referrals=_referrals_awaiting_reply(user),
            referrals_url=_list_url("archives:request_list", referral=AWAITING_ME),
        )
    elif user.role == Role.TEAM_MEMBER:
        context.update(
            unit_count=units.count(),
            my_units=list(units.select_related("division__city").order_by("name")[:HOME_UNITS]),
            returned_plans=first_rows(selectors.returned_plans_for_user(user=user)),
            drafts_past_due=first_rows(selectors.drafts_past_due_for_user(user=user)),
            measures_due=first_rows(
                selectors.measures_owned_by(user=user, due_within=selectors.MEASURE_HORIZON_DAYS, today=today)
            ),
            measure_horizon=selectors.MEASURE_HORIZON_DAYS,
            waiting_requests=first_rows(archive.requests_awaiting_team_for_user(user=user)),
            requests=archive.request_figures_for_user(user=user),
            referrals=_referrals_awaiting_reply(user),
            referrals_url=_list_url("archives:request_list", referral=AWAITING_ME),
        )
    elif user.role == Role.EXPERT:
        invited_requests = archive.requests_invited_for_user(user=user)
        invited_activities = archive.activities_invited_for_user(user=user)
        context.update(
            invited_requests=first_rows(invited_requests),
            requests_awaiting=invited_requests.filter(awaiting_opinion=True).count(),
            invited_activities=first_rows(invited_activities),
            activities_awaiting=invited_activities.filter(awaiting_opinion=True).count(),
        )
    elif user.role == Role.UNIT_CONTACT:
        unit = selectors.own_unit_for_user(user=user)
        context["unit"] = unit
        if unit is not None:
            context.update(
                plan_progress=selectors.plan_progress_for_user(user=user),
                open_requests=archive.open_requests_for_user(user=user, limit=HOME_REQUESTS),
                recent_activities=archive.recent_activities_for_user(user=user, limit=HOME_SERVICES),
                # In the last month of a half year and until its report is due: the feedback on the team (意见建议).
                feedback=feedback_prompt_for_user(user=user, today=today),
            )
    return context


@dataclass(frozen=True)
class CoverageStage:
    """One figure of the programme's coverage against the year's target, and the unit list it counts."""

    key: str
    label: str
    figure: int
    percent: int  # of the target, at most 100
    url: str


# The stages of a listed unit's coverage, each with the unit list's filter that lists what it counts.
COVERAGE_STAGES = [
    ("listed", _("On the list"), {"status": "listed"}),
    ("served", _("Served by a team"), {"coverage": unit_list.SERVED}),
    ("approved", _("Approved plan in force"), {"coverage": unit_list.APPROVED}),
    ("guided", _("Guided"), {"coverage": unit_list.GUIDED}),
]


def coverage_stages(coverage: dict[str, int], target: int) -> list[CoverageStage]:
    return [
        CoverageStage(key, str(label), coverage[key], _percent(coverage[key], target), _list_url("units:list", **query))
        for key, label, query in COVERAGE_STAGES
    ]


def _list_url(name: str, **query: str) -> str:
    """A list's URL with its filters, for a "view all" link."""
    return f"{reverse(name)}?{urlencode(query)}"


def _referrals_awaiting_reply(user: User) -> FirstRows:
    """The referrals whose reply the user records — an officer's department's, or for the team those to another
    department — the longest waiting first."""
    return _bounded(
        archive.referrals_awaiting_reply_for_user(user=user, limit=HOME_ROWS),
        limit=HOME_ROWS,
        count=lambda: archive.referral_count_awaiting_reply_for_user(user=user),
    )


def _bureau(user: User) -> dict[str, Any]:
    """What waits for the bureau, then the programme dashboard (reports/dashboard/), whose figures the lists' counts
    reuse."""
    from reports.caching import cached_dashboard_for_user  # the dashboard reads this module's target and stages

    dashboard = cached_dashboard_for_user(user=user)
    coverage, requests = dashboard.coverage, dashboard.requests

    def waiting(key: str) -> dict[str, Any]:
        # Each list sorts its thousands of rows at 100× (the queue by submission, the units by due date): read
        # once per version of the records, as the dashboard's figures, and shared by the bureau's staff; the
        # page caches the lists' HTML under `cache_key`.
        return {
            "cache_key": f"{key}:html",
            "cache_seconds": CACHE_SECONDS,
            "review_queue": first_rows(approval_queue_for_user(user=user)),
            "units_without_team": first_rows(selectors.units_without_team(user=user), total=coverage["unserved"]),
            "units_without_plan": FirstRows(
                rows=selectors.first_units_without_approved_plan(user=user, limit=HOME_ROWS),
                total=coverage["unapproved"],
            ),
            "past_due_requests": first_rows(archive.past_due_requests_for_user(user=user), total=requests["past_due"]),
        }

    return {
        **cached_for_user("home-waiting", user=user, build=waiting),
        "dashboard": dashboard,
        "coverage": coverage,
        "target_year": dashboard.target_year,
        "target": dashboard.target,
        "coverage_stages": dashboard.coverage_stages,
        "units_without_team_url": _list_url("units:list", team=NOT_ASSIGNED),
        "plans": dashboard.plans,
        "requests": requests,
        "units_by_city": dashboard.units_by_city,
        "month_start": dashboard.month_start,
        "activities_this_month": dashboard.activities_this_month,
    }


def programme_target(year: int) -> int:
    """The number of units to guide by the end of `year` (settings.PROGRAMME_TARGETS); after the last year set the
    last target, before the first the first."""
    targets = settings.PROGRAMME_TARGETS
    if not targets:
        return 0
    return targets.get(year) or targets[max(targets) if year > max(targets) else min(targets)]


def _percent(figure: int, target: int) -> int:
    return min(100, round(100 * figure / target)) if target else 0
