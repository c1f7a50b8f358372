"""How personal data shows to a role that does not need it in full (PIPL: the least that serves the purpose).

A phone keeps its first 3 and last 4 digits (138****5678), an e-mail its first character and domain (z***@zju.edu.cn).
The audit trail never stores more than the masked form.
"""

from __future__ import annotations

MASK = "****"


def mask_phone(phone: str) -> str:
    digits = phone.strip()
    if not digits:
        return ""
    if len(digits) <= 7:
        return digits[:1] + MASK
    return f"{digits[:3]}{MASK}{digits[-4:]}"


def mask_email(email: str) -> str:
    email = email.strip()
    if not email:
        return ""
    local, _at, domain = email.partition("@")
    if not domain:
        return local[:1] + MASK
    return f"{local[:1]}{MASK}@{domain}"
