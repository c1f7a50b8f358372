"""bench/budgets.py: the budgets in milliseconds and seconds follow the machine's speed, measured by the references in
the same run; the ratios, the query counts and the memory do not."""

import pytest

from bench import budgets, report


def a_run(*, floor_ms: float, admin_ms: float, unit_list_ms: float, other_ms: float, pdf_seconds: float) -> dict:
    def page(median: float, queries: int = 4) -> dict:
        return {"status": 200, "median_ms": median, "p95_ms": median * 1.2, "queries": queries, "sql_ms": 0.0}

    pages = {
        "floor": {**page(floor_ms), "reference": True},
        "admin_unit_changelist": {**page(admin_ms, queries=8), "reference": True},
        "unit_list": page(unit_list_ms),
        "unit_detail": page(other_ms, queries=14),
    }
    jobs = {"pdf_10_pages": {"seconds": pdf_seconds, "pages": 16}, "unit_import": {"seconds": 7.0, "peak_mb": 40.0}}
    return {"factors": {"100": {"factor": 100, "pages": pages, "jobs": jobs}}}


def verdict(verdicts: list[dict], subject: str, measure: str) -> dict:
    return next(v for v in verdicts if v["subject"] == subject and v["measure"] == measure)


def test_on_a_machine_as_fast_as_the_issues_the_budgets_are_the_issues():
    run = a_run(floor_ms=4.5, admin_ms=29.0, unit_list_ms=13.0, other_ms=31.0, pdf_seconds=3.0)
    verdicts = budgets.check(run)

    assert budgets.machine_scale(run["factors"]["100"]["pages"]) == 1.0  # never tightened on a faster machine
    assert verdict(verdicts, "unit_list", "median ms")["budget"] == "≤ 13.5"  # 3× the floor, under 15
    assert not verdict(verdicts, "unit_detail", "median ms")["ok"]  # 31 > 30
    assert verdict(verdicts, "pdf_10_pages", "seconds per 10 pages")["ok"]  # 1.88 s per ten pages
    assert verdict(verdicts, "unit_import", "seconds")["budget"] == "≤ 10"


def test_on_a_slower_machine_the_budgets_in_time_grow_with_the_floor():
    # The floor 2.5 times the reference's, the admin 1.6 times: the machine counts as twice as slow.
    run = a_run(floor_ms=12.25, admin_ms=47.2, unit_list_ms=25.0, other_ms=55.0, pdf_seconds=6.0)
    verdicts = budgets.check(run)

    assert budgets.machine_scale(run["factors"]["100"]["pages"]) == pytest.approx(2.0)
    assert verdict(verdicts, "unit_list", "median ms")["budget"] == "≤ 30"  # min(15 × 2, 3 × 12.25)
    assert verdict(verdicts, "unit_list", "p95 ms")["budget"] == "≤ 80"
    assert verdict(verdicts, "unit_detail", "median ms")["budget"] == "≤ 60"
    assert verdict(verdicts, "unit_detail", "median ms")["ok"]
    assert verdict(verdicts, "pdf_10_pages", "seconds per 10 pages")["budget"] == "≤ 4"
    assert verdict(verdicts, "pdf_10_pages", "seconds per 10 pages")["ok"]  # 3.75 s per ten pages
    assert verdict(verdicts, "unit_import", "seconds")["budget"] == "≤ 20"
    # What does not depend on the machine's speed stays as it is.
    assert verdict(verdicts, "unit_list", "queries")["budget"] == "≤ 10"
    assert verdict(verdicts, "unit_import", "peak MB")["budget"] == "≤ 150"
    assert "× 2.00" in report.table({**run, "verdicts": verdicts, "machine": {}})


def test_a_page_slower_than_its_scaled_budget_still_fails():
    verdicts = budgets.check(a_run(floor_ms=12.25, admin_ms=47.2, unit_list_ms=31.0, other_ms=61.0, pdf_seconds=6.5))

    assert not verdict(verdicts, "unit_list", "median ms")["ok"]  # 31 > 30
    assert not verdict(verdicts, "unit_detail", "median ms")["ok"]  # 61 > 60
    assert not verdict(verdicts, "pdf_10_pages", "seconds per 10 pages")["ok"]  # 4.06 > 4


def test_one_reference_alone_scales_by_its_own_ratio_and_none_leaves_the_budgets_as_they_are():
    assert budgets.machine_scale({"floor": {"median_ms": 9.8}}) == pytest.approx(2.0)
    assert budgets.machine_scale({}) == 1.0
