"""Every write to the personnel pool, the teams and their units: typed, keyword-only, validated, atomic."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.models import Role
from huhang.text import clean_text, normalise_identifier
from teams.models import Assignment, Expertise, Membership, Person, Team, Training
from units.models import Unit
from units.validators import normalise_phone

if TYPE_CHECKING:
    from accounts.models import User

CORE_MEMBERS_PER_TEAM = 2  # "1+2+X": one leader, two core members


@transaction.atomic
def person_save(*, person: Person | None = None, expertise: Iterable[str] = (), **values: Any) -> Person:
    """Creates or changes a person of the pool, with the task areas they are expert in."""
    person = person or Person()
    for field, value in values.items():
        if isinstance(value, str):
            value = normalise_identifier(value) if field in ("phone", "email") else clean_text(value)
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
    training = Training(person=person, title=clean_text(title), attended_on=attended_on)
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
    team = Team(name=clean_text(name))
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
    team.name = clean_text(name)
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


def unit_assign_team(*, actor: User | None, unit: Unit, team: Team, start: datetime.date | None = None) -> Assignment:
    """Hands a unit to a team from `start` (today by default); the previous team's assignment ends that day."""
    return units_assign_team(actor=actor, units=[unit], team=team, start=start, reassign=True)[0]


@transaction.atomic
def units_assign_team(
    *,
    actor: User | None,
    units: Sequence[Unit],
    team: Team,
    start: datetime.date | None = None,
    reassign: bool = False,
) -> list[Assignment]:
    """Hands units to one team from `start` (today by default), all of them or none: the step after an import.

    A unit that another team serves is refused unless `reassign`; then that team's assignment ends on `start`, so
    each unit keeps its teams over time. A fixed number of queries, however many units."""
    start = start or timezone.localdate()
    if not units:
        raise ValidationError(_("Choose at least one unit."), code="no_units")
    if not team.is_active:
        raise ValidationError(_("This team is no longer active."), code="inactive_team")
    unit_ids = sorted({unit.pk for unit in units})
    # The units' rows are the lock: a unit nobody serves has no assignment to lock, and two people handing the
    # same new unit to two teams must not both succeed. In pk order, so that two batches never wait on each other.
    list(Unit.objects.select_for_update().filter(pk__in=unit_ids).order_by("pk").values_list("pk", flat=True))
    current = list(
        Assignment.objects.filter(unit_id__in=unit_ids, end__isnull=True)
        .select_related("unit", "team")
        .order_by("unit__name", "unit_id")
    )
    errors = _assignment_refusals(current=current, team=team, start=start, reassign=reassign)
    if errors:
        raise errors[0] if len(errors) == 1 else ValidationError(errors)
    if current:
        Assignment.objects.filter(pk__in=[a.pk for a in current]).update(end=start, updated_at=timezone.now())
    assignments = [Assignment(unit_id=unit_id, team=team, start=start, assigned_by=actor) for unit_id in unit_ids]
    for assignment in assignments:
        # The units are locked and checked above; the database's constraints hold the rest (one open assignment
        # per unit, no end before the start), so only the fields' own values are checked here, without queries.
        assignment.full_clean(
            exclude=["unit", "team", "assigned_by"], validate_unique=False, validate_constraints=False
        )
    return Assignment.objects.bulk_create(assignments)


def _list_separator() -> str:
    return pgettext("between the names of a list in a sentence", ", ")


def _assignment_refusals(
    *, current: Sequence[Assignment], team: Team, start: datetime.date, reassign: bool
) -> list[ValidationError]:
    """Why the units whose open assignments are `current` cannot go to `team` from `start`: one error per reason,
    naming the units (already `team`'s, another team's without `reassign`, served since after `start`)."""
    errors = []
    same = [a.unit.name for a in current if a.team_id == team.pk]
    if same:
        errors.append(
            ValidationError(
                _("%(team)s already serves %(units)s."),
                code="same_team",
                params={"team": team.name, "units": _list_separator().join(same)},
            )
        )
    others = [a for a in current if a.team_id != team.pk]
    if others and not reassign:
        errors.append(
            ValidationError(
                _("Another team already serves %(units)s. Tick “Hand over units already served” to reassign them."),
                code="already_served",
                params={"units": _list_separator().join(a.unit.name for a in others)},
            )
        )
    for assignment in others:
        if start < assignment.start:
            errors.append(
                ValidationError(
                    _("The new team cannot start before the current team's assignment of %(unit)s began (%(date)s)."),
                    code="before_current",
                    params={"unit": assignment.unit.name, "date": assignment.start.isoformat()},
                )
            )
    return errors


@transaction.atomic
def unit_unassign_team(*, actor: User | None, unit: Unit, end: datetime.date | None = None) -> Assignment | None:
    current = Assignment.objects.select_for_update().filter(unit=unit, end__isnull=True).first()
    if current is not None:
        current.end = end or timezone.localdate()
        current.full_clean()
        current.save(update_fields=["end", "updated_at"])
    return current


@transaction.atomic
def person_link_user(*, actor: User | None, person: Person, user: User) -> Person:
    """Links a person of the pool to their login, which then reads what their seats and invitations open to them."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.user_id is not None and person.user_id != user.pk:
        raise ValidationError(
            _("%(name)s already has a login: %(username)s."),
            code="person_has_login",
            params={"name": person.name, "username": person.user.username},
        )
    if user.role not in (Role.TEAM_MEMBER, Role.EXPERT):
        raise ValidationError(
            _("Only a team member's or an expert's login belongs to a person of the pool."), code="role"
        )
    if not person.is_active:
        raise ValidationError(
            _("%(name)s is no longer active in the personnel pool."), code="inactive", params={"name": person.name}
        )
    person.user = user
    person.full_clean()
    person.save(update_fields=["user", "updated_at"])
    return person
