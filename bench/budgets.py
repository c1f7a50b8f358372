"""The budgets of issue 14, section 3, in one place, and their check against a run.

They hold on the 100× data (2 cores, PostgreSQL, warm), mostly as ratios to the references measured in the same
run; they are checked on the largest factor of the run. The growth check compares each page's median at the largest
factor with its median at the smallest (`make bench`: 100× against 10×).
"""

from __future__ import annotations

from typing import Any

# The unit list with role scope, filters and search (every `unit_list*` page).
UNIT_LIST_PAGES = (
    "unit_list",
    "unit_list_filters",
    "unit_list_search",
    "unit_list_sort_team",
    "unit_list_officer",
    "unit_list_leader",
)
UNIT_LIST_MEDIAN_MS = 15.0
UNIT_LIST_MEDIAN_FLOORS = 3.0  # ≤ 3× the floor's median
UNIT_LIST_P95_MS = 40.0
UNIT_LIST_QUERIES = 10
UNIT_LIST_THROUGHPUT_ADMINS = 3.0  # ≥ 3× the admin changelist's requests per second
DASHBOARD_PAGES = ("dashboard", "dashboard_officer", "home_bureau")  # the bureau's home is the dashboard
DASHBOARD_MEDIAN_MS = 50.0
# A page that answers with a PDF (WeasyPrint) has the PDFs' budget, "a 10-page PDF ≤ 2 s": a plan is shorter.
PDF_PAGES = ("plan_pdf",)
PDF_PAGE_MEDIAN_MS = 2000.0
OTHER_PAGE_MEDIAN_MS = 30.0  # every other main page
# No page's median at the largest factor more than this times its median at the smallest; GROWTH_SLACK_MS absorbs
# the noise of pages that take a few milliseconds either way.
GROWTH_RATIO = 1.5
GROWTH_SLACK_MS = 2.0
# The heavy jobs: seconds, and the import's peak memory in MB.
JOB_SECONDS = {
    "unit_import": 10.0,
    "unit_export": 3.0,
    "province_xlsx": 10.0,
}
PDF_SECONDS_PER_10_PAGES = 2.0  # "a 10-page PDF ≤ 2 s", for the PDF of about ten pages the bench builds
IMPORT_PEAK_MB = 150.0


def _verdict(subject: str, measure: str, value: float | None, limit: float, *, at_least: bool = False) -> dict:
    ok = value is not None and (value >= limit if at_least else value <= limit)
    budget = f"{'≥' if at_least else '≤'} {limit:g}"
    return {"subject": subject, "measure": measure, "value": value, "budget": budget, "ok": ok}


def check(run: dict[str, Any]) -> list[dict[str, Any]]:
    """Every budget against the run's largest factor, and the growth from its smallest: a list of verdicts."""
    factors = sorted(run["factors"], key=int)
    top = run["factors"][factors[-1]]
    verdicts = _page_verdicts(top["pages"])
    if "search_plan" in top:
        plan = top["search_plan"]
        verdicts.append(
            {
                "subject": "unit_list_search",
                "measure": "search plan",
                "value": plan.get("verdict"),
                "budget": "= index",
                "ok": plan.get("verdict") in ("index", "n/a"),
            }
        )
    verdicts += _job_verdicts(top.get("jobs", {}))
    verdicts += _load_verdicts(top.get("load", {}))
    if len(factors) > 1:
        verdicts += _growth_verdicts(run["factors"][factors[0]]["pages"], top["pages"])
    return verdicts


def _page_verdicts(pages: dict[str, Any]) -> list[dict]:
    verdicts = []
    floor = pages.get("floor", {}).get("median_ms")
    for name, page in pages.items():
        if page["status"] != 200:
            verdicts.append(_verdict(name, "status 200", page["status"], 200))
            verdicts[-1]["ok"] = False
            continue
        if page.get("reference"):
            continue
        if name in UNIT_LIST_PAGES:
            limit = UNIT_LIST_MEDIAN_MS
            if floor is not None:
                limit = min(limit, UNIT_LIST_MEDIAN_FLOORS * floor)
            verdicts.append(_verdict(name, "median ms", page["median_ms"], round(limit, 1)))  # ≤ 15, ≤ 3× floor
            verdicts.append(_verdict(name, "p95 ms", page["p95_ms"], UNIT_LIST_P95_MS))
            verdicts.append(_verdict(name, "queries", page["queries"], UNIT_LIST_QUERIES))
        elif name in PDF_PAGES:
            verdicts.append(_verdict(name, "median ms", page["median_ms"], PDF_PAGE_MEDIAN_MS))
        elif name in DASHBOARD_PAGES:
            verdicts.append(_verdict(name, "median ms", page["median_ms"], DASHBOARD_MEDIAN_MS))
        else:
            verdicts.append(_verdict(name, "median ms", page["median_ms"], OTHER_PAGE_MEDIAN_MS))
    return verdicts


def _job_verdicts(jobs: dict[str, Any]) -> list[dict]:
    verdicts = []
    for name, limit in JOB_SECONDS.items():
        if name in jobs:
            verdicts.append(_verdict(name, "seconds", jobs[name].get("seconds"), limit))
    pdf = jobs.get("pdf_10_pages", {})
    if pdf:
        per_ten = pdf["seconds"] * 10 / pdf["pages"] if pdf.get("pages") and pdf.get("seconds") else None
        verdicts.append(
            _verdict("pdf_10_pages", "seconds per 10 pages", per_ten and round(per_ten, 2), PDF_SECONDS_PER_10_PAGES)
        )
    if "unit_import" in jobs:
        verdicts.append(_verdict("unit_import", "peak MB", jobs["unit_import"].get("peak_mb"), IMPORT_PEAK_MB))
    return verdicts


def _load_verdicts(load: dict[str, Any]) -> list[dict]:
    if "unit_list" not in load or "admin_unit_changelist" not in load:
        return []
    admin = load["admin_unit_changelist"].get("rps") or 0
    return [
        _verdict(
            "unit_list",
            "req/s (≥ 3× admin)",
            load["unit_list"].get("rps"),
            round(UNIT_LIST_THROUGHPUT_ADMINS * admin, 1),
            at_least=True,
        )
    ]


def _growth_verdicts(small: dict[str, Any], large: dict[str, Any]) -> list[dict]:
    verdicts = []
    for name, page in large.items():
        before = small.get(name, {})
        if page["status"] != 200 or before.get("status") != 200:
            continue
        if page.get("reference"):
            continue  # what the pages are measured against, held to no budget (the admin's search scans the table)
        limit = GROWTH_RATIO * before["median_ms"] + GROWTH_SLACK_MS
        verdict = _verdict(name, "growth: median ms", page["median_ms"], round(limit, 1))
        verdicts.append(verdict)
    return verdicts
