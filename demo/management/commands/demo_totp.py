"""`manage.py demo_totp <username>`: the current second-factor code of a demo login (demo/totp.py).

It prints a code only for a device whose key is the published demo key, so on a real deployment it prints nothing:
no user there has that key, and the command reads no other.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from demo.totp import DEMO_TOTP_KEY_BASE32, demo_code


class Command(BaseCommand):
    help = "Prints the current second-factor code of a demo login (only for the published demo key)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        code = demo_code(user) if user is not None else None
        if code is None:
            raise CommandError(f"{username} has no demo authenticator (only seed_demo's logins have one).")
        token, seconds = code
        self.stdout.write(f"{token}  (valid for {seconds} more seconds; each code signs in once)")
        self.stdout.write(f"Or add the demo key to an authenticator app: {DEMO_TOTP_KEY_BASE32}", self.style.NOTICE)
