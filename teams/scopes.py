"""The read scopes of the pool and the teams (accounts/scopes.py), and the team members' branch of the units scope:
this app owns the assignments that say which team serves which unit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from accounts.models import BUSINESS_ROLES, Role
from accounts.scopes import declare, declare_all, declare_none, visible
from teams.models import Assignment, Membership, Person, Team
from units.models import Unit
from units.scopes import visible_units

if TYPE_CHECKING:
    from accounts.models import User


def visible_teams(user: User) -> QuerySet[Team]:
    """Teams a user may read: all for bureau staff, their own for team members."""
    return visible(user, Team)


def visible_teams_or_none(request) -> QuerySet[Team]:
    """The teams offered by a list's team filter: the requesting user's, none when the form has no request."""
    return visible_teams(request.user) if request is not None else Team.objects.none()


def units_served_by(user: User) -> QuerySet[Assignment]:
    """Open assignments of units to a team in which the user holds a seat (leader or core member), as unit ids."""
    return Assignment.objects.filter(end__isnull=True, team__memberships__person__user=user).values("unit_id")


@declare(Unit, Role.TEAM_MEMBER, rule="units assigned now to a team in which the member holds a seat")
def _units_of_my_teams(user: User) -> QuerySet[Unit]:
    return Unit.objects.filter(pk__in=units_served_by(user))


declare_all(Team, Role.BUREAU, rule="every team")


@declare(Team, Role.TEAM_MEMBER, rule="the teams in which the member holds a seat")
def _my_teams(user: User) -> QuerySet[Team]:
    return Team.objects.filter(pk__in=Membership.objects.filter(person__user=user).values("team_id"))


declare_none(
    Team,
    Role.OFFICER,
    Role.EXPERT,
    Role.UNIT_CONTACT,
    rule="none: teams are the bureau's organisation; the unit page names the serving team",
)

declare_all(Person, Role.BUREAU, rule="the whole personnel pool (the bureau's register)")
declare_none(
    Person,
    Role.OFFICER,
    Role.TEAM_MEMBER,
    Role.EXPERT,
    Role.UNIT_CONTACT,
    rule="none: team members meet the people of their team through the team's page",
)


@declare(Assignment, *BUSINESS_ROLES, rule="the assignments (past and present) of the units the user reads")
def _assignments_of_visible_units(user: User) -> QuerySet[Assignment]:
    return Assignment.objects.filter(unit__in=visible_units(user))
