"""Prints who may read what: every scoped model × role → the rule in words, for a security review."""

from django.core.management.base import BaseCommand

from accounts.models import Role
from accounts.scopes import scope_matrix, undeclared


class Command(BaseCommand):
    help = "Prints the read scopes: for every scoped model and role, the rule in words and where it is declared."

    def add_arguments(self, parser):
        parser.add_argument("--tsv", action="store_true", help="tab-separated, one rule a line, for a spreadsheet")

    def handle(self, *args, tsv: bool = False, **options):
        if tsv:
            self.stdout.write("model\trole\trule\tdeclared in")
            for scope in scope_matrix():
                self.stdout.write(f"{scope.model._meta.label}\t{scope.role.value}\t{scope.rule}\t{scope.declared_in}")
        else:
            current = None
            for scope in scope_matrix():
                if scope.model is not current:
                    current = scope.model
                    self.stdout.write(f"\n{scope.model._meta.label} ({scope.model._meta.verbose_name})")
                self.stdout.write(f"  {Role(scope.role).value:<13} {scope.rule}  [{scope.declared_in}]")
        for model, role in undeclared():
            self.stderr.write(f"UNDECLARED: {model._meta.label} for {role.value} (reads nothing)")
