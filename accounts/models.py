"""The user model and the roles of DOMAIN.md."""

from datetime import timedelta

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from huhang.crypto import EncryptedCharField, EncryptedEmailField


class Role(models.TextChoices):
    BUREAU = "bureau", _("Bureau staff")
    OFFICER = "officer", _("City or county officer")
    TEAM_MEMBER = "team_member", _("Service team member")
    EXPERT = "expert", _("Domain expert")
    UNIT_CONTACT = "unit_contact", _("Unit contact")
    # 三员分立 (MLPS 2.0 level 3, separation of the three administrators): none of them reads business records by
    # being an administrator (accounts/scopes.py refuses them any scope outside ADMINISTRATION_APPS).
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDIT_ADMIN = "audit_admin", _("Audit administrator")


ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
# The programme's own roles, in the order of Role: every business record's scope names each of them.
BUSINESS_ROLES = tuple(role for role in Role if role not in ADMIN_ROLES)
# The apps whose records an administrator may be given a scope on: the logins and the audit trail, nothing else.
ADMINISTRATION_APPS = frozenset({"accounts", "audit"})
# The roles that sign in with a second factor (TOTP); unit contacts and experts may choose to.
SECOND_FACTOR_REQUIRED_ROLES = frozenset({Role.BUREAU, Role.OFFICER, Role.TEAM_MEMBER, *ADMIN_ROLES})
# The roles with at most one live session: a new login ends the old one.
SINGLE_SESSION_ROLES = SECOND_FACTOR_REQUIRED_ROLES


# MLPS 2.0 level 3: staff change their password periodically. Unit contacts and experts log in rarely and see only
# their own unit's or invitation's records, so the rule is for the roles that see many units.
PASSWORD_MAX_AGE = timedelta(days=90)
ROLES_WITH_PASSWORD_MAX_AGE = frozenset({Role.BUREAU, Role.OFFICER, Role.TEAM_MEMBER, *ADMIN_ROLES})
# How many of a user's passwords (the current one included) a new password may not repeat.
PASSWORD_HISTORY_LENGTH = 5


class PortalUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        """`manage.py createsuperuser` makes the first system administrator of a new deployment: the admin and the
        logins, no business records (accounts/scopes.py)."""
        extra_fields.setdefault("role", Role.SYSTEM_ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person who logs in. What they may see follows from `role` and its binding (accounts/access.py).

    A team member is a leader or core member through team membership (teams app); the role only says which
    kind of home page and navigation they get.
    """

    full_name = models.CharField(_("full name"), max_length=64, blank=True)
    # AbstractUser's e-mail, in the portal's words; both stored encrypted with SM4 (huhang/crypto.py).
    email = EncryptedEmailField(_("e-mail"), blank=True)
    phone = EncryptedCharField(_("phone"), max_length=32, blank=True)
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

    objects = PortalUserManager()

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
            # The superuser flag grants nothing by itself (accounts/backends.py); it is kept for the system
            # administrator that createsuperuser makes, and no one else may carry it.
            models.CheckConstraint(
                name="user_only_system_admins_are_superusers",
                condition=models.Q(role="system_admin") | models.Q(is_superuser=False),
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

    def has_perm(self, perm, obj=None) -> bool:
        # No superuser shortcut (accounts/backends.py): the flag grants nothing the role does not.
        from django.contrib.auth.models import _user_has_perm

        return self.is_active and _user_has_perm(self, perm, obj)

    def has_module_perms(self, app_label) -> bool:
        from django.contrib.auth.models import _user_has_module_perms

        return self.is_active and _user_has_module_perms(self, app_label)

    @property
    def is_administrator(self) -> bool:
        return self.role in ADMIN_ROLES

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


class LoginSession(models.Model):
    """One signed-in browser: the session it holds, from where, since when, and why it ended.

    Written at login and logout (accounts/sessions.py). It makes "end this user's sessions" one indexed query instead
    of decoding every session, and lets a session that a newer login ended say so on its next request.
    """

    class EndReason(models.TextChoices):
        LOGOUT = "logout", _("Signed out")
        IDLE = "idle", _("Idle too long")
        ABSOLUTE = "absolute", _("Signed in too long")
        SUPERSEDED = "superseded", _("Signed in elsewhere")
        DISABLED = "disabled", _("Login disabled")
        CREDENTIALS = "credentials", _("Password or second factor reset")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)
    started_at = models.DateTimeField(_("signed in at"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_reason = models.CharField(_("why it ended"), max_length=16, choices=EndReason.choices, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("login session")
        verbose_name_plural = _("login sessions")
        indexes = [
            models.Index(fields=["user"], condition=models.Q(ended_at__isnull=True), name="login_session_live"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.started_at:%Y-%m-%d %H:%M}"
