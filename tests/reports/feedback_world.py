"""The world of the units' feedback tests (imported by tests/reports/test_feedback*.py): `unit` served by tom's team
(西湖团队), a Ningbo unit served by tina's (甬江团队) with its contact nina, the four points the migration asks, and a
way to set the day the pages run on."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from reports import services
from reports.models import FeedbackQuestion
from reports.periods import Period
from tests.factories import UserFactory, two_served_units

# From reports/migrations/0002_feedback_questions.py: what every unit is asked until the bureau changes it.
MIGRATION_QUESTIONS = ["服务响应是否及时", "服务人员是否专业", "服务是否解决了实际问题", "对接沟通是否顺畅"]
IN_WINDOW = datetime.date(2026, 6, 15)  # the feedback on 2026H1 is asked from 1 June to 15 July


@pytest.fixture
def questions(db) -> list[FeedbackQuestion]:
    """The points asked, as the migration leaves them (made again if a flushing test removed them)."""
    if not FeedbackQuestion.objects.exists():
        FeedbackQuestion.objects.bulk_create(
            FeedbackQuestion(text=text, position=i) for i, text in enumerate(MIGRATION_QUESTIONS, 1)
        )
    return list(FeedbackQuestion.objects.filter(is_active=True).order_by("position", "pk"))


@pytest.fixture
def world(users, unit, questions) -> dict:
    world = two_served_units(users[Role.TEAM_MEMBER], unit)
    world["nina"] = UserFactory(username="nina", unit_contact=True, unit=world["ningbo"])
    world["questions"] = questions
    return world


@pytest.fixture
def on_day(monkeypatch):
    """`on_day(date)` makes `timezone.localdate()` (the pages' today) return `date`."""
    original = timezone.localdate

    def set_day(day: datetime.date) -> None:
        monkeypatch.setattr(
            timezone, "localdate", lambda value=None, timezone=None: day if value is None else original(value, timezone)
        )

    return set_day


def all_scores(questions: list[FeedbackQuestion], *values: int) -> dict[int, int]:
    """A score per question: `values` in order, the last repeated for the rest."""
    return {q.pk: values[min(i, len(values) - 1)] for i, q in enumerate(questions)}


def give(user, questions, *values: int, period: str = "2026H1", text: str = "", today=IN_WINDOW):
    return services.feedback_give(
        actor=user, period=Period.parse(period), scores=all_scores(questions, *(values or (5,))), text=text, today=today
    )
