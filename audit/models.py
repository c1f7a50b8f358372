"""The audit trail: one row per thing that happened, written once and never changed (MLPS 2.0 level 3, 安全审计).

Append-only three times over: the model refuses a save of an existing row and a delete, its queryset refuses
update() and delete(), and on PostgreSQL a trigger refuses UPDATE and DELETE to whoever connects as the app's
role (a row leaves only after `archive_audit` wrote it to a file, audit/archiving.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    LOGIN = "login", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Sign-in failed")
    LOGOUT = "logout", _("Signed out")
    LOCKOUT = "lockout", _("Locked out")
    SECOND_FACTOR = "second_factor", _("Second factor")
    SESSION_ENDED = "session_ended", _("Session ended")
    PASSWORD = "password", _("Password changed or reset")
    DENIED = "denied", _("Access denied")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    READ = "read", _("Opened")
    EXPORT = "export", _("Exported")
    DOWNLOAD = "download", _("Downloaded")
    IMPORT = "import", _("Imported")
    ROLE_CHANGE = "role_change", _("Role or scope changed")
    ADMINISTRATION = "administration", _("Administration")


class Result(models.TextChoices):
    OK = "ok", _("Succeeded")
    FAILED = "failed", _("Failed")
    DENIED = "denied", _("Denied")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The audit trail is append-only.")

    def delete(self):
        raise TypeError("The audit trail is append-only.")


class AuditEvent(models.Model):
    at = models.DateTimeField(_("time"), default=timezone.now)
    # No foreign-key constraints: an audit row outlives anything it names.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(_("username"), max_length=150, blank=True)  # as typed, for a failed sign-in
    role = models.CharField(_("role"), max_length=16, blank=True)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    result = models.CharField(_("result"), max_length=8, choices=Result.choices, default=Result.OK)
    object_type = models.CharField(_("record type"), max_length=100, blank=True)  # app_label.model
    object_id = models.CharField(_("record id"), max_length=64, blank=True)
    object_repr = models.CharField(_("record"), max_length=200, blank=True)
    # The unit the record belongs to, so that a unit's contact sees who opened its records (one index).
    unit_id = models.BigIntegerField(_("unit"), null=True, blank=True)
    path = models.CharField(_("address in the portal"), max_length=300, blank=True)
    # Before and after of a change, masked (huhang/masking.py); what was exported; why it was denied.
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["-at", "-id"], name="audit_recent"),
            models.Index(fields=["user", "-at"], name="audit_by_user"),
            models.Index(fields=["unit_id", "-at"], name="audit_by_unit"),
            models.Index(fields=["object_type", "object_id"], name="audit_by_record"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise TypeError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The audit trail is append-only.")
