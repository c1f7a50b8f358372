"""Reads of the reminders app. A user's bell, list and preferences read that user's own rows and nothing else (a
notification of someone else is missing, 404); the outbox and the finder's runs are the bureau's (reminders/rules.py).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Role
from reminders.kinds import Kind, default_email_mode
from reminders.models import Delivery, EmailPreference, FinderRun, Notification
from reminders.services import CYCLE, STALE_AFTER_CYCLES, finder_health

if TYPE_CHECKING:
    from accounts.models import User

# --- a user's own notifications -------------------------------------------------------------------------------------


def notifications_for_user(*, user: User) -> QuerySet[Notification]:
    """The user's own notifications, newest first, each with its reminder (one query a page)."""
    return Notification.objects.filter(user=user).select_related("reminder").order_by("-created_at", "-pk")


def unread_count_for_user(*, user: User) -> int:
    """The bell's figure: one COUNT on the (user, read_at) index."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_get_for_user(*, user: User, pk: int) -> Notification:
    """The user's own notification; another user's is missing, exactly like one that does not exist (404)."""
    return get_object_or_404(notifications_for_user(user=user), pk=pk)


# --- e-mail preferences ---------------------------------------------------------------------------------------------

# The kinds that reach each role (issue 12, "What is reminded, and to whom"): what the preferences page offers. The
# team's reminders go to its leader and core members (a measure's also to its owner); the bureau hears of what is
# missed or past due; an officer of the requests referred to their department; an expert of invitations; a unit
# contact of answers and of the feedback window.
KINDS_BY_ROLE: dict[str, tuple[str, ...]] = {
    Role.BUREAU: (Kind.REQUEST_MISSED, Kind.PLAN_OVERDUE, Kind.REPORT_OVERDUE),
    Role.OFFICER: (Kind.REQUEST_REFERRED,),
    Role.TEAM_MEMBER: (
        Kind.REQUEST_RAISED,
        Kind.REQUEST_DUE_SOON,
        Kind.REQUEST_MISSED,
        Kind.PLAN_DUE_SOON,
        Kind.PLAN_OVERDUE,
        Kind.PLAN_RETURNED,
        Kind.PLAN_APPROVED,
        Kind.MEASURE_DUE_SOON,
        Kind.MEASURE_OVERDUE,
        Kind.REPORT_DUE_SOON,
        Kind.REPORT_OVERDUE,
        Kind.REPORT_RETURNED,
        Kind.NO_CONTACT,
    ),
    Role.EXPERT: (Kind.EXPERT_INVITED,),
    Role.UNIT_CONTACT: (Kind.REQUEST_ANSWERED, Kind.FEEDBACK_OPEN),
}


@dataclass(frozen=True)
class KindChoice:
    kind: str
    label: str
    default: str  # an EmailMode
    mode: str  # the user's choice, or the default


def email_choices_for_user(*, user: User) -> list[KindChoice]:
    """Each kind that can reach the user, in the kinds' order: the kinds of their role and any kind they have been
    reminded of all the same (a measure owned by someone outside the team, a role changed since)."""
    received = set(
        Notification.objects.filter(user=user).values_list("reminder__kind", flat=True).distinct().order_by()
    )
    offered = set(KINDS_BY_ROLE.get(user.role, ())) | received
    chosen = dict(EmailPreference.objects.filter(user=user).values_list("kind", "mode"))
    return [
        KindChoice(kind=kind, label=label, default=default_email_mode(kind), mode=chosen.get(kind) or default)
        for kind, label in Kind.choices
        if kind in offered
        for default in [default_email_mode(kind)]
    ]


def email_modes_kept(*, user: User, shown: set[str]) -> dict[str, str]:
    """The user's saved choices for kinds the page does not show, kept when the page's choices are saved."""
    return dict(EmailPreference.objects.filter(user=user).exclude(kind__in=shown).values_list("kind", "mode"))


# --- the bureau's outbox --------------------------------------------------------------------------------------------

# Failed deliveries need the bureau, waiting ones may still need it; sent and skipped ones are the record.
STATUS_ORDER = [Delivery.Status.FAILED, Delivery.Status.PENDING, Delivery.Status.SKIPPED, Delivery.Status.SENT]


def outbox_deliveries() -> QuerySet[Delivery]:
    """Every delivery with what its row shows (reminder, recipient, team), failed first, then newest first. Only
    for users with `reminders.view_outbox` (the views check it)."""
    return (
        Delivery.objects.select_related("reminder", "user", "team")
        .annotate(
            status_rank=Case(
                *(When(status=status, then=Value(rank)) for rank, status in enumerate(STATUS_ORDER)),
                output_field=IntegerField(),
            )
        )
        .order_by("status_rank", "-created_at", "-pk")
    )


def outbox_counts() -> dict[str, int]:
    """Deliveries per status, every status present (0 when none)."""
    counts = dict(Delivery.objects.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return {status: counts.get(status, 0) for status in STATUS_ORDER}


def outbox_delivery_get(*, pk: int) -> Delivery:
    return get_object_or_404(Delivery.objects.select_related("reminder"), pk=pk)


@dataclass(frozen=True)
class FinderState:
    last_run: FinderRun | None  # the last finished cycle
    stale: bool  # no cycle within STALE_AFTER_CYCLES cycles: /healthz says "degraded"
    stale_after: datetime.timedelta

    @property
    def stale_after_minutes(self) -> int:
        return int(self.stale_after.total_seconds() // 60)


def finder_state(*, now: datetime.datetime | None = None) -> FinderState:
    now = now or timezone.now()
    last_run = FinderRun.objects.filter(finished_at__isnull=False).order_by("-started_at").first()
    return FinderState(last_run=last_run, stale=finder_health(now) != "ok", stale_after=STALE_AFTER_CYCLES * CYCLE)
