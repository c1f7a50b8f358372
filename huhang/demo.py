"""The demo programme: one login per role on a believable late-2026 programme.

Idempotent: every row is found by a natural key and updated, so running it again changes nothing
but the demo passwords, which are reset to DEMO_PASSWORD.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from accounts.models import Role, User
from units.credit_code import check_character
from units.models import Division, Unit


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    role: Role
    scope: str


def credit_code(registration: str, division_code: str, serial: str) -> str:
    """A made-up but valid unified social credit code: authority+type, division, organisation code."""
    first17 = f"{registration}{division_code}{serial}"
    return first17 + check_character(first17)


def _demo_unit() -> Unit:
    division = Division.objects.get(code="330110")  # 杭州市余杭区
    unit, _ = Unit.objects.update_or_create(
        credit_code=credit_code("12", division.code, "MB1A2C3D4"),
        defaults={"name": "钱塘智能计算实验室", "category": Unit.Category.KEY_LAB, "division": division},
    )
    return unit


@transaction.atomic
def build_demo(*, password: str) -> list[DemoLogin]:
    unit = _demo_unit()
    hangzhou = Division.objects.get(code="330100")
    accounts = [
        ("bureau", "陈琳嘉", Role.BUREAU, {}, "全省"),
        ("officer", "王建国", Role.OFFICER, {"division": hangzhou}, str(hangzhou)),
        ("leader", "李思远", Role.TEAM_MEMBER, {}, "服务团队组长"),
        ("member", "赵晓雯", Role.TEAM_MEMBER, {}, "服务团队骨干"),
        ("expert", "孙明哲", Role.EXPERT, {}, "专家智库"),
        ("unit", "周海燕", Role.UNIT_CONTACT, {"unit": unit}, unit.name),
    ]
    logins = []
    for username, full_name, role, binding, scope in accounts:
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "full_name": full_name,
                "role": role,
                "division": binding.get("division"),
                "unit": binding.get("unit"),
                "is_active": True,
                # The bureau's demo account also keeps the admin, as the bureau's superusers do.
                "is_staff": role == Role.BUREAU,
                "is_superuser": role == Role.BUREAU,
            },
        )
        user.set_password(password)
        user.save(update_fields=["password"])
        logins.append(DemoLogin(username, full_name, role, scope))
    return logins
