"""The demo programme: a believable late-2026 programme and one login per role.

Idempotent: every row is found by a natural key, so running it again changes nothing but the demo passwords,
which are reset to DEMO_PASSWORD. Each app's part has its own module here (demo/units.py, demo/teams.py, …).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.db import transaction

from accounts.models import SECOND_FACTOR_REQUIRED_ROLES, Role, User
from demo import archive as archives_demo
from demo import plans as plans_demo
from demo import reminders as reminders_demo
from demo import reports as reports_demo
from demo import teams as teams_demo
from demo import units as units_demo
from demo.totp import give_demo_second_factor
from units.models import Division


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    role: Role
    scope: str


@transaction.atomic
def build_demo(*, password: str) -> list[DemoLogin]:
    bureau_user = _bureau_account()
    # One seeded generator per part: the same programme on every machine and every run.
    units = units_demo.build_units(rng=random.Random("units-2026"), actor=bureau_user)  # nosec B311 # seeded demo data
    people = teams_demo.build_personnel(rng=random.Random("people-2026"))  # nosec B311 # seeded demo data
    teams = teams_demo.build_teams(
        rng=random.Random("teams-2026"),  # nosec B311 # seeded demo data
        people=people,
        units=units,
        actor=bureau_user,
    )
    teams_demo.assign_units(units=units, teams=teams, actor=bureau_user)
    unit = units[0]
    hangzhou = Division.objects.get(code="330100")
    accounts = [
        ("bureau", "陈琳嘉", Role.BUREAU, {}, "全省"),
        ("officer", "王建国", Role.OFFICER, {"division": hangzhou}, str(hangzhou)),
        ("leader", teams_demo.DEMO_LEADER, Role.TEAM_MEMBER, {}, f"{teams[0].name} 组长"),
        ("member", teams_demo.DEMO_MEMBER, Role.TEAM_MEMBER, {}, f"{teams[0].name} 骨干"),
        ("expert", teams_demo.DEMO_EXPERT, Role.EXPERT, {}, "专家智库"),
        ("unit", "周海燕", Role.UNIT_CONTACT, {"unit": unit}, unit.name),
        # 三员分立: three administrators, none of whom reads the programme's records.
        ("sysadmin", "李明远", Role.SYSTEM_ADMIN, {}, "登录账号与系统后台"),
        ("secadmin", "赵安宁", Role.SECURITY_ADMIN, {}, "凭据、锁定与会话"),
        ("auditor", "孙审言", Role.AUDIT_ADMIN, {}, "审计日志"),
    ]
    # Every login has an address, so the demo's reminders show their e-mails too (the leader's, member's and
    # expert's are their pool entries' addresses; none of these domains receives mail).
    pool_emails = {person.name: person.email for person in people[:3]}
    logins = []
    for username, full_name, role, binding, scope in accounts:
        default_domain = "example.com" if role == Role.UNIT_CONTACT else "example.gov.cn"
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "full_name": full_name,
                "email": pool_emails.get(full_name) or f"{username}@{default_domain}",
                "role": role,
                "division": binding.get("division"),
                "unit": binding.get("unit"),
                "is_active": True,
                # Django's admin is the system administrator's alone (三员分立); no login is a superuser.
                "is_staff": role == Role.SYSTEM_ADMIN,
                "is_superuser": False,
            },
        )
        user.set_password(password)
        user.save(update_fields=["password"])
        if role in SECOND_FACTOR_REQUIRED_ROLES:
            give_demo_second_factor(user)
        logins.append(DemoLogin(username, full_name, role, scope))
    # The team members' and the expert's logins are their pool entries' accounts.
    for person in people[:3]:
        if person.user_id is None:
            person.user = User.objects.get(full_name=person.name, username__in=["leader", "member", "expert"])
            person.save(update_fields=["user", "updated_at"])
    plans_demo.build_plans(rng=random.Random("plans-2026"), units=units, actor=bureau_user)  # nosec B311 # seeded
    archives_demo.build_archive(rng=random.Random("archive-2026"), units=units, people=people)  # nosec B311 # seeded
    reports_demo.build_reports(rng=random.Random("reports-2026"), bureau=bureau_user)  # nosec B311 # seeded
    # Last: the finder reads what every other part wrote.
    reminders_demo.build_reminders()
    return logins


def _bureau_account() -> User:
    user, _ = User.objects.get_or_create(username="bureau", defaults={"role": Role.BUREAU, "full_name": "陈琳嘉"})
    return user
