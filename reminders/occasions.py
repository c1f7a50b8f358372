"""What a finder (reminders/finders.py) reports: one occasion to remind people of something, and to whom."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import models


@dataclass(frozen=True)
class Occasion:
    kind: str  # a reminders.kinds.Kind
    record: models.Model  # what it is about: a request, a plan, a measure, a team's report, a unit …
    occasion: str  # which time of that record: "" once, "accept"/"answer", a due date, a half year's code …
    title: str  # the bell's line and the e-mail's subject: the unit's name and what is due, no person's details
    url: str  # the record's page, for a recipient whose scope covers it
    user_ids: frozenset[int] = field(default_factory=frozenset)  # who gets it in their bell and by e-mail
    team_id: int | None = None  # whose DingTalk group hears of it (when the team has a robot)
    due_at: datetime.datetime | None = None  # the deadline it reminds of, if any

    @property
    def key(self) -> tuple[str, type[models.Model], int, str]:
        return (self.kind, type(self.record), self.record.pk, self.occasion)
