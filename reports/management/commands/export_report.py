"""`manage.py export_report --period 2026H1 [--team ID | --city CODE] --format xlsx|pdf -o FILE [--user USERNAME]`

The same checks, document and writers as the exports page (reports/exporting/jobs.py), without a job: the file is
written where -o says. Without --user it runs as the bureau (the whole province); with it, as that login, within
its scope.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.models import Role, User
from reports.exporting.jobs import PROVINCE, TEAM, export_check, export_document, export_write
from reports.models import ExportJob


class Command(BaseCommand):
    help = "Exports the province report or a team's half-year report of a half year as xlsx or PDF."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="the half year, e.g. 2026H1")
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--team", help="a team's id: that team's half-year report (default: the province report)")
        which.add_argument("--city", help="a city's division code, e.g. 330100: the province report of that city")
        parser.add_argument("--format", required=True, choices=ExportJob.Format.values, help="xlsx or pdf")
        parser.add_argument("-o", "--output", required=True, help="the file to write")
        parser.add_argument("--user", help="export as this login, within its scope (default: the bureau)")

    def handle(self, *args, period, team, city, format, output, user, **options):
        actor = self._actor(user)
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(_("%(folder)s is not a folder.") % {"folder": path.parent})
        kind = TEAM if team is not None else PROVINCE
        params = {"team": team} if kind == TEAM else {"city": city}
        try:
            target = export_check(actor=actor, kind=kind, period=period, params=params, format=format)
            document = export_document(actor=actor, target=target)
        except ValidationError as refusal:
            raise CommandError(" ".join(refusal.messages)) from refusal
        with path.open("wb") as file:
            export_write(document, format=format, target=file)
        self.stdout.write(
            self.style.SUCCESS(
                _("Wrote %(title)s (%(scope)s, %(parts)d parts) to %(path)s.")
                % {"title": document.title, "scope": document.scope, "parts": len(document.parts), "path": path}
            )
        )

    def _actor(self, username: str | None) -> User:
        if username is None:
            # The bureau's view of the whole programme: the same for every bureau login, so any active one will do.
            actor = User.objects.filter(role=Role.BUREAU, is_active=True).order_by("pk").first()
            if actor is None:
                raise CommandError(_("There is no active bureau login to export as: name one with --user."))
            return actor
        actor = User.objects.filter(username=username, is_active=True).first()
        if actor is None:
            raise CommandError(_("There is no active login %(username)s.") % {"username": username})
        return actor
