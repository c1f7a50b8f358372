"""Whether the unit list's two-character Chinese search is served by an index, measured against the scan.

The queries of one request of `unit_list_search` that read the units and carry the term are explained on
PostgreSQL: a sequential scan of the units table is a failure. Each such query is also timed (EXPLAIN ANALYZE) as
planned and with index and bitmap scans switched off, so the table shows what the index saves.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import connection, transaction

from bench.measure import Clients, captured_queries
from bench.pages import PAGES_BY_NAME, Records

TERM = "科技"
UNITS_TABLE = "units_unit"


def _plan(sql: str, *, scan: bool) -> dict[str, Any]:
    with transaction.atomic(), connection.cursor() as cursor:
        if scan:
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
        (plan,) = cursor.fetchone()
    return plan[0] if isinstance(plan, list) else json.loads(plan)[0]


def _scanned_tables(node: dict[str, Any]) -> set[str]:
    tables = {node["Relation Name"]} if node.get("Node Type") == "Seq Scan" else set()
    for child in node.get("Plans", []):
        tables |= _scanned_tables(child)
    return tables


def check(*, clients: Clients, records: Records) -> dict[str, Any]:
    if connection.vendor != "postgresql":
        return {"verdict": "n/a", "note": "query plans are checked on PostgreSQL"}
    page = PAGES_BY_NAME["unit_list_search"]
    queries = [
        sql
        for sql in captured_queries(page, records=records, clients=clients)
        if UNITS_TABLE in sql and sql.lstrip().upper().startswith("SELECT") and _mentions_term(sql)
    ]
    if not queries:
        return {"verdict": "no search query", "note": "no query of the page carried the term"}
    planned_ms = scan_ms = 0.0
    scanned = False
    for sql in queries:
        planned = _plan(sql, scan=False)
        forced = _plan(sql, scan=True)
        planned_ms += planned["Execution Time"]
        scan_ms += forced["Execution Time"]
        scanned |= UNITS_TABLE in _scanned_tables(planned["Plan"])
    return {
        "verdict": "scan" if scanned else "index",
        "queries": len(queries),
        "planned_ms": round(planned_ms, 2),
        "scan_ms": round(scan_ms, 2),
    }


def _mentions_term(sql: str) -> bool:
    """The term itself, or one of its pieces as a bigram document stores them (huhang/search.py)."""
    return TERM in sql
