"""Zhejiang's administrative divisions and the key units (重点服务对象) with their contacts, IP profile and listing."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from huhang.crypto import EncryptedCharField, EncryptedEmailField
from huhang.models import TimeStampedModel
from huhang.search import BigramIndex
from units.credit_code import validate_credit_code
from units.validators import validate_phone


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
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
        error_messages={"unique": _("A unit with this unified social credit code is already on the list.")},
    )
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    division = models.ForeignKey(
        Division,
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        related_name="units",
        limit_choices_to={"level": Division.Level.COUNTY},
    )
    technical_field = models.CharField(_("technical field"), max_length=64, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    # Pinyin initials of the name (钱塘实验室 → qtsys), so staff can find a unit by typing a few Latin letters.
    name_initials = models.CharField(_("pinyin initials"), max_length=128, blank=True, editable=False, db_index=True)
    # Whether the unit is on the list now; kept in step with the latest ListingEvent by the listing services.
    is_listed = models.BooleanField(_("on the list"), default=True, db_index=True)
    # The name's and the initials' bigrams (huhang/search.py), so that a search by a part of the name is an index
    # scan; filled with name_initials by units.services.fill_search_fields, on every path that writes a name.
    search_document = models.TextField(editable=False, blank=True, default="")

    # The search document is derived from the name, which the history keeps.
    history = HistoricalRecords(excluded_fields=["search_document"])

    class Meta:
        ordering = ["name", "id"]  # the id breaks ties, so that pages of namesakes keep a stable order
        verbose_name = _("key unit")
        verbose_name_plural = _("key units")
        indexes = [
            models.Index(fields=["category", "is_listed"]),
            models.Index(fields=["name", "id"], name="unit_name_id"),  # the list's default order
            # A search by the start of a credit code (LIKE 'X%'), whatever the database's collation.
            models.Index(fields=["credit_code"], name="unit_credit_code_prefix", opclasses=["varchar_pattern_ops"]),
            BigramIndex(fields=["search_document"], name="unit_search_document"),
        ]

    def __str__(self) -> str:
        return self.name


class UnitContact(TimeStampedModel):
    """A person at the unit the team talks to. Personal data: only those who may see the unit see it."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=64)
    position = models.CharField(_("position"), max_length=64, blank=True)
    # Personal data, stored encrypted with SM4 (huhang/crypto.py): the database can neither read nor search them.
    phone = EncryptedCharField(_("phone"), max_length=32, blank=True, validators=[validate_phone])
    email = EncryptedEmailField(_("e-mail"), blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_primary", "name"]
        verbose_name = _("unit contact")
        verbose_name_plural = _("unit contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=models.Q(is_primary=True), name="unitcontact_one_primary_per_unit"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class IPProfile(TimeStampedModel):
    """The unit's IP figures as of a date. A new snapshot is added, never edited in place, so change shows."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="ip_profiles")
    as_of = models.DateField(_("as of"))
    invention_patents = models.PositiveIntegerField(_("invention patents held"), default=0)
    utility_models = models.PositiveIntegerField(_("utility models held"), default=0)
    pct_applications = models.PositiveIntegerField(_("PCT applications"), default=0)
    trademarks = models.PositiveIntegerField(_("registered trademarks"), default=0)
    ip_certified = models.BooleanField(_("IP management system certified"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["unit", "-as_of"]
        verbose_name = _("IP profile")
        verbose_name_plural = _("IP profiles")
        constraints = [models.UniqueConstraint(fields=["unit", "as_of"], name="ipprofile_one_per_unit_and_date")]

    def __str__(self) -> str:
        return f"{self.unit} @ {self.as_of}"


class ListingEvent(TimeStampedModel):
    """The unit entered (入选) or left (调出) the list. Events are only ever added: the list's history."""

    class Kind(models.TextChoices):
        SELECTED = "selected", _("Selected")
        REMOVED = "removed", _("Removed")

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="listing_events")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    date = models.DateField(_("date"))
    batch = models.CharField(_("batch"), max_length=64, blank=True, help_text=_("For example: 2025年第一批"))
    reason = models.TextField(_("basis or reason"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["unit", "-date", "-created_at"]
        verbose_name = _("listing event")
        verbose_name_plural = _("listing events")
        constraints = [
            models.CheckConstraint(
                name="listingevent_removal_has_reason",
                condition=~models.Q(kind="removed", reason=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_kind_display()} {self.date}"


def _import_upload_path(instance: "ImportJob", filename: str) -> str:
    # A random name: the sender's file name may be personal or confidential, and stored names must not be guessable.
    return f"imports/{uuid.uuid4().hex}.xlsx"


class ImportJob(TimeStampedModel):
    """An uploaded unit list between its check (the preview) and its import, and the import's outcome.

    The file stays on the server between preview and confirmation, so the import uses exactly what was checked and
    nothing the browser sends back. It is deleted once the import has run or the check found problems.
    """

    class Status(models.TextChoices):
        CHECKED = "checked", _("Checked")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Not imported")

    uid = models.UUIDField(_("public identifier"), default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.CASCADE, related_name="+"
    )
    file = models.FileField(_("file"), upload_to=_import_upload_path, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.CHECKED)
    total = models.PositiveIntegerField(_("rows"), default=0)
    done = models.PositiveIntegerField(_("rows imported"), default=0)
    result = models.JSONField(_("result"), default=dict, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        constraints = [
            models.CheckConstraint(name="importjob_done_within_total", condition=models.Q(done__lte=models.F("total")))
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"
