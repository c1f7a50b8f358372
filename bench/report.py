"""The run as a table: one row per page (median and p95 at each factor, queries and SQL time at the largest, its
budget and verdict), then the references' throughput, the heavy jobs and the search's query plan."""

from __future__ import annotations

from typing import Any

from bench import budgets


def _fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def _columns(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _verdicts_by_subject(verdicts: list[dict]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for verdict in verdicts:
        grouped.setdefault(verdict["subject"], []).append(verdict)
    return grouped


def _verdict_cells(verdicts: list[dict]) -> tuple[str, str]:
    if not verdicts:
        return "", ""
    budget = "; ".join(
        f"{_short(v['measure'])} {v['budget']}" for v in verdicts if not v["measure"].startswith("growth")
    )
    failed = [v for v in verdicts if not v["ok"]]
    if not failed:
        return budget, "ok"
    return budget, "FAIL " + ", ".join(f"{_short(v['measure'])} {_fmt(v['value'])} ({v['budget']})" for v in failed)


def _short(measure: str) -> str:
    """ "median ms" → "median", "growth: median ms" → "growth": the table's cells stay narrow."""
    return measure.split(":")[0].split(" (")[0].removesuffix(" ms")


def table(run: dict[str, Any]) -> str:
    factors = sorted(run["factors"], key=int)
    top = run["factors"][factors[-1]]
    by_subject = _verdicts_by_subject(run.get("verdicts", []))
    rows = [["page", "login", *(f"{f}× median / p95 ms" for f in factors), "queries", "SQL ms", "budget", "verdict"]]
    names = list(dict.fromkeys(name for f in factors for name in run["factors"][f]["pages"]))
    for name in names:
        cells = []
        for factor in factors:
            page = run["factors"][factor]["pages"].get(name)
            if page is None:
                cells.append("")
            elif page["status"] != 200:
                cells.append(f"status {page['status']}")
            else:
                cells.append(f"{_fmt(page['median_ms'])} / {_fmt(page['p95_ms'])}")
        page = top["pages"].get(name, {})
        budget, verdict = _verdict_cells(by_subject.pop(name, []))
        if page.get("reference"):
            budget, verdict = "reference", verdict or ""
        login = page.get("login", "")
        rows.append([name, login, *cells, _fmt(page.get("queries")), _fmt(page.get("sql_ms")), budget, verdict])
    parts = [_columns(rows)]
    if "machine" in run:
        machine = run["machine"]
        parts.insert(
            0,
            f"{run.get('started', '')}  commit {machine.get('commit', '?')}  {machine.get('cpus')} cores, load average"
            f" {machine.get('load_at_start', 0):.1f} at the start, {machine.get('load_at_end', 0):.1f} at the end"
            " (medians of warm requests; the references and the pages in the same run)",
        )
    # bench/throughput.py: gunicorn with production's workers and threads, wrk with 8 connections.
    title = "throughput (gunicorn as in production, 8 connections, median of the rounds)"
    load_rows = [[title, *(f"{f}× req/s" for f in factors), "errors"]]
    for name in dict.fromkeys(n for f in factors for n in run["factors"][f].get("load", {})):
        loads = [run["factors"][f].get("load", {}).get(name, {}) for f in factors]
        errors = sum(load.get("errors", 0) for load in loads)
        load_rows.append([name, *(_fmt(load.get("rps")) for load in loads), str(errors)])
    if len(load_rows) > 1:
        parts.append(_columns(load_rows))
    job_rows = [["heavy job", *(f"{f}× s / peak MB" for f in factors), "detail"]]
    for name in dict.fromkeys(n for f in factors for n in run["factors"][f].get("jobs", {})):
        jobs = [run["factors"][f].get("jobs", {}).get(name, {}) for f in factors]
        cells = [f"{_fmt(job.get('seconds'), 2)} / {_fmt(job.get('peak_mb'))}" if job else "" for job in jobs]
        job_rows.append([name, *cells, jobs[-1].get("detail") or jobs[-1].get("error", "")])
    if len(job_rows) > 1:
        parts.append(_columns(job_rows))
    if "search_plan" in top:
        plan = top["search_plan"]
        parts.append(
            f"2-character search (科技) at {factors[-1]}×: {plan.get('verdict')}; "
            f"as planned {_fmt(plan.get('planned_ms'), 2)} ms, with index scans off {_fmt(plan.get('scan_ms'), 2)} ms"
            + (f" ({plan['note']})" if plan.get("note") else "")
        )
    rest = [v for verdicts in by_subject.values() for v in verdicts]
    if rest:
        verdict_rows = [["budget", "measure", "value", "budget", "verdict"]]
        for v in rest:
            verdict_rows.append(
                [v["subject"], v["measure"], _fmt(v["value"]), v["budget"], "ok" if v["ok"] else "FAIL"]
            )
        parts.append(_columns(verdict_rows))
    parts.append(budgets.scale_note(run))
    broken = sum(1 for v in run.get("verdicts", []) if not v["ok"])
    parts.append("All budgets hold." if not broken else f"{broken} budget(s) broken.")
    return "\n\n".join(parts)


def page_line(result: dict[str, Any]) -> str:
    if result["status"] != 200:
        return f"  {result['name']:30} status {result['status']}  {result['url']}  {result.get('error', '')}"
    return (
        f"  {result['name']:30} median {result['median_ms']:8.1f} ms  p95 {result['p95_ms']:8.1f} ms"
        f"  {result['queries']:3d} queries  SQL {result['sql_ms']:7.1f} ms"
    )
