"""Reminders (提醒) and their delivery.

- A `Reminder` is one occasion to tell people something: (kind, record, occasion) under a unique constraint, so a
  second finder cycle, a retry or a second worker finds it already there. The occasion tells the times apart that
  the same record is reminded of for the same kind: "accept" or "answer" for a request's two time limits, a due date,
  a half year's code, the day of a unit's last contact.
- A `Notification` is a reminder in one user's bell (immediate, read or unread).
- A `Delivery` is a reminder on its way out by e-mail to a user or to a team's DingTalk group: the outbox. It is
  claimed under a row lock when sent and marked sent in the same transaction (reminders/sending.py), so each goes
  once: (reminder, channel, recipient) is unique.

Titles and links name the unit and what is due, never a person's details: they go by e-mail and to group chats.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from huhang.crypto import EncryptedCharField, EncryptedURLField
from reminders.kinds import EmailMode, Kind

TITLE_LENGTH = 200


class Reminder(models.Model):
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField(_("record"))
    occasion = models.CharField(_("occasion"), max_length=32, blank=True)
    title = models.CharField(_("title"), max_length=TITLE_LENGTH)
    url = models.CharField(_("link"), max_length=300)
    # The team whose DingTalk group hears of it (none: the reminder concerns no one team's group).
    team = models.ForeignKey(
        "teams.Team", verbose_name=_("team"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    created_at = models.DateTimeField(_("found at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["kind", "content_type", "object_id", "occasion"], name="reminder_once"),
        ]

    def __str__(self) -> str:
        return self.title


class Notification(models.Model):
    reminder = models.ForeignKey(
        Reminder, verbose_name=_("reminder"), on_delete=models.CASCADE, related_name="notifications"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notifications"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["reminder", "user"], name="notification_once_per_user")]
        indexes = [
            # The bell's count and list: one user's unread, newest first.
            models.Index(fields=["user", "read_at", "-created_at"], name="notification_bell"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.reminder}"


class Delivery(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", pgettext_lazy("channel", "E-mail")
        DINGTALK = "dingtalk", _("DingTalk group")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not sent")

    reminder = models.ForeignKey(
        Reminder, verbose_name=_("reminder"), on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    team = models.ForeignKey(
        "teams.Team", verbose_name=_("team"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    digest = models.BooleanField(_("in the daily digest"), default=False)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    # Not sent before this moment: quiet hours, the digest's 9:00, or the backoff after a failed try.
    not_before = models.DateTimeField(_("not before"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.CheckConstraint(
                name="delivery_email_to_a_user_dingtalk_to_a_team",
                condition=Q(channel="email", user__isnull=False, team__isnull=True)
                | Q(channel="dingtalk", user__isnull=True, team__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["reminder", "user"], condition=Q(channel="email"), name="delivery_email_once"
            ),
            models.UniqueConstraint(
                fields=["reminder", "team"], condition=Q(channel="dingtalk"), name="delivery_dingtalk_once"
            ),
        ]
        indexes = [
            # The sender's queue: what is waiting and due.
            models.Index(fields=["not_before"], condition=Q(status="pending"), name="delivery_waiting"),
            models.Index(fields=["status", "-created_at"], name="delivery_by_status"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.reminder}"


class EmailPreference(models.Model):
    """A user's choice for one kind; without a row the kind's default applies (reminders/kinds.py)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="email_preferences"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    mode = models.CharField(_("e-mail"), max_length=8, choices=EmailMode.choices)

    class Meta:
        verbose_name = _("e-mail preference")
        verbose_name_plural = _("e-mail preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="email_preference_once_per_kind")]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.mode}"


class TeamRobot(models.Model):
    """A team's DingTalk (钉钉 / 浙政钉) group robot, set by the bureau: messages are signed with the secret
    (reminders/channels/dingtalk.py)."""

    team = models.OneToOneField("teams.Team", verbose_name=_("team"), on_delete=models.CASCADE, related_name="robot")
    # Either lets anyone post to the group (the URL carries the access token): stored encrypted (huhang/crypto.py).
    webhook_url = EncryptedURLField(_("webhook URL"), max_length=500)
    secret = EncryptedCharField(_("signing secret"), max_length=128)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("DingTalk group robot")
        verbose_name_plural = _("DingTalk group robots")

    def __str__(self) -> str:
        return str(self.team)


class FinderRun(models.Model):
    """One cycle of the finder: /healthz reads the age of the last, the bureau's outbox page shows it."""

    started_at = models.DateTimeField(_("started at"), db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    found = models.PositiveIntegerField(_("reminders found"), default=0)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("finder run")
        verbose_name_plural = _("finder runs")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M}"
