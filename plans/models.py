"""Service plans (服务方案): one per unit, in versions, with the measures list (服务举措清单)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from huhang.models import TimeStampedModel
from huhang.vocabulary import TaskArea


class Plan(TimeStampedModel):
    """A unit's plan. `in_force` is the approved version the unit sees; `working` the version being written or
    reviewed (none when nothing is open). Both may exist: a revision does not stop the approved plan."""

    uid = models.UUIDField(_("public identifier"), default=uuid.uuid4, unique=True, editable=False)
    unit = models.OneToOneField("units.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="plan")
    due_on = models.DateField(_("first approval due"))
    in_force = models.OneToOneField(
        "PlanVersion",
        verbose_name=_("version in force"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    working = models.OneToOneField(
        "PlanVersion",
        verbose_name=_("version in work"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["unit__name"]
        verbose_name = _("service plan")
        verbose_name_plural = _("service plans")

    def __str__(self) -> str:
        return str(self.unit)


class PlanVersion(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")
        SUPERSEDED = "superseded", _("Superseded")

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    # The assessment sections: sanitised HTML (plans/sanitising.py), never trusted as typed.
    ip_status = models.TextField(_("IP status"), blank=True)
    characteristics = models.TextField(_("characteristics"), blank=True)
    weak_links = models.TextField(_("weak links"), blank=True)
    main_needs = models.TextField(_("main needs"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    # The unit's figures as they were when the plan was written.
    ip_profile = models.ForeignKey(
        "units.IPProfile",
        verbose_name=_("IP profile used"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Optimistic locking: every save of the sections must name the revision it started from.
    revision = models.PositiveIntegerField(_("revision"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "-number"]
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="planversion_unique_number")]
        # The approval queue reads the few submitted versions among all of them.
        indexes = [models.Index(fields=["status"], name="planversion_status")]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"

    @property
    def is_editable(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.RETURNED}


SECTIONS = ("ip_status", "characteristics", "weak_links", "main_needs", "recommendations")


class Measure(TimeStampedModel):
    """One line of the measures list. A revision copies the measures; `carried_from` links a copy to its origin."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    CLOSED_STATUSES = frozenset({Status.DONE, Status.CANCELLED})

    version = models.ForeignKey(
        PlanVersion, verbose_name=_("plan version"), on_delete=models.CASCADE, related_name="measures"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    area = models.CharField(_("task area"), max_length=24, choices=TaskArea.choices)
    content = models.TextField(_("measure"))
    owner = models.ForeignKey(
        "teams.Person",
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    # The day it was marked done (cleared if reopened): the scorecard judges "done on time" against `due_on`.
    done_on = models.DateField(_("done on"), null=True, blank=True)
    carried_from = models.ForeignKey(
        "self", verbose_name=_("carried from"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "position", "pk"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        indexes = [
            models.Index(fields=["status", "due_on"]),
            # Who carries which open measures (the experts' load in plans/suggestions.py), read from the index alone.
            models.Index(
                fields=["owner", "version"],
                condition=models.Q(status__in=["not_started", "in_progress"]),
                name="measure_open_by_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.content[:40]

    @property
    def is_overdue(self) -> bool:
        """Past its due date and still open: not done (a cancelled measure is closed too, not late)."""
        return (
            self.due_on is not None and self.status not in self.CLOSED_STATUSES and self.due_on < timezone.localdate()
        )


class ProgressNote(TimeStampedModel):
    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="progress_notes"
    )
    date = models.DateField(_("date"))
    text = models.TextField(_("progress"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["measure", "-date", "-pk"]
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")

    def __str__(self) -> str:
        return f"{self.measure} @ {self.date}"


class PlanEvent(TimeStampedModel):
    """Who did what to a plan, and when: the workflow's record, shown to the team and the bureau."""

    class Action(models.TextChoices):
        STARTED = "started", _("Started")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned with comments")
        APPROVED = "approved", _("Approved")
        REVISED = "revised", _("Revision started")

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="events")
    version = models.ForeignKey(
        PlanVersion, verbose_name=_("plan version"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.TextField(_("comment"), blank=True)
    # What a returned version said when the bureau returned it: the five sections and the measures, written by
    # plan_return (layout in plans/snapshots.py). The review compares a resubmission with it; it never depends on
    # a history row existing at an instant (seeded, migrated or imported data have none).
    snapshot = models.JSONField(_("text as returned"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["plan", "-created_at", "-pk"]
        verbose_name = _("plan event")
        verbose_name_plural = _("plan events")
        constraints = [
            models.CheckConstraint(
                name="planevent_returned_keeps_the_text",
                condition=~models.Q(action="returned") | models.Q(snapshot__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.get_action_display()}"
