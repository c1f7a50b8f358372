"""Moves audit events older than AUDIT_RETENTION_DAYS to gzip'd JSON Lines files (audit/archiving.py).

Run nightly by Celery beat (audit.tasks.archive_audit_task); safe to run again at any time, or after a stop half-way.
`--verify` checks every archive's file against the sha256 recorded when it was written.
"""

from django.core.management.base import BaseCommand, CommandError

from audit.archiving import archive_dir, archive_verify, audit_archive
from audit.models import AuditArchive


class Command(BaseCommand):
    help = "Archives the audit events older than the retention to files, then removes them from the table."

    def add_arguments(self, parser):
        parser.add_argument("--verify", action="store_true", help="check every archive file's sha256 instead")

    def handle(self, *args, verify: bool = False, **options):
        if verify:
            archives = AuditArchive.objects.order_by("first_id")
            broken = [archive.file_name for archive in archives if not archive_verify(archive)]
            if broken:
                raise CommandError("Missing or altered archive files: " + ", ".join(broken))
            self.stdout.write(f"Every archive file under {archive_dir()} is intact.")
            return
        run = audit_archive()
        for archive in run.archives:
            self.stdout.write(f"{archive.file_name}: {archive.rows} events (ids {archive.first_id}–{archive.last_id})")
        self.stdout.write(f"{run.rows} events before {run.cutoff:%Y-%m-%d %H:%M} archived to {archive_dir()}.")
