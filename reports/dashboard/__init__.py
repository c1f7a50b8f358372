"""The programme dashboard (DOMAIN.md, "Programme dashboard"). Its spine is the seed's implementation flow (图1):
确定服务对象 → 统筹服务力量 → 建立对接机制 → 制定服务方案 → 加强服务指导 → 及时回应需求 → 定期复盘改进,
each step with its live figures, its charts (each with its numbers as a table) and links to the lists behind them.
The bureau sees the whole programme (the dashboard is its home page), an officer their jurisdiction, a team member
their teams' units.

Every figure is counted in SQL over the user's scope, in a number of queries that does not grow with the programme.
Officers read no activity, team or person rows (their scopes are empty): for their jurisdiction the dashboard counts
the activities, seats and invited experts of the units they read — figures about those units, never a record.

The pages read it through reports/caching.py (cached_dashboard_for_user): built once per part of the programme and
kept until a record it counts changes. `dashboard_document` turns the dashboard into a ReportDocument (one part per
step) for the xlsx export. The package:
parts.py (the steps, figures and the dashboard as data), figures.py (the reads), steps.py (the seven steps built)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

import rules
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from reports.dashboard import steps as build
from reports.dashboard.figures import DashboardScope
from reports.dashboard.parts import ACTIVITY_MONTHS, NO_CONTACT_DAYS, STEPS, Dashboard, Figure, Step
from reports.document import Column, Part, ReportDocument, Table
from reports.periods import Period

if TYPE_CHECKING:
    from accounts.models import User
    from reports.home import CoverageStage

__all__ = [
    "ACTIVITY_MONTHS",
    "NO_CONTACT_DAYS",
    "STEPS",
    "Dashboard",
    "Figure",
    "Step",
    "dashboard_document",
    "dashboard_for_user",
]


def dashboard_for_user(
    *, user: User, today: datetime.date | None = None, now: datetime.datetime | None = None
) -> Dashboard:
    """The dashboard of the user's part of the programme. The caller checks `reports.view_dashboard`."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    scope = DashboardScope(user, today)
    coverage = scope.coverage()
    no_contact = coverage.pop("no_contact")
    target = _target(user, today)
    stages = _coverage_stages(user, coverage, target)
    cities = scope.cities()
    months = scope.activity_months()
    requests = scope.request_kinds(now)
    plans = scope.plan_figures()
    report_period = Period.containing(today).previous
    steps = [
        build.coverage_step(scope, coverage, target, stages, cities, scope.categories()),
        build.forces_step(scope),
        build.liaison_step(scope, coverage),
        build.plans_step(scope, plans),
        build.guidance_step(scope, no_contact, months),
        build.requests_step(scope, requests),
        build.review_step(scope, report_period),
    ]
    month_start = today.replace(day=1)
    return Dashboard(
        scope=scope.label,
        role=user.role,
        today=today,
        target_year=today.year,
        target=target,
        steps=steps,
        coverage=coverage,
        coverage_stages=stages,
        plans=plans["figures"],
        requests={
            key: requests["total"][key] for key in ("total", "open", "past_due", "accept_overdue", "answer_overdue")
        },
        units_by_city=[
            {"division__city__name": row["name"], "total": row["listed"]}
            for row in sorted(cities, key=lambda row: -row["listed"])
            if row["listed"]
        ],
        activities_this_month=months[-1]["total"] if months else 0,
        month_start=month_start,
        report_period=report_period,
    )


def _target(user: User, today: datetime.date) -> int | None:
    from reports.home import programme_target

    return programme_target(today.year) if user.role == Role.BUREAU else None


def _coverage_stages(user: User, coverage: dict[str, int], target: int | None) -> list[CoverageStage]:
    """The bureau's coverage against the year's target, each stage linking to the unit list it counts (only the
    bureau filters the list by coverage); for a part of the programme, against its listed units."""
    from reports.home import COVERAGE_STAGES, CoverageStage, coverage_stages

    if target is not None:
        return coverage_stages(coverage, target)
    whole = coverage["listed"]
    url = reverse("units:list") if rules.has_perm("units.browse_units", user) else ""
    return [
        CoverageStage(key, str(label), coverage[key], min(100, round(100 * coverage[key] / whole)) if whole else 0, url)
        for key, label, _query in COVERAGE_STAGES
    ]


def dashboard_document(dashboard: Dashboard) -> ReportDocument:
    """The dashboard as a ReportDocument for the xlsx: one part per step, its figures then its charts' tables."""
    parts = []
    for step in dashboard.steps:
        figures = Table(
            title=_("Figures"),
            columns=[
                Column(_("Figure"), "text", 34),
                Column(_("Number"), "int"),
                Column(_("Share"), "percent"),
                Column(_("Mean"), "decimal"),
                Column(_("Out of"), "int"),
            ],
            rows=[_figure_row(figure) for figure in step.figures],
            note=step.note,
        )
        parts.append(
            Part(
                key=step.key,
                title=f"{step.number} {step.title}",
                tables=[figures, *(chart.table for chart in step.charts)],
            )
        )
    return ReportDocument(
        title=_("Programme dashboard"),
        period_code=dashboard.today.isoformat(),
        period_label=_("As of %(date)s") % {"date": dashboard.today.isoformat()},
        scope=dashboard.scope,
        issued_by=_("Zhejiang Provincial Intellectual Property Bureau"),
        parts=parts,
        generated_at=timezone.now(),
    )


def _figure_row(figure: Figure) -> list[Any]:
    """A figure in the export's table: its value in the column of its kind, so Excel gets the right format."""
    columns = {"int": 1, "percent": 2, "decimal": 3}
    row: list[Any] = [figure.label, None, None, None, figure.of]
    row[columns.get(figure.kind, 1)] = figure.value
    return row
