import os

import pytest

from accounts.models import ADMIN_ROLES, Role
from tests import url_coverage
from tests.factories import UnitFactory, UserFactory, division


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """A reused test database may have lost the migrations' rows (divisions, the units' feedback questions) to a
    transactional test's flush."""
    from tests.factories import restore_migration_rows

    with django_db_blocker.unblock():
        restore_migration_rows()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: figures cached by an earlier test, whose rows were rolled back, are
    never read (reports/caching.py)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _force_login_gives_the_second_factor(request, monkeypatch):
    """`client.force_login(user)` stands in for the second factor as it does for the password: a user who signs in
    with one (a staff role, or anyone who enrolled) gets a confirmed authenticator and a session verified with it.
    Tests of the second factor itself mark themselves `real_second_factor` and go through its pages."""
    if request.node.get_closest_marker("real_second_factor"):
        return
    from django.test import Client

    from bench.measure import verify_second_factor

    force_login = Client.force_login

    def force_login_with_second_factor(self, user, backend=None):
        force_login(self, user, backend)
        verify_second_factor(self, user, device_name="authenticator")

    monkeypatch.setattr(Client, "force_login", force_login_with_second_factor)


@pytest.fixture
def celery_app():
    """The project's Celery app; its configuration is restored after the test."""
    from huhang.celery import app

    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    yield app
    app.conf.update(saved)


@pytest.fixture
def unit():
    return UnitFactory(name="西湖光电实验室")


@pytest.fixture
def users(db, unit):
    """One user of each role, bound to the same corner of the programme (杭州市, `unit`)."""
    return {
        Role.BUREAU: UserFactory(username="alice", bureau=True),
        Role.OFFICER: UserFactory(username="olivia", officer=True),
        Role.TEAM_MEMBER: UserFactory(username="tom", team_member=True),
        Role.EXPERT: UserFactory(username="eve", expert=True),
        Role.UNIT_CONTACT: UserFactory(username="uma", unit_contact=True, unit=unit),
        # 三员分立: the three administrators, none of whom reads a business record.
        Role.SYSTEM_ADMIN: UserFactory(username="sam", system_admin=True),
        Role.SECURITY_ADMIN: UserFactory(username="sec", security_admin=True),
        Role.AUDIT_ADMIN: UserFactory(username="aud", audit_admin=True),
    }


@pytest.fixture
def administrators(users):
    return {role: user for role, user in users.items() if role in ADMIN_ROLES}


@pytest.fixture
def outsiders(db):
    """Users who must see nothing of `unit`: another city's officer and another unit's contact."""
    return {
        Role.OFFICER: UserFactory(username="oscar", officer=True, division=division("330200")),  # 宁波市
        Role.UNIT_CONTACT: UserFactory(
            username="ursula", unit_contact=True, unit=UnitFactory(division=division("330203"))
        ),
    }


def pytest_sessionfinish(session, exitstatus):
    """Under `make test` (the whole suite), fail when a URL pattern was never requested by any test. Under
    pytest-xdist each worker hands the routes it requested to the controller (`pytest_testnodedown`), which judges."""
    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["exercised_routes"] = sorted(url_coverage.EXERCISED_ROUTES)
        return
    if not os.environ.get("HUHANG_URL_COVERAGE") or exitstatus != 0:
        return
    options = session.config.option
    if options.keyword or options.markexpr or session.config.args != session.config.getini("testpaths"):
        return  # a partial run cannot judge coverage
    missing = url_coverage.unexercised_routes()
    if missing:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        reporter.write_line("URL patterns that no test requested: " + ", ".join(missing), red=True)
        session.exitstatus = 1


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """pytest-xdist: a worker finished; its requested routes count for the whole run."""
    url_coverage.EXERCISED_ROUTES.update(getattr(node, "workeroutput", {}).get("exercised_routes", ()))


# Test files whose module or package fixtures build big data once (the demo programme, the bench's scale data) or
# that start a real Celery worker on the shared Redis broker: under pytest-xdist (`make test`, --dist loadgroup) each
# runs whole on one worker, while every other test goes to whichever worker is free. The browser journeys keep to one
# worker too: two Chromiums and their live servers at once on two cores push a journey's steps past their timeouts.
XDIST_GROUPS = {
    "tests/e2e/": "browser",
    "tests/demo/": "demo",
    "tests/test_bench_smoke.py": "bench",
    "tests/test_celery_broker.py": "broker",
}


def pytest_collection_modifyitems(config, items):
    root = config.rootpath
    for item in items:
        path = item.path.relative_to(root).as_posix()
        for prefix, group in XDIST_GROUPS.items():
            if path.startswith(prefix):
                item.add_marker(pytest.mark.xdist_group(group))
