"""The seven steps of the dashboard, each built from the figures (reports/dashboard/figures.py): its figures with the
lists they count, its charts with their tables, its links. A figure links only to a list the user may open."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from django.urls import reverse
from django.utils.translation import gettext as _

from archives.models import Activity
from reports.charts import ChartView, chart_data, gauge_data, map_data
from reports.dashboard.parts import NO_CONTACT_DAYS, Figure, Step, list_url, month_end, new_step, percent, ratio
from reports.document import Chart, Column, Table
from teams.unit_list import NOT_ASSIGNED

if TYPE_CHECKING:
    from reports.dashboard.figures import DashboardScope
    from reports.periods import Period


def _chart_view(
    key: str,
    title: str,
    *,
    kind: Literal["bar", "line"] = "bar",
    series: list[tuple[str, list[Any]]],
    unit: str,
    columns: list[Column],
    rows: list[list[Any]],
    total: list[Any] | None = None,
    links: list[str | None] | None = None,
    note: str = "",
) -> ChartView:
    """A chart of `series` with the table of its numbers, under one key and one title: the chart's categories are
    the table's rows (their first cell)."""
    chart = Chart(key=key, title=title, kind=kind, categories=[row[0] for row in rows], series=series)
    return ChartView(
        key=key,
        data=chart_data(chart, unit=unit),
        table=Table(title=title, columns=columns, rows=rows, total=total, links=links, note=note),
    )


def coverage_step(
    scope: DashboardScope, coverage: dict, target: int | None, stages: list, cities: list, categories: list
) -> Step:
    """1 确定服务对象: the units listed and guided against the year's target, by city and by category."""
    step = new_step(0)
    units_url = reverse("units:list") if scope.may("units.browse_units") else None
    for stage in stages:
        step.figures.append(
            Figure(stage.key, stage.label, stage.figure, url=stage.url or None, of=target if target else None)
        )
    whole = target if target is not None else coverage["listed"]
    if target is not None:
        gauge_title = _("Units guided against the target for %(year)s") % {"year": scope.today.year}
        gauge_rows = [[stage.label, stage.figure, ratio(stage.figure, target)] for stage in stages]
        share_label = _("Share of the target")
    else:
        gauge_title = _("Units guided among the units listed")
        gauge_rows = [[stage.label, stage.figure, ratio(stage.figure, coverage["listed"])] for stage in stages]
        share_label = _("Share of the units listed")
    step.charts.append(
        ChartView(
            key="guided",
            data=gauge_data(
                title=gauge_title, label=_("Guided"), value=coverage["guided"], maximum=whole, unit=_("units")
            ),
            table=Table(
                title=gauge_title,
                columns=[
                    Column(_("Stage"), "text", 16),
                    Column(_("Units"), "int"),
                    Column(share_label, "percent"),
                ],
                rows=gauge_rows,
                links=[stage.url or None for stage in stages],
                note=_(
                    "A unit counts as guided when it is on the list, a team serves it, its plan is approved and at "
                    "least one service has been recorded."
                ),
            ),
        )
    )
    city_rows = [[row["name"], row["listed"], row["guided"], ratio(row["guided"], row["listed"])] for row in cities]
    map_title = _("Units listed and guided by city")
    step.charts.append(
        ChartView(
            key="cities",
            data=map_data(
                title=map_title,
                cities=[row["name"] for row in cities],
                series=[
                    (_("Guided among listed"), [percent(row[3]) for row in city_rows], "%"),
                    (_("Listed"), [row[1] for row in city_rows], _("units")),
                    (_("Guided"), [row[2] for row in city_rows], _("units")),
                ],
            ),
            table=Table(
                title=map_title,
                columns=[
                    Column(_("City"), "text", 10),
                    Column(_("Listed"), "int"),
                    Column(_("Guided"), "int"),
                    Column(_("Guided among listed"), "percent"),
                ],
                rows=city_rows,
                total=[
                    _("Total"),
                    coverage["listed"],
                    coverage["guided"],
                    ratio(coverage["guided"], coverage["listed"]),
                ],
                links=[list_url("units:list", city=row["code"]) if units_url else None for row in cities],
            ),
        )
    )
    step.charts.append(
        _chart_view(
            "categories",
            _("Units by category"),
            series=[
                (_("Listed"), [row["listed"] for row in categories]),
                (_("Guided"), [row["guided"] for row in categories]),
            ],
            unit=_("units"),
            columns=[Column(_("Category"), "text", 24), Column(_("Listed"), "int"), Column(_("Guided"), "int")],
            rows=[[row["label"], row["listed"], row["guided"]] for row in categories],
            total=[_("Total"), coverage["listed"], coverage["guided"]],
            links=[list_url("units:list", category=row["key"]) if units_url else None for row in categories],
        )
    )
    if units_url:
        step.links.append((_("Key units"), units_url))
    return step


def forces_step(scope: DashboardScope) -> Step:
    """2 统筹服务力量: the people in the pool (or serving the user's units), with a signed confidentiality
    undertaking, by kind."""
    step = new_step(1)
    kinds = scope.pool_kinds()
    total = sum(row["total"] for row in kinds)
    signed = sum(row["signed"] for row in kinds)
    pool_url = reverse("teams:person_list") if scope.may("teams.manage_teams") else None
    if scope.is_bureau:
        step.figures.append(Figure("people", _("People in the pool"), total, url=pool_url))
        step.note = _("The active people of the personnel pool.")
    else:
        step.figures.append(Figure("people", _("People serving these units"), total))
        step.note = _(
            "The seats of the teams serving these units and the experts invited to their services and requests."
        )
    step.figures.append(
        Figure(
            "signed",
            _("Confidentiality undertaking signed"),
            signed,
            url=list_url("teams:person_list", confidentiality="yes", active="yes") if pool_url else None,
            of=total,
        )
    )
    step.charts.append(
        _chart_view(
            "pool",
            _("People by kind"),
            series=[
                (_("People"), [row["total"] for row in kinds]),
                (_("Undertaking signed"), [row["signed"] for row in kinds]),
            ],
            unit=_("people"),
            columns=[
                Column(_("Kind"), "text", 24),
                Column(_("People"), "int"),
                Column(_("Undertaking signed"), "int"),
            ],
            rows=[[row["label"], row["total"], row["signed"]] for row in kinds],
            total=[_("Total"), total, signed],
            links=[list_url("teams:person_list", kind=row["key"], active="yes") if pool_url else None for row in kinds],
        )
    )
    if pool_url:
        step.links.append((_("Personnel pool"), pool_url))
    return step


def liaison_step(scope: DashboardScope, coverage: dict) -> Step:
    """3 建立对接机制: the "1+2+X" teams and the units they serve, and the units no team serves yet."""
    step = new_step(2)
    teams = scope.team_count()
    if scope.is_bureau:
        teams_url = reverse("teams:list")
    elif scope.may("teams.view_own_teams"):
        teams_url = reverse("teams:mine")
    else:
        teams_url = None
    step.figures += [
        Figure("teams", _("Service teams"), teams, url=teams_url),
        Figure("served", _("Units served by a team"), coverage["served"], of=coverage["listed"]),
        Figure(
            "unserved",
            _("Units without a team"),
            coverage["unserved"],
            url=list_url("units:list", team=NOT_ASSIGNED) if scope.is_bureau else None,
            tone="danger" if coverage["unserved"] else "",
        ),
        Figure(
            "per-team", _("Units per team"), round(coverage["served"] / teams, 1) if teams else None, kind="decimal"
        ),
    ]
    step.note = _("Each team: one leader and two core members, with experts invited as needed (1+2+X).")
    if teams_url:
        step.links.append((_("Service teams"), teams_url))
    if scope.may("teams.view_workload"):
        step.links.append((_("Workload"), reverse("teams:workload")))
    return step


def plans_step(scope: DashboardScope, plans: dict) -> Step:
    """4 制定服务方案: the listed units by their plan's state; plans in force, waiting for review, past due."""
    step = new_step(3)
    figures = plans["figures"]
    overview = scope.may("plans.view_plans_overview") or scope.may("plans.write_plans")  # plans.may_view_overview
    step.figures += [
        Figure(
            "approved",
            _("Plans approved and in force"),
            figures["approved"],
            url=list_url("plans:overview") if overview else None,
        ),
        Figure(
            "submitted",
            _("Waiting for review"),
            figures["submitted"],
            url=reverse("plans:queue") if scope.may("plans.review_plans") else None,
        ),
        Figure(
            "past-due",
            _("Past due"),
            figures["past_due"],
            url=list_url("plans:overview", past_due="yes") if overview else None,
            tone="danger" if figures["past_due"] else "",
        ),
    ]
    states = plans["states"]
    step.charts.append(
        _chart_view(
            "plan-states",
            _("Plans by status"),
            series=[(_("Units"), [row["count"] for row in states])],
            unit=_("units"),
            columns=[Column(_("Plan status"), "text", 14), Column(_("Units"), "int")],
            rows=[[row["label"], row["count"]] for row in states],
            total=[_("Total"), sum(row["count"] for row in states)],
            links=[list_url("plans:overview", state=row["key"]) if overview else None for row in states],
            note=_(
                "The listed units by the state of their plan's working version; a plan being revised counts by its "
                "revision."
            ),
        )
    )
    if overview:
        step.links.append((_("Service plans"), reverse("plans:overview")))
    return step


def guidance_step(scope: DashboardScope, no_contact: int, months: list) -> Step:
    """5 加强服务指导: the service activities recorded per month, by kind, and the served units without recent
    contact."""
    step = new_step(4)
    archive = scope.may("archives.browse_activities")
    first, this = months[0]["month"], months[-1]["month"]
    step.figures += [
        Figure(
            "year",
            _("Activities in the last 12 months"),
            sum(row["total"] for row in months),
            url=list_url("archives:activity_list", date_from=first.isoformat()) if archive else None,
        ),
        Figure(
            "month",
            _("Activities this month"),
            months[-1]["total"],
            url=list_url("archives:activity_list", date_from=this.isoformat()) if archive else None,
        ),
        Figure(
            "no-contact",
            _("Served units without a service for %(days)s days") % {"days": NO_CONTACT_DAYS},
            no_contact,
            tone="danger" if no_contact else "",
        ),
    ]
    labels = [row["month"].strftime("%Y-%m") for row in months]
    kinds = Activity.Kind.choices
    step.charts.append(
        _chart_view(
            "activities",
            _("Service activities per month"),
            kind="line",
            series=[(_("Activities"), [row["total"] for row in months])],
            unit=_("activities"),
            columns=[Column(_("Month"), "text", 9), Column(_("Activities"), "int")]
            + [Column(str(label), "int") for _key, label in kinds],
            rows=[
                [label, row["total"], *(row["kinds"][key] for key, _label in kinds)]
                for label, row in zip(labels, months, strict=True)
            ],
            total=[
                _("Total"),
                sum(row["total"] for row in months),
                *(sum(row["kinds"][key] for row in months) for key, _label in kinds),
            ],
            links=[
                list_url(
                    "archives:activity_list",
                    date_from=row["month"].isoformat(),
                    date_to=month_end(row["month"]).isoformat(),
                )
                if archive
                else None
                for row in months
            ],
        )
    )
    if archive:
        step.links.append((_("Service archive"), reverse("archives:activity_list")))
    return step


def requests_step(scope: DashboardScope, requests: dict) -> Step:
    """6 及时回应需求: the requests by kind, the shares accepted and answered in time, open and past due."""
    step = new_step(5)
    total = requests["total"]
    request_list = reverse("archives:request_list")
    accept_rate = ratio(total["accepted_in_time"], total["accept_judged"])
    answer_rate = ratio(total["answered_in_time"], total["answer_judged"])
    step.figures += [
        Figure("received", _("Requests received"), total["received"], url=request_list),
        Figure("accept-rate", _("Accepted in time"), accept_rate, kind="percent"),
        Figure("answer-rate", _("Answered in time"), answer_rate, kind="percent"),
        Figure("open", _("Open"), total["open"], url=list_url("archives:request_list", status="open")),
        Figure(
            "accept-overdue",
            _("Not accepted in time"),
            total["accept_overdue"],
            url=list_url("archives:request_list", overdue="yes"),
            tone="danger" if total["accept_overdue"] else "",
        ),
        Figure(
            "answer-overdue",
            _("Not answered in time"),
            total["answer_overdue"],
            url=list_url("archives:request_list", overdue="yes"),
            tone="danger" if total["answer_overdue"] else "",
        ),
        Figure("rating", _("Average satisfaction"), ratio(total["rating_sum"], total["rated"]), kind="decimal"),
    ]
    step.note = _(
        "In time: accepted or answered within the kind's limit in working days; the share counts the requests "
        "whose time has come."
    )
    kinds = requests["kinds"]
    kind_rows = [
        [
            row["label"],
            row["received"],
            ratio(row["accepted_in_time"], row["accept_judged"]),
            ratio(row["answered_in_time"], row["answer_judged"]),
            row["open"],
            row["past_due"],
        ]
        for row in kinds
    ]
    step.charts.append(
        _chart_view(
            "requests",
            _("Requests handled in time, by kind"),
            series=[
                (_("Accepted in time"), [percent(row[2]) for row in kind_rows]),
                (_("Answered in time"), [percent(row[3]) for row in kind_rows]),
            ],
            unit="%",
            columns=[
                Column(_("Kind of request"), "text", 20),
                Column(_("Requests received"), "int"),
                Column(_("Accepted in time"), "percent"),
                Column(_("Answered in time"), "percent"),
                Column(_("Open"), "int"),
                Column(_("Past due"), "int"),
            ],
            rows=kind_rows,
            total=[_("Total"), total["received"], accept_rate, answer_rate, total["open"], total["past_due"]],
            links=[list_url("archives:request_list", kind=row["key"]) for row in kinds],
        )
    )
    step.links.append((_("Requests"), request_list))
    return step


def review_step(scope: DashboardScope, period: Period) -> Step:
    """7 定期复盘改进: the half-year reports on the period just ended, the units' feedback, the typical cases."""
    step = new_step(6)
    reports = scope.reports(period)
    if reports is not None:
        if scope.may("reports.review_team_reports"):
            page = reverse("reports:period", kwargs={"code": period.code})
            listed = {
                key: f"{page}?{query}"
                for key, query in (
                    ("accepted", "status=accepted"),
                    ("returned", "status=returned"),
                    ("submitted", "status=submitted"),
                    ("late", "late=yes"),
                )
            }
        else:
            page = reverse("reports:team_report_list") if scope.may("reports.view_team_reports") else None
            listed = dict.fromkeys(("accepted", "returned", "submitted", "late"), page)
        delivered = reports["submitted"] + reports["accepted"]
        step.figures += [
            Figure("expected", _("Teams to report"), reports["total"], url=page),
            Figure("delivered", _("Reports submitted"), delivered, of=reports["total"]),
            Figure("waiting", _("Waiting for review"), reports["submitted"], url=listed["submitted"]),
            Figure("accepted", _("Reports accepted"), reports["accepted"], url=listed["accepted"]),
            Figure(
                "returned",
                _("Returned with comments"),
                reports["returned"],
                url=listed["returned"],
                tone="danger" if reports["returned"] else "",
            ),
            Figure(
                "late",
                _("Late reports"),
                reports["late_count"],
                url=listed["late"],
                tone="danger" if reports["late_count"] else "",
            ),
        ]
        step.note = _(
            "Half-year reports on %(period)s, due on %(date)s; late: not submitted, or returned and not "
            "resubmitted, after the due date."
        ) % {
            "period": period.label,
            "date": reports["due"].isoformat(),
        }
    else:
        step.note = _("The teams report to the bureau; the province report shows your jurisdiction's part.")
    feedback = scope.feedback(period)
    cases = scope.typical_cases(period)
    step.figures += [
        Figure("feedback", _("Units that gave feedback"), feedback["given"]),
        Figure("feedback-average", _("Average feedback score (1–5)"), feedback["average"], kind="decimal"),
        Figure("cases", _("Typical cases flagged in the half year"), cases["period"]),
        Figure("cases-total", _("Typical cases flagged in all"), cases["total"]),
    ]
    if scope.may("reports.view_scorecards"):
        step.links.append((_("Team scorecards"), reverse("reports:scorecards_latest")))
    if scope.may("reports.view_province_report"):
        step.links.append((_("Province report"), reverse("reports:province_latest")))
    return step
