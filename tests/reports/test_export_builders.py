"""Exports through the real documents (reports/documents.py) of the hand-built world of figures_world.py: the file
holds what the document holds, cell by cell; each reader's export holds only their scope; the page, the job, the
download and the command agree; and an export's queries do not grow with the programme."""

import io
import re
import shutil
import subprocess
import urllib.parse

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from reports.exporting import jobs
from reports.exporting.text import document_filename, document_heading
from reports.exporting.xlsx import sheet_name
from reports.models import ExportJob, TeamReport
from tests.factories import UserFactory, division
from tests.reports.figures_world import build_world, grow

PDFTOTEXT = shutil.which("pdftotext")
needs_poppler = pytest.mark.skipif(not PDFTOTEXT, reason="poppler-utils is not installed")

PERIOD = "2026H1"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world(db):
    world = build_world()
    world.bureau = UserFactory(username="alice", bureau=True)
    world.officer = UserFactory(username="olivia", officer=True, division=division("330100"))  # 杭州市
    TeamReport.objects.create(
        team=world.t1,
        period=PERIOD,
        work_done="走访单位12家。",
        problems="=个别单位联系不够。",
        next_focus="加强专利导航。",
    )
    return world


def run(user, kind="province", format="xlsx", **params) -> ExportJob:
    job = ExportJob.objects.create(created_by=user, kind=kind, period=PERIOD, params=params, format=format)
    job = jobs.export_run(job=job)
    assert (job.status, job.error) == ("done", "")
    return job


def document_for(user, kind="province", **params):
    target = jobs.export_check(actor=user, kind=kind, period=PERIOD, params=params, format="xlsx")
    return jobs.export_document(actor=user, target=target)


def workbook_of(job):
    with job.file.open("rb") as file:
        return openpyxl.load_workbook(io.BytesIO(file.read()))


def pdf_text(job, tmp_path) -> str:
    path = tmp_path / "export.pdf"
    with job.file.open("rb") as file:
        path.write_bytes(file.read())
    return subprocess.run([PDFTOTEXT, "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def as_written(value, kind):
    """A document value as the workbook reads it back (dates as datetimes, an empty text as nothing, formula-like
    text quoted)."""
    if value is None or value == "":
        return None
    if kind == "date":
        return str(value)[:10]
    if isinstance(value, str) and value[0] in "=+-@\t\r":
        return "'" + value
    if isinstance(value, float) and value.is_integer() and kind in ("int", "change"):
        return int(value)
    return value


def as_read(value, kind):
    if kind == "date" and value is not None and not isinstance(value, str):
        return value.date().isoformat()
    return value


def test_the_province_workbook_holds_the_document_cell_by_cell(world):
    job = run(world.bureau)
    document = document_for(world.bureau)
    book = workbook_of(job)
    taken: set[str] = set()
    assert book.sheetnames == [sheet_name(part.title, taken=taken) for part in document.parts]
    assert job.filename == document_filename(document, "xlsx")
    for part, sheet in zip(document.parts, book.worksheets, strict=True):
        assert sheet["A1"].value == document_heading(document, part)
        row = 4
        for table in part.tables:
            assert sheet.cell(row, 1).value == table.title
            assert [cell.value for cell in sheet[row + 1]][: len(table.columns)] == [c.label for c in table.columns]
            body = [*table.rows, *([table.total] if table.total is not None else [])]
            for offset, values in enumerate(body, start=row + 2):
                written = [
                    as_read(cell.value, column.kind) for cell, column in zip(sheet[offset], table.columns, strict=False)
                ]
                expected = [as_written(value, column.kind) for value, column in zip(values, table.columns, strict=True)]
                assert written == expected, f"{sheet.title} row {offset}"
            row += 2 + len(body) + (1 if table.note else 0) + 1
        if part.tables:
            assert sheet.freeze_panes == "A6"


def test_a_team_report_carries_its_text_and_its_status(world):
    job = run(world.leader, kind="team", team=world.t1.pk)
    document = document_for(world.leader, kind="team", team=world.t1.pk)
    book = workbook_of(job)
    text_sheet = book.worksheets[[part.key for part in document.parts].index("text")]
    texts = [cell.value for cell in text_sheet["A"]]
    assert "走访单位12家。" in texts
    assert "'=个别单位联系不够。" in texts  # typed text that starts like a formula stays inert
    assert document.status in book.worksheets[0]["A2"].value
    assert job.filename == document_filename(document, "xlsx")
    assert "_甲队_" in job.filename


@needs_poppler
def test_an_officers_pdf_holds_their_city_only(world, tmp_path):
    job = run(world.officer, format="pdf")
    text = pdf_text(job, tmp_path)
    document = document_for(world.officer)
    assert document.scope in text
    no_contact = next(part for part in document.parts if part.key == "no_contact").tables[0]
    assert no_contact.rows  # the officer's units that no one contacted, each named in the PDF
    for row in no_contact.rows:
        assert row[0] in text
    for outside in ("海曙新材料大学", "鹿城装备集团"):
        assert outside not in text  # another city's unit is in no table and no list
    pages = text.count("\f")
    assert re.search(rf"第\s*1\s*页\s*/\s*共\s*{pages}\s*页", text)
    for part in document.parts:
        assert part.title in text


@needs_poppler
def test_the_bureau_asks_downloads_and_opens_the_province_report(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.bureau)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:export_create"), {"kind": "province", "period": PERIOD, "format": "xlsx", "city": "330100"}
        )
    job = ExportJob.objects.get()
    assert response.url == reverse("reports:export_status", kwargs={"uid": job.uid})
    status = client.get(response.url).content.decode()
    assert job.filename in status
    download = client.get(reverse("reports:export_download", kwargs={"uid": job.uid}))
    assert download["Content-Disposition"] == "attachment; filename*=utf-8''" + urllib.parse.quote(job.filename)
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert book.worksheets[0]["A1"].value.split(" — ")[1] == "杭州市"


def test_the_command_writes_what_the_job_writes(world, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "team.xlsx"
    call_command(
        "export_report", "--period", PERIOD, "--team", str(world.t1.pk), "--format", "xlsx", "-o", str(path),
        stdout=io.StringIO(),
    )  # fmt: skip
    from_job = workbook_of(run(world.bureau, kind="team", team=world.t1.pk))
    from_shell = openpyxl.load_workbook(path)
    assert from_shell.sheetnames == from_job.sheetnames
    for mine, theirs in zip(from_shell.worksheets, from_job.worksheets, strict=True):
        rows = [[cell.value for cell in row] for row in mine.iter_rows(min_row=3)]
        assert rows == [[cell.value for cell in row] for row in theirs.iter_rows(min_row=3)]


def test_an_export_runs_the_same_queries_whatever_the_size_of_the_programme(world):
    counts = []
    for more in (2, 10):
        grow(world.t1, more, start=len(counts) * 100)
        job = ExportJob.objects.create(created_by=world.bureau, kind="province", period=PERIOD, format="xlsx")
        with CaptureQueriesContext(connection) as queries:
            jobs.export_run(job=job)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[0] < 80, counts


@pytest.mark.parametrize("role", [Role.OFFICER, Role.TEAM_MEMBER])
def test_no_one_exports_another_teams_report(world, role):
    user = world.officer if role == Role.OFFICER else world.yi_leader
    job = ExportJob.objects.create(
        created_by=user, kind="team", period=PERIOD, params={"team": world.t1.pk}, format="xlsx"
    )
    job = jobs.export_run(job=job)
    assert job.status == "failed"
    assert not job.file
