"""Report exports as background jobs: requested on a page, built by the task queue with their progress recorded,
downloaded by the user who asked for them, purged after a day. The shell command (export_report) checks and builds
the same way, without a job.

What may be exported is checked when the export is asked for and again when it runs (rights change): the province
report needs `reports.view_province_report` and is built for the user's scope (narrowed to a city they read); a
team's report needs `reports.view_team_reports` and the team in the user's scope.
"""

from __future__ import annotations

import datetime
import functools
import logging
import tempfile
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.scopes import visible
from plans.pdf import PdfFontMissing
from reports.exporting.text import document_filename
from reports.models import ExportJob
from reports.periods import FIRST_PERIOD, Period
from reports.scopes import visible_team_reports
from teams.scopes import visible_teams
from units.models import Division

if TYPE_CHECKING:
    from collections.abc import Callable

    from accounts.models import User
    from reports.document import ReportDocument
    from teams.models import Team

logger = logging.getLogger(__name__)

PROVINCE, TEAM = "province", "team"
KINDS = (PROVINCE, TEAM)
KEEP_FOR = datetime.timedelta(days=1)  # a finished export is deleted after this long (the purge task)
PDF_LIST_LIMIT = 30  # rows of each long list in a PDF; the xlsx holds them all


@dataclass(frozen=True)
class ExportTarget:
    """A checked export: what to build, for whom it may be built."""

    kind: str
    period: Period
    format: str
    team: Team | None = None
    city: Division | None = None

    @property
    def params(self) -> dict[str, Any]:
        if self.kind == TEAM:
            return {"team": self.team.pk}
        return {"city": self.city.code if self.city else None}


# --- Checking, building, writing ------------------------------------------------------------------------------------


def export_check(
    *, actor: User, kind: str, period: str, params: dict[str, Any], format: str, today: datetime.date | None = None
) -> ExportTarget:
    """The export asked for, checked: ValidationError (by field: kind, period, format, team, city) when it may not
    be built for `actor`."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if format not in ExportJob.Format.values:
        errors["format"] = _("Choose Excel or PDF.")
    try:
        half_year = Period.parse(period)
    except ValueError:
        half_year = None
        errors["period"] = _("%(period)s is not a half year: write it as 2026H1 or 2026H2.") % {"period": period}
    else:
        if half_year < FIRST_PERIOD or half_year.start > today:
            errors["period"] = _(
                "There is no report for %(period)s: the half year has not started or is before the programme."
            ) % {"period": half_year.label}

    team = city = None
    if kind == PROVINCE:
        if not actor.has_perm("reports.view_province_report"):
            errors["kind"] = _("You may not export the province report.")
        elif params.get("city"):
            city = _city_for(actor, str(params["city"]))
            if city is None:
                errors["city"] = _("%(city)s is not a city whose units you can read.") % {"city": params["city"]}
    elif kind == TEAM:
        if not actor.has_perm("reports.view_team_reports"):
            errors["kind"] = _("You may not export half-year reports.")
        else:
            team = _team_for(actor, params.get("team"))
            if team is None:
                errors["team"] = _("Choose a team whose report you can read.")
    else:
        errors["kind"] = _("Choose the province report or a team's report.")
    if errors:
        raise ValidationError(errors)
    return ExportTarget(kind=kind, period=half_year, format=format, team=team, city=city)


def export_cities(user: User) -> QuerySet[Division]:
    """The cities a province export may be narrowed to, as on the province report's page: every city for the
    bureau, their own city for a city's officer, none for anyone else (a county's officer reads the county, a team
    member their team's part: their export is their whole scope)."""
    cities = Division.objects.filter(level=Division.Level.CITY).order_by("code")
    if user.has_perm("reports.view_programme"):
        return cities
    if user.role == Role.OFFICER and user.division_id:
        return cities.filter(pk=user.division_id)  # none when the officer's division is a county
    return cities.none()


def _city_for(actor: User, code: str) -> Division | None:
    return export_cities(actor).filter(code=code.strip()).first()


def _team_for(actor: User, team_id: Any) -> Team | None:
    try:
        team_id = int(team_id)
    except (TypeError, ValueError):
        return None
    return visible_teams(actor).filter(pk=team_id).first()


def export_document(*, actor: User, target: ExportTarget, today: datetime.date | None = None) -> ReportDocument:
    """The ReportDocument of a checked export, in the portal's language (the documents go to the bureau's
    leadership in Chinese, whichever language the user reads the portal in)."""
    from reports.documents import province_report_document, team_report_document
    from reports.services import team_report_for

    with translation.override(settings.LANGUAGE_CODE):
        if target.kind == TEAM:
            report = team_report_for(team=target.team, period=target.period)
            if not visible_team_reports(actor).filter(pk=report.pk).exists():
                raise ValidationError(_("You may not read this team's report."), code="scope")
            return team_report_document(report, today=today)
        return province_report_document(
            user=actor,
            period=target.period,
            city_code=target.city.code if target.city else None,
            today=today,
            # A PDF is read on paper: the long lists (units out of contact, cases, every team's score) give their
            # first rows and say how many the Excel export holds — at the national scale they run to thousands.
            list_limit=PDF_LIST_LIMIT if target.format == ExportJob.Format.PDF else None,
        )


def export_write(
    document: ReportDocument, *, format: str, target: IO[bytes], on_part: Callable[[int], None] | None = None
) -> None:
    """Writes the document as xlsx or PDF into the binary file `target`."""
    with translation.override(settings.LANGUAGE_CODE):
        if format == ExportJob.Format.PDF:
            from reports.exporting.pdf import write_pdf

            target.write(write_pdf(document, on_part=on_part))
        else:
            from reports.exporting.xlsx import write_xlsx

            write_xlsx(document, target, on_part=on_part)


# --- Jobs -------------------------------------------------------------------------------------------------------


@transaction.atomic
def export_request(*, actor: User, kind: str, period: str, params: dict[str, Any], format: str) -> ExportJob:
    """Records an export and queues it once the transaction commits. ValidationError when it may not be built."""
    from reports.tasks import export_report_task

    target = export_check(actor=actor, kind=kind, period=period, params=params, format=format)
    job = ExportJob(
        created_by=actor, kind=target.kind, period=target.period.code, params=target.params, format=target.format
    )
    job.full_clean()
    job.save()
    transaction.on_commit(functools.partial(export_report_task.delay, job.pk))
    return job


def export_run(*, job: ExportJob) -> ExportJob:
    """Builds a queued job's file. Idempotent: a job that is not queued any more (running or run) is left alone,
    unless it was abandoned while running.

    Progress is saved as it goes (`total` steps: one per part and the final write; `done` of them), outside any
    transaction, so the status page sees it while the task runs. A refusal or an error ends the job as failed, with
    the reason in the portal's language."""
    now = timezone.now()
    # A job still "running" long after any task may run (its worker died; the task came back, acks_late) is taken
    # up again rather than left spinning until the purge.
    abandoned = Q(status=ExportJob.Status.RUNNING, updated_at__lt=now - _abandoned_after())
    claimed = ExportJob.objects.filter(Q(status=ExportJob.Status.QUEUED) | abandoned, pk=job.pk).update(
        status=ExportJob.Status.RUNNING, done=0, total=0, error="", updated_at=now
    )
    job = ExportJob.objects.select_related("created_by").get(pk=job.pk)
    if not claimed:
        return job
    with translation.override(settings.LANGUAGE_CODE):
        try:
            target = export_check(
                actor=job.created_by, kind=job.kind, period=job.period, params=job.params, format=job.format
            )
            document = export_document(actor=job.created_by, target=target)
            total = len(document.parts) + 1
            _record_progress(job, done=0, total=total)
            with tempfile.TemporaryFile() as scratch:
                export_write(
                    document, format=job.format, target=scratch, on_part=lambda done: _record_progress(job, done=done)
                )
                scratch.seek(0)
                job.file.save(f"export.{job.format}", File(scratch), save=False)
        except ValidationError as refusal:
            return _fail(job, " ".join(refusal.messages))
        except PdfFontMissing:
            logger.exception("export %s: the PDF font is missing", job.uid)
            return _fail(job, _("The Chinese font for PDFs is not installed on the server; tell the administrators."))
        except Exception:
            logger.exception("export %s failed", job.uid)
            return _fail(
                job,
                _(
                    "The export failed because of an error on the server. Try again later; if it fails again, tell the "
                    "administrators."
                ),
            )
        job.filename = document_filename(document, job.format)
    job.status = ExportJob.Status.DONE
    job.total = job.done = total
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "total", "done", "file", "filename", "finished_at", "updated_at"])
    return job


def _abandoned_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


def _record_progress(job: ExportJob, *, done: int, total: int | None = None) -> None:
    values: dict[str, Any] = {"done": done, "updated_at": timezone.now()}
    if total is not None:
        values["total"] = job.total = total
    job.done = done
    ExportJob.objects.filter(pk=job.pk).update(**values)


def _fail(job: ExportJob, message: str) -> ExportJob:
    if job.file:
        job.file.delete(save=False)
    job.status = ExportJob.Status.FAILED
    job.error = message
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "file", "finished_at", "updated_at"])
    return job


def export_jobs_purge(*, older_than: datetime.timedelta = KEEP_FOR, now: datetime.datetime | None = None) -> int:
    """Deletes the exports (their files first) asked for longer ago than `older_than`: a confidential report must
    not linger on the server. Returns how many."""
    stale = ExportJob.objects.filter(created_at__lt=(now or timezone.now()) - older_than)
    count = 0
    for job in stale.iterator():
        with transaction.atomic():
            if job.file:
                storage, name = job.file.storage, job.file.name
                transaction.on_commit(functools.partial(storage.delete, name))
            job.delete()
        count += 1
    return count


# --- Reading -------------------------------------------------------------------------------------------------------


def export_jobs_for_user(*, user: User) -> QuerySet[ExportJob]:
    """The user's own exports, the latest first (reports/scopes.py: everyone reads only their own)."""
    return visible(user, ExportJob).order_by("-created_at", "-pk")


def export_job_get_for_user(*, user: User, uid: Any) -> ExportJob:
    """One of the user's own exports: 404 for anyone else's, as for one that does not exist."""
    try:
        return visible(user, ExportJob).get(uid=uid)
    except (ExportJob.DoesNotExist, ValueError, ValidationError) as missing:
        raise Http404 from missing


def describe_jobs(jobs: list[ExportJob], *, user: User) -> None:
    """Sets `label` on each job, the report it exports (the province, a city, a team), and `period_label`; the
    teams and cities are read in one query each whatever the number of jobs."""
    team_ids = {job.params.get("team") for job in jobs if job.kind == TEAM}
    city_codes = {job.params.get("city") for job in jobs if job.kind == PROVINCE and job.params.get("city")}
    teams = dict(visible_teams(user).filter(pk__in=team_ids).values_list("pk", "name")) if team_ids else {}
    cities = dict(Division.objects.filter(code__in=city_codes).values_list("code", "name")) if city_codes else {}
    for job in jobs:
        job.period_label = Period.parse(job.period).label if job.period else ""
        if job.kind == TEAM:
            job.label = _("Half-year report of %(team)s") % {"team": teams.get(job.params.get("team"), "—")}
        elif job.params.get("city"):
            job.label = _("Province report: %(city)s") % {"city": cities.get(job.params["city"], job.params["city"])}
        else:
            job.label = _("Province report")
