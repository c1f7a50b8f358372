"""Requests per second under a local load generator: gunicorn as the Dockerfile's CMD runs it, with production's
settings (docker-compose.yml: GUNICORN_WORKERS, GUNICORN_THREADS, default 3 workers of 4 gthread threads; the
Dockerfile: keep-alive 5, a worker replaced after 1,000 requests give or take 100, its heartbeat in /dev/shm),
serving the bench's settings on 127.0.0.1, and wrk with 8 connections for LOAD_SECONDS per page (after
WARM_UP_SECONDS not counted), the bureau's session cookie on every request; ROUNDS rounds of every page in turn, the
median judged (run_load says why).

Each page is first fetched once without following redirects: a session the portal did not accept would answer a
fast redirect to the login page, which wrk counts as a success.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from django.conf import settings

from bench.measure import Clients
from bench.pages import PAGES_BY_NAME, Records

LOAD_PAGES = ("unit_list", "dashboard", "admin_unit_changelist", "floor")
LOAD_SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "6"))
ROUNDS = int(os.environ.get("BENCH_LOAD_ROUNDS", "3"))
WARM_UP_SECONDS = 3
CONNECTIONS = 8
# As docker-compose.yml and .env.example give them to the image.
WORKERS = int(os.environ.get("GUNICORN_WORKERS", "3"))
THREADS = int(os.environ.get("GUNICORN_THREADS", "4"))
PORT = int(os.environ.get("BENCH_PORT", "8312"))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _status(url: str, cookie: str) -> int:
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310 — our own local server
    try:
        with opener.open(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _start_gunicorn(database: str) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    if database:
        env["DATABASE_URL"] = database
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "bench.wsgi:application",
        f"--bind=127.0.0.1:{PORT}",
        f"--workers={WORKERS}",
        "--worker-class=gthread",
        f"--threads={THREADS}",
        "--keep-alive=5",
        "--timeout=120",  # production's is 60; a loaded bench machine may need more for its first requests
        "--max-requests=1000",
        "--max-requests-jitter=100",
        # The heartbeat file of the Dockerfile's workers, in memory rather than on a disk that can stall them.
        *(["--worker-tmp-dir=/dev/shm"] if Path("/dev/shm").is_dir() else []),  # noqa: S108 — as the Dockerfile
        "--error-logfile=-",
    ]
    log = Path(settings.MEDIA_ROOT) / f"gunicorn-{PORT}.log"  # its errors, if a page fails under load
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as errors:
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            _status(f"http://127.0.0.1:{PORT}/healthz", "")
            return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def _wrk(url: str, cookie: str, *, seconds: int = LOAD_SECONDS) -> dict[str, Any]:
    command = [shutil.which("wrk"), "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout=30s"]
    completed = subprocess.run(  # noqa: S603 — wrk, found on PATH by shutil.which
        [*command, "-H", f"Cookie: {cookie}", url],
        capture_output=True,
        text=True,
        check=True,
    )
    output = completed.stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors:.*", output)
    return {
        "rps": float(rps.group(1)) if rps else None,
        "errors": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": socket_errors.group(0) if socket_errors else "",
    }


def run_load(*, database: str, only: set[str], clients: Clients, records: Records) -> dict[str, Any]:
    pages = list(LOAD_PAGES) if not only or "load" in only else []  # with --only, when "load" is named
    if not pages:
        return {}
    if shutil.which("wrk") is None:
        print("  throughput skipped: wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return {"skipped": {"rps": None, "errors": 0, "note": "wrk is not installed"}}
    session = clients["bureau"].cookies[settings.SESSION_COOKIE_NAME].value
    cookie = f"{settings.SESSION_COOKIE_NAME}={session}"
    server = _start_gunicorn(database)
    samples: dict[str, list[dict[str, Any]]] = {}
    try:
        urls = {}
        for name in pages:
            urls[name] = f"http://127.0.0.1:{PORT}{PAGES_BY_NAME[name].url(records)}"
            status = _status(urls[name], cookie)
            if status != 200:
                samples[name] = [{"rps": None, "errors": 1, "note": f"status {status}"}]
            else:
                _wrk(urls[name], cookie, seconds=WARM_UP_SECONDS)  # every worker and thread past its first requests
                samples[name] = []
        # Rounds, each page in turn: which worker accepts which of wrk's connections decides how many of the two
        # cores a run uses (one worker's threads share one core), so a single run of a page can read half of
        # another's. The median of the rounds, each with new connections, is what is judged.
        for _round in range(ROUNDS):
            for name in pages:
                if samples[name] and samples[name][0].get("rps") is None:
                    continue
                sample = _wrk(urls[name], cookie)
                if _status(urls[name], cookie) != 200:
                    sample["note"] = "the session ended during the run"
                samples[name].append(sample)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    results = {name: _median_of(runs) for name, runs in samples.items()}
    for name, result in results.items():
        print(f"  load {name}: {result}", file=sys.stderr)
    return results


def _median_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One page's rounds as one result: the median requests per second, every round's beside it."""
    rates = [run["rps"] for run in runs if run.get("rps") is not None]
    if not rates:
        return runs[0]
    notes = sorted({run["note"] for run in runs if run.get("note")})
    return {
        "rps": round(statistics.median(rates), 2),
        "rounds": rates,
        "errors": sum(run.get("errors", 0) for run in runs),
        "socket_errors": "; ".join(run["socket_errors"] for run in runs if run.get("socket_errors")),
        **({"note": ", ".join(notes)} if notes else {}),
    }
