"""The role predicates (the `rules` library) every app builds its permissions on.

What a user may *read* is the scopes' (accounts/scopes.py: one entry point, the rules declared by each app for its
own models); what a role may *do* is each app's `rules.py`, discovered at start-up. A user may only change what is
also in their read scope.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from accounts.models import Role

if TYPE_CHECKING:
    from accounts.models import User


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
is_system_admin = _has_role(Role.SYSTEM_ADMIN)
is_security_admin = _has_role(Role.SECURITY_ADMIN)
is_audit_admin = _has_role(Role.AUDIT_ADMIN)
