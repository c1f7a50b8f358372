"""The service personnel pool (服务人员库) and the "1+2+X" service teams with their units."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from huhang.crypto import EncryptedCharField, EncryptedEmailField
from huhang.models import TimeStampedModel
from huhang.vocabulary import TaskArea
from units.validators import validate_phone


class Person(TimeStampedModel):
    """Someone who may serve units: as a team's leader or core member, or as an expert invited per activity."""

    class Kind(models.TextChoices):
        IP_COMMISSIONER = "commissioner", _("IP service commissioner")
        PROTECTION_CENTRE = "protection_centre", _("National IP protection centre staff")
        THINK_TANK = "think_tank", _("IP think-tank expert")
        IP_POLICE = "ip_police", _("IP police officer")
        LAWYER = "lawyer", _("IP lawyer")
        SERVICE_AGENCY = "service_agency", _("High-end service agency staff")

    name = models.CharField(_("name"), max_length=64)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    organisation = models.CharField(_("organisation"), max_length=128)
    technical_fields = models.CharField(
        _("technical fields"), max_length=200, blank=True, help_text=_("Separate several fields with commas.")
    )
    # Personal data, stored encrypted with SM4 (huhang/crypto.py): the database can neither read nor search them.
    phone = EncryptedCharField(_("phone"), max_length=32, blank=True, validators=[validate_phone])
    email = EncryptedEmailField(_("e-mail"), blank=True)
    confidentiality_signed_on = models.DateField(
        _("confidentiality undertaking signed on"),
        null=True,
        blank=True,
        help_text=_("Nobody joins a team or an activity before signing the confidentiality undertaking."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        # The pool's list reads its page in this order: an index walk stops after one page, whatever the pool's size.
        indexes = [models.Index(fields=["name", "id"], name="person_name_order")]
        verbose_name = _("service person")
        verbose_name_plural = _("service personnel")

    def __str__(self) -> str:
        return f"{self.name}（{self.organisation}）"


class Expertise(models.Model):
    """One of the seven task areas a person is expert in; a row per area so matching is a join, not a scan."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="expertise")
    area = models.CharField(_("task area"), max_length=24, choices=TaskArea.choices)

    class Meta:
        ordering = ["person", "area"]
        verbose_name = _("expertise")
        verbose_name_plural = _("expertise")
        constraints = [models.UniqueConstraint(fields=["person", "area"], name="expertise_unique_area")]

    def __str__(self) -> str:
        return self.get_area_display()


class Training(TimeStampedModel):
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="trainings")
    title = models.CharField(_("training"), max_length=128)
    attended_on = models.DateField(_("attended on"))

    class Meta:
        ordering = ["person", "-attended_on"]
        verbose_name = _("training")
        verbose_name_plural = _("trainings")

    def __str__(self) -> str:
        return self.title


class Team(TimeStampedModel):
    """A "1+2+X" service team: one leader and two core members, fixed; experts join per activity."""

    name = models.CharField(_("team name"), max_length=64, unique=True)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("service team")
        verbose_name_plural = _("service teams")

    def __str__(self) -> str:
        return self.name


class Membership(TimeStampedModel):
    """A person's fixed seat in a team. The service layer keeps exactly one leader and two core members."""

    class Role(models.TextChoices):
        LEADER = "leader", _("Leader")
        CORE = "core", _("Core member")

    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role in the team"), max_length=8, choices=Role.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["team", "role", "pk"]  # "core" < "leader": templates sort leaders first explicitly
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        constraints = [
            models.UniqueConstraint(fields=["team", "person"], name="membership_person_once_per_team"),
            models.UniqueConstraint(
                fields=["team"], condition=models.Q(role="leader"), name="membership_one_leader_per_team"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.get_role_display()} {self.person.name}"


class Assignment(TimeStampedModel):
    """A team serves a unit from `start` until `end`. A unit has at most one open assignment; ended ones stay."""

    unit = models.ForeignKey("units.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="assignments")
    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="assignments")
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["unit", "-start", "-pk"]
        verbose_name = _("team assignment")
        verbose_name_plural = _("team assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=models.Q(end__isnull=True), name="assignment_one_open_per_unit"
            ),
            models.CheckConstraint(
                name="assignment_ends_after_start",
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} → {self.unit}"
