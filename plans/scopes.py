"""The read scopes of the service plans (accounts/scopes.py): who reads which version of a unit's plan."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, QuerySet

from accounts.models import BUSINESS_ROLES, Role
from accounts.scopes import declare, declare_none, visible
from plans.models import Plan, PlanVersion
from units.scopes import visible_units

if TYPE_CHECKING:
    from accounts.models import User


def visible_plan_versions(user: User) -> QuerySet[PlanVersion]:
    return visible(user, PlanVersion)


@declare(PlanVersion, Role.BUREAU, Role.TEAM_MEMBER, rule="every version (drafts included) of the units' plans")
def _every_version(user: User) -> QuerySet[PlanVersion]:
    return PlanVersion.objects.filter(plan__unit__in=visible_units(user))


@declare(PlanVersion, Role.OFFICER, Role.UNIT_CONTACT, rule="the approved versions of the units' plans")
def _approved_versions(user: User) -> QuerySet[PlanVersion]:
    return PlanVersion.objects.filter(plan__unit__in=visible_units(user), status=PlanVersion.Status.APPROVED)


declare_none(PlanVersion, Role.EXPERT, rule="none: experts advise on activities and requests, not on plans")


@declare(Plan, *BUSINESS_ROLES, rule="the plans of which the user reads at least one version")
def _plans_with_a_visible_version(user: User) -> QuerySet[Plan]:
    return Plan.objects.filter(Exists(visible_plan_versions(user).filter(plan=OuterRef("pk"))))
