"""The heavy jobs, each in a process of its own: its time, and its peak memory above what the process held before
the job (the peak RSS, VmHWM, reset once the job's input is ready — /proc/self/clear_refs).

- unit_import_check / unit_import: a file of IMPORT_ROWS new, valid units (credit codes with their check characters,
  real cities and counties) through the import's service path (units.importing: import_check, the dry run; and
  import_run, the real import in its one transaction, rolled back afterwards so the data stays as it was);
- unit_export: the bureau's unit export through its URL, the whole list streamed, by a client whose worker has served
  a page before;
- province_xlsx / province_pdf: the bureau's province report of the last half year that is over, built and written;
- pdf_10_pages: "a 10-page PDF" is one city's province report (宁波市, where the scale data adds units; 14 pages on
  the demo programme): its budget is per ten pages, so its page count is reported beside its time.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "15000"))
JOB_NAMES = ("unit_import_check", "unit_import", "unit_export", "province_xlsx", "province_pdf", "pdf_10_pages")
TEN_PAGE_CITY = "330200"  # 宁波市: its province report runs to about ten pages


def run_jobs(*, database: str, only: set[str]) -> dict[str, Any]:
    """Each job in a fresh process, so that one job's memory never counts in another's."""
    results = {}
    for name in JOB_NAMES:
        if only and name not in only:
            continue
        print(f"  job {name} …", file=sys.stderr)
        env = {**os.environ, "DATABASE_URL": database} if database else dict(os.environ)
        completed = subprocess.run(  # noqa: S603 — our own interpreter and module
            [sys.executable, "-m", "bench", "--job", name],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        lines = completed.stdout.strip().splitlines()
        if completed.returncode != 0 or not lines:
            results[name] = {"error": _last_error(completed.stderr)}
        else:
            results[name] = json.loads(lines[-1])
        print(f"    {results[name]}", file=sys.stderr)
    return results


def _last_error(stderr: str) -> str:
    """The exception and the line of code that raised it, from a child's traceback."""
    lines = stderr.strip().splitlines() or ["failed"]
    where = [line.strip() for line in lines if line.strip().startswith('File "')]
    return f"{lines[-1]} ({where[-1]})" if where else lines[-1]


def run_job_here(name: str) -> int:
    """The child process: prepares the job's input, then times it and reads its peak memory; prints one JSON line."""
    prepare, job = JOBS[name]
    prepared = prepare()
    _reset_peak()
    before = _status_kb("VmRSS")
    started = time.perf_counter()
    outcome = job(prepared)
    seconds = time.perf_counter() - started
    peak = _status_kb("VmHWM")
    result = {
        "seconds": round(seconds, 3),
        "peak_mb": round(max(0, peak - before) / 1024, 1) if peak and before else None,
        "rss_mb": round(peak / 1024, 1) if peak else None,
        **(outcome if isinstance(outcome, dict) else {"detail": outcome}),
    }
    print(json.dumps(result, ensure_ascii=False))
    return 0


def _status_kb(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS (Linux ≥ 4.0)


# --- The jobs -----------------------------------------------------------------------------------------------------


def _bureau():
    from accounts.models import User

    return User.objects.get(username="bureau")


def _period() -> str:
    from bench.pages import Records

    return Records().period


def import_file(rows: int = IMPORT_ROWS) -> Path:
    """An .xlsx of `rows` new units in the template's columns: names, credit codes no unit holds yet, and the city
    and county of a real division; built once per database and kept beside the bench's media."""
    from django.conf import settings
    from django.db import connection
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    from units.credit_code import check_character, organisation_check_character
    from units.importing.columns import CATEGORY_NAMES, COLUMNS
    from units.models import Division, Unit

    name = f"bench-import-{connection.settings_dict['NAME']}-{rows}.xlsx".replace("/", "_")
    path = Path(settings.MEDIA_ROOT) / name
    taken = set(Unit.objects.filter(credit_code__contains="BK").values_list("credit_code", flat=True))
    if path.exists() and not taken:
        return path
    counties = list(Division.objects.filter(level=Division.Level.COUNTY).select_related("city").order_by("code"))
    categories = [names[0] for names in CATEGORY_NAMES.values()]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    # The <dimension> Excel and WPS write, which write-only mode leaves out (without it openpyxl's reader parses the
    # sheet twice): the file as the bureau's staff would send it.
    sheet.calculate_dimension = lambda: f"A1:{get_column_letter(len(COLUMNS))}{rows + 1}"
    sheet.append([column.header for column in COLUMNS])
    written, serial = 0, 0
    while written < rows:
        serial += 1
        county = counties[serial % len(counties)]
        body = f"BK{serial:06d}"
        first17 = f"12{county.code}{body}{organisation_check_character(body)}"
        code = first17 + check_character(first17)
        if code in taken:
            continue
        written += 1
        values = {
            "seq": written,
            "name": f"基准导入科技创新研究院{serial:05d}",
            "credit_code": code,
            "category": categories[serial % len(categories)],
            "city": county.city.name,
            "county": county.name,
            "technical_field": "新一代信息技术",
            "address": f"{county.city.name}{county.name}创新大道{serial}号",
            "contact_name": "王基准",
            "phone": f"139{serial:08d}",
            "email": f"bench{serial}@example.com",
            "selected_on": "2026-06-30",
            "batch": "第四批",
        }
        sheet.append([values[column.field] for column in COLUMNS])
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def _import_check(path: Path) -> str:
    from units.importing import import_check

    result = import_check(path=path)
    return _import_detail(result)


def _import_run(path: Path) -> str:
    """The real import, all or nothing in its transaction; the outer one rolls it back once it is timed."""
    from django.db import transaction

    from units.importing import import_run

    with transaction.atomic():
        result = import_run(actor=_bureau(), path=path, on_progress=lambda done: None)
        transaction.set_rollback(True)
    return _import_detail(result)


def _import_detail(result) -> str:
    if not result.ok:
        return f"{len(result.problems)} problems, first: {result.problems[0]}"
    return f"{len(result.rows)} rows, {result.created} new, committed={getattr(result, 'committed', False)}"


def _signed_in_bureau():
    """The bureau's client, having served one small page: a worker that has loaded the URL map and the views, as every
    gunicorn worker has after its first request (a cold one spends about a second importing them)."""
    from bench.measure import signed_in_client

    client = signed_in_client("bureau")
    client.get("/bench/floor/")
    return client


def _unit_export(client=None) -> str:
    client = client or _signed_in_bureau()
    response = client.get("/units/exchange/export/")
    size = sum(len(chunk) for chunk in response.streaming_content) if response.status_code == 200 else 0
    return f"status {response.status_code}, {size / 1024:.0f} KiB"


def _report(format: str, city: str | None = None) -> Callable[[None], dict[str, Any]]:
    def build(_: None) -> dict[str, Any]:
        from reports.exporting.jobs import PROVINCE, export_check, export_document, export_write

        actor = _bureau()
        target = export_check(actor=actor, kind=PROVINCE, period=_period(), params={"city": city}, format=format)
        document = export_document(actor=actor, target=target)
        output = io.BytesIO()
        export_write(document, format=format, target=output)
        outcome = {"detail": f"{len(output.getvalue()) / 1024:.0f} KiB, {len(document.parts)} parts"}
        if format == "pdf":
            outcome["pages"] = _pdf_pages(output.getvalue())
            outcome["detail"] += f", {outcome['pages']} pages"
        return outcome

    return build


def _pdf_pages(data: bytes) -> int | None:
    """The page count, from poppler's pdfinfo (the Debian package poppler-utils, which `make run` installs)."""
    import re
    import shutil
    import tempfile

    if shutil.which("pdfinfo") is None:
        return None
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(data)
        file.flush()
        info = subprocess.run(  # noqa: S603 — pdfinfo, found on PATH
            [shutil.which("pdfinfo"), file.name], capture_output=True, text=True, check=False
        ).stdout
    pages = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    return int(pages.group(1)) if pages else None


def _warm_reports() -> None:
    """The report modules loaded and one small PDF written before timing (WeasyPrint's fonts, the CJK one among
    them): a worker that has written a PDF before has them loaded."""
    from django.urls import reverse
    from weasyprint import HTML

    import reports.exporting.pdf
    import reports.exporting.xlsx  # noqa: F401

    HTML(string="<p>护航 Huhang</p>").write_pdf()
    reverse("home")  # the URL map, which a worker has loaded with its first task (the report links its pages)


JOBS: dict[str, tuple[Callable[[], Any], Callable[[Any], str | dict[str, Any]]]] = {
    "unit_import_check": (import_file, _import_check),
    "unit_import": (import_file, _import_run),
    "unit_export": (_signed_in_bureau, _unit_export),
    "province_xlsx": (_warm_reports, _report("xlsx")),
    "province_pdf": (_warm_reports, _report("pdf")),
    "pdf_10_pages": (_warm_reports, _report("pdf", TEN_PAGE_CITY)),
}
