"""The command line: `python -m bench --help`.

One factor, in this process: `python -m bench --database <url> --factor <n> [--only a,b] [--repeat 30]
[--json out.json] [--no-load] [--no-jobs]`. What `make bench` runs: `python -m bench --all`, which prepares a
database per factor and measures them side by side (bench/driver.py).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="the database URL to measure (default: DATABASE_URL)")
    parser.add_argument("--factor", type=int, default=1, help="the scale factor of its data, for the report")
    parser.add_argument("--only", default="", help="comma-separated page or job names (bench/pages.py, bench/heavy.py)")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page (default 30)")
    parser.add_argument("--json", help="write the results here (default: bench/results/<timestamp>.json)")
    parser.add_argument("--no-jobs", action="store_true", help="skip the heavy jobs (import, exports, PDFs)")
    parser.add_argument("--no-load", action="store_true", help="skip the throughput runs against gunicorn")
    parser.add_argument("--all", action="store_true", help="make bench: factors 10 and 100, databases prepared")
    parser.add_argument("--factors", default="10,100", help="with --all: the factors (default 10,100)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)  # the --all driver's page worker
    parser.add_argument("--job", help=argparse.SUPPRESS)  # one heavy job, in a process of its own
    return parser


def setup_django(database: str | None) -> None:
    if database:
        os.environ["DATABASE_URL"] = database
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.all:
        from bench.driver import run_all

        return run_all(args)
    setup_django(args.database)
    if args.worker:
        from bench.driver import serve_worker

        return serve_worker(factor=args.factor)
    if args.job:
        from bench.heavy import run_job_here

        return run_job_here(args.job)
    return run_one(args)


def run_one(args: argparse.Namespace) -> int:
    from bench import budgets, report
    from bench.run import measure_factor

    only = {name.strip() for name in args.only.split(",") if name.strip()}
    run: dict[str, Any] = {"started": _now(), "machine": machine()}
    results = measure_factor(
        factor=args.factor,
        database=os.environ.get("DATABASE_URL", ""),
        only=only,
        repeat=args.repeat,
        jobs=not args.no_jobs,
        load=not args.no_load,
    )
    run["factors"] = {str(args.factor): results}
    run["machine"]["load_at_end"] = os.getloadavg()[0]
    verdicts = budgets.check(run)
    run["verdicts"] = verdicts
    print(report.table(run))
    write_json(run, args.json)
    return 1 if any(not verdict["ok"] for verdict in verdicts) else 0


def machine() -> dict[str, Any]:
    """What the figures depend on besides the code: the cores, the load when the run started, the commit (with
    "-dirty" for changes not committed yet)."""
    commit = ""
    if git := shutil.which("git"):
        described = subprocess.run(  # noqa: S603 — git, read only
            [git, "describe", "--always", "--dirty"], capture_output=True, text=True, check=False, cwd=ROOT
        )
        commit = described.stdout.strip()
    return {"cpus": os.cpu_count(), "load_at_start": os.getloadavg()[0], "commit": commit}


def _now() -> str:
    return datetime.datetime.now(tz=datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_json(run: dict[str, Any], path: str | None) -> Path:
    if path is None:
        RESULTS_DIR.mkdir(exist_ok=True)
        path = RESULTS_DIR / (run["started"].replace(":", "") + ".json")
    target = Path(path)
    target.write_text(json.dumps(run, ensure_ascii=False, indent=2))
    print(f"Results: {target}", file=sys.stderr)
    return target
