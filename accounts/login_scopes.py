"""The read scope of the logins themselves (accounts/scopes.py holds the registry and knows no model): the bureau
keeps every login; everyone else reads only their own."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Role, User
from accounts.scopes import declare, declare_all

declare_all(User, Role.BUREAU, rule="every login (the bureau gives contacts and the pool their logins)")
declare_all(
    User,
    Role.SYSTEM_ADMIN,
    Role.SECURITY_ADMIN,
    rule="every login (the system administrator keeps them, the security administrator their credentials)",
)


@declare(
    User,
    Role.OFFICER,
    Role.TEAM_MEMBER,
    Role.EXPERT,
    Role.UNIT_CONTACT,
    Role.AUDIT_ADMIN,
    rule="their own login only: logins are the bureau's register",
)
def _own_login(user: User) -> QuerySet[User]:
    return User.objects.filter(pk=user.pk)
