"""The audit trail: one row per thing that happened, written once and never changed (MLPS 2.0 level 3, 安全审计).

Append-only three times over: the model refuses a save of an existing row and a delete, its queryset refuses
update() and delete(), and on PostgreSQL a trigger refuses UPDATE and DELETE to whoever connects as the app's
role (a row leaves only after `archive_audit` wrote it to a file, audit/archiving.py).
"""

from __future__ import annotations

import json

import pgtrigger
from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from audit.triggers import UnignorableTrigger

# The legal floor of the retention (the Cybersecurity Law, art. 21: network logs kept at least six months). The
# database refuses an archive whose cutoff is younger, so not even a forged archive row frees a younger event.
MINIMUM_RETENTION_DAYS = 180


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


class AuditEventQuerySet(AppendOnlyQuerySet):
    def archived_by(self, archive: AuditArchive) -> AuditEventQuerySet:
        """The events `archive` holds: its id range, older than its cutoff (the trigger's own test)."""
        return self.filter(pk__gte=archive.first_id, pk__lte=archive.last_id, at__lt=archive.cutoff)

    def delete_archived(self, archive: AuditArchive) -> int:
        """Removes the events that `archive` wrote to its file: the one delete the trail allows (audit/archiving.py),
        and the one the PostgreSQL trigger lets through."""
        rows = self.archived_by(archive)
        return models.QuerySet._raw_delete(rows, rows.db)


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
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, blank=True)  # the role at the time
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

    objects = AuditEventQuerySet.as_manager()

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
        triggers = [
            # PostgreSQL WHEN clauses cannot hold a subquery, hence a function: no UPDATE ever; a DELETE only of a row
            # that an archive (below) holds, i.e. that is already in a file whose sha256 the archive row keeps.
            UnignorableTrigger(
                name="audit_event_append_only",
                when=pgtrigger.Before,
                operation=pgtrigger.Update | pgtrigger.Delete,
                func=pgtrigger.Func(
                    """
                    IF TG_OP = 'UPDATE' THEN
                        RAISE EXCEPTION 'The audit trail is append-only: % refused on {meta.db_table}', TG_OP
                            USING ERRCODE = 'insufficient_privilege';
                    END IF;
                    IF NOT EXISTS (
                        SELECT 1 FROM audit_auditarchive archive
                        WHERE OLD.{columns.id} BETWEEN archive.first_id AND archive.last_id
                          AND OLD.{columns.at} < archive.cutoff
                    ) THEN
                        RAISE EXCEPTION 'The audit event % has not been archived: DELETE refused', OLD.{columns.id}
                            USING ERRCODE = 'insufficient_privilege';
                    END IF;
                    RETURN OLD;
                    """
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise TypeError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The audit trail is append-only.")

    @property
    def record_type_label(self) -> str:
        """The record type in the reader's words (服务方案 for plans.plan), or as stored when it names no model."""
        try:
            return str(apps.get_model(self.object_type)._meta.verbose_name)
        except (LookupError, ValueError):
            return self.object_type

    @property
    def detail_text(self) -> str:
        return json.dumps(self.detail, ensure_ascii=False) if self.detail else ""


class AuditArchive(models.Model):
    """One file of archived events (audit/archiving.py): the events with an id from first_id to last_id and a time
    before cutoff, written as gzip'd JSON Lines under AUDIT_ARCHIVE_DIR, with the sha256 that proves the file whole.

    Written once, never changed or removed: on PostgreSQL a trigger refuses UPDATE and DELETE, and an archive whose
    cutoff is younger than the legal minimum retention.
    """

    first_id = models.BigIntegerField(_("first event"))
    last_id = models.BigIntegerField(_("last event"))
    cutoff = models.DateTimeField(_("events before"))
    file_name = models.CharField(_("file"), max_length=200, unique=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    rows = models.PositiveIntegerField(_("events"))
    created_at = models.DateTimeField(_("archived at"), default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-first_id"]
        verbose_name = _("audit archive")
        verbose_name_plural = _("audit archives")
        constraints = [
            models.CheckConstraint(name="audit_archive_range", condition=models.Q(first_id__lte=models.F("last_id"))),
        ]
        triggers = [
            UnignorableTrigger(
                name="audit_archive_append_only",
                when=pgtrigger.Before,
                operation=pgtrigger.Update | pgtrigger.Delete,
                func=pgtrigger.Func(
                    """
                    RAISE EXCEPTION 'The audit archive is append-only: % refused on {meta.db_table}', TG_OP
                        USING ERRCODE = 'insufficient_privilege';
                    """
                ),
            ),
            UnignorableTrigger(
                name="audit_archive_minimum_retention",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert,
                func=pgtrigger.Func(
                    f"""
                    IF NEW.{{columns.cutoff}} > clock_timestamp() - interval '{MINIMUM_RETENTION_DAYS} days' THEN
                        RAISE EXCEPTION 'An audit archive may hold only events older than {MINIMUM_RETENTION_DAYS} days'
                            USING ERRCODE = 'insufficient_privilege';
                    END IF;
                    RETURN NEW;
                    """
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.file_name

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise TypeError("An audit archive is written once.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("An audit archive is kept.")
