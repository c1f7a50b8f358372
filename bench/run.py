"""One factor's measurements in this process: the pages, the search's query plans, then the heavy jobs and the
throughput, each of those in processes of their own."""

from __future__ import annotations

import sys
from typing import Any

from bench.measure import Clients, measure_page
from bench.pages import PAGES, Records
from bench.report import page_line


def measure_pages(*, only: set[str], repeat: int, clients: Clients, records: Records) -> dict[str, Any]:
    pages = {}
    for page in PAGES:
        if only and page.name not in only:
            continue
        result = measure_page(page, records=records, clients=clients, repeat=repeat)
        pages[page.name] = result
        print(page_line(result), file=sys.stderr)
    return pages


def measure_factor(
    *, factor: int, database: str, only: set[str], repeat: int, jobs: bool, load: bool
) -> dict[str, Any]:
    from bench import heavy, search_plan, throughput

    print(f"Factor {factor}: pages", file=sys.stderr)
    clients, records = Clients(), Records()
    results: dict[str, Any] = {
        "factor": factor,
        "pages": measure_pages(only=only, repeat=repeat, clients=clients, records=records),
    }
    if not only or "search_plan" in only:
        results["search_plan"] = search_plan.check(clients=clients, records=records)
    if jobs:
        results["jobs"] = heavy.run_jobs(database=database, only=only)
    if load:
        results["load"] = throughput.run_load(database=database, only=only, clients=clients, records=records)
    return results
