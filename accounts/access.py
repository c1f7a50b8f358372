"""What a user may see and do — the one module every app asks.

Two kinds of answer:
- role predicates (the `rules` library) for "may this user do X", used by views, templates and navigation;
- scopes: the rows of a model the user may read. A record outside a user's scope is simply absent from it, so a
  view that fetches through a scope answers 404 for it — the same answer as for a record that does not exist.

Later apps add their scopes here (plans, activities, requests …), each built on `visible_units`.
Write rights are rules (`accounts/rules.py`): a user may only change what is also in their read scope.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules
from django.db.models import Q, QuerySet

from accounts.models import Role

if TYPE_CHECKING:
    from accounts.models import User
    from units.models import Division, Unit


def _has_role(role: Role) -> rules.Predicate:
    @rules.predicate(name=f"is_{role.value}")
    def predicate(user: User) -> bool:
        return bool(user and user.is_authenticated and user.is_active and user.role == role)

    return predicate


is_bureau = _has_role(Role.BUREAU)
is_officer = _has_role(Role.OFFICER)
is_team_member = _has_role(Role.TEAM_MEMBER)
is_expert = _has_role(Role.EXPERT)
is_unit_contact = _has_role(Role.UNIT_CONTACT)


def jurisdiction_q(division: Division, *, field: str = "division") -> Q:
    """Rows whose `field` (a county-level or city division) lies inside `division`."""
    if division.level == division.Level.CITY:
        return Q(**{field: division}) | Q(**{f"{field}__city": division})
    return Q(**{field: division})


def visible_units(user: User) -> QuerySet[Unit]:
    """The key units a user may read: the root of every other scope."""
    from units.models import Unit

    units = Unit.objects.all()
    if not (user.is_authenticated and user.is_active):
        return units.none()
    if user.role == Role.BUREAU:
        return units
    if user.role == Role.OFFICER:
        return units.filter(jurisdiction_q(user.division)) if user.division_id else units.none()
    if user.role == Role.UNIT_CONTACT:
        return units.filter(pk=user.unit_id) if user.unit_id else units.none()
    if user.role == Role.TEAM_MEMBER:
        return units.filter(pk__in=_units_served_by(user))
    # Experts reach single activities and requests through their invitations (archives app), never a unit.
    return units.none()


def _units_served_by(user: User):
    """Units whose open assignment is to a team in which the user holds a seat (leader or core member)."""
    from teams.models import Assignment

    return Assignment.objects.filter(end__isnull=True, team__memberships__person__user=user).values("unit_id")


def visible_teams(user: User):
    """Teams a user may read: all for bureau staff, their own for team members."""
    from teams.models import Team

    teams = Team.objects.all()
    if not (user.is_authenticated and user.is_active):
        return teams.none()
    if user.role == Role.BUREAU:
        return teams
    if user.role == Role.TEAM_MEMBER:
        return teams.filter(pk__in=_teams_of(user))
    return teams.none()


def _teams_of(user: User):
    from teams.models import Membership

    return Membership.objects.filter(person__user=user).values("team_id")


def visible_plan_versions(user: User):
    """Plan versions a user may read. The unit's contact and the city officer read only the version in force;
    the bureau and the serving team read every version, drafts included."""
    from plans.models import PlanVersion

    versions = PlanVersion.objects.filter(plan__unit__in=visible_units(user))
    if user.is_authenticated and user.role in (Role.OFFICER, Role.UNIT_CONTACT):
        versions = versions.filter(status=PlanVersion.Status.APPROVED)
    return versions
