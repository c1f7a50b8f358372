"""Abstract models every app builds on."""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


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

    class Meta:
        verbose_name = _("programme settings")
        verbose_name_plural = _("programme settings")
        constraints = [models.CheckConstraint(name="programmesettings_single_row", condition=models.Q(pk=1))]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> "ProgrammeSettings":
        settings, _created = cls.objects.get_or_create(pk=1)
        return settings
