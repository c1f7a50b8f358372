"""Every read of the personnel pool and the teams; each query starts from the user's scope (accounts/scopes.py).

List selectors own their joins and aggregates, so a page runs the same few queries for 5 rows or 500: figures are
SQL subqueries, related rows are prefetched once per page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, F, Func, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from accounts.scopes import visible
from huhang.freshness import records_version
from huhang.masking import show_contact_details
from teams.models import Assignment, Membership, Person, Team
from teams.scopes import visible_teams
from teams.team_figures import annotate_team_figures, team_figures
from teams.unit_list import with_serving_team
from units.scopes import visible_units
from units.selectors import unit_list_for_user

if TYPE_CHECKING:
    from django.db.models import Expression

    from units.models import Unit


ORGANISATIONS_TIMEOUT = 600  # seconds; a write to the pool makes the cached choices unreachable before that


def _count(queryset: QuerySet) -> Coalesce:
    """COUNT(*) of a correlated subquery, as a column of the outer query (0 when no row matches)."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _open_assignments(**lookups) -> QuerySet[Assignment]:
    return Assignment.objects.filter(end__isnull=True, **lookups)


def _leader_name() -> Subquery:
    leaders = Membership.objects.filter(team=OuterRef("pk"), role=Membership.Role.LEADER)
    return Subquery(leaders.values("person__name")[:1])


def _seats_leader_first() -> QuerySet[Membership]:
    # "leader" sorts after "core", so a descending role puts the leader first.
    return Membership.objects.select_related("person").order_by("-role", "person__name", "pk")


# ---------------------------------------------------------------------------------------------------------------
# The personnel pool: the bureau's own register. Team members meet the people of their team through the team.


def _people(user: User) -> QuerySet[Person]:
    if not user.has_perm("teams.manage_teams"):
        raise PermissionDenied
    return visible(user, Person)


def person_list_for_user(*, user: User) -> QuerySet[Person]:
    """The pool with what a list row shows: expertise, login name and the number of team seats. The encrypted
    contact details, which the list does not show, are not read (each costs a decryption per row)."""
    return (
        _people(user)
        .defer("phone", "email")
        .prefetch_related("expertise")
        .annotate(
            login_name=F("user__username"),
            team_count=_count(Membership.objects.filter(person=OuterRef("pk"))),
        )
    )


def person_get_for_user(*, user: User, pk: int) -> Person:
    try:
        return _people(user).get(pk=pk)
    except Person.DoesNotExist as missing:
        raise Http404 from missing


def person_detail(*, person: Person) -> Person:
    """The person page's related rows, fetched once each."""
    seats = (
        _seats_leader_first()
        .select_related("team")
        .annotate(units_served=_count(_open_assignments(team=OuterRef("team_id"))))
    )
    return (
        Person.objects.filter(pk=person.pk)
        .select_related("user")
        .prefetch_related("expertise", "trainings", Prefetch("memberships", queryset=seats))
        .get()
    )


def person_organisations() -> list[tuple[str, str]]:
    """The organisations of the pool, as filter choices: a scan of the pool, so kept in the cache under the records'
    version (huhang/freshness.py; every write to a person bumps it), never read after a change."""
    key = f"teams:person-organisations:{records_version()}"
    names = cache.get(key)
    if names is None:
        names = list(Person.objects.order_by("organisation").values_list("organisation", flat=True).distinct())
        cache.set(key, names, ORGANISATIONS_TIMEOUT)
    return [(name, name) for name in names]


def linkable_users(*, person: Person | None = None) -> QuerySet[User]:
    """Login accounts a person may be linked to: team members and experts not yet linked to someone else."""
    free = Q(person__isnull=True)
    if person is not None and person.user_id:
        free |= Q(pk=person.user_id)
    return User.objects.filter(free, role__in=[Role.TEAM_MEMBER, Role.EXPERT], is_active=True).order_by("username")


def person_search(people: QuerySet[Person], term: str) -> QuerySet[Person]:
    """People whose name or organisation holds every word of `term` (the type-aheads' search). The pool is a few
    thousand short rows: a substring match over them costs less than an index would save."""
    for word in term.split():
        people = people.filter(Q(name__icontains=word) | Q(organisation__icontains=word))
    return people


def team_candidates() -> QuerySet[Person]:
    """People who may take a fixed seat: active, with a signed confidentiality undertaking."""
    return Person.objects.filter(is_active=True, confidentiality_signed_on__lte=timezone.localdate())


# ---------------------------------------------------------------------------------------------------------------
# Teams


def team_list_for_user(*, user: User) -> QuerySet[Team]:
    """The teams a user may see, with leader, core members and number of units served, in three queries."""
    # The row shows the core members' names only: their encrypted contact details are not read (a decryption each).
    core_seats = (
        Membership.objects.filter(role=Membership.Role.CORE)
        .select_related("person")
        .only("team_id", "person__name")
        .order_by("pk")
    )
    return (
        visible_teams(user)
        .annotate(
            leader_name=_leader_name(),
            units_served=_count(_open_assignments(team=OuterRef("pk"))),
        )
        .prefetch_related(Prefetch("memberships", queryset=core_seats, to_attr="core_seats"))
    )


def team_filter_choices(*, user: User) -> QuerySet[Team]:
    """The teams a list's team filter accepts (teams/unit_list.py) and its type-ahead (teams:team_typeahead) finds:
    those the user reads."""
    return visible_teams(user)


def team_search(teams: QuerySet[Team], term: str) -> QuerySet[Team]:
    """Teams whose name holds every word of `term` (the team type-ahead of the lists' filters). A few thousand
    short names: a substring match over them costs less than an index would save."""
    for word in term.split():
        teams = teams.filter(name__icontains=word)
    return teams


def team_get_for_user(*, user: User, pk: int, for_write: bool = False) -> Team:
    """One team: 403 for roles that never see teams, 404 outside the user's teams, 403 to change without the right."""
    if not user.has_perm("teams.browse_teams"):
        raise PermissionDenied
    try:
        team = visible_teams(user).get(pk=pk)
    except Team.DoesNotExist as missing:
        raise Http404 from missing
    if for_write and not user.has_perm("teams.manage_teams"):
        raise PermissionDenied
    return team


def team_seats(*, team: Team) -> QuerySet[Membership]:
    return _seats_leader_first().filter(team=team)


def team_seats_for_display(*, user: User, team: Team) -> list[Membership]:
    """The team's seats, each person with `shown_phone` and `shown_email`: in full or masked (teams/rules.py)."""
    seats = list(team_seats(team=team))
    show_contact_details([seat.person for seat in seats], in_full=user.has_perm("teams.view_person_details"))
    return seats


def team_units_for_user(*, user: User, team: Team) -> QuerySet[Assignment]:
    """The units a team serves now, as their open assignments, within what the user may see."""
    return (
        _open_assignments(team=team, unit__in=visible_units(user))
        .select_related("unit__division__city")
        .order_by("unit__name", "pk")
    )


def assignable_teams(*, user: User) -> QuerySet[Team]:
    return visible_teams(user).filter(is_active=True)


def team_choices_for_user(*, user: User) -> QuerySet[Team]:
    """The teams a unit may be handed to, with what choosing one needs: the leader, the units served now and the
    figures the apps above register (teams/team_figures.py: open measures), each a column of the one query. The
    cities served come per page (`with_cities_served`)."""
    return annotate_team_figures(
        assignable_teams(user=user).annotate(
            leader_name=_leader_name(),
            units_served=_count(_open_assignments(team=OuterRef("pk"))),
        )
    )


def with_cities_served(teams: Iterable[Team]) -> list[Team]:
    """The teams, each with `cities_served`: the names of the cities of the units it serves now, in division-code
    order. One query for the whole page; a unit filed under its city rather than a county counts for that city."""
    teams = list(teams)
    rows = (
        _open_assignments(team__in=[team.pk for team in teams])
        .annotate(
            city_code=Coalesce("unit__division__city_id", "unit__division_id"),
            city_name=Coalesce("unit__division__city__name", "unit__division__name"),
        )
        .values_list("team_id", "city_code", "city_name")
        .distinct()
        .order_by("team_id", "city_code")
    )
    cities: dict[int, list[str]] = {}
    for team_id, _code, name in rows:
        cities.setdefault(team_id, []).append(name)
    for team in teams:
        team.cities_served = cities.get(team.pk, [])
    return teams


def units_for_assignment(*, user: User, uids: Iterable[str]) -> list[Unit]:
    """The units chosen on the unit list for one team, by name, each with its serving team (`team_name`): 404 when
    one of them is missing or outside the user's scope, as for a single unit; 403 without the right to assign."""
    wanted = set(uids)
    try:
        units = list(
            with_serving_team(visible_units(user).select_related("division__city"))
            .filter(uid__in=wanted)
            .order_by("name", "pk")
        )
    except ValidationError as malformed:  # a uid that is not a UUID
        raise Http404 from malformed
    if len(units) != len(wanted):
        raise Http404
    if not user.has_perm("teams.manage_teams"):
        raise PermissionDenied
    return units


def unit_assignments(*, unit: Unit) -> QuerySet[Assignment]:
    """A unit's teams over time, newest first; the open one (if any) is first."""
    return Assignment.objects.filter(unit=unit).select_related("team", "assigned_by").order_by("-start", "-pk")


# ---------------------------------------------------------------------------------------------------------------
# A team member's own teams and units


def my_teams_for_user(*, user: User) -> QuerySet[Team]:
    return (
        visible_teams(user)
        .filter(is_active=True)
        .annotate(units_served=_count(_open_assignments(team=OuterRef("pk"))))
        .prefetch_related(Prefetch("memberships", queryset=_seats_leader_first(), to_attr="seats"))
    )


def my_units_for_user(*, user: User) -> QuerySet[Unit]:
    """The units a user's teams serve (units.scopes.visible_units), with the team and since when."""
    return unit_list_for_user(user=user).annotate(
        assigned_since=Subquery(_open_assignments(unit=OuterRef("pk")).values("start")[:1])
    )


# ---------------------------------------------------------------------------------------------------------------
# Workload: one SQL expression per figure, so the page stays at a constant number of queries.


@dataclass(frozen=True)
class WorkloadColumn:
    key: str
    label: str | Promise
    expression: Expression


def team_workload_columns() -> list[WorkloadColumn]:
    """The figures per team: the units served now, then what the apps above register (teams/team_figures.py: the
    open measures of the plans in force)."""
    return [
        WorkloadColumn("units_served", _("Units served"), _count(_open_assignments(team=OuterRef("pk")))),
        *(WorkloadColumn(figure.key, figure.label, figure.expression()) for figure in team_figures()),
    ]


def person_workload_columns() -> list[WorkloadColumn]:
    """The figures per person; units are counted through the teams the person sits in."""
    return [
        WorkloadColumn("team_count", _("Teams"), _count(Membership.objects.filter(person=OuterRef("pk")))),
        WorkloadColumn(
            "units_served",
            _("Units served"),
            _count(_open_assignments(team__memberships__person=OuterRef("pk"))),
        ),
    ]


def team_workload_for_user(*, user: User) -> QuerySet[Team]:
    if not user.has_perm("teams.view_workload"):
        raise PermissionDenied
    columns = {column.key: column.expression for column in team_workload_columns()}
    return visible_teams(user).annotate(leader_name=_leader_name(), **columns)


def person_workload_for_user(*, user: User) -> QuerySet[Person]:
    if not user.has_perm("teams.view_workload"):
        raise PermissionDenied
    columns = {column.key: column.expression for column in person_workload_columns()}
    seats = Membership.objects.select_related("team").order_by("team__name")
    return (
        _people(user)
        .filter(Exists(Membership.objects.filter(person=OuterRef("pk"))))
        .annotate(**columns)
        .prefetch_related(Prefetch("memberships", queryset=seats, to_attr="seats"))
    )
