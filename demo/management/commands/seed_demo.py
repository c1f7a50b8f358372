import unicodedata

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.build import build_demo
from demo.totp import DEMO_TOTP_KEY_BASE32
from demo.units import OutdatedDemo


class Command(BaseCommand):
    help = "Loads the demo programme (idempotent) and prints one login per role."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never on the bureau's servers)."
        )

    def handle(self, *args, force: bool, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo writes demo accounts with a known password; with DEBUG off, pass --force.")
        password = settings.DEMO_PASSWORD
        try:
            logins = build_demo(password=password)
        except OutdatedDemo:
            raise CommandError(
                "This database holds a demo programme laid out by an older version of seed_demo, which cannot be"
                " updated in place. Start from an empty database (for `make run`: delete db.sqlite3) and run it again."
            ) from None
        self.stdout.write(self.style.SUCCESS(f"Demo programme ready. Logins (password: {password}):"))
        for login in logins:
            self.stdout.write(
                f"  {login.username:<8} {_pad(str(login.role.label), 24)} {login.full_name}  {login.scope}"
            )
        self.stdout.write(
            "Staff and administrator logins also ask for a 6-digit code: `.venv/bin/python manage.py demo_totp"
            f" <username>` prints it, or add the demo key {DEMO_TOTP_KEY_BASE32} to an authenticator app."
        )


def _pad(text: str, width: int) -> str:
    """Left-justifies by display width: a Chinese character takes two columns in a terminal."""
    used = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
    return text + " " * max(width - used, 0)
