"""The programme's review (定期复盘改进): the teams' half-year reports, the typical cases flagged for them, the units'
half-yearly feedback (意见建议), and the report exports built in the background.

Confidential records: URLs use `uid` (or the period code with the team's report), never a sequential key. Writes go
through reports/services.py.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from huhang.models import TimeStampedModel

PERIOD_LENGTH = 6  # "2026H1"


class TeamReport(TimeStampedModel):
    """A team's half-year report (半年度工作报告). Its figures are computed from the period's records
    (reports/figures.py): live while a draft, frozen into `figures` when submitted. Its text is drafted from the
    period's records for the team to edit."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned with comments")
        ACCEPTED = "accepted", pgettext_lazy("half-year report", "Accepted")

    uid = models.UUIDField(_("public identifier"), default=uuid.uuid4, unique=True, editable=False)
    team = models.ForeignKey("teams.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="reports")
    period = models.CharField(_("half year"), max_length=PERIOD_LENGTH, db_index=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)

    work_done = models.TextField(_("work done"), blank=True)
    typical_cases = models.TextField(_("typical cases"), blank=True)
    problems = models.TextField(_("problems"), blank=True)
    next_focus = models.TextField(_("focus of the next half year"), blank=True)
    unit_feedback = models.TextField(_("the units' feedback"), blank=True)

    # The figures as they stood at the last submission (reports/figures.py's structure); null while never submitted.
    figures = models.JSONField(_("figures"), null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    review_comment = models.TextField(_("review comments"), blank=True)
    # Bumped by every save of the text: a form sent from a page older than the last save is refused, not merged.
    revision = models.PositiveIntegerField(_("revision"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-period", "team__name"]
        verbose_name = _("half-year report")
        verbose_name_plural = _("half-year reports")
        constraints = [
            models.UniqueConstraint(fields=["team", "period"], name="teamreport_one_per_team_and_period"),
            models.CheckConstraint(
                name="teamreport_submitted_has_figures",
                condition=Q(status="draft") | Q(figures__isnull=False, submitted_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.period}"


class ReportEvent(TimeStampedModel):
    """One step of a report's workflow, with who took it: the bureau's period page shows who reviewed what."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned with comments")
        RESUBMITTED = "resubmitted", _("Resubmitted")
        ACCEPTED = "accepted", pgettext_lazy("half-year report", "Accepted")

    report = models.ForeignKey(TeamReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField(_("comments"), blank=True)

    class Meta:
        ordering = ["report", "created_at", "pk"]
        verbose_name = _("report event")
        verbose_name_plural = _("report events")

    def __str__(self) -> str:
        return f"{self.report} {self.get_action_display()}"


class TypicalCase(TimeStampedModel):
    """An activity or a request flagged as a typical case (典型案例) by its team or the bureau: it flows into the
    team's report and the province report of the half year it happened in."""

    uid = models.UUIDField(_("public identifier"), default=uuid.uuid4, unique=True, editable=False)
    activity = models.OneToOneField(
        "archives.Activity",
        verbose_name=_("activity"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="typical_case",
    )
    request = models.OneToOneField(
        "archives.Request",
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="typical_case",
    )
    # The serving team and the half year, copied from the record when flagged so reports filter without joins.
    team = models.ForeignKey(
        "teams.Team", verbose_name=_("team"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey("units.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    period = models.CharField(_("half year"), max_length=PERIOD_LENGTH, db_index=True)
    why = models.TextField(_("why it is typical"), blank=True)
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("flagged by"), on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-period", "-created_at", "-pk"]
        verbose_name = _("typical case")
        verbose_name_plural = _("typical cases")
        constraints = [
            models.CheckConstraint(
                name="typicalcase_exactly_one_record",
                condition=(Q(activity__isnull=False) & Q(request__isnull=True))
                | (Q(activity__isnull=True) & Q(request__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return str(self.activity or self.request)


class FeedbackQuestion(TimeStampedModel):
    """One of the three or four points the bureau asks the units to rate their team on (1–5)."""

    text = models.CharField(_("question"), max_length=120)
    position = models.PositiveSmallIntegerField(_("display order"), default=0)
    is_active = models.BooleanField(_("asked"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("feedback question")
        verbose_name_plural = _("feedback questions")

    def __str__(self) -> str:
        return self.text


class UnitFeedback(TimeStampedModel):
    """A unit contact's half-yearly feedback (意见建议) on the team serving their unit: a score per question and free
    text. The team reads it attributed to the unit; the province report only in aggregate."""

    uid = models.UUIDField(_("public identifier"), default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey("units.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("teams.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("half year"), max_length=PERIOD_LENGTH, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("given by"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("opinions and suggestions"), blank=True)

    class Meta:
        ordering = ["-period", "unit__name"]
        verbose_name = _("unit feedback")
        verbose_name_plural = _("unit feedback")
        constraints = [
            models.UniqueConstraint(fields=["author", "period"], name="unitfeedback_once_per_contact_and_period"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.period}"


class FeedbackScore(models.Model):
    feedback = models.ForeignKey(UnitFeedback, on_delete=models.CASCADE, related_name="scores")
    question = models.ForeignKey(FeedbackQuestion, on_delete=models.PROTECT, related_name="scores")
    score = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        ordering = ["feedback", "question__position"]
        verbose_name = _("feedback score")
        verbose_name_plural = _("feedback scores")
        constraints = [
            models.UniqueConstraint(fields=["feedback", "question"], name="feedbackscore_once_per_question"),
            models.CheckConstraint(name="feedbackscore_1_to_5", condition=Q(score__gte=1, score__lte=5)),
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.score}"


def _export_path(instance: "ExportJob", filename: str) -> str:
    token = uuid.uuid4().hex
    return f"exports/{token[:2]}/{token}.{instance.format}"


class ExportJob(TimeStampedModel):
    """A report export built by the task queue, with its progress; its file is served only to the user who asked
    for it (reports/views), and purged after a day."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being built")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    class Format(models.TextChoices):
        XLSX = "xlsx", "Excel (xlsx)"
        PDF = "pdf", "PDF"

    uid = models.UUIDField(_("public identifier"), default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="+"
    )
    # What to export: "province" (the user's scope, optionally narrowed by city), "team" (one team's report) or
    # "dashboard"; the parameters as the export_report command takes them.
    kind = models.CharField(_("report"), max_length=12)
    period = models.CharField(_("half year"), max_length=PERIOD_LENGTH, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("steps"), default=0)
    done = models.PositiveIntegerField(_("steps done"), default=0)
    file = models.FileField(_("file"), upload_to=_export_path, blank=True, max_length=200)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    error = models.TextField(_("error"), blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report export")
        verbose_name_plural = _("report exports")
        indexes = [models.Index(fields=["created_by", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.period} {self.format}"
