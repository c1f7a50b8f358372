"""The unified social credit code (统一社会信用代码) of GB 32100-2015: 18 characters, the last a check character."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, Z, S, V
WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1, 3, 9, 27, 19, 26, 16, …


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    if len(value) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(length)d."),
            code="length",
            params={"length": len(value)},
        )
    wrong = sorted({char for char in value if char not in ALPHABET})
    if wrong:
        raise ValidationError(
            _("A unified social credit code cannot contain %(characters)s."),
            code="characters",
            params={"characters": "、".join(wrong)},
        )
    if check_character(value[:17]) != value[17]:
        raise ValidationError(
            _("The check character of this unified social credit code is wrong: please check the code."),
            code="checksum",
        )
