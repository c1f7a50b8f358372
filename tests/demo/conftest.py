"""The demo programme is built once for this package (~40 s on SQLite), inside a transaction rolled back when the
package is done; each test's own transaction nests in it, so a test's changes are undone as usual."""

import pytest
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(scope="package")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", force=True)
        yield
        transaction.set_rollback(True)
