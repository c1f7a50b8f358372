"""Every write to the logins: typed, keyword-only, validated, atomic.

The bureau creates a login with an initial password that is shown once and stored only as a hash; the user must
choose their own at the first login (`must_change_password`, enforced by accounts/middleware.py). A login is
disabled, never deleted: its records keep their author.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import ASCIIUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import signals
from accounts.models import ADMIN_ROLES, BUSINESS_ROLES, Role, User
from accounts.sessions import EndReason, end_sessions
from huhang.locking import locked
from huhang.text import clean_text, normalise_identifier

if TYPE_CHECKING:
    from django.db.models import Model
    from django.http import HttpRequest

# No 0/O, 1/l/I: the bureau reads the password out on the phone or copies it into a letter.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105  # nosec B105 # an alphabet
PASSWORD_GROUPS, PASSWORD_GROUP_LENGTH = 4, 4  # 16 random characters, about 92 bits


@dataclass(frozen=True)
class NewPassword:
    """A login and its initial password, which exists in clear only in this object and on the page showing it."""

    user: User
    password: str


def initial_password() -> str:
    """xxxx-xxxx-xxxx-xxxx from a cryptographic source; the hyphens only help reading it out."""

    def group() -> str:
        return "".join(secrets.choice(PASSWORD_ALPHABET) for _i in range(PASSWORD_GROUP_LENGTH))

    return "-".join(group() for _g in range(PASSWORD_GROUPS))


def _clean_username(username: str, *, exclude: User | None = None) -> str:
    username = normalise_identifier(username)
    try:
        ASCIIUsernameValidator()(username)
    except ValidationError as invalid:
        raise ValidationError({"username": invalid.messages}, code="invalid") from invalid
    taken = User.objects.filter(username__iexact=username)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        # Case-insensitively: "ZhangWei" beside "zhangwei" would only confuse the people typing them.
        taken_message = _("The username %(username)s is already taken.") % {"username": username}
        raise ValidationError({"username": ValidationError(taken_message, code="taken")})
    return username


def _check_contact(*, role: str, unit: Model | None, contact: Model | None) -> None:
    if contact is None:
        return
    if role != Role.UNIT_CONTACT or unit is None or contact.unit_id != unit.pk:
        raise ValidationError(_("A contact's login speaks for the contact's own unit."), code="contact_unit")
    existing = User.objects.filter(contact=contact).first()
    if existing is not None:
        raise ValidationError(
            _("%(name)s already has a login: %(username)s.") % {"name": contact.name, "username": existing.username},
            code="contact_has_login",
        )


def _set_initial_password(user: User) -> str:
    password = initial_password()
    user.set_password(password)
    user.must_change_password = True
    return password


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    role: str,
    full_name: str = "",
    email: str = "",
    phone: str = "",
    division: Model | None = None,
    unit: Model | None = None,
    contact: Model | None = None,
) -> NewPassword:
    """Creates a login with an initial password to be changed at the first login.

    A unit contact's login is bound to `unit` and, when made from a contact on the unit's page, to that `contact`
    (one login per contact); an officer's to `division`. The role's binding rules are the model's constraints.
    """
    if contact is not None:
        contact = locked(contact)  # two clicks on the same contact: the second waits and finds the first login
    _check_contact(role=role, unit=unit, contact=contact)
    user = User(
        username=_clean_username(username),
        role=role,
        full_name=clean_text(full_name),
        email=normalise_identifier(email),
        phone=normalise_identifier(phone),
        division=division,
        unit=unit,
        contact=contact,
    )
    password = _set_initial_password(user)
    user.full_clean()
    user.save()
    return NewPassword(user=user, password=password)


@transaction.atomic
def user_set_active(*, actor: User, user: User, is_active: bool, request: HttpRequest | None = None) -> User:
    """Disables a login (its sessions end at once) or enables it again."""
    if not is_active and actor.pk == user.pk:
        raise ValidationError(_("You cannot disable your own login."), code="self")
    user = locked(user)
    if user.is_active != is_active:
        user.is_active = is_active
        user.save(update_fields=["is_active"])
    if not is_active:
        end_sessions(user=user, reason=EndReason.DISABLED, request=request)
    return user


@transaction.atomic
def user_password_reset(*, actor: User, user: User, request: HttpRequest | None = None) -> NewPassword:
    """A new initial password for someone who forgot theirs; their sessions end and they must change it again."""
    if actor.pk == user.pk:
        raise ValidationError(_("Change your own password on the password page."), code="self")
    user = locked(user)
    password = _set_initial_password(user)
    user.save(update_fields=["password", "must_change_password"])
    end_sessions(user=user, reason=EndReason.CREDENTIALS, request=request)
    signals.credentials_reset.send(sender=User, user=user, actor=actor, request=request)
    return NewPassword(user=user, password=password)


@transaction.atomic
def user_password_change(*, user: User, password: str) -> User:
    """The user sets their own password (after checking the old one on the form); the initial one is then gone."""
    if user.check_password(password):
        same = ValidationError(_("Choose a password different from the current one."), code="same_password")
        raise ValidationError({"new_password1": same})
    validate_password(password, user)  # the rules of AUTH_PASSWORD_VALIDATORS, the last 5 passwords among them
    user.set_password(password)  # the save stamps password_changed_at, which restarts the 90 days
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    return user


@transaction.atomic
def user_sessions_end(*, actor: User, user: User, request: HttpRequest | None = None) -> int:
    """A security administrator signs a login out everywhere (a lost laptop); returns how many sessions ended."""
    if actor.pk == user.pk:
        raise ValidationError(_("Sign yourself out with the menu's log-out."), code="self")
    return end_sessions(user=locked(user), reason=EndReason.CREDENTIALS, request=request)


def _binding(user: User) -> dict[str, object]:
    return {"role": user.role, "division_id": user.division_id, "unit_id": user.unit_id}


@transaction.atomic
def user_change_role(
    *,
    actor: User,
    user: User,
    role: str,
    division: Model | None = None,
    unit: Model | None = None,
    request: HttpRequest | None = None,
) -> User:
    """A security administrator moves a login to another business role or scope (an officer to another county, a
    contact to another unit). Administrator logins are the system administrator's to create and are never moved in
    or out here. The role's binding rules are the model's constraints (full_clean); the user's sessions end, so the
    new scope starts with a new sign-in."""
    if actor.pk == user.pk:
        raise ValidationError(_("Another security administrator changes your own role."), code="self")
    user = locked(user)
    if user.role in ADMIN_ROLES or role not in BUSINESS_ROLES:
        raise ValidationError(_("Only the programme's own roles are changed here."), code="admin_role")
    if role not in (Role.TEAM_MEMBER, Role.EXPERT) and User.objects.filter(pk=user.pk, person__isnull=False).exists():
        # The personnel pool links a person to a team member's or an expert's login only (teams.services).
        raise ValidationError(
            _("This login belongs to a person of the personnel pool: it stays a team member or an expert."),
            code="person_login",
        )
    before = _binding(user)
    user.role = role
    user.division = division if role == Role.OFFICER else None
    user.unit = unit if role == Role.UNIT_CONTACT else None
    if user.contact_id is not None and (role != Role.UNIT_CONTACT or user.unit_id != before["unit_id"]):
        user.contact = None  # the contact on the old unit's page is no longer this login
    user.full_clean()
    after = _binding(user)
    if after == before:
        return user
    user.save(update_fields=["role", "division", "unit", "contact"])
    end_sessions(user=user, reason=EndReason.CREDENTIALS, request=request)
    signals.role_changed.send(sender=User, user=user, actor=actor, request=request, before=before, after=after)
    return user


@transaction.atomic
def lockout_clear(*, actor: User, username: str = "", ip_address: str = "", request: HttpRequest | None = None) -> int:
    """A security administrator unlocks a username, or a client address, before its 30 minutes are up (django-axes'
    attempts deleted, as `manage.py axes_reset_username` or `axes_reset_ip` do); returns how many attempt rows went."""
    if username:
        attempts = AccessAttempt.objects.filter(username=username)
    elif ip_address:
        attempts = AccessAttempt.objects.filter(ip_address=ip_address)
    else:
        return 0
    count, _deleted = attempts.delete()
    if count:
        signals.lockout_cleared.send(
            sender=User, username=username, ip_address=ip_address, actor=actor, request=request
        )
    return count
