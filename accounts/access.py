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


# --- The service archive and the requests (archives app) -------------------------------------------------------


def visible_activities(user: User):
    """Activities a user may read: the bureau all; the serving team its units'; an expert those they were invited
    to; the unit's contact their unit's. City officers see no activities (the archive is the team's working record)."""
    from archives.models import Activity

    activities = Activity.objects.all()
    if not (user.is_authenticated and user.is_active):
        return activities.none()
    if user.role == Role.BUREAU:
        return activities
    if user.role == Role.EXPERT:
        return activities.filter(pk__in=Activity.experts.through.objects.filter(person__user=user).values("activity"))
    if user.role in (Role.TEAM_MEMBER, Role.UNIT_CONTACT):
        return activities.filter(unit__in=visible_units(user))
    return activities.none()


def visible_requests(user: User):
    """Requests a user may read: the bureau all; an officer those of units in their jurisdiction (read-only); the
    serving team its units'; an expert those they were invited to; the unit's contact their unit's."""
    from archives.models import Request

    requests = Request.objects.all()
    if not (user.is_authenticated and user.is_active):
        return requests.none()
    if user.role == Role.BUREAU:
        return requests
    if user.role == Role.EXPERT:
        return requests.filter(pk__in=Request.experts.through.objects.filter(person__user=user).values("request"))
    return requests.filter(unit__in=visible_units(user))


def sees_internal_notes(user: User) -> bool:
    """Internal notes are for the serving side (bureau, team, invited experts): never the unit, nor an officer."""
    return bool(user.is_authenticated and user.role in (Role.BUREAU, Role.TEAM_MEMBER, Role.EXPERT))


def visible_request_messages(user: User):
    """Posts of the requests a user may read; internal notes only for the serving side."""
    from archives.models import RequestMessage

    messages = RequestMessage.objects.filter(request__in=visible_requests(user))
    return messages if sees_internal_notes(user) else messages.filter(is_internal=False)


def visible_attachments(user: User):
    """Files of the activities and requests a user may read, without those of internal notes for the unit side."""
    from archives.models import Attachment

    attachments = Attachment.objects.filter(
        Q(activity__in=visible_activities(user)) | Q(request__in=visible_requests(user))
    )
    if not sees_internal_notes(user):
        attachments = attachments.exclude(message__is_internal=True)
    return attachments


def _record_unit_id(record) -> int:
    """The unit a record belongs to; a unit is its own."""
    from units.models import Unit

    return record.pk if isinstance(record, Unit) else record.unit_id


@rules.predicate
def serves_record_unit(user: User, record) -> bool:
    """A team member whose team serves the unit of `record` (a unit, an activity or a request)."""
    if record is None or not (user.is_authenticated and user.role == Role.TEAM_MEMBER):
        return False
    return _units_served_by(user).filter(unit_id=_record_unit_id(record)).exists()


@rules.predicate
def speaks_for_record_unit(user: User, record) -> bool:
    """The contact of the unit of `record` (a unit, an activity or a request)."""
    if record is None or not (user.is_authenticated and user.role == Role.UNIT_CONTACT and user.unit_id):
        return False
    return user.unit_id == _record_unit_id(record)


@rules.predicate
def invited_to_record(user: User, record) -> bool:
    """An expert invited to `record` (an activity or a request)."""
    if record is None or not (user.is_authenticated and user.role == Role.EXPERT):
        return False
    return record.experts.filter(user=user).exists()
