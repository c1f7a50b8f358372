"""`manage.py purge_contacts`: the contacts of units removed from the list longer ago than CONTACT_RETENTION_DAYS
are anonymised now (beat does it daily: units.tasks.purge_contacts_task)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from units.retention import contacts_purge


class Command(BaseCommand):
    help = "Blanks the contacts of units removed from the list more than CONTACT_RETENTION_DAYS ago."

    def handle(self, *args, **options) -> None:
        purged = contacts_purge()
        self.stdout.write(
            f"{purged.contacts} contacts of {purged.units} units anonymised "
            f"(units removed more than {settings.CONTACT_RETENTION_DAYS} days ago)."
        )
