"""Events remind at once: when a request is raised, answered, referred or an expert invited, or a plan or a report
is decided, the finder's rules for it run as soon as the transaction commits (the beat's cycle would find them too,
a few minutes later).

The receivers only note which kinds a transaction concerns, in a batch its events share; after the commit the first
of their callbacks queues `find_reminders_task` once with all of them. So ten saves queue one task, and a
transaction rolled back queues none (Django drops its on-commit callbacks). The lower apps know nothing of
this: the reminders app listens to their models' signals, they never import it.
"""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.signals import m2m_changed, post_init, post_save
from django.dispatch import receiver

from archives.models import Activity, Referral, Request
from plans.models import PlanEvent
from reminders.kinds import Kind
from reports.models import ReportEvent

PLAN_EVENT_KINDS = {PlanEvent.Action.RETURNED: Kind.PLAN_RETURNED, PlanEvent.Action.APPROVED: Kind.PLAN_APPROVED}
REPORT_EVENT_KINDS = {ReportEvent.Action.RETURNED: Kind.REPORT_RETURNED}

# The attribute on a loaded request that keeps its `answered_at` as loaded, to tell when a save first sets it.
_ANSWERED_AS_LOADED = "_reminders_answered_at"


class Batch:
    """The kinds one transaction's events concern, and whether their task is queued already."""

    def __init__(self) -> None:
        self.kinds: set[str] = set()
        self.queued = False


class FindAfterCommit:
    """An on-commit callback of one event. The events of a transaction share one batch: the first callback to run
    after the commit queues the task with every kind of it, the others find it queued and do nothing."""

    def __init__(self, batch: Batch) -> None:
        self.batch = batch

    def __call__(self) -> None:
        from reminders.tasks import find_reminders_task

        if self.batch.queued:
            return
        self.batch.queued = True
        find_reminders_task.delay(kinds=sorted(self.batch.kinds))


def remind_after_commit(*kinds: str, using: str = DEFAULT_DB_ALIAS) -> None:
    """Registers a callback for after the commit, sharing the batch of the transaction's latest one (found among
    the connection's pending callbacks) unless that batch is queued already. So its lifetime is the transaction's:
    a rollback drops the callbacks (the kinds a rolled-back savepoint added to a batch that survives it only cost a
    finder run that finds nothing), and the next transaction starts a batch of its own."""
    connection = transaction.get_connection(using)
    batch = None
    if connection.in_atomic_block:
        pending = (entry[1] for entry in reversed(connection.run_on_commit))
        latest = next((callback for callback in pending if isinstance(callback, FindAfterCommit)), None)
        if latest is not None and not latest.batch.queued:
            batch = latest.batch
    batch = batch or Batch()
    batch.kinds.update(kinds)
    # Robust: a broker that is down must not turn a committed save into an error page; the beat finds it later.
    transaction.on_commit(FindAfterCommit(batch), using=using, robust=True)


@receiver(post_init, sender=Request, dispatch_uid="reminders_request_loaded")
def _request_loaded(sender: type[Request], instance: Request, **kwargs: Any) -> None:
    # Read from __dict__: a deferred field must not cost a query here.
    setattr(instance, _ANSWERED_AS_LOADED, instance.__dict__.get("answered_at"))


@receiver(post_save, sender=Request, dispatch_uid="reminders_request_saved")
def _request_saved(sender: type[Request], instance: Request, created: bool, raw: bool, using: str, **kwargs) -> None:
    if raw:
        return
    kinds = []
    if created:
        kinds.append(Kind.REQUEST_RAISED)
    answered_at = instance.__dict__.get("answered_at")
    if answered_at is not None and getattr(instance, _ANSWERED_AS_LOADED, None) is None:
        kinds.append(Kind.REQUEST_ANSWERED)
    setattr(instance, _ANSWERED_AS_LOADED, answered_at)
    if kinds:
        remind_after_commit(*kinds, using=using)


@receiver(post_save, sender=Referral, dispatch_uid="reminders_referral_saved")
def _referral_saved(sender: type[Referral], instance: Referral, created: bool, raw: bool, using: str, **kwargs) -> None:
    if created and not raw:
        remind_after_commit(Kind.REQUEST_REFERRED, using=using)


def _experts_added(sender: type, instance: Any, action: str, reverse: bool, pk_set: set | None, using: str, **kwargs):
    if action == "post_add" and pk_set:
        remind_after_commit(Kind.EXPERT_INVITED, using=using)


m2m_changed.connect(_experts_added, sender=Request.experts.through, dispatch_uid="reminders_request_experts")
m2m_changed.connect(_experts_added, sender=Activity.experts.through, dispatch_uid="reminders_activity_experts")


@receiver(post_save, sender=PlanEvent, dispatch_uid="reminders_plan_event_saved")
def _plan_event_saved(sender: type[PlanEvent], instance: PlanEvent, created: bool, raw: bool, using: str, **kwargs):
    if created and not raw and instance.action in PLAN_EVENT_KINDS:
        remind_after_commit(PLAN_EVENT_KINDS[instance.action], using=using)


@receiver(post_save, sender=ReportEvent, dispatch_uid="reminders_report_event_saved")
def _report_event_saved(sender: type[ReportEvent], instance: ReportEvent, created: bool, raw: bool, using: str, **kw):
    if created and not raw and instance.action in REPORT_EVENT_KINDS:
        remind_after_commit(REPORT_EVENT_KINDS[instance.action], using=using)
