"""The scale data's review: four half-years of the scale teams' reports (2025H1 to 2026H1 submitted and accepted,
2026H2 in draft for a quarter of the teams, as the demo), the units' feedback with its scores, and typical cases.

A submitted report's frozen figures are what the province report and the period pages read. Computing them per
team (reports.figures.team_figures, ~20 queries each) would take most of the build at 100×: they are copied from a
demo report of the same half year, with the team's own totals written over the template's where
reports.figures.figures_by_team computes them for all teams at once (units, measures, requests, ratings, feedback).
The breakdowns by task area and request kind stay the template's."""

from __future__ import annotations

import datetime

from archives.models import Activity
from demo.reports import ACCEPT_COMMENTS, CRITICAL, OPENINGS, PRAISE, SUGGESTIONS, WHY, WHY_REQUEST
from demo.scale.base import Scale, at, day_between, new_uid, write
from huhang.models import ProgrammeSettings
from reports.feedback import active_questions
from reports.figures import figures_by_team
from reports.models import FeedbackScore, ReportEvent, TeamReport, TypicalCase, UnitFeedback
from reports.periods import Period
from teams.models import Team

REVIEWED = [Period(2025, 1), Period(2025, 2), Period(2026, 1)]
DRAFTING = Period(2026, 2)
DRAFT_SHARE = 0.25
FEEDBACK_SHARE = 0.8
CASES_PER_FACTOR = {Period(2025, 1): 3, Period(2025, 2): 3, Period(2026, 1): 4, Period(2026, 2): 2}


def build_reports(scale: Scale) -> None:
    rng = scale.rng("reports")
    due_days = ProgrammeSettings.current().report_due_days
    feedback = _feedback(scale, rng, due_days)
    reports = _team_reports(scale, rng, due_days)
    cases = _typical_cases(scale, rng)
    scale.report(f"  team reports: {reports}, unit feedback: {feedback}, typical cases: {cases}")


def _served_in(scale: Scale, period: Period) -> list[int]:
    """Indexes of the scale units served during the half year (selected before its end, not removed before)."""
    return [
        i
        for i, entry in enumerate(scale.units)
        if entry.selected_on + datetime.timedelta(days=10) <= period.end
        and (entry.removed_on is None or entry.removed_on > period.start)
    ]


def _feedback(scale: Scale, rng, due_days: int) -> int:
    questions = list(active_questions().values_list("pk", flat=True))
    given, scores = [], []
    for period in REVIEWED:
        opens, closes = period.feedback_opens, period.due_on(due_days)
        for index in _served_in(scale, period):
            entry = scale.units[index]
            if (entry.removed_on is not None and entry.removed_on <= opens) or rng.random() >= FEEDBACK_SHARE:
                continue
            critical = rng.random() < 0.12
            day = day_between(rng, opens, closes)
            moment = at(rng, day)
            text = rng.choice(CRITICAL) if critical else rng.choice(PRAISE) + rng.choice(SUGGESTIONS)
            given.append(
                {
                    "uid": new_uid(rng),
                    "unit_id": entry.pk,
                    "team_id": scale.teams[entry.team_index].pk,
                    "period": period.code,
                    "author_id": entry.contact_user_id,
                    "text": text,
                    "created_at": moment,
                    "updated_at": moment,
                }
            )
            scores.append([rng.choice([2, 3, 3]) if critical else rng.choice([4, 5, 5]) for _ in questions])
    keys = write(UnitFeedback, given, ids=True)
    write(
        FeedbackScore,
        [
            {"feedback_id": key, "question_id": question, "score": score}
            for key, row in zip(keys, scores, strict=True)
            for question, score in zip(questions, row, strict=True)
        ],
    )
    return len(given)


def _templates() -> dict[str, list[dict]]:
    templates: dict[str, list[dict]] = {}
    for period, figures in TeamReport.objects.filter(figures__isnull=False).values_list("period", "figures"):
        templates.setdefault(period, []).append(figures)
    return templates


def _team_reports(scale: Scale, rng, due_days: int) -> int:
    templates = _templates()
    team_names = dict(Team.objects.filter(pk__in=[t.pk for t in scale.teams]).values_list("pk", "name"))
    team_pks = [team.pk for team in scale.teams]
    reports, moments = [], []
    for period in REVIEWED:
        serving = {scale.units[i].team_index for i in _served_in(scale, period)}
        due = period.due_on(due_days)
        own = figures_by_team(teams=team_pks, period=period, as_of=period.end)
        for team_index in sorted(serving):
            team = scale.teams[team_index]
            # A shallow copy: only the parts written over are copied in turn (a deep copy of 12,000 reports' figures
            # takes most of this part's time).
            figures = dict(rng.choice(templates[period.code])) if templates.get(period.code) else {}
            figures["team"] = {"id": team.pk, "name": team_names.get(team.pk, "")}
            for part, values in own.get(team.pk, {}).items():
                figures[part] = {**figures[part], **values} if isinstance(figures.get(part), dict) else values
            submitted = at(rng, due - datetime.timedelta(days=rng.randint(0, 6)))
            reviewed = at(rng, due + datetime.timedelta(days=rng.randint(2, 20)))
            reports.append(
                {
                    "uid": new_uid(rng),
                    "team_id": team.pk,
                    "period": period.code,
                    "status": TeamReport.Status.ACCEPTED,
                    "work_done": rng.choice(OPENINGS),
                    "typical_cases": "",
                    "problems": rng.choice(CRITICAL),
                    "next_focus": rng.choice(SUGGESTIONS),
                    "unit_feedback": rng.choice(PRAISE),
                    "figures": figures,
                    "submitted_at": submitted,
                    "submitted_by_id": team.user_ids[0],
                    "reviewed_at": reviewed,
                    "reviewed_by_id": scale.bureau_id,
                    "review_comment": rng.choice(ACCEPT_COMMENTS),
                    "revision": rng.randint(2, 8),
                    "created_at": submitted - datetime.timedelta(days=rng.randint(3, 10)),
                    "updated_at": reviewed,
                }
            )
            moments.append((submitted, reviewed))
    for team in scale.teams:
        if team.unit_indexes and rng.random() < DRAFT_SHARE:
            moment = at(rng, datetime.date(2026, 11, rng.randint(10, 24)))
            reports.append(
                {
                    "uid": new_uid(rng),
                    "team_id": team.pk,
                    "period": DRAFTING.code,
                    "work_done": rng.choice(OPENINGS),
                    "revision": 1,
                    "created_at": moment,
                    "updated_at": moment,
                }
            )
    keys = write(TeamReport, reports, ids=True)
    events = []
    for key, report, (submitted, reviewed) in zip(keys, reports, moments, strict=False):
        events.append(
            {
                "report_id": key,
                "action": ReportEvent.Action.SUBMITTED,
                "actor_id": report["submitted_by_id"],
                "created_at": submitted,
                "updated_at": submitted,
            }
        )
        events.append(
            {
                "report_id": key,
                "action": ReportEvent.Action.ACCEPTED,
                "actor_id": scale.bureau_id,
                "comment": report["review_comment"],
                "created_at": reviewed,
                "updated_at": reviewed,
            }
        )
    write(ReportEvent, events)
    return len(reports)


def _typical_cases(scale: Scale, rng) -> int:
    """A dozen cases per 150 scale units over the four half years: activities and requests the teams flagged, drawn
    from the sample the archive kept (scale.candidates), so no query reads the 750,000 activities."""
    leaders = {team.pk: team.user_ids[0] for team in scale.teams}
    by_period: dict[tuple[str, str], list[tuple]] = {}
    for candidate in scale.candidates:
        by_period.setdefault((candidate[0], Period.containing(candidate[5]).code), []).append(candidate)
    cases = []
    for period, per_factor in CASES_PER_FACTOR.items():
        count = per_factor * (scale.factor - 1)
        activities = by_period.get(("activity", period.code), [])
        requests = by_period.get(("request", period.code), [])
        chosen = [
            *rng.sample(activities, k=min(count * 2 // 3, len(activities))),
            *rng.sample(requests, k=min(count - count * 2 // 3, len(requests))),
        ]
        for record, key, unit_id, team_id, kind, _day, moment in chosen:
            cases.append(
                {
                    "uid": new_uid(rng),
                    f"{record}_id": key,
                    "unit_id": unit_id,
                    "team_id": team_id,
                    "period": period.code,
                    "why": WHY.get(kind, WHY[Activity.Kind.VISIT]) if record == "activity" else WHY_REQUEST,
                    "flagged_by_id": leaders[team_id],
                    "created_at": moment,
                    "updated_at": moment,
                }
            )
    write(TypicalCase, cases)
    return len(cases)
