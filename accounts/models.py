"""The user model and the roles of DOMAIN.md."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    BUREAU = "bureau", _("Bureau staff")
    OFFICER = "officer", _("City or county officer")
    TEAM_MEMBER = "team_member", _("Service team member")
    EXPERT = "expert", _("Domain expert")
    UNIT_CONTACT = "unit_contact", _("Unit contact")


class User(AbstractUser):
    """A person who logs in. What they may see follows from `role` and its binding (accounts/access.py).

    A team member is a leader or core member through team membership (teams app); the role only says which
    kind of home page and navigation they get.
    """

    full_name = models.CharField(_("full name"), max_length=64, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)  # AbstractUser's, in the portal's words
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.BUREAU)
    division = models.ForeignKey(
        "units.Division",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
        help_text=_("The city or county an officer is responsible for."),
    )
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contact_users",
        help_text=_("The unit a unit contact speaks for."),
    )
    # The contact on the unit's page this login was created for, so that a contact gets one login only.
    contact = models.OneToOneField(
        "units.UnitContact",
        verbose_name=_("unit contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="login",
    )
    # Set when the bureau creates the login or resets its password: the initial password is known to two people,
    # so the middleware (accounts/middleware.py) sends the user to the password page until they choose their own.
    must_change_password = models.BooleanField(_("must change the password"), default=False)

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # An officer always has a jurisdiction and a unit contact always has a unit; nobody else has either,
            # so a role change can never leave a stale binding that widens someone's scope.
            models.CheckConstraint(
                name="user_officer_has_exactly_division",
                condition=(models.Q(role="officer", division__isnull=False) | ~models.Q(role="officer"))
                & (models.Q(role="officer") | models.Q(division__isnull=True)),
            ),
            models.CheckConstraint(
                name="user_unit_contact_has_exactly_unit",
                condition=(models.Q(role="unit_contact", unit__isnull=False) | ~models.Q(role="unit_contact"))
                & (models.Q(role="unit_contact") | models.Q(unit__isnull=True)),
            ),
            models.CheckConstraint(
                name="user_only_unit_contacts_have_a_contact",
                condition=models.Q(role="unit_contact") | models.Q(contact__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username
