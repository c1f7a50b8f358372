import time

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.build import build_demo
from demo.scale import ScaleDataPresent, build_scale
from demo.units import OutdatedDemo

# The tables whose row counts the command prints at the end, in the layers' order.
COUNTED = [
    "accounts.User",
    "units.Unit",
    "units.UnitContact",
    "units.IPProfile",
    "units.ListingEvent",
    "teams.Person",
    "teams.Team",
    "teams.Membership",
    "teams.Assignment",
    "plans.Plan",
    "plans.PlanVersion",
    "plans.Measure",
    "plans.ProgressNote",
    "plans.PlanEvent",
    "archives.Activity",
    "archives.ActivityMeasure",
    "archives.Attachment",
    "archives.Request",
    "archives.RequestMessage",
    "archives.Referral",
    "reports.TeamReport",
    "reports.ReportEvent",
    "reports.TypicalCase",
    "reports.UnitFeedback",
    "reports.FeedbackScore",
    "reminders.Reminder",
    "reminders.Notification",
    "reminders.Delivery",
]


class Command(BaseCommand):
    help = (
        "Builds the scale data set (issue 14): the demo programme, then (factor - 1) times its size again in bulk"
        " inserts; about factor × 150 units with the 100× programme's volumes per unit. Refuses a database that"
        " holds scale data already: build into an empty migrated one."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--factor", type=int, default=100, help="Size as a multiple of the demo (default 100).")
        parser.add_argument("--seed", default="2026", help="Seed of the generators: the same seed, the same data.")
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never on the bureau's servers)."
        )

    def handle(self, *args, factor: int, seed: str, force: bool, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("seed_scale writes demo accounts with a known password; with DEBUG off, pass --force.")
        if factor < 1:
            raise CommandError("--factor must be 1 or more.")
        started = time.monotonic()
        self.stdout.write("demo programme …")
        try:
            build_demo(password=settings.DEMO_PASSWORD)
            build_scale(factor=factor, seed=seed, report=self.stdout.write)
        except OutdatedDemo:
            raise CommandError("This database holds an older demo programme: start from an empty database.") from None
        except ScaleDataPresent:
            raise CommandError(
                "This database holds scale data already; build into an empty migrated database instead."
            ) from None
        self.stdout.write(
            self.style.SUCCESS(f"Scale data (factor {factor}) built in {time.monotonic() - started:.0f} s.")
        )
        for label in COUNTED:
            model = apps.get_model(label)
            self.stdout.write(f"  {label:<28} {model.objects.count():>10,}")
