"""Normalising what people type or paste: full-width characters, stray spaces, lower-case codes."""

import re
import unicodedata

from pypinyin import Style, lazy_pinyin


def normalise_text(value: object) -> str:
    """NFKC (full-width → half-width), trimmed, inner runs of white space folded to one space."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return re.sub(r"\s+", " ", text).strip()


def normalise_credit_code(value: object) -> str:
    """Credit codes are printed in groups and typed in lower case; the code itself has neither."""
    return re.sub(r"\s+", "", normalise_text(value)).upper()


def pinyin_initials(name: str) -> str:
    """钱塘智能计算实验室 → qtznjssys; Latin letters and digits are kept, punctuation dropped."""
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default"))
    return re.sub(r"[^0-9a-z]", "", initials.lower())
