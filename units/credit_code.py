"""The unified social credit code (统一社会信用代码) of GB 32100-2015: one normaliser and one validator for every
entry — the unit form, the Excel import, the services, the search.

Its 18 characters, from the 31 of `ALPHABET`:

- 1: the registration authority (登记管理部门代码);
- 2: the category of organisation that authority registers (机构类别代码);
- 3–8: the administrative division of the registering office (登记管理机关行政区划码), six digits;
- 9–17: the organisation code (主体标识码, GB 11714), whose last character is its own check character;
- 18: the check character of the whole code.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from huhang.text import normalise_identifier

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, Z, S, V
WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1, 3, 9, 27, 19, 26, 16, …

# The registration authorities and the categories each registers: the table of GB 32100-2015 (表1, 登记管理部门代码
# and 机构类别代码) with the authorities allotted codes since (2 外交 … N 农业). python-stdnum's cn/uscc.py
# (arthurdejong/python-stdnum, stdnum/cn/uscc.py, checked 2026) carries no such table: it only asks for digits in
# positions 1–8, which would refuse the codes of the authorities A, N and Y, and checks the 18th character.
CATEGORIES = {
    "1": "1239",  # 机构编制: 机关, 事业单位, 中央编办直接管理机构编制的群众团体, 其他
    "2": "19",  # 外交
    "3": "123459",  # 司法行政
    "4": "129",  # 文化
    "5": "1239",  # 民政: 社会团体, 民办非企业单位, 基金会, 其他
    "6": "12",  # 旅游
    "7": "12",  # 宗教
    "8": "19",  # 工会
    "9": "123",  # 工商: 企业, 个体工商户, 农民专业合作社
    "A": "19",  # 中央军委改革和编制办公室
    "N": "1239",  # 农业
    "Y": "1",  # 其他
}

# GB 11714-1997, the organisation code: 8 characters and a check character; letters count A=10 … Z=35.
ORGANISATION_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# People type a code in groups, with spaces or hyphens between them, in lower case or full width.
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―]+")

# One message per failure; the import shows the same ones (units/importing/result.py), each with the code itself.
MESSAGES = {
    "length": _("A unified social credit code has 18 characters; %(value)s has %(length)s."),
    "characters": _("A unified social credit code cannot contain %(characters)s."),
    "authority": _(
        "The 1st character of %(value)s should be the code of a registration authority (one of %(allowed)s), "
        "not %(authority)s."
    ),
    "category": _(
        "The 2nd character of %(value)s should be a category of the registration authority %(authority)s "
        "(one of %(allowed)s), not %(category)s."
    ),
    "division": _("Characters 3 to 8 of %(value)s should be a division code of six digits, not %(division)s."),
    "organisation": _(
        "Characters 9 to 17 of %(value)s are an organisation code whose own check character (the 17th) is wrong: "
        "please check the code."
    ),
    "checksum": _("The check character of %(value)s is wrong: please check the code."),
}


def normalise_credit_code(value: object) -> str:
    """91 330106-prbjgcuj46, ９１３３… → 91330106PRBJGCUJ46: full width folded, separators dropped, upper case."""
    return _SEPARATORS.sub("", normalise_identifier(value)).upper()


def check_character(first17: str) -> str:
    """The 18th character of a code whose first 17 are given."""
    total = sum(ALPHABET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def organisation_check_character(body: str) -> str:
    """The 9th character of an organisation code (GB 11714) whose first 8 are given: 0–9 or X."""
    total = sum(int(char, 36) * weight for char, weight in zip(body, ORGANISATION_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def _refuse(code: str, value: str, **params: object) -> ValidationError:
    return ValidationError(MESSAGES[code], code=code, params={"value": value, **params})


def validate_credit_code(value: str) -> None:
    """Checks a normalised code (see `normalise_credit_code`) part by part; the first wrong part is named."""
    if len(value) != 18:
        raise _refuse("length", value, length=len(value))
    wrong = sorted({char for char in value if char not in ALPHABET})
    if wrong:
        raise _refuse("characters", value, characters="、".join(wrong))
    authority, category, division = value[0], value[1], value[2:8]
    if authority not in CATEGORIES:
        raise _refuse("authority", value, authority=authority, allowed="、".join(CATEGORIES))
    if category not in CATEGORIES[authority]:
        raise _refuse(
            "category", value, authority=authority, category=category, allowed="、".join(CATEGORIES[authority])
        )
    if not division.isdigit():
        raise _refuse("division", value, division=division)
    if organisation_check_character(value[8:16]) != value[16]:
        raise _refuse("organisation", value)
    if check_character(value[:17]) != value[17]:
        raise _refuse("checksum", value)
