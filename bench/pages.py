"""The pages the bench measures, by name: each a login and a URL built from the data.

The records are found in the data rather than named, so the same names work on the demo programme, on the scale
data of any factor, and on the smoke test's factor 1: the `unit` login's unit (the demo keeps its scope the same at
every factor), its plan, its busiest request thread and its latest activity, a plan the `leader` may edit, the
leader's team, the last half year that is over.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property


class Records:
    """The records the URLs name, looked up once per run. (The models are imported where they are used: `make
    bench`'s driver reads the page names without setting Django up.)"""

    @cached_property
    def unit(self):
        from accounts.models import User

        return User.objects.select_related("unit").get(username="unit").unit

    @cached_property
    def plan_uid(self) -> str:
        return str(self.unit.plan.uid)

    @cached_property
    def plan_pdf(self) -> str:
        """The PDF of the version in force (or the one being written) of the unit's plan."""
        plan = self.unit.plan
        version = plan.in_force or plan.working
        return f"/plans/{plan.uid}/v{version.number}/pdf/"

    @cached_property
    def editable_plan_uid(self) -> str:
        from accounts.models import User
        from plans.models import PlanVersion
        from plans.selectors import plans_for_user

        leader = User.objects.get(username="leader")
        editable = (PlanVersion.Status.DRAFT, PlanVersion.Status.RETURNED)
        plan = plans_for_user(user=leader).filter(versions__status__in=editable).order_by("pk").first()
        return str(plan.uid)

    @cached_property
    def request_uid(self) -> str:
        from django.db.models import Count

        from archives.models import Request

        busiest = Request.objects.filter(unit=self.unit).annotate(posts=Count("messages")).order_by("-posts", "pk")
        return str(busiest.first().uid)

    @cached_property
    def activity_uid(self) -> str:
        from archives.models import Activity

        return str(Activity.objects.filter(unit=self.unit).order_by("-date", "-pk").values_list("uid", flat=True)[0])

    @cached_property
    def team_id(self) -> int:
        from teams.models import Team

        return Team.objects.get(memberships__person__user__username="leader", memberships__role="leader").pk

    @cached_property
    def period(self) -> str:
        from django.utils import timezone

        from reports.periods import Period

        return Period.containing(timezone.localdate()).previous.code

    @cached_property
    def other_city(self) -> str:
        """A city other than the officer's 杭州市, where the scale data puts its units."""
        return "330200"


@dataclass(frozen=True)
class Page:
    name: str
    login: str
    url: Callable[[Records], str]
    reference: bool = False  # the admin changelist and the floor: measured, never budgeted as a portal page
    # Every request after a change to the records (huhang/freshness.py), as the first reader after a write meets
    # the page: nothing the portal keeps in its cache under the records version is read back.
    cold: bool = False


PAGES: tuple[Page, ...] = (
    # The references
    Page("floor", "bureau", lambda r: "/bench/floor/", reference=True),
    Page("admin_unit_changelist", "bureau", lambda r: "/bench/admin/units/unit/", reference=True),
    Page(
        "admin_unit_changelist_search",
        "bureau",
        lambda r: "/bench/admin/units/unit/?q=%E7%A7%91%E6%8A%80",
        reference=True,
    ),
    # The unit list: scope, filters, a two-character Chinese search, sorts
    Page("unit_list", "bureau", lambda r: "/units/"),
    Page("unit_list_filters", "bureau", lambda r: f"/units/?city={r.other_city}&category=key_lab&plan=approved"),
    Page("unit_list_search", "bureau", lambda r: "/units/?q=%E7%A7%91%E6%8A%80"),  # 科技
    Page("unit_list_sort_team", "bureau", lambda r: "/units/?o=team"),
    Page("unit_list_officer", "officer", lambda r: "/units/"),
    Page("unit_list_leader", "leader", lambda r: "/units/"),
    # The same list, every request after a write: its page and count built again (the budget of any other page)
    Page("unit_list_cold", "bureau", lambda r: "/units/", cold=True),
    # The type-ahead that replaced the team filter's 4,000 options (two characters: 护航)
    Page("team_typeahead", "bureau", lambda r: "/teams/search/?q=%E6%8A%A4%E8%88%AA"),
    # One unit, its plan, the editor
    Page("unit_detail", "bureau", lambda r: f"/units/{r.unit.uid}/"),
    Page("plan_detail", "bureau", lambda r: f"/plans/{r.plan_uid}/"),
    Page("plan_edit", "leader", lambda r: f"/plans/{r.editable_plan_uid}/edit/"),
    Page("plan_overview", "bureau", lambda r: "/plans/"),
    Page("plan_pdf", "bureau", lambda r: r.plan_pdf),
    # The teams and the pool
    Page("team_list", "bureau", lambda r: "/teams/"),
    Page("team_detail", "bureau", lambda r: f"/teams/{r.team_id}/"),
    Page("person_list", "bureau", lambda r: "/teams/people/"),
    # The archive
    Page("request_list", "bureau", lambda r: "/archives/requests/"),
    Page("request_list_search", "bureau", lambda r: "/archives/requests/?q=%E7%A7%91%E6%8A%80"),
    Page("request_list_leader", "leader", lambda r: "/archives/requests/"),
    Page("request_detail", "leader", lambda r: f"/archives/requests/{r.request_uid}/"),
    Page("activity_list", "bureau", lambda r: "/archives/activities/"),
    Page("activity_list_search", "bureau", lambda r: "/archives/activities/?q=%E7%A7%91%E6%8A%80"),
    Page("activity_list_leader", "leader", lambda r: "/archives/activities/"),
    Page("activity_detail", "leader", lambda r: f"/archives/activities/{r.activity_uid}/"),
    # Each role's home; the bureau's is the dashboard
    *(Page(f"home_{login}", login, lambda r: "/") for login in ("bureau", "officer", "leader", "member", "expert")),
    Page("home_unit", "unit", lambda r: "/"),
    *(Page(f"home_{login}", login, lambda r: "/") for login in ("sysadmin", "secadmin", "auditor")),
    Page("dashboard", "bureau", lambda r: "/reports/dashboard/"),
    Page("dashboard_officer", "officer", lambda r: "/reports/dashboard/"),
    # The review
    Page("team_report", "leader", lambda r: f"/reports/team/{r.team_id}/{r.period}/"),
    Page("province_report", "bureau", lambda r: f"/reports/province/{r.period}/"),
    Page("scorecards", "bureau", lambda r: f"/reports/scorecards/{r.period}/"),
)

PAGES_BY_NAME = {page.name: page for page in PAGES}
PAGE_NAMES = tuple(PAGES_BY_NAME)
