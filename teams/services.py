"""Every write to the personnel pool, the teams and their units: typed, keyword-only, validated, atomic."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huhang.text import normalise_text
from teams.models import Assignment, Expertise, Membership, Person, Team, Training
from units.validators import normalise_phone

if TYPE_CHECKING:
    from accounts.models import User
    from units.models import Unit

CORE_MEMBERS_PER_TEAM = 2  # "1+2+X": one leader, two core members


@transaction.atomic
def person_save(*, person: Person | None = None, expertise: Iterable[str] = (), **values: Any) -> Person:
    """Creates or changes a person of the pool, with the task areas they are expert in."""
    person = person or Person()
    for field, value in values.items():
        if isinstance(value, str):
            value = normalise_text(value)
        if field == "phone":
            value = normalise_phone(value)
        setattr(person, field, value)
    person.full_clean()
    person.save()
    areas = set(expertise)
    person.expertise.exclude(area__in=areas).delete()
    existing = set(person.expertise.values_list("area", flat=True))
    Expertise.objects.bulk_create(Expertise(person=person, area=area) for area in sorted(areas - existing))
    return person


@transaction.atomic
def training_add(*, person: Person, title: str, attended_on: datetime.date) -> Training:
    training = Training(person=person, title=normalise_text(title), attended_on=attended_on)
    training.full_clean()
    training.save()
    return training


def _check_composition(*, team: Team | None, leader: Person, core_members: Sequence[Person]) -> None:
    people = [leader, *core_members]
    if len(core_members) != CORE_MEMBERS_PER_TEAM:
        raise ValidationError(_("A team has exactly one leader and two core members."), code="composition")
    if len({p.pk for p in people}) != len(people):
        raise ValidationError(_("The leader and the two core members must be three different people."), code="twice")
    today = timezone.localdate()
    for person in people:
        if not person.is_active:
            raise ValidationError(
                _("%(name)s is no longer active in the personnel pool."), code="inactive", params={"name": person.name}
            )
        if person.confidentiality_signed_on is None or person.confidentiality_signed_on > today:
            raise ValidationError(
                _("%(name)s has not signed the confidentiality undertaking and cannot join a team."),
                code="confidentiality",
                params={"name": person.name},
            )


@transaction.atomic
def team_create(*, actor: User | None, name: str, leader: Person, core_members: Sequence[Person]) -> Team:
    _check_composition(team=None, leader=leader, core_members=core_members)
    team = Team(name=normalise_text(name))
    team.full_clean()
    team.save()
    _write_members(team=team, leader=leader, core_members=core_members)
    return team


@transaction.atomic
def team_update(
    *, actor: User | None, team: Team, name: str, leader: Person, core_members: Sequence[Person], is_active: bool = True
) -> Team:
    """Renames a team or changes its fixed members; the old seats stay in the memberships' history."""
    team = Team.objects.select_for_update().get(pk=team.pk)
    _check_composition(team=team, leader=leader, core_members=core_members)
    team.name = normalise_text(name)
    team.is_active = is_active
    team.full_clean()
    team.save()
    _write_members(team=team, leader=leader, core_members=core_members)
    return team


def _write_members(*, team: Team, leader: Person, core_members: Sequence[Person]) -> None:
    wanted = {leader.pk: Membership.Role.LEADER, **{p.pk: Membership.Role.CORE for p in core_members}}
    current = {m.person_id: m for m in team.memberships.all()}
    for person_id, membership in current.items():
        if person_id not in wanted:
            membership.delete()
    # Demote first, so the one-leader constraint holds at every statement.
    for person_id, membership in current.items():
        if person_id in wanted and membership.role != wanted[person_id] and wanted[person_id] == Membership.Role.CORE:
            membership.role = Membership.Role.CORE
            membership.save(update_fields=["role", "updated_at"])
    for person_id, role in wanted.items():
        membership = current.get(person_id)
        if membership is None:
            Membership.objects.create(team=team, person_id=person_id, role=role)
        elif membership.role != role:
            membership.role = role
            membership.save(update_fields=["role", "updated_at"])


@transaction.atomic
def unit_assign_team(*, actor: User | None, unit: Unit, team: Team, start: datetime.date | None = None) -> Assignment:
    """Hands a unit to a team from `start` (today by default); the previous team's assignment ends that day."""
    start = start or timezone.localdate()
    if not team.is_active:
        raise ValidationError(_("This team is no longer active."), code="inactive_team")
    current = Assignment.objects.select_for_update().filter(unit=unit, end__isnull=True).first()
    if current is not None:
        if current.team_id == team.pk:
            raise ValidationError(_("This team already serves the unit."), code="same_team")
        if start < current.start:
            raise ValidationError(
                _("The new team cannot start before the current team's assignment began (%(date)s)."),
                code="before_current",
                params={"date": current.start.isoformat()},
            )
        current.end = start
        current.save(update_fields=["end", "updated_at"])
    assignment = Assignment(unit=unit, team=team, start=start, assigned_by=actor)
    assignment.full_clean()
    assignment.save()
    return assignment


@transaction.atomic
def unit_unassign_team(*, actor: User | None, unit: Unit, end: datetime.date | None = None) -> Assignment | None:
    current = Assignment.objects.select_for_update().filter(unit=unit, end__isnull=True).first()
    if current is not None:
        current.end = end or timezone.localdate()
        current.full_clean()
        current.save(update_fields=["end", "updated_at"])
    return current
