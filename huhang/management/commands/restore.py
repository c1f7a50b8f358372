from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from huhang.backups import BackupError, backup_restore, backup_verify


class Command(BaseCommand):
    help = (
        "Replaces the database's records and the uploaded files with a backup made by `manage.py backup`, after"
        " checking its checksums, and verifies every table's row count and every file afterwards."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("backup", type=Path, help="The backup's directory (or its name under BACKUP_DIR).")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args, backup: Path, interactive: bool, **options) -> None:
        path = backup if backup.is_dir() or backup.is_absolute() else Path(settings.BACKUP_DIR) / backup
        try:
            manifest = backup_verify(path)
            self.stdout.write(f"Checksums match the manifest of {path} (made {manifest['created_at']}).")
            if interactive:
                answer = input(
                    f"This replaces every record of the database {settings.DATABASES['default']['NAME']} and every"
                    f" file under {settings.MEDIA_ROOT} with this backup. Stop the web server and the workers"
                    " first. Type 'yes' to restore: "
                )
                if answer.strip() != "yes":
                    raise CommandError("Restore cancelled; nothing was changed.")
            restored = backup_restore(path=path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {restored.tables} tables ({restored.rows} rows) and {restored.files} files; every row"
                " count and checksum matches the manifest. Run `manage.py migrate` if the code is newer than the"
                f" backup (made from commit {manifest['git_commit']})."
            )
        )
