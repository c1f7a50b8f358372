"""The audit trail's retention may not be shorter than the law's six months."""

from django.conf import settings
from django.core import checks

from audit.models import MINIMUM_RETENTION_DAYS


@checks.register(checks.Tags.security)
def check_retention(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if settings.AUDIT_RETENTION_DAYS >= MINIMUM_RETENTION_DAYS:
        return []
    return [
        checks.Error(
            f"AUDIT_RETENTION_DAYS is {settings.AUDIT_RETENTION_DAYS}; it must be at least {MINIMUM_RETENTION_DAYS}.",
            hint="The Cybersecurity Law (art. 21) asks for network logs kept at least six months.",
            id="audit.E001",
        )
    ]
