"""`manage.py send_reminders [--dry-run] [--at "2026-11-25 09:30"]`: one cycle of the reminders from the shell.

A real run is what beat does every cycle: the finder stores what has become due, then the outbox sends what is due
now (the workers, when a broker is configured, may take part of it: nothing goes twice). A dry run writes nothing and
sends nothing: it lists what the cycle would put in whose bell, and what it would e-mail or post to whom and when
(quiet hours and the daily digest applied), grouped and counted per kind and channel, then what already waits in the
outbox and would go now.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections import Counter, defaultdict

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import User
from reminders.kinds import Kind
from reminders.models import Delivery, Notification
from reminders.sending import deliveries_due, deliveries_send
from reminders.services import reminders_find
from teams.models import Team

BELL = "bell"  # the in-portal notifications, beside the outbox's two channels


class Command(BaseCommand):
    help = "Runs one reminders cycle: finds what has become due, then sends what is due now."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Write and send nothing; list what would go to whom, and when."
        )
        parser.add_argument(
            "--at", metavar="DATETIME", help="Run as if it were this moment, e.g. '2026-11-25 09:30' (Asia/Shanghai)."
        )

    def handle(self, *args, dry_run: bool, at: str | None, **options) -> None:
        now = _moment(at) if at else timezone.now()
        if dry_run:
            self._dry_run(now)
        else:
            self._run(now)

    # --- A real cycle -----------------------------------------------------------------------------------------

    def _run(self, now: datetime.datetime) -> None:
        started = timezone.now()
        found = reminders_find(now=now)
        sent = deliveries_send(now=now)
        self.stdout.write(_("Reminders cycle at %(now)s.") % {"now": _when(now)})
        # Counted from the database: with tasks in-process the finder's own deliveries due at once were already sent
        # when it committed, and a worker may have sent some of them meanwhile.
        table = _cycle_counts(started)
        totals = Counter()
        for (_kind, channel), row in table.items():
            if channel != BELL:
                totals.update(row)
        bells = sum(row["new"] for (_kind, channel), row in table.items() if channel == BELL)
        self.stdout.write(
            _("New reminders found: %(count)d; notifications put in the bells: %(bells)d.")
            % {"count": len(found.occasions), "bells": bells}
        )
        self.stdout.write(
            _(
                "E-mails and group posts sent: %(sent)d (%(messages)d messages by this command). Waiting for later"
                " (quiet hours, the 9:00 digest, retries): %(waiting)d. Not sent (e-mail turned off, no address, login"
                " disabled): %(skipped)d. To be tried again: %(retrying)d. Failed after the last try: %(failed)d."
            )
            % {
                "sent": totals["sent"],
                "messages": sent.messages,
                "waiting": totals["waiting"],
                "skipped": totals["skipped"],
                "retrying": sent.retrying,
                "failed": sent.failed,
            }
        )
        if table:
            self._table(
                [_("Kind"), _("Channel"), _("New"), _("Sent"), _("Waiting"), _("Not sent")],
                [
                    [_kind_label(kind), _channel_label(channel), *(row[key] for key in COLUMNS)]
                    for (kind, channel), row in sorted(table.items(), key=_row_order)
                ],
            )

    # --- A dry run --------------------------------------------------------------------------------------------

    def _dry_run(self, now: datetime.datetime) -> None:
        found = reminders_find(now=now, dry_run=True)
        self.stdout.write(
            _("Dry run at %(now)s: nothing is written or sent. New reminders found: %(count)d.")
            % {"now": _when(now), "count": len(found.occasions)}
        )
        users = User.objects.in_bulk({user_id for o in found.occasions for user_id in o.user_ids})
        teams = Team.objects.in_bulk({d.team_id for d in found.deliveries if d.team_id})
        # kind → channel → lines "to whom · when · what"
        new: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for occasion in found.occasions:
            for user_id in sorted(occasion.user_ids):
                line = _line(_user(users.get(user_id), user_id), _("in the bell at once"), occasion.title)
                new[occasion.kind][BELL].append(line)
        for delivery in found.deliveries:
            occasion = delivery._occasion
            if delivery.channel == Delivery.Channel.EMAIL:
                recipient = _user(users.get(delivery.user_id), delivery.user_id)
            else:
                recipient = str(teams.get(delivery.team_id, delivery.team_id))
            new[occasion.kind][delivery.channel].append(_line(recipient, _planned_when(delivery), occasion.title))
        self._groups(new)

        waiting_deliveries = list(
            Delivery.objects.filter(pk__in=deliveries_due(now=now, limit=None))
            .select_related("reminder", "user", "team")
            .order_by("not_before", "pk")
        )
        waiting: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for delivery in waiting_deliveries:
            recipient = _user(delivery.user, delivery.user_id) if delivery.user_id else str(delivery.team)
            line = _line(recipient, _planned_when(delivery), delivery.reminder.title)
            waiting[delivery.reminder.kind][delivery.channel].append(line)
        # A recipient's digest deliveries go as one message.
        messages = len({(d.channel, d.user_id, d.team_id) for d in waiting_deliveries if d.digest})
        messages += sum(1 for d in waiting_deliveries if not d.digest)
        self.stdout.write("")
        self.stdout.write(
            self.style.MIGRATE_HEADING(
                _("Already waiting in the outbox, would go now: %(count)d, in %(messages)d messages")
                % {"count": len(waiting_deliveries), "messages": messages}
            )
        )
        self._groups(waiting)

        keys = sorted({(k, c) for k in new for c in new[k]} | {(k, c) for k in waiting for c in waiting[k]}, key=_key)
        if keys:
            self.stdout.write("")
            self.stdout.write(self.style.MIGRATE_HEADING(_("Summary")))
            self._table(
                [_("Kind"), _("Channel"), _("New"), _("Waiting, would go now")],
                [
                    [_kind_label(kind), _channel_label(channel), len(new[kind][channel]), len(waiting[kind][channel])]
                    for kind, channel in keys
                ],
            )

    def _groups(self, lines: dict[str, dict[str, list[str]]]) -> None:
        for kind in sorted(lines, key=_kind_order):
            self.stdout.write("")
            self.stdout.write(self.style.MIGRATE_HEADING(_kind_label(kind)))
            for channel in sorted(lines[kind], key=_channel_order):
                self.stdout.write(f"  {_channel_label(channel)}: {len(lines[kind][channel])}")
                for line in lines[kind][channel]:
                    self.stdout.write(f"    {line}")

    def _table(self, header: list[str], rows: list[list[object]]) -> None:
        cells = [[str(cell) for cell in row] for row in [header, *rows]]
        widths = [max(_width(row[column]) for row in cells) for column in range(len(header))]
        for row in cells:
            self.stdout.write("  ".join(_pad(cell, width) for cell, width in zip(row, widths, strict=True)).rstrip())


COLUMNS = ("new", "sent", "waiting", "skipped")


def _cycle_counts(started: datetime.datetime) -> dict[tuple[str, str], Counter]:
    """Per (kind, channel): what this cycle stored, sent, left waiting or left unsent; the bell's new notifications."""
    table: dict[tuple[str, str], Counter] = defaultdict(Counter)
    new = Q(created_at__gte=started)
    deliveries = (
        Delivery.objects.filter(new | Q(sent_at__gte=started))
        .order_by()
        .values_list("reminder__kind", "channel")
        .annotate(
            new=Count("pk", filter=new),
            sent=Count("pk", filter=Q(sent_at__gte=started)),
            waiting=Count("pk", filter=new & Q(status=Delivery.Status.PENDING)),
            skipped=Count("pk", filter=new & Q(status=Delivery.Status.SKIPPED)),
        )
    )
    for kind, channel, *counts in deliveries:
        table[(kind, channel)].update(dict(zip(COLUMNS, counts, strict=True)))
    bells = (
        Notification.objects.filter(created_at__gte=started)
        .order_by()
        .values_list("reminder__kind")
        .annotate(n=Count("pk"))
    )
    for kind, count in bells:
        table[(kind, BELL)].update({"new": count, "sent": count})
    return table


def _moment(text: str) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(_("--at takes a date and time such as 2026-11-25 09:30.")) from None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _when(moment: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "Y-m-d H:i")


def _planned_when(delivery: Delivery) -> str:
    if delivery.status == Delivery.Status.SKIPPED:
        return _("not sent: %(reason)s") % {"reason": delivery.last_error}
    if delivery.digest:
        return _("in the daily digest, %(when)s") % {"when": _when(delivery.not_before)}
    return _when(delivery.not_before)


def _user(user: User | None, user_id: int | None) -> str:
    if user is None:
        return f"#{user_id}"
    return f"{user.full_name} ({user.username})" if user.full_name else user.username


def _line(recipient: str, when: str, what: str) -> str:
    return f"{recipient} · {when} · {what}"


def _kind_label(kind: str) -> str:
    return str(Kind(kind).label) if kind in Kind.values else kind


CHANNELS = [BELL, Delivery.Channel.EMAIL, Delivery.Channel.DINGTALK]


def _channel_label(channel: str) -> str:
    return _("Bell") if channel == BELL else str(Delivery.Channel(channel).label)


def _kind_order(kind: str) -> int:
    return Kind.values.index(kind) if kind in Kind.values else len(Kind.values)


def _channel_order(channel: str) -> int:
    return CHANNELS.index(channel) if channel in CHANNELS else len(CHANNELS)


def _key(key: tuple[str, str]) -> tuple[int, int]:
    kind, channel = key
    return _kind_order(kind), _channel_order(channel)


def _row_order(item: tuple[tuple[str, str], object]) -> tuple[int, int]:
    return _key(item[0])


def _width(text: str) -> int:
    """Display width: a Chinese character takes two columns in a terminal."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)
