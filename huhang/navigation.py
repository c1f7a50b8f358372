"""The main navigation. Each entry shows to the users who hold its permission (the apps' rules.py), so this module
names the apps' URLs and permissions but imports none of them. The menu asks the `rules` permissions alone: a
superuser flag changes nothing (accounts/backends.py)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import rules
from django.urls import get_script_prefix, reverse
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser as User
    from django.http import HttpRequest


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    icon: str  # a Bootstrap Icons name
    visible_to: Callable[[User], bool]


def _holds(*permissions: str) -> Callable[[User], bool]:
    """Visible to users who hold any of `permissions` (the `rules` permissions alone)."""
    return lambda user: any(rules.has_perm(permission, user) for permission in permissions)


NAV_ITEMS: list[NavItem] = [
    NavItem(_("Home"), "home", "house", lambda user: True),
    NavItem(_("Key units"), "units:list", "buildings", _holds("units.browse_units")),
    NavItem(_("My teams"), "teams:mine", "people", _holds("teams.view_own_teams")),
    # The bureau's overview leads to the approval queue; a team member's shows only their teams' units.
    NavItem(
        _("Service plans"),
        "plans:overview",
        "journal-text",
        _holds("plans.view_plans_overview", "plans.write_plans"),
    ),
    # Every role reads the requests of its scope; the archive is not the officers' (archives/rules.py).
    NavItem(_("Requests"), "archives:request_list", "chat-left-text", _holds("archives.browse_requests")),
    NavItem(
        _("Service archive"),
        "archives:activity_list",
        "archive",
        _holds("archives.browse_activities"),
    ),
    NavItem(_("Service teams"), "teams:list", "people", _holds("teams.manage_teams")),
    NavItem(
        _("Personnel pool"),
        "teams:person_list",
        "person-vcard",
        _holds("teams.manage_teams"),
    ),
    NavItem(_("Workload"), "teams:workload", "bar-chart", _holds("teams.view_workload")),
    # The audit administrator's one page; a unit's contact sees who in the programme opened the unit's records.
    NavItem(_("Audit trail"), "audit:list", "journal-check", _holds("audit.view_trail")),
    NavItem(_("Who viewed our records"), "audit:unit_reads", "eye", _holds("audit.view_unit_reads")),
]

# The programme's review (定期复盘改进), one menu: the bureau's navigation bar has no room for five more entries.
REVIEW_LABEL = _("Reports")
REVIEW_ITEMS: list[NavItem] = [
    NavItem(_("Dashboard"), "reports:dashboard", "speedometer2", _holds("reports.view_dashboard")),
    NavItem(_("Half-year reports"), "reports:team_report_list", "journal-check", _holds("reports.view_team_reports")),
    NavItem(
        _("Consolidated report"),
        "reports:province_latest",
        "file-earmark-bar-graph",
        _holds("reports.view_province_report"),
    ),
    NavItem(_("Scorecards"), "reports:scorecards_latest", "trophy", _holds("reports.view_scorecards")),
    NavItem(_("Units' feedback"), "reports:feedback_list", "chat-square-quote", _holds("reports.view_unit_feedback")),
    NavItem(_("My exports"), "reports:export_list", "download", _holds("reports.view_province_report")),
]

# The administrators' pages (三员分立): the logins for the system and security administrators, Django's admin for
# the system administrator alone.
ADMIN_ITEMS: list[NavItem] = [
    NavItem(_("Logins"), "accounts:login_list", "person-lock", _holds("accounts.view_logins")),
    NavItem(_("Administration"), "admin:index", "gear", _holds("accounts.view_user")),
]

# The user menu (under the user's name in the header): everyone's own reminders first, then the bureau's pages that
# run the reminders, beside its other settings pages there (templates/base.html).
USER_ITEMS: list[NavItem] = [
    NavItem(_("Reminders"), "reminders:list", "bell", lambda user: True),
    NavItem(_("Reminder settings"), "reminders:preferences", "envelope", lambda user: True),
    NavItem(_("Second factor"), "accounts:second_factor", "shield-lock", lambda user: True),
]
BUREAU_ITEMS: list[NavItem] = [
    NavItem(_("Reminder outbox"), "reminders:outbox", "send", _holds("reminders.view_outbox")),
    NavItem(_("DingTalk group robots"), "reminders:robots", "robot", _holds("reminders.manage_robots")),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = _entries(NAV_ITEMS, user)
    review = _entries(REVIEW_ITEMS, user)
    admin = _entries(ADMIN_ITEMS, user)
    # The entry whose URL is the longest prefix of the current path is the active one (/teams/people/ is
    # "Personnel pool", not "Service teams"); the home page only matches itself.
    every = items + review + admin
    matches = [i for i in every if request.path == i["url"] or (i["url"] != "/" and request.path.startswith(i["url"]))]
    active = max(matches, key=lambda i: len(i["url"]), default=None)
    for item in every:
        item["active"] = item is active
    return {
        "nav_items": items,
        "nav_review": {"label": REVIEW_LABEL, "items": review, "active": active in review} if review else None,
        "nav_admin": admin,
        "nav_user": _entries(USER_ITEMS, user),
        "nav_bureau": _entries(BUREAU_ITEMS, user),
    }


def _entries(items: list[NavItem], user: User) -> list[dict[str, Any]]:
    prefix, language = get_script_prefix(), get_language()
    return [
        {"label": item.label, "url": _url(item.url_name, prefix, language), "icon": item.icon}
        for item in items
        if item.visible_to(user)
    ]


@functools.lru_cache(maxsize=256)
def _url(url_name: str, prefix: str, language: str | None) -> str:
    """An entry's URL, reversed once per script prefix and language rather than on every page of every user."""
    return reverse(url_name)
