"""Abstract models every app builds on."""

import datetime

from django.core.cache import cache
from django.db import models
from django.utils.translation import gettext_lazy as _

from huhang.freshness import COUNT_SECONDS, records_version


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class ProgrammeSettings(TimeStampedModel):
    """The programme's deadlines and limits, kept by bureau staff. One row (pk=1); `current()` creates it."""

    first_plans_due = models.DateField(
        _("first plans due"), default=datetime.date(2025, 4, 30), help_text=_("From the action plan: April 2025.")
    )
    plan_due_days = models.PositiveSmallIntegerField(_("days to write a plan after a later selection"), default=30)
    report_due_days = models.PositiveSmallIntegerField(
        _("days to submit a half-year report"),
        default=15,
        help_text=_("After the half year ends: 15 makes the reports due on 15 July and 15 January."),
    )
    # When reminders go out (reminders/finders.py): how far ahead of each deadline, and after how long without contact.
    remind_request_hours = models.PositiveSmallIntegerField(_("working hours before a request's time limit"), default=4)
    remind_plan_days = models.PositiveSmallIntegerField(_("days before a plan is due"), default=7)
    remind_measure_days = models.PositiveSmallIntegerField(_("days before a measure is due"), default=7)
    remind_report_days = models.PositiveSmallIntegerField(_("days before a half-year report is due"), default=7)
    remind_no_contact_days = models.PositiveSmallIntegerField(_("days without contact with a unit"), default=30)
    # The team scorecard's weights (绩效评价, reports/scorecard.py), in points out of 100.
    weight_plan = models.PositiveSmallIntegerField(_("weight: plans approved on time"), default=15)
    weight_measures = models.PositiveSmallIntegerField(_("weight: measures completed on time"), default=20)
    weight_contact = models.PositiveSmallIntegerField(_("weight: contact with each unit"), default=20)
    weight_requests = models.PositiveSmallIntegerField(_("weight: requests answered in time"), default=20)
    weight_satisfaction = models.PositiveSmallIntegerField(_("weight: satisfaction with requests"), default=10)
    weight_feedback = models.PositiveSmallIntegerField(_("weight: the units' feedback"), default=15)

    class Meta:
        verbose_name = _("programme settings")
        verbose_name_plural = _("programme settings")
        constraints = [
            models.CheckConstraint(name="programmesettings_single_row", condition=models.Q(pk=1)),
            models.CheckConstraint(
                name="programmesettings_weights_make_100",
                condition=models.Q(
                    weight_plan=100
                    - models.F("weight_measures")
                    - models.F("weight_contact")
                    - models.F("weight_requests")
                    - models.F("weight_satisfaction")
                    - models.F("weight_feedback")
                ),
            ),
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> "ProgrammeSettings":
        """The one row, from the cache while it is unchanged (huhang/apps.py watches the table): lists and pages
        read it for every plan's due date, and it changes a few times a year."""
        key = f"huhang:programme-settings:{records_version()}"
        settings = cache.get(key)
        if settings is None:
            settings, _created = cls.objects.get_or_create(pk=1)
            cache.set(key, settings, COUNT_SECONDS)
        return settings
