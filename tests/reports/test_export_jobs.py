"""Background exports: what each role may export, the job's flow (queued → running → done or failed) with its
progress, the file it writes, and the purge of old exports. The task runs in-process (CELERY_TASK_ALWAYS_EAGER)."""

import datetime
import io
import logging

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Role
from reports.exporting import jobs
from reports.models import ExportJob
from reports.periods import Period
from reports.tasks import export_report_task, purge_exports_task
from tests.factories import UserFactory, division, team_led_by
from tests.reports.export_samples import sample_document

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 7, 20)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def built(monkeypatch):
    """The document builders replaced by the hand-built document; records what they were asked for."""
    calls = []

    def fake(*, actor, target, today=None):
        calls.append((actor, target))
        return sample_document()

    monkeypatch.setattr(jobs, "export_document", fake)
    return calls


@pytest.fixture
def teams(users):
    return {
        "own": team_led_by(users[Role.TEAM_MEMBER], "西湖团队"),
        "other": team_led_by(UserFactory(username="tina", team_member=True), "甬江团队"),
    }


def check(user, kind="province", period="2026H1", format="xlsx", **params):
    return jobs.export_check(actor=user, kind=kind, period=period, params=params, format=format, today=TODAY)


def refusal(user, **kwargs) -> dict:
    with pytest.raises(ValidationError) as raised:
        check(user, **kwargs)
    return {field: [str(message) for message in messages] for field, messages in raised.value.message_dict.items()}


# --- Who may export what ---------------------------------------------------------------------------------------


def test_the_bureau_exports_the_province_or_any_city_or_any_team(users, teams):
    bureau = users[Role.BUREAU]
    assert check(bureau).params == {"city": None}
    assert check(bureau, city="330200").city.name == "宁波市"
    target = check(bureau, kind="team", team=str(teams["other"].pk), format="pdf")
    assert (target.kind, target.team, target.format, target.params) == ("team", teams["other"], "pdf", {
        "team": teams["other"].pk
    })  # fmt: skip


def test_an_officer_exports_their_jurisdiction_and_only_their_own_city(users, outsiders):
    officer = users[Role.OFFICER]  # 杭州市
    assert check(officer).city is None
    assert check(officer, city="330100").city.code == "330100"
    assert refusal(officer, city="330200") == {"city": [gettext("%(city)s is not a city whose units you can read.") % {
        "city": "330200"
    }]}  # fmt: skip
    assert "kind" in refusal(officer, kind="team", team="1")  # teams report to the bureau, not to officers
    county_officer = UserFactory(username="colin", officer=True, division=division("330106"))
    assert "city" in refusal(county_officer, city="330100")


def test_a_team_member_exports_their_part_and_their_own_team_report_only(users, teams):
    member = users[Role.TEAM_MEMBER]
    assert check(member).params == {"city": None}
    assert check(member, kind="team", team=teams["own"].pk).team == teams["own"]
    assert refusal(member, kind="team", team=teams["other"].pk) == {
        "team": [gettext("Choose a team whose report you can read.")]
    }
    assert "team" in refusal(member, kind="team", team="not a number")
    assert "city" in refusal(member, city="330100")


@pytest.mark.parametrize("role", [Role.EXPERT, Role.UNIT_CONTACT])
def test_experts_and_unit_contacts_export_nothing(users, teams, role):
    assert refusal(users[role]) == {"kind": [gettext("You may not export the province report.")]}
    assert refusal(users[role], kind="team", team=teams["own"].pk) == {
        "kind": [gettext("You may not export half-year reports.")]
    }


NOT_A_HALF_YEAR = "%(period)s is not a half year: write it as 2026H1 or 2026H2."
NO_REPORT = "There is no report for %(period)s: the half year has not started or is before the programme."


@pytest.mark.parametrize(
    ("period", "message", "named"),
    [
        ("2026H3", NOT_A_HALF_YEAR, "2026H3"),
        ("last year", NOT_A_HALF_YEAR, "last year"),
        ("2024H2", NO_REPORT, Period(2024, 2)),
        ("2027H1", NO_REPORT, Period(2027, 1)),  # TODAY is in 2026H2
    ],
)
def test_a_period_outside_the_programme_is_refused(users, period, message, named):
    name = named.label if isinstance(named, Period) else named
    assert refusal(users[Role.BUREAU], period=period) == {"period": [gettext(message) % {"period": name}]}
    assert check(users[Role.BUREAU], period="2026h2").period.code == "2026H2"  # the running half year is fine


def test_an_unknown_kind_or_format_is_refused(users):
    assert set(refusal(users[Role.BUREAU], kind="dashboard", format="docx")) == {"kind", "format"}


# --- The job's flow --------------------------------------------------------------------------------------------


def test_a_request_queues_the_job_after_commit_and_the_task_writes_the_file(
    users, built, django_capture_on_commit_callbacks
):
    bureau = users[Role.BUREAU]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = jobs.export_request(
            actor=bureau, kind="province", period="2026H1", params={"city": "330100"}, format="xlsx"
        )
    assert (job.status, job.kind, job.period, job.params, job.format) == (
        "queued", "province", "2026H1", {"city": "330100"}, "xlsx",
    )  # fmt: skip
    assert len(callbacks) == 1  # queued once the transaction commits, never inside it
    assert not built

    callbacks[0]()  # the eager task runs now
    job.refresh_from_db()
    assert job.status == "done"
    assert (job.done, job.total) == (5, 5)  # four parts and the final write
    assert job.filename == "2026年上半年_全省_知识产权护航行动工作报告.xlsx"
    assert job.file.name.startswith("exports/")
    assert job.file.name.endswith(".xlsx")
    assert job.finished_at is not None
    assert job.error == ""
    with job.file.open("rb") as file:
        assert openpyxl.load_workbook(io.BytesIO(file.read())).sheetnames[0] == "总体情况"
    actor, target = built[0]
    assert (actor, target.city.code, target.period.code) == (bureau, "330100", "2026H1")


def test_progress_is_saved_as_each_part_is_written(users, built, monkeypatch):
    seen = []
    record = jobs._record_progress

    def spy(job, **kwargs):
        record(job, **kwargs)
        saved = ExportJob.objects.get(pk=job.pk)
        seen.append((saved.status, saved.done, saved.total))

    monkeypatch.setattr(jobs, "_record_progress", spy)
    job = ExportJob.objects.create(created_by=users[Role.BUREAU], kind="province", period="2026H1", format="pdf")
    job = jobs.export_run(job=job)
    assert seen == [("running", 0, 5), ("running", 1, 5), ("running", 2, 5), ("running", 3, 5), ("running", 4, 5)]
    assert (job.status, job.done, job.total) == ("done", 5, 5)
    assert job.filename.endswith(".pdf")
    with job.file.open("rb") as file:
        assert file.read(5) == b"%PDF-"


def test_a_job_runs_once(users, built):
    job = ExportJob.objects.create(created_by=users[Role.BUREAU], kind="province", period="2026H1", format="xlsx")
    assert export_report_task.delay(job.pk).get() == "done"
    first_file = ExportJob.objects.get(pk=job.pk).file.name
    assert export_report_task.delay(job.pk).get() == "done"  # a second delivery of the task changes nothing
    assert ExportJob.objects.get(pk=job.pk).file.name == first_file
    assert len(built) == 1
    assert export_report_task.delay(job.pk + 1000).get() == "missing"


def test_a_job_abandoned_while_running_is_taken_up_again(users, built, settings):
    job = ExportJob.objects.create(created_by=users[Role.BUREAU], kind="province", period="2026H1", format="xlsx")
    limit = datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    ExportJob.objects.filter(pk=job.pk).update(status="running", updated_at=timezone.now() - limit)
    assert jobs.export_run(job=job).status == "running"  # a task may still be at it
    ExportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - limit - datetime.timedelta(minutes=2))
    assert jobs.export_run(job=job).status == "done"
    assert len(built) == 1


def test_an_error_fails_the_job_with_a_message_and_no_file(users, monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(jobs, "export_document", broken)
    job = ExportJob.objects.create(created_by=users[Role.BUREAU], kind="province", period="2026H1", format="xlsx")
    with caplog.at_level(logging.ERROR, logger="reports.exporting.jobs"):
        job = jobs.export_run(job=job)
    assert job.status == "failed"
    assert job.error == gettext(
        "The export failed because of an error on the server. Try again later; if it fails again, tell the "
        "administrators."
    )
    assert not job.file
    assert job.finished_at is not None
    assert "the database went away" in caplog.text


def test_rights_are_checked_again_when_the_job_runs(users, built):
    member = users[Role.TEAM_MEMBER]
    job = ExportJob.objects.create(created_by=member, kind="province", period="2026H1", format="xlsx")
    member.is_active = False  # the login was disabled after asking
    member.save()
    job = jobs.export_run(job=job)
    assert (job.status, job.error) == ("failed", gettext("You may not export the province report."))
    assert not built


def test_a_missing_font_fails_a_pdf_with_its_own_message(users, built, monkeypatch):
    from plans import pdf

    monkeypatch.setattr(pdf, "FONT_FILE", pdf.Path("/nonexistent/font.ttc"))
    job = ExportJob.objects.create(created_by=users[Role.BUREAU], kind="province", period="2026H1", format="pdf")
    job = jobs.export_run(job=job)
    assert job.status == "failed"
    assert job.error == gettext("The Chinese font for PDFs is not installed on the server; tell the administrators.")


def test_exports_older_than_a_day_are_purged_with_their_files(users, built, media, django_capture_on_commit_callbacks):
    bureau = users[Role.BUREAU]
    old, recent = (
        jobs.export_run(
            job=ExportJob.objects.create(created_by=bureau, kind="province", period="2026H1", format="xlsx")
        )
        for _ in range(2)
    )
    ExportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(hours=25))
    old_path = media / old.file.name
    assert old_path.is_file()
    with django_capture_on_commit_callbacks(execute=True):  # files are deleted once the deletion commits
        assert purge_exports_task.delay().get() == 1
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not old_path.exists()
    assert (media / recent.file.name).is_file()


def test_the_purge_runs_every_hour_on_beat(settings):
    (entry,) = [entry for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry["task"] == purge_exports_task.name]
    assert entry["schedule"].minute == {50}
    assert len(entry["schedule"].hour) == 24


# --- Reading ---------------------------------------------------------------------------------------------------


def test_labels_name_the_report_in_one_query_per_kind_of_name(users, teams, django_assert_num_queries):
    bureau = users[Role.BUREAU]
    rows = [
        ExportJob(created_by=bureau, kind="province", period="2026H1", params={"city": None}, format="xlsx"),
        ExportJob(created_by=bureau, kind="province", period="2025H2", params={"city": "330200"}, format="pdf"),
        ExportJob(created_by=bureau, kind="team", period="2026H1", params={"team": teams["own"].pk}, format="xlsx"),
    ]
    with django_assert_num_queries(2):  # the teams, the cities
        jobs.describe_jobs(rows, user=bureau)
    assert [(row.label, row.period_label) for row in rows] == [
        (gettext("Province report"), gettext("First half of %(year)s") % {"year": 2026}),
        (
            gettext("Province report: %(city)s") % {"city": "宁波市"},
            gettext("Second half of %(year)s") % {"year": 2025},
        ),
        (
            gettext("Half-year report of %(team)s") % {"team": "西湖团队"},
            gettext("First half of %(year)s") % {"year": 2026},
        ),
    ]


def test_a_job_is_its_creators_only(users):
    job = ExportJob.objects.create(created_by=users[Role.BUREAU], kind="province", period="2026H1", format="xlsx")
    assert jobs.export_job_get_for_user(user=users[Role.BUREAU], uid=job.uid) == job
    other_bureau = UserFactory(username="bob", bureau=True)
    from django.http import Http404

    for user in (other_bureau, users[Role.OFFICER]):
        with pytest.raises(Http404):
            jobs.export_job_get_for_user(user=user, uid=job.uid)
    with pytest.raises(Http404):
        jobs.export_job_get_for_user(user=users[Role.BUREAU], uid="not-a-uuid")
    assert list(jobs.export_jobs_for_user(user=other_bureau)) == []
