"""What a user may read: one entry point (`visible`) and one table of rules, filled by the apps that own the models.

Each app declares the scopes of its own models in its `scopes.py`, imported by its `AppConfig.ready()` — the way
`rules` takes predicates — so this module knows no model and the apps above it need not be imported here. A rule is
declared per model and role, with the rule in words for the security reviewer (`manage.py scope_matrix` prints the
whole table). A role with no declared rule reads nothing: deny by default, and the system check below (and a test)
fails when a scoped model leaves a role undeclared.

A record outside a user's scope is simply absent from it, so a view that fetches through a scope answers 404 for it —
the same answer as for a record that does not exist.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet

from accounts.models import ADMIN_ROLES, ADMINISTRATION_APPS, Role

if TYPE_CHECKING:
    from accounts.models import User

RowsOf = Callable[["User"], QuerySet]


@dataclass(frozen=True)
class Scope:
    model: type[Model]
    role: Role
    rule: str  # the rule in words, as the scope matrix prints it
    rows: RowsOf  # the user's rows; called only for an active user of `role`
    declared_in: str  # the module that declared it


_scopes: dict[tuple[str, Role], Scope] = {}


def declare(model: type[Model], *roles: Role, rule: str, _module: str = "") -> Callable[[RowsOf], RowsOf]:
    """Declares, as a decorator on a `rows(user) -> QuerySet` function, what users of `roles` read of `model`."""

    administrators = ADMIN_ROLES.intersection(roles)
    if administrators and model._meta.app_label not in ADMINISTRATION_APPS:
        # 三员分立: an administrator reads no business record by being one. Refused here, at start-up.
        raise ImproperlyConfigured(f"{model._meta.label} may not be given a scope for {sorted(administrators)}.")

    def register(rows: RowsOf) -> RowsOf:
        module = _module or rows.__module__
        for role in roles:
            key = (model._meta.label, role)
            if key in _scopes and _scopes[key].declared_in != module:
                raise ImproperlyConfigured(f"The scope of {key[0]} for {role} is declared twice.")
            _scopes[key] = Scope(model=model, role=role, rule=rule, rows=rows, declared_in=module)
        return rows

    return register


def declare_all(model: type[Model], *roles: Role, rule: str) -> None:
    """Users of `roles` read every row of `model`."""
    declare(model, *roles, rule=rule, _module=_caller())(lambda user: model._default_manager.all())


def declare_none(model: type[Model], *roles: Role, rule: str) -> None:
    """Users of `roles` read no row of `model`; `rule` says why."""
    declare(model, *roles, rule=rule, _module=_caller())(lambda user: model._default_manager.none())


def _caller() -> str:
    """The module that called the declare_* function, for the matrix's "declared in" column."""
    return sys._getframe(2).f_globals["__name__"]


def visible(user: User, model: type[Model]) -> QuerySet:
    """The rows of `model` that `user` may read: none for an anonymous or inactive user or an undeclared role."""
    if not (user.is_authenticated and user.is_active):
        return model._default_manager.none()
    scope = _scopes.get((model._meta.label, Role(user.role)))
    if scope is None:
        return model._default_manager.none()
    return scope.rows(user)


def scope_matrix() -> list[Scope]:
    """Every declared rule, by model and then role in the order of `Role`."""
    order = {role: index for index, role in enumerate(Role)}
    return sorted(_scopes.values(), key=lambda s: (s.model._meta.label, order[s.role]))


def scoped_models() -> set[type[Model]]:
    return {scope.model for scope in _scopes.values()}


def undeclared() -> list[tuple[type[Model], Role]]:
    """Pairs of a scoped model and a business role that has no rule for it (the administrators read nothing unless
    declared, and may be declared only on the administration apps' models)."""
    return [
        (model, role)
        for model in sorted(scoped_models(), key=lambda m: m._meta.label)
        for role in Role
        if role not in ADMIN_ROLES and (model._meta.label, role) not in _scopes
    ]


@checks.register(checks.Tags.security)
def check_every_role_declared(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Deny by default is safe, but a forgotten role is a bug: every scoped model names a rule for every role."""
    return [
        checks.Error(
            f"{model._meta.label} has no declared scope for the role {role.value}.",
            hint="Declare it in the owning app's scopes.py (accounts.scopes.declare / declare_none).",
            id="accounts.E001",
        )
        for model, role in undeclared()
    ]
