"""A rebuild of cached figures after a change (reports/caching.py, _build_once): one process builds, the viewers
arriving meanwhile wait for its result rather than all building too; and waiting never shows a figure of the
records as they were before a change."""

import threading
import time

import pytest
from django.core.cache import cache

from accounts.models import Role
from huhang.freshness import records_changed
from reports import caching
from reports.caching import cached_for_user

NAME = "rebuild-test"


@pytest.fixture
def bureau(users):
    return users[Role.BUREAU]


@pytest.fixture(autouse=True)
def quick_polls(monkeypatch):
    monkeypatch.setattr(caching, "BUILD_POLL_SECONDS", 0.01)


def _key(user) -> str:
    return caching._key(NAME, user, ())


def _later(seconds: float, action) -> threading.Thread:
    """`action` run in another thread after `seconds`: another process finishing its build."""

    def run():
        time.sleep(seconds)
        action()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


class Builds:
    """A build that counts its calls and takes `seconds`."""

    def __init__(self, value, seconds: float = 0.0):
        self.value, self.seconds, self.calls = value, seconds, 0
        self._lock = threading.Lock()

    def __call__(self, _key: str):
        with self._lock:
            self.calls += 1
        time.sleep(self.seconds)
        return self.value


def test_viewers_arriving_during_a_rebuild_wait_for_it_rather_than_build_too(bureau):
    build = Builds({"listed": 15000}, seconds=0.3)
    start = threading.Barrier(6)
    results = []

    def view():
        start.wait()
        results.append(cached_for_user(NAME, user=bureau, build=build))

    threads = [threading.Thread(target=view) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert build.calls == 1
    assert results == [{"listed": 15000}] * 6


def test_a_viewer_waits_for_the_build_under_way_and_gets_its_figures(bureau):
    key = _key(bureau)
    cache.add(f"{key}:building", True)  # another process is building these figures
    finished = _later(0.1, lambda: (cache.set(key, "built elsewhere"), cache.delete(f"{key}:building")))
    build = Builds("built here")
    assert cached_for_user(NAME, user=bureau, build=build) == "built elsewhere"
    assert build.calls == 0
    finished.join()


def test_after_a_change_a_viewer_never_gets_the_figures_of_before_while_they_are_rebuilt(bureau):
    before = _key(bureau)
    cache.set(before, "before the change")
    cache.add(f"{before}:building", True)  # a build of the old version still running somewhere
    records_changed()
    after = _key(bureau)
    assert after != before
    cache.add(f"{after}:building", True)  # and another process rebuilding the new version
    finished = _later(0.1, lambda: (cache.set(after, "after the change"), cache.delete(f"{after}:building")))
    build = Builds("built here")
    assert cached_for_user(NAME, user=bureau, build=build) == "after the change"
    assert build.calls == 0
    finished.join()


def test_a_viewer_after_a_change_builds_at_once_when_only_the_old_version_is_being_built(bureau, monkeypatch):
    monkeypatch.setattr(caching, "BUILD_WAIT_SECONDS", 30)
    cache.add(f"{_key(bureau)}:building", True)
    records_changed()
    build = Builds("after the change")
    started = time.monotonic()
    assert cached_for_user(NAME, user=bureau, build=build) == "after the change"
    assert time.monotonic() - started < 5  # built, not waited for the old version's build
    assert build.calls == 1


def test_a_viewer_builds_the_figures_itself_when_the_builder_fails(bureau):
    key = _key(bureau)
    cache.add(f"{key}:building", True)
    failed = _later(0.1, lambda: cache.delete(f"{key}:building"))  # released without storing anything
    build = Builds("built here")
    assert cached_for_user(NAME, user=bureau, build=build) == "built here"
    assert build.calls == 1
    assert cache.get(key) == "built here"
    assert cache.get(f"{key}:building") is None  # its own lock released
    failed.join()


def test_a_viewer_stops_waiting_for_a_builder_that_never_finishes(bureau, monkeypatch):
    monkeypatch.setattr(caching, "BUILD_WAIT_SECONDS", 0.2)
    cache.add(f"{_key(bureau)}:building", True)  # a builder that died holding the lock
    build = Builds("built here")
    assert cached_for_user(NAME, user=bureau, build=build) == "built here"
    assert build.calls == 1


def test_a_failed_build_releases_its_lock(bureau):
    def failing(_key):
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError):
        cached_for_user(NAME, user=bureau, build=failing)
    assert cache.get(f"{_key(bureau)}:building") is None
