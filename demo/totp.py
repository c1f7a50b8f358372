"""The demo logins' second factor: an authenticator whose key is published (below and in the README), so that
anyone trying the demo can sign in as a staff login, by adding the key to an authenticator app or with
`manage.py demo_totp <username>`.

The key is public, so it must open nothing real: demo_totp prints a code only for a device whose key is this one,
and production never holds such a device unless seed_demo (which refuses to run with DEBUG off) made it.
"""

from __future__ import annotations

import time
from binascii import hexlify
from typing import TYPE_CHECKING

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

if TYPE_CHECKING:
    from accounts.models import User

# Published: b"huhang-demo-2fa-2026". For an authenticator app, in base32:
DEMO_TOTP_KEY_BASE32 = "NB2W QYLO M4WW IZLN N4WT EZTB FUZD AMRW"
DEMO_TOTP_KEY = hexlify(b"huhang-demo-2fa-2026").decode("ascii")


def give_demo_second_factor(user: User) -> TOTPDevice:
    """A confirmed authenticator with the published demo key (idempotent: any other device of the user goes, and
    a re-run resets the throttle and the last code used)."""
    TOTPDevice.objects.filter(user=user).exclude(name="demo").delete()
    device, _created = TOTPDevice.objects.update_or_create(
        user=user,
        name="demo",
        defaults={
            "key": DEMO_TOTP_KEY,
            "confirmed": True,
            "last_t": -1,
            "drift": 0,
            "throttling_failure_count": 0,
            "throttling_failure_timestamp": None,
        },
    )
    return device


def demo_code(user: User) -> tuple[str, int] | None:
    """The current code of the user's demo authenticator and the seconds it stays valid; None unless the user's
    device holds the published demo key (never a real user's)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True, key=DEMO_TOTP_KEY).first()
    if device is None:
        return None
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()  # one instant for the code and its remaining seconds
    remaining = device.step - int(totp.time - device.t0) % device.step
    return f"{totp.token():0{device.digits}d}", remaining
