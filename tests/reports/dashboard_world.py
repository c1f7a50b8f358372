"""The hand-built programme of the dashboard's tests (tests/reports/test_dashboard.py, test_dashboard_cache.py)."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from accounts.models import Role
from archives import services as archive_services
from reports.dashboard import ACTIVITY_MONTHS
from teams.models import Person
from tests.factories import (
    ActivityFactory,
    PersonFactory,
    PlanFactory,
    RequestFactory,
    UnitFactory,
    approved_plan,
    assign,
    division,
    ready,
    two_served_units,
)
from units.models import Unit


def _ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def _local(*when: int) -> datetime.datetime:
    return datetime.datetime(*when, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _window_start(today: datetime.date) -> datetime.date:
    """The first day of the month ACTIVITY_MONTHS - 1 months before this one."""
    month = today.month - (ACTIVITY_MONTHS - 1)
    year = today.year
    while month <= 0:
        month += 12
        year -= 1
    return datetime.date(year, month, 1)


def dashboard_world(users, unit) -> dict:
    """Hangzhou: `unit` (a key laboratory) guided by tom's team 西湖团队; a technology centre of the same team with a
    draft plan past due; a "little giant" no team serves; a unit removed from the list (guided once). Ningbo: a
    university guided by tina's team 甬江团队 and a leading firm of that team with a plan waiting for review. Plus
    activities across the twelve months' boundary, requests answered in time, late and fresh, and the pool."""
    from plans.models import Plan
    from plans.services import plan_submit

    tom = users[Role.TEAM_MEMBER]
    served = two_served_units(tom, unit)
    team, other_team, ningbo = served["team"], served["other_team"], served["ningbo"]
    approved_plan(unit)
    draft = UnitFactory(name="杭州方案草稿单位", category=Unit.Category.TECH_INNOVATION_CENTRE)
    assign(draft, team)
    PlanFactory(unit=draft)
    Plan.objects.filter(unit=draft).update(due_on=datetime.date(2025, 4, 30))
    alone = UnitFactory(name="杭州未指派单位", category=Unit.Category.LITTLE_GIANT)
    removed = UnitFactory(name="已调出单位", is_listed=False)
    assign(removed, team)
    approved_plan(removed)
    approved_plan(ningbo)
    waiting = UnitFactory(name="宁波待审单位", division=division("330203"), category=Unit.Category.LEADING_ENTERPRISE)
    assign(waiting, other_team)
    plan_submit(actor=None, version=ready(PlanFactory(unit=waiting)))

    # The pool: the two teams' six commissioners (signed), an expert, an unsigned lawyer, an inactive one.
    eve = PersonFactory(user=users[Role.EXPERT], kind=Person.Kind.THINK_TANK, name="伊芙")
    PersonFactory(kind=Person.Kind.LAWYER, confidentiality_signed_on=None)
    PersonFactory(kind=Person.Kind.LAWYER, is_active=False)

    today = timezone.localdate()
    start = _window_start(today)
    visited = ActivityFactory(unit=unit, date=today, kind="visit", experts=[eve])
    ActivityFactory(unit=unit, date=start, kind="consultation")
    ActivityFactory(unit=unit, date=start - datetime.timedelta(days=1), kind="training")  # before the window
    ActivityFactory(unit=ningbo, date=today - datetime.timedelta(days=40), kind="visit")
    ActivityFactory(unit=removed, date=today, kind="briefing")

    bureau, contact = users[Role.BUREAU], users[Role.UNIT_CONTACT]
    in_time = RequestFactory(unit=unit, actor=contact, kind="consultation", submitted_at=_ago(60))
    archive_services.request_accept(actor=tom, request=in_time, at=_ago(60) + datetime.timedelta(hours=1))
    archive_services.request_reply(actor=tom, request=in_time, text="答复。", at=_ago(60) + datetime.timedelta(hours=2))
    archive_services.request_close(actor=contact, request=in_time, rating=5)
    ignored = RequestFactory(unit=unit, actor=contact, kind="consultation", submitted_at=_ago(60))
    fresh = RequestFactory(unit=unit, actor=contact, kind="guidance")
    late = RequestFactory(unit=ningbo, kind="guidance", submitted_at=_ago(60))
    archive_services.request_accept(actor=bureau, request=late, at=_ago(40))
    archive_services.request_reply(actor=bureau, request=late, text="迟到的答复。", at=_ago(20))
    return {
        "team": team,
        "other_team": other_team,
        "ningbo": ningbo,
        "draft": draft,
        "alone": alone,
        "removed": removed,
        "waiting": waiting,
        "eve": eve,
        "visited": visited,
        "requests": {"in_time": in_time, "ignored": ignored, "fresh": fresh, "late": late},
        "start": start,
    }
