"""Timing one page: warm requests through Django's test client with the login signed in (second factor verified),
then a separate counting pass, so that capturing the queries never slows the timed pass."""

from __future__ import annotations

import math
import statistics
import time
import traceback
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SECOND_FACTOR_REQUIRED_ROLES, User
from bench.pages import Page, Records
from huhang.freshness import records_changed

WARM_UP = 3  # requests before timing: the first of a page loads its templates, the catalogue, the plan caches
COUNTING_PASSES = 3  # requests under CaptureQueriesContext: the query count, and the median of their SQL time


def verify_second_factor(client: Client, user: User, *, device_name: str = "bench") -> None:
    """Marks the client's session as past the second factor, with the user's confirmed TOTP device (one is made for
    a role that needs it): what the verify page does after a right code. tests/conftest.py uses it too."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None and user.role in SECOND_FACTOR_REQUIRED_ROLES:
        device = TOTPDevice.objects.create(user=user, name=device_name, confirmed=True)
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.pop("huhang_second_factor_pending", None)
        session.save()


def signed_in_client(username: str) -> Client:
    """A client signed in as the login, its session verified with the second factor."""
    user = User.objects.get(username=username)
    client = Client(raise_request_exception=False)  # a failing page is reported with its status
    client.force_login(user)
    verify_second_factor(client, user)
    return client


class Clients:
    """One signed-in client per login for the whole run (staff logins keep one session)."""

    def __init__(self) -> None:
        self._clients: dict[str, Client] = {}

    def __getitem__(self, username: str) -> Client:
        if username not in self._clients:
            self._clients[username] = signed_in_client(username)
        return self._clients[username]


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest rank: the smallest sample with at least `fraction` of the samples at or below it."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def measure_page(
    page: Page,
    *,
    records: Records,
    clients: Clients,
    repeat: int,
    warm_up: int = WARM_UP,
    counting_passes: int = COUNTING_PASSES,
) -> dict[str, Any]:
    client = clients[page.login]
    try:
        url = page.url(records)
    except Exception as missing:  # a record the page needs is not in the data: reported, the run goes on
        error = "".join(traceback.format_exception_only(missing)).strip()
        return {"name": page.name, "login": page.login, "url": "", "status": 0, "error": error}
    get = client.get
    if page.cold:

        def get(url: str):
            records_changed()
            return client.get(url)

    response = get(url)
    status = response.status_code
    result: dict[str, Any] = {"name": page.name, "login": page.login, "url": url, "status": status}
    result["reference"] = page.reference
    if status != 200:
        if getattr(response, "exc_info", None):
            result["error"] = "".join(traceback.format_exception_only(response.exc_info[1])).strip()
        elif 300 <= status < 400:
            result["error"] = f"redirected to {response.get('Location')}"
        return result
    for _ in range(warm_up - 1):
        get(url)
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        get(url)
        samples.append((time.perf_counter() - started) * 1000)
    counts, sql_times = [], []
    for _ in range(counting_passes):
        with CaptureQueriesContext(connection) as captured:
            get(url)
        counts.append(len(captured))
        sql_times.append(sum(float(query["time"]) for query in captured.captured_queries) * 1000)
    result.update(
        repeat=repeat,
        median_ms=round(statistics.median(samples), 2),
        p95_ms=round(percentile(samples, 0.95), 2),
        min_ms=round(min(samples), 2),
        queries=max(counts),
        sql_ms=round(statistics.median(sql_times), 2),
    )
    return result


def captured_queries(page: Page, *, records: Records, clients: Clients) -> list[str]:
    """The SQL one request of the page runs (for the search's query plans)."""
    with CaptureQueriesContext(connection) as captured:
        clients[page.login].get(page.url(records))
    return [query["sql"] for query in captured.captured_queries]
