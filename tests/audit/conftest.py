import pytest
from django.db import connection

from accounts.models import Role
from tests.factories import approved_plan, two_served_units


@pytest.fixture(autouse=True)
def archive_dir(settings, tmp_path):
    settings.AUDIT_ARCHIVE_DIR = tmp_path / "audit-archive"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SENDFILE_X_ACCEL = ""
    return settings.AUDIT_ARCHIVE_DIR


@pytest.fixture
def programme(users, outsiders, unit):
    """`unit` (杭州) served by tom's team with an approved plan; a Ningbo unit served by tina's team, with its own."""
    served = two_served_units(users[Role.TEAM_MEMBER], unit)
    return {**served, "plan": approved_plan(unit), "ningbo_plan": approved_plan(served["ningbo"])}


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the append-only trigger is PostgreSQL's (django-pgtrigger); SQLite has the model and queryset guards only",
)


def sign_in(client, user) -> None:
    """force_login, and for a role that signs in with a second factor, a session that gave it (django-otp keeps the
    verified device's id in the session)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import SECOND_FACTOR_REQUIRED_ROLES

    client.force_login(user)
    if user.role in SECOND_FACTOR_REQUIRED_ROLES:
        device, _created = TOTPDevice.objects.get_or_create(
            user=user, name="authenticator", defaults={"confirmed": True}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
