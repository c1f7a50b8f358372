"""Writes of the reminders app: a finder cycle stores what it found (once), users read and choose, the bureau
resends and sets the teams' robots. Sending is in reminders/sending.py."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from huhang.workdays import digest_time, sending_time
from reminders.kinds import EmailMode, default_email_mode
from reminders.models import Delivery, EmailPreference, FinderRun, Notification, Reminder, TeamRobot
from reminders.occasions import Occasion

logger = logging.getLogger(__name__)

CYCLE = datetime.timedelta(minutes=settings.REMINDERS_CYCLE_MINUTES)
STALE_AFTER_CYCLES = 3
FINDER_RUNS_KEPT = datetime.timedelta(days=7)


@dataclass
class FindResult:
    occasions: list[Occasion]
    deliveries: list[Delivery]  # unsaved in a dry run
    due_now: list[int]  # the ids of deliveries to send at once (empty in a dry run)


def reminders_find(
    *, now: datetime.datetime | None = None, kinds: Iterable[str] | None = None, dry_run: bool = False
) -> FindResult:
    """One cycle of the finder: every rule (or those of `kinds`) reports its occasions; each new occasion becomes a
    reminder, a notification per recipient and its deliveries, all in one transaction, so a cycle killed half-way
    leaves nothing half-written and the next one finds the same occasions again. A second cycle, or two at once,
    store nothing twice (the unique constraints; finders also leave out what is stored already)."""
    from reminders.finders import find_occasions

    now = now or timezone.now()
    with transaction.atomic():
        run = None
        if not dry_run and kinds is None:
            run = FinderRun.objects.create(started_at=now)
            FinderRun.objects.filter(started_at__lt=now - FINDER_RUNS_KEPT).delete()
        occasions = find_occasions(now=now, kinds=kinds)
        deliveries = planned_deliveries(occasions, now=now)
        if dry_run:
            return FindResult(occasions, deliveries, [])
        reminders = _store_reminders(occasions)
        _store_notifications(occasions, reminders)
        due_now = _store_deliveries(deliveries, reminders, now=now)
        if run is not None:
            FinderRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), found=len(occasions))
        if due_now:
            transaction.on_commit(lambda: _queue_sending(due_now))
    return FindResult(occasions, deliveries, due_now)


SEND_CHUNK = 50


def _queue_sending(delivery_ids: list[int]) -> None:
    from reminders.tasks import send_deliveries_task

    for start in range(0, len(delivery_ids), SEND_CHUNK):
        send_deliveries_task.delay(delivery_ids[start : start + SEND_CHUNK])


def planned_deliveries(occasions: list[Occasion], *, now: datetime.datetime) -> list[Delivery]:
    """The e-mails and group posts the occasions make, unsaved, each with its recipient's choice and quiet hours
    applied; `reminder_id` is left unset and `_occasion` says which occasion each is for."""
    user_ids = {user_id for occasion in occasions for user_id in occasion.user_ids}
    users = User.objects.in_bulk(user_ids)
    choices = {
        (choice.user_id, choice.kind): choice.mode for choice in EmailPreference.objects.filter(user_id__in=user_ids)
    }
    robots = set(
        TeamRobot.objects.filter(is_active=True, team_id__in={o.team_id for o in occasions if o.team_id}).values_list(
            "team_id", flat=True
        )
    )
    deliveries = []
    for occasion in occasions:
        digest_default = default_email_mode(occasion.kind) == EmailMode.DIGEST
        for user_id in sorted(occasion.user_ids):
            user = users.get(user_id)
            mode = choices.get((user_id, occasion.kind), default_email_mode(occasion.kind))
            delivery = Delivery(channel=Delivery.Channel.EMAIL, user_id=user_id, digest=mode == EmailMode.DIGEST)
            if user is None or not user.is_active:
                delivery.status, delivery.last_error = Delivery.Status.SKIPPED, _("The login is disabled.")
            elif mode == EmailMode.OFF:
                delivery.status, delivery.last_error = Delivery.Status.SKIPPED, _("E-mail turned off for this kind.")
            elif not user.email:
                delivery.status, delivery.last_error = Delivery.Status.SKIPPED, _("No e-mail address.")
            delivery.not_before = digest_time(now) if delivery.digest else sending_time(now)
            delivery._occasion = occasion
            deliveries.append(delivery)
        if occasion.team_id in robots:
            delivery = Delivery(channel=Delivery.Channel.DINGTALK, team_id=occasion.team_id, digest=digest_default)
            delivery.not_before = digest_time(now) if delivery.digest else sending_time(now)
            delivery._occasion = occasion
            deliveries.append(delivery)
    return deliveries


def _content_types(occasions: list[Occasion]) -> dict[type, ContentType]:
    models = {type(occasion.record) for occasion in occasions}
    return ContentType.objects.get_for_models(*models) if models else {}


def _store_reminders(occasions: list[Occasion]) -> dict[tuple, Reminder]:
    """The reminders of the occasions, created where missing, by key."""
    if not occasions:
        return {}
    types = _content_types(occasions)
    Reminder.objects.bulk_create(
        [
            Reminder(
                kind=o.kind,
                content_type=types[type(o.record)],
                object_id=o.record.pk,
                occasion=o.occasion,
                title=o.title[: Reminder._meta.get_field("title").max_length],
                url=o.url,
                team_id=o.team_id,
                due_at=o.due_at,
            )
            for o in occasions
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    keys = {(o.kind, types[type(o.record)].pk, o.record.pk, o.occasion): o.key for o in occasions}
    records: dict[tuple[str, int], set[int]] = {}
    for kind, type_id, object_id, _occasion in keys:
        records.setdefault((kind, type_id), set()).add(object_id)
    wanted = Q()
    for (kind, type_id), object_ids in records.items():
        wanted |= Q(kind=kind, content_type_id=type_id, object_id__in=sorted(object_ids))
    stored = {}
    for reminder in Reminder.objects.filter(wanted):
        key = keys.get((reminder.kind, reminder.content_type_id, reminder.object_id, reminder.occasion))
        if key is not None:
            stored[key] = reminder
    return stored


def _store_notifications(occasions: list[Occasion], reminders: dict[tuple, Reminder]) -> None:
    Notification.objects.bulk_create(
        [Notification(reminder=reminders[o.key], user_id=user_id) for o in occasions for user_id in o.user_ids],
        ignore_conflicts=True,
        batch_size=1000,
    )


def _store_deliveries(
    deliveries: list[Delivery], reminders: dict[tuple, Reminder], *, now: datetime.datetime
) -> list[int]:
    """Stores the deliveries not stored yet; the ids of those to send now."""
    for delivery in deliveries:
        delivery.reminder = reminders[delivery._occasion.key]
    Delivery.objects.bulk_create(deliveries, ignore_conflicts=True, batch_size=1000)
    reminder_ids = {delivery.reminder.pk for delivery in deliveries}
    return list(
        Delivery.objects.filter(
            reminder_id__in=reminder_ids, status=Delivery.Status.PENDING, digest=False, not_before__lte=now
        ).values_list("pk", flat=True)
    )


def finder_health(now: datetime.datetime | None = None) -> str:
    """ "ok" while the finder ran within three cycles; "degraded" when its last run is older or it never ran."""
    now = now or timezone.now()
    last = FinderRun.objects.filter(finished_at__isnull=False).order_by("-started_at").first()
    if last is None or now - last.started_at > STALE_AFTER_CYCLES * CYCLE:
        return "degraded"
    return "ok"


def notification_mark_read(
    *, user: User, notification_ids: Iterable[int] | None = None, now: datetime.datetime | None = None
) -> int:
    """Marks the user's own notifications read (all unread ones when `notification_ids` is None)."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=now or timezone.now())


def email_preferences_set(*, user: User, modes: dict[str, str]) -> None:
    """Keeps a row only where the user's choice differs from the kind's default."""
    with transaction.atomic():
        EmailPreference.objects.filter(user=user).delete()
        EmailPreference.objects.bulk_create(
            [
                EmailPreference(user=user, kind=kind, mode=mode)
                for kind, mode in modes.items()
                if mode != default_email_mode(kind)
            ]
        )


def delivery_resend(*, delivery: Delivery, now: datetime.datetime | None = None) -> Delivery:
    """Puts a failed delivery back in the queue with fresh tries (at once, or at 9:00 when it is quiet now)."""
    now = now or timezone.now()
    updated = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.FAILED).update(
        status=Delivery.Status.PENDING, attempts=0, not_before=sending_time(now)
    )
    delivery.refresh_from_db()
    if updated and delivery.not_before <= now:
        transaction.on_commit(lambda: _queue_sending([delivery.pk]))
    return delivery


# ---------------------------------------------------------------------------------------------------------------
# The teams' group robots

from urllib.parse import urlsplit  # noqa: E402 - this section's own imports, kept with it

from django.core.exceptions import ValidationError  # noqa: E402

from huhang.locking import locked  # noqa: E402
from teams.models import Team  # noqa: E402

DINGTALK_SIGN_PREFIX = "SEC"  # DingTalk shows the "加签" secret as "SEC" followed by hex digits


@dataclass
class RobotTestResult:
    ok: bool
    error: str = ""  # DingTalk's errcode and errmsg, or why it could not be reached (never a credential)


def team_robot_save(*, team: Team, actor: User, webhook_url: str, secret: str = "", is_active: bool) -> TeamRobot:
    """Sets or changes a team's DingTalk group robot (the bureau's). The webhook must be https: its access_token and
    every message travel in it. The signing secret is write-only: a blank `secret` keeps the one set, and a robot
    needs one to be created. Who changed it and when is recorded (updated_by, updated_at)."""
    webhook_url, secret = webhook_url.strip(), secret.strip()
    with transaction.atomic():
        # The team's row is the lock: two people setting up a robot for it at once wait for each other.
        locked(team)
        robot = TeamRobot.objects.filter(team=team).first() or TeamRobot(team=team)
        errors: dict[str, str] = {}
        if urlsplit(webhook_url).scheme.lower() != "https" or not urlsplit(webhook_url).hostname:
            errors["webhook_url"] = _("The webhook URL must be an https:// address, as DingTalk gives it.")
        if secret:
            if not secret.startswith(DINGTALK_SIGN_PREFIX) or len(secret.split()) != 1:
                errors["secret"] = _(
                    "The signing secret starts with “SEC”: copy it from the robot's “additional signature” security "
                    "setting."
                )
        elif not robot.secret:
            errors["secret"] = _("Enter the robot's signing secret.")
        if errors:
            raise ValidationError(errors)
        robot.webhook_url = webhook_url
        if secret:
            robot.secret = secret
        robot.is_active = is_active
        robot.updated_by = actor
        robot.full_clean()
        robot.save()
    logger.info("DingTalk robot of team %s saved by user %s (active: %s)", team.pk, actor.pk, is_active)
    return robot


def team_robot_test(*, team: Team) -> RobotTestResult:
    """Posts a signed test message to the team's group at once, whether the robot is active or not yet (so that the
    bureau can try it before switching it on), and says whether DingTalk took it."""
    from django.utils import translation

    from reminders.channels import DeliveryError
    from reminders.channels.batch import absolute_link
    from reminders.channels.dingtalk import MESSAGE_LANGUAGE, post_markdown

    robot = TeamRobot.objects.filter(team=team).first()
    if robot is None:
        raise ValidationError(_("Set the team's robot first."))
    with translation.override(MESSAGE_LANGUAGE):
        title = _("[Huhang] Test message")
        portal = _("Open the Huhang portal")
        text = "\n".join(
            [
                f"#### {title}",
                "",
                _(
                    "This is a test message from the Huhang portal to the group of %(team)s: the group robot is set "
                    "up, and the team's reminders will be posted here."
                )
                % {"team": team.name},
                "",
                f"[{portal}]({absolute_link('/')})",
            ]
        )
    try:
        post_markdown(robot, title=title, text=text)
    except DeliveryError as error:
        logger.warning("DingTalk robot test of team %s failed: %s", team.pk, error)
        return RobotTestResult(ok=False, error=str(error))
    return RobotTestResult(ok=True)
