"""Validators for what units and people type in."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A mainland mobile (1[3-9]x, 11 digits) or a landline with area code (0571-87654321, optional extension).
PHONE_RE = re.compile(r"^(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(?:-\d{1,6})?)$")


def normalise_phone(value: str) -> str:
    """Drops the spaces and dashes people type inside a mobile number (138-1234-5678 → 13812345678)."""
    compact = re.sub(r"[\s\-]", "", value)
    if re.fullmatch(r"1\d{10}", compact):
        return compact
    return re.sub(r"\s", "", value)


def validate_phone(value: str) -> None:
    if not PHONE_RE.fullmatch(value):
        raise ValidationError(
            _("%(value)s is not a valid phone number: use an 11-digit mobile or a landline like 0571-87654321."),
            code="phone",
            params={"value": value},
        )
