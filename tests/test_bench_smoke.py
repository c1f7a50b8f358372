"""The bench (`make bench`, bench/) on factor 1: every page it measures answers 200 to its login and has its
queries counted, the heavy jobs run through their service paths, and the budgets' table is built. No timing is
asserted: CI machines are not the bench's."""

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

from bench import budgets, heavy, report, search_plan
from bench.measure import Clients, measure_page
from bench.pages import PAGES, Records
from tests.factories import restore_migration_rows
from units.models import Unit


@pytest.fixture(scope="module")
def scale_data(django_db_setup, django_db_blocker):
    """The scale data of factor 1 (the demo programme), built once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        restore_migration_rows()  # an earlier transactional test may have flushed them
        call_command("seed_scale", factor=1, force=True, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def _bench_settings(settings) -> dict:
    """The bench's URL map (the portal's and the two references) and its floor template."""
    template_dirs = [*settings.TEMPLATES[0]["DIRS"], settings.BASE_DIR / "bench" / "templates"]
    return {"ROOT_URLCONF": "bench.urls", "TEMPLATES": [{**settings.TEMPLATES[0], "DIRS": template_dirs}]}


@pytest.fixture
def bench_settings(settings):
    for name, value in _bench_settings(settings).items():
        setattr(settings, name, value)
    return settings


@pytest.fixture(scope="module")
def run(scale_data, django_db_blocker):
    """Every page measured once, and the search's query plan, on the module's data."""
    from django.conf import settings

    with django_db_blocker.unblock(), override_settings(**_bench_settings(settings)):
        clients, records = Clients(), Records()
        pages = {
            page.name: measure_page(page, records=records, clients=clients, repeat=1, warm_up=1, counting_passes=1)
            for page in PAGES
        }
        plan = search_plan.check(clients=clients, records=records)
    return {"factors": {"1": {"factor": 1, "pages": pages, "search_plan": plan}}}


def test_every_page_answers_its_login_and_has_its_queries_counted(run):
    pages = run["factors"]["1"]["pages"]
    failing = {name: (page["status"], page.get("error", "")) for name, page in pages.items() if page["status"] != 200}
    assert failing == {}
    assert all(page["queries"] > 0 and page["sql_ms"] >= 0 for page in pages.values())
    assert pages["floor"]["queries"] < pages["unit_list_cold"]["queries"]  # the list built, not read back


def test_the_table_names_every_page_and_every_budget_has_a_verdict(run):
    verdicts = budgets.check(run)

    table = report.table({**run, "verdicts": verdicts})

    assert all(page.name in table for page in PAGES)
    assert {verdict["subject"] for verdict in verdicts} >= set(budgets.UNIT_LIST_PAGES)
    expected = ("index", "scan") if connection.vendor == "postgresql" else ("n/a",)
    assert run["factors"]["1"]["search_plan"]["verdict"] in expected


def test_the_heavy_jobs_run_through_their_service_paths(scale_data, db, bench_settings, tmp_path):
    bench_settings.MEDIA_ROOT = tmp_path
    units = Unit.objects.count()
    path = heavy.import_file(20)

    assert heavy.JOBS["unit_import_check"][1](path) == "20 rows, 20 new, committed=False"
    assert heavy.JOBS["unit_import"][1](path) == "20 rows, 20 new, committed=True"
    assert Unit.objects.count() == units  # rolled back
    assert heavy.JOBS["unit_export"][1](None).startswith("status 200")
    assert "parts" in heavy.JOBS["province_xlsx"][1](None)["detail"]
