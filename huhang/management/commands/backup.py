from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from huhang.backups import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Backs up the database and the uploaded files into a new timestamped directory under BACKUP_DIR, with a"
        " manifest of row counts and checksums (docs/operations.md, Backups)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dir", type=Path, help="Write the backup under this directory instead of BACKUP_DIR.")

    def handle(self, *args, dir: Path | None, **options) -> None:
        try:
            backup = backup_create(root=dir)
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = backup.manifest
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {backup.path}: {manifest['database']['vendor']} database, "
                f"{len(manifest['tables'])} tables, {backup.rows} rows, {len(manifest['media']['files'])} files."
            )
        )
        self.stdout.write(
            "It holds confidential records: copy it to the bureau's backup storage, readable by administrators only."
        )
