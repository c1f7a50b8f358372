"""The user model and the roles of DOMAIN.md."""

from datetime import timedelta

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    BUREAU = "bureau", _("Bureau staff")
    OFFICER = "officer", _("City or county officer")
    TEAM_MEMBER = "team_member", _("Service team member")
    EXPERT = "expert", _("Domain expert")
    UNIT_CONTACT = "unit_contact", _("Unit contact")


# MLPS 2.0 level 3: staff change their password periodically. Unit contacts and experts log in rarely and see only
# their own unit's or invitation's records, so the rule is for the roles that see many units.
PASSWORD_MAX_AGE = timedelta(days=90)
ROLES_WITH_PASSWORD_MAX_AGE = frozenset({Role.BUREAU, Role.OFFICER, Role.TEAM_MEMBER})
# How many of a user's passwords (the current one included) a new password may not repeat.
PASSWORD_HISTORY_LENGTH = 5


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
    # Stamped by save (below) after any set_password, whoever sets it: the 90-day rule for staff counts from here.
    password_changed_at = models.DateTimeField(_("password changed at"), default=timezone.now)

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

    def save(self, *args, **kwargs) -> None:
        # `_password` is the raw password set_password keeps until the save (AbstractBaseUser). A re-hash at login
        # (check_password when the hasher changed) clears it before saving: the same password, the date unchanged.
        if self._password is not None:
            self.password_changed_at = timezone.now()
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "password" in update_fields:  # the services' and demo seeder's saves
                kwargs["update_fields"] = {*update_fields, "password_changed_at"}
        super().save(*args, **kwargs)

    def password_expired(self, now=None) -> bool:
        """A staff login whose password is older than PASSWORD_MAX_AGE must change it (accounts/middleware.py)."""
        if self.role not in ROLES_WITH_PASSWORD_MAX_AGE:
            return False
        return (now or timezone.now()) - self.password_changed_at > PASSWORD_MAX_AGE


class PasswordHistory(models.Model):
    """The hashes of a user's last PASSWORD_HISTORY_LENGTH passwords, so that a new one repeats none of them.

    Written by accounts.password_validation.PasswordHistoryValidator.password_changed, which Django calls after any
    save of a password set with set_password (the services, the password page, the admin, the demo seeder).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(_("password"), max_length=128)  # a hash, as in User.password
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("previous password")
        verbose_name_plural = _("previous passwords")
        indexes = [models.Index(fields=["user", "-created_at"], name="password_history_user_recent")]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d}"
