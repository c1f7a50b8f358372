"""`manage.py import_units FILE.xlsx [--dry-run]`, and `--template FILE.xlsx` for the blank template.

The same service as the import page: the whole file or nothing, problems printed by row and column.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from units.exporting import template_write
from units.importing import import_check, import_run


class Command(BaseCommand):
    help = "Imports the key-unit list from an Excel file (.xlsx): every row, or none when any row is wrong."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx file to import (or to write, with --template)")
        parser.add_argument("--dry-run", action="store_true", help="check the file and report, writing nothing")
        parser.add_argument("--template", action="store_true", help="write the blank template to FILE instead")

    def handle(self, *args, file: str, dry_run: bool, template: bool, **options):
        path = Path(file)
        if template:
            template_write(str(path))
            self.stdout.write(_("Wrote the blank template to %(path)s.") % {"path": path})
            return
        if not path.is_file():
            raise CommandError(_("%(path)s is not a file.") % {"path": path})

        result = import_check(path=path) if dry_run else import_run(actor=None, path=path)
        for problem in result.problems:
            self.stderr.write(problem.describe())
        if not result.ok:
            raise CommandError(
                ngettext(
                    "%(count)d problem: nothing was imported.",
                    "%(count)d problems: nothing was imported.",
                    result.problem_count,
                )
                % {"count": result.problem_count}
            )
        values = {"rows": result.rows_read, "created": result.created, "updated": result.updated}
        if dry_run:
            message = _(
                "%(rows)d rows checked: %(created)d units would be added, %(updated)d updated; nothing written."
            )
        else:
            message = _("%(rows)d rows imported: %(created)d units added, %(updated)d updated.")
        self.stdout.write(self.style.SUCCESS(message % values))
