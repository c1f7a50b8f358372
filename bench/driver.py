"""`make bench` (`python -m bench --all`): a PostgreSQL database per factor, prepared, then measured side by side.

For each factor N (10 and 100): the database `huhang_bench_<N>` on the server of BENCH_DATABASE_URL (default the
local `huhang` role) is created when missing (as a copy of BENCH_CLONE_FROM, e.g. `huhang_scale{factor}`, when that
is set), always migrated (new indexes apply), seeded with `manage.py seed_scale --factor N` when it holds no scale
data, and analysed. Then one worker process per factor measures the pages, page by page in turn, so that both
factors' figures for a page are taken within seconds of each other on a machine whose load changes; then each
factor's heavy jobs and throughput. One table, one JSON file, exit status 1 when a budget is broken.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench import budgets, heavy, report

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SERVER = "postgres://huhang:huhang@127.0.0.1:5432/"
SEEDED_UNITS_PER_FACTOR = 100  # seed_scale writes about 150 units per factor: fewer means it has not run


def database_url(factor: int) -> str:
    server = urlsplit(os.environ.get("BENCH_DATABASE_URL", DEFAULT_SERVER))
    return urlunsplit(server._replace(path=f"/huhang_bench_{factor}"))


def _connect(url: str, *, database: str | None = None):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname=database or parts.path.lstrip("/"),
        autocommit=True,
    )


def _manage(url: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, check=True, cwd=ROOT)  # noqa: S603


def prepare(factor: int) -> str:
    """The factor's database, created, migrated, seeded and analysed; its URL."""
    from psycopg import sql

    url = database_url(factor)
    name = urlsplit(url).path.lstrip("/")
    with _connect(url, database="postgres") as server:
        exists = server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            template = os.environ.get("BENCH_CLONE_FROM", "").format(factor=factor)
            statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
            if template:
                statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
            print(f"Creating {name}" + (f" from {template}" if template else ""), file=sys.stderr)
            server.execute(statement)
    print(f"Migrating {name}", file=sys.stderr)
    _manage(url, "migrate", "--noinput", "--verbosity", "0")
    with _connect(url) as database:
        units = database.execute("SELECT count(*) FROM units_unit").fetchone()[0]
    if units < SEEDED_UNITS_PER_FACTOR * factor:
        print(f"Seeding {name}: seed_scale --factor {factor}", file=sys.stderr)
        _manage(url, "seed_scale", "--factor", str(factor), "--force")  # --force: the bench runs with DEBUG off
    with _connect(url) as database:
        database.execute("VACUUM ANALYZE" if units < SEEDED_UNITS_PER_FACTOR * factor else "ANALYZE")
    return url


class Worker:
    """A `python -m bench --worker` process measuring one factor's database, one request at a time."""

    def __init__(self, factor: int, url: str):
        self.factor = factor
        self.process = subprocess.Popen(  # noqa: S603 — our own interpreter and module
            [sys.executable, "-m", "bench", "--worker", "--factor", str(factor), "--database", url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )

    def ask(self, **request: Any) -> Any:
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the worker of factor {self.factor} stopped")
        return json.loads(line)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=60)


def serve_worker(*, factor: int) -> int:
    """The worker's side: one JSON request a line on stdin, one JSON answer a line on the real stdout; everything
    else the measured code prints goes to stderr."""
    from bench import search_plan, throughput
    from bench.measure import Clients, measure_page
    from bench.pages import PAGES_BY_NAME, Records

    answers, sys.stdout = sys.stdout, sys.stderr
    clients, records = Clients(), Records()
    database = os.environ.get("DATABASE_URL", "")
    for line in sys.stdin:
        request = json.loads(line)
        if "page" in request:
            page = PAGES_BY_NAME[request["page"]]
            answer = measure_page(page, records=records, clients=clients, repeat=request["repeat"])
        elif request.get("search_plan"):
            answer = search_plan.check(clients=clients, records=records)
        elif request.get("load"):
            answer = throughput.run_load(database=database, only=set(), clients=clients, records=records)
        else:
            answer = {"error": f"unknown request {request}"}
        answers.write(json.dumps(answer, ensure_ascii=False) + "\n")
        answers.flush()
    return 0


def run_all(args: argparse.Namespace) -> int:
    from bench.cli import _now, machine, write_json
    from bench.pages import PAGE_NAMES

    factors = [int(factor) for factor in args.factors.split(",")]
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    urls = {factor: prepare(factor) for factor in factors}
    run: dict[str, Any] = {"started": _now(), "machine": machine()}
    run["factors"] = {str(factor): {"factor": factor, "pages": {}} for factor in factors}
    workers = [Worker(factor, urls[factor]) for factor in factors]
    try:
        for turn, name in enumerate(PAGE_NAMES):
            if only and name not in only:
                continue
            # Alternate which factor goes first, so neither always follows the other's cache and CPU state.
            for worker in workers if turn % 2 == 0 else workers[::-1]:
                result = worker.ask(page=name, repeat=args.repeat)
                run["factors"][str(worker.factor)]["pages"][name] = result
                print(f"  {worker.factor:>4}× {report.page_line(result).strip()}", file=sys.stderr)
        if not only or "search_plan" in only:
            for worker in workers:
                run["factors"][str(worker.factor)]["search_plan"] = worker.ask(search_plan=True)
        if not args.no_load and (not only or "load" in only):
            for worker in workers:
                print(f"Throughput at {worker.factor}×", file=sys.stderr)
                run["factors"][str(worker.factor)]["load"] = worker.ask(load=True)
    finally:
        for worker in workers:
            worker.close()
    if not args.no_jobs:
        for factor in factors:
            print(f"Heavy jobs at {factor}×", file=sys.stderr)
            run["factors"][str(factor)]["jobs"] = heavy.run_jobs(database=urls[factor], only=only)
    run["machine"]["load_at_end"] = os.getloadavg()[0]
    run["verdicts"] = budgets.check(run)
    print(report.table(run))
    write_json(run, args.json)
    return 1 if any(not verdict["ok"] for verdict in run["verdicts"]) else 0
