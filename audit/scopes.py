"""The read scopes of the audit trail (accounts/scopes.py): the audit administrator reads every event; a unit's
contact the programme's reads of their own unit's records; every other role none."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from accounts.models import Role
from accounts.scopes import declare, declare_all, declare_none
from audit.models import Action, AuditEvent, Result

if TYPE_CHECKING:
    from accounts.models import User

# What a unit's contact is shown: someone of the programme opened, downloaded or exported the unit's records.
READ_ACTIONS = (Action.READ, Action.DOWNLOAD, Action.EXPORT)
PROGRAMME_ROLES = (Role.BUREAU, Role.OFFICER, Role.TEAM_MEMBER, Role.EXPERT)

declare_all(AuditEvent, Role.AUDIT_ADMIN, rule="every event (the audit administrator's one scope)")


@declare(
    AuditEvent,
    Role.UNIT_CONTACT,
    rule="reads, downloads and exports of the contact's own unit's records by programme staff, teams and experts",
)
def _reads_of_own_unit(user: User) -> QuerySet[AuditEvent]:
    if not user.unit_id:
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(
        unit_id=user.unit_id, action__in=READ_ACTIONS, result=Result.OK, role__in=PROGRAMME_ROLES
    )


declare_none(
    AuditEvent,
    Role.BUREAU,
    Role.OFFICER,
    Role.TEAM_MEMBER,
    Role.EXPERT,
    Role.SYSTEM_ADMIN,
    Role.SECURITY_ADMIN,
    rule="none: the trail is the audit administrator's (三员分立)",
)
