"""The read scopes of the key units (accounts/scopes.py). The team members' branch is the teams app's: it owns
the assignments that say which team serves which unit (teams/scopes.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from accounts.models import BUSINESS_ROLES, Role
from accounts.scopes import declare, declare_all, declare_none, visible
from units.divisions import jurisdiction_codes
from units.models import Division, ImportJob, Unit

if TYPE_CHECKING:
    from accounts.models import User


def visible_units(user: User) -> QuerySet[Unit]:
    """The key units a user may read: the root of every other scope."""
    return visible(user, Unit)


def jurisdiction_q(division: Division, *, field: str = "division") -> Q:
    """Rows whose `field` (a county-level or city division) lies inside `division`: by the codes inside it
    (units.divisions.jurisdiction_codes), which the field's index serves."""
    return Q(**{f"{field}__in": jurisdiction_codes(division.pk)})


declare_all(Unit, Role.BUREAU, rule="every unit, listed or removed")


@declare(Unit, Role.OFFICER, rule="units whose division lies in the officer's city or county; none without one")
def _units_in_jurisdiction(user: User) -> QuerySet[Unit]:
    units = Unit.objects.all()
    return units.filter(jurisdiction_q(user.division)) if user.division_id else units.none()


@declare(Unit, Role.UNIT_CONTACT, rule="the contact's own unit")
def _own_unit(user: User) -> QuerySet[Unit]:
    return Unit.objects.filter(pk=user.unit_id) if user.unit_id else Unit.objects.none()


declare_none(Unit, Role.EXPERT, rule="none: experts reach single activities and requests through their invitations")


@declare(ImportJob, *BUSINESS_ROLES, rule="the user's own uploads (importing itself is the bureau's right)")
def _own_import_jobs(user: User) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(created_by=user)
