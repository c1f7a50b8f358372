"""The second factor (MLPS 2.0 level 3: two kinds of authentication for the staff): a TOTP authenticator app
(django-otp's otp_totp) and ten recovery codes for a lost phone (otp_static). Every write to them is here.

A login of SECOND_FACTOR_REQUIRED_ROLES always signs in with one; a unit contact or an expert may enrol from their
account menu, and is then asked for it too. Until the code is given, accounts.middleware.SecondFactorRequiredMiddleware
lets the user reach only the pages named in SECOND_FACTOR_VIEWS. Wrong codes are throttled by django-otp (each
failure doubles the wait before the device checks another code) and signalled (accounts/signals.py) for the audit.
"""

from __future__ import annotations

import re
import secrets
from base64 import b32encode
from dataclasses import dataclass
from typing import TYPE_CHECKING

import django_otp
import qrcode
import qrcode.image.svg
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import signals
from accounts.models import SECOND_FACTOR_REQUIRED_ROLES, User
from accounts.sessions import EndReason, end_other_sessions, end_sessions, rotate_session_key
from huhang.locking import locked

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django_otp.models import Device

# Set at login for a user who must give a second factor although their role does not require one (they enrolled).
PENDING_SESSION_KEY = "huhang_second_factor_pending"
RECOVERY_CODE_COUNT = 10
# No 0/O, 1/l/I: a recovery code is copied by hand from paper.
RECOVERY_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_CODE_LENGTH = 10  # about 49 bits each; shown as xxxxx-xxxxx
DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery"
TOTP_CODE = re.compile(r"^\d{6}$")


@dataclass(frozen=True)
class Enrolment:
    """What the enrolment page shows: the secret as a QR code and as text for typing into the app by hand."""

    device: TOTPDevice
    qr_svg: str
    secret_groups: list[str]


def required_for(user: User) -> bool:
    return user.role in SECOND_FACTOR_REQUIRED_ROLES


def has_device(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_pending(request: HttpRequest) -> bool:
    """A signed-in user who still owes this session their second factor."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return False
    return required_for(user) or bool(request.session.get(PENDING_SESSION_KEY))


def login_started(sender, request: HttpRequest, user: User, **kwargs) -> None:
    """user_logged_in: a unit contact or expert who enrolled is asked for their code like the staff."""
    if request is not None and hasattr(request, "session") and not required_for(user) and has_device(user):
        request.session[PENDING_SESSION_KEY] = True


def _grouped(secret: str, size: int = 4) -> list[str]:
    return [secret[i : i + size] for i in range(0, len(secret), size)]


def _qr_svg(data: str) -> str:
    """The QR code as inline SVG markup (no image request, nothing for the CSP to allow), sized by its viewBox."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    svg = image.to_string(encoding="unicode")
    return re.sub(r'^<svg width="[^"]*" height="[^"]*"', '<svg width="220" height="220" role="img"', svg)


@transaction.atomic
def enrolment_start(*, user: User) -> Enrolment:
    """The unconfirmed device this user is enrolling (made on the first visit, the same on a reload), to be
    confirmed by a first code. Refused once a device is confirmed: a new one takes a reset by the security
    administrator, so a stolen password cannot replace the owner's authenticator."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if has_device(user):
        raise ValidationError(_("You already have an authenticator app."), code="enrolled")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    secret = b32encode(device.bin_key).decode("ascii")
    return Enrolment(device=device, qr_svg=_qr_svg(device.config_url), secret_groups=_grouped(secret))


def _normalise_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code).lower()


def _new_recovery_codes(user: User) -> list[str]:
    """A new set of recovery codes; the old set is void at once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [
        "".join(secrets.choice(RECOVERY_CODE_ALPHABET) for _i in range(RECOVERY_CODE_LENGTH))
        for _n in range(RECOVERY_CODE_COUNT)
    ]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def _signed_in_with(request: HttpRequest, device: Device) -> None:
    """The session is now verified: its id changes (a privilege change) and the staff login's older sessions end."""
    django_otp.login(request, device)
    request.session.pop(PENDING_SESSION_KEY, None)
    rotate_session_key(request)
    end_other_sessions(request, request.user)


def enrolment_confirm(*, request: HttpRequest, code: str) -> list[str]:
    """Confirms the device being enrolled with its first code; returns the recovery codes, to be shown once.

    A wrong code is refused after its transaction has committed the device's failure count (the throttle)."""
    code = _normalise_code(code)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=request.user.pk)
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
        if device is None or has_device(user):
            raise ValidationError(_("Start the enrolment again."), code="no_enrolment")
        allowed, _wait = device.verify_is_allowed()
        if allowed and TOTP_CODE.match(code) and device.verify_token(code):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            codes = _new_recovery_codes(user)
            _signed_in_with(request, device)
            signals.second_factor_enrolled.send(sender=User, user=user, request=request)
            return codes
        if allowed and not TOTP_CODE.match(code):
            device.throttle_increment()  # a malformed code counts as a wrong one
    _refuse(request, throttled=not allowed)


def _refuse(request: HttpRequest, *, throttled: bool) -> None:
    signals.second_factor_failed.send(sender=User, user=request.user, request=request, throttled=throttled)
    if throttled:
        raise ValidationError(
            _("Too many wrong codes. Wait a minute, then type the code your app shows now."), code="throttled"
        )
    raise ValidationError(
        _("The code is wrong or has been used already. Check that the phone's clock is right."), code="wrong_code"
    )


def verify(*, request: HttpRequest, code: str) -> Device:
    """Checks a 6-digit code against the authenticator, anything else against the recovery codes (each works
    once). Raises ValidationError for a wrong code, or for any code while the throttle makes the device wait."""
    user = request.user
    code = _normalise_code(code)
    recovery = not TOTP_CODE.match(code)
    model = StaticDevice if recovery else TOTPDevice
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
        if device is None:
            allowed, verified = True, False
        else:
            allowed, _wait = device.verify_is_allowed()
            verified = allowed and device.verify_token(code)
    if not verified:
        _refuse(request, throttled=not allowed)
    _signed_in_with(request, device)
    signals.second_factor_verified.send(sender=User, user=user, request=request, device=device, recovery_code=recovery)
    return device


@transaction.atomic
def recovery_codes_renew(*, request: HttpRequest) -> list[str]:
    """A new set of ten recovery codes for a verified user; the old ones stop working."""
    user = User.objects.select_for_update().get(pk=request.user.pk)
    if not has_device(user):
        raise ValidationError(_("Set up an authenticator app first."), code="no_device")
    codes = _new_recovery_codes(user)
    signals.recovery_codes_renewed.send(sender=User, user=user, request=request)
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user).count()


@transaction.atomic
def second_factor_reset(*, actor: User, user: User, request: HttpRequest | None = None) -> None:
    """A security administrator deletes a user's authenticator and recovery codes (a lost phone): they enrol again
    at their next login, and their sessions end now."""
    if actor.pk == user.pk:
        raise ValidationError(_("Another security administrator resets your own second factor."), code="self")
    user = locked(user)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    end_sessions(user=user, reason=EndReason.CREDENTIALS, request=request)
    signals.second_factor_reset.send(sender=User, user=user, actor=actor, request=request)
