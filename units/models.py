"""Zhejiang's administrative divisions and the key units (重点服务对象)."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from huhang.models import TimeStampedModel


class Division(models.Model):
    """A city (设区市) or county-level division of Zhejiang, by its administrative division code.

    Loaded from the shipped `units/data/zhejiang-divisions.csv` by a data migration, never typed by hand.
    """

    class Level(models.TextChoices):
        CITY = "city", _("City")
        COUNTY = "county", _("County-level division")

    code = models.CharField(_("division code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=32)
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    city = models.ForeignKey(
        "self",
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="counties",
        limit_choices_to={"level": Level.CITY},
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("division")
        verbose_name_plural = _("divisions")
        constraints = [
            models.CheckConstraint(
                name="division_county_has_city",
                condition=models.Q(level="city", city__isnull=True) | models.Q(level="county", city__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        if self.level == self.Level.COUNTY and self.city_id:
            return f"{self.city.name} {self.name}"
        return self.name


class Unit(TimeStampedModel):
    """A key unit served by the programme. Its details are confidential (严守服务对象秘密)."""

    class Category(models.TextChoices):
        KEY_LAB = "key_lab", _("National or provincial key laboratory")
        TECH_INNOVATION_CENTRE = "tech_centre", _("Technology innovation centre")
        MANUFACTURING_CENTRE = "mfg_centre", _("Manufacturing innovation centre")
        UNIVERSITY = "university", _("Science and technology university")
        LEADING_ENTERPRISE = "leading_firm", _("Leading science and technology enterprise")
        LITTLE_GIANT = "little_giant", _("Specialised and sophisticated 'little giant' enterprise")
        OTHER = "other", _("Other")

    # Used in URLs instead of the sequential key, so that unit pages cannot be enumerated.
    uid = models.UUIDField(_("public identifier"), default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("unit name"), max_length=128)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    division = models.ForeignKey(
        Division,
        verbose_name=_("division"),
        on_delete=models.PROTECT,
        related_name="units",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("key unit")
        verbose_name_plural = _("key units")

    def __str__(self) -> str:
        return self.name
