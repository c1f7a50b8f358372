"""The demo programme's review (demo/reports.py): the units' feedback on 2025H1–2026H1, a dozen typical cases, the
teams' half-year reports submitted and reviewed (one returned and resubmitted) and the 2026H2 drafts; all through
reports/services.py on the days they happened; seeding twice changes nothing."""

import datetime
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Role, User
from demo.reports import CRITICAL, DEMO_TODAY, DRAFTS, RETURN_COMMENT
from reports.models import FeedbackQuestion, FeedbackScore, ReportEvent, TeamReport, TypicalCase, UnitFeedback
from reports.periods import Period
from reports.scopes import visible_team_reports, visible_unit_feedback
from teams.models import Assignment, Membership, Team

pytestmark = pytest.mark.django_db

REVIEWED = ["2025H1", "2025H2", "2026H1"]
TABLES = [UnitFeedback, FeedbackScore, TypicalCase, TeamReport, ReportEvent]


def _serving_on(unit_id: int, day: datetime.date) -> int | None:
    assignment = (
        Assignment.objects.filter(unit_id=unit_id, start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .order_by("-start", "-pk")
        .first()
    )
    return assignment.team_id if assignment else None


def test_most_served_units_gave_feedback_on_the_three_past_half_years(seeded):
    counts = dict(UnitFeedback.objects.values_list("period").annotate(n=Count("pk")))
    assert sorted(counts) == REVIEWED
    for code, given in counts.items():
        period = Period.parse(code)
        day = period.end
        served = Assignment.objects.filter(start__lte=day).filter(Q(end__isnull=True) | Q(end__gte=day))
        served_with_login = served.filter(unit__contact_users__role=Role.UNIT_CONTACT).values("unit").distinct()
        assert 0.65 * served_with_login.count() <= given <= 0.95 * served_with_login.count(), code
    for feedback in UnitFeedback.objects.select_related("author"):
        day = timezone.localdate(feedback.created_at)
        period = Period.parse(feedback.period)
        assert period.feedback_opens <= day <= period.due_on(15)
        assert (feedback.author.role, feedback.author.unit_id) == (Role.UNIT_CONTACT, feedback.unit_id)
        assert feedback.team_id == _serving_on(feedback.unit_id, day)


def test_the_scores_are_mostly_4_and_5_with_a_few_critical_ones(seeded):
    asked = FeedbackQuestion.objects.filter(is_active=True).count()
    per_feedback = set(UnitFeedback.objects.annotate(n=Count("scores")).values_list("n", flat=True))
    assert per_feedback == {asked}
    scores = Counter(FeedbackScore.objects.values_list("score", flat=True))
    total = sum(scores.values())
    assert scores[1] == 0
    assert (scores[4] + scores[5]) / total > 0.8
    assert 0.02 < (scores[2] + scores[3]) / total < 0.2
    critical = UnitFeedback.objects.filter(text__in=CRITICAL)
    assert critical.count() >= 5
    assert all(min(s.score for s in f.scores.all()) <= 3 for f in critical.prefetch_related("scores"))
    assert UnitFeedback.objects.exclude(text="").count() > 0.6 * UnitFeedback.objects.count()


def test_the_unit_login_gave_its_feedback_each_time_and_is_asked_for_2026h2(seeded):
    unit_login = User.objects.get(username="unit")
    assert sorted(visible_unit_feedback(unit_login).values_list("period", flat=True)) == REVIEWED
    assert not UnitFeedback.objects.filter(author=unit_login, period="2026H2").exists()


def test_a_dozen_typical_cases_across_the_half_years(seeded):
    cases = list(TypicalCase.objects.select_related("activity", "request", "flagged_by"))
    assert len(cases) == 12
    assert Counter(case.period for case in cases) == {"2025H1": 3, "2025H2": 3, "2026H1": 4, "2026H2": 2}
    leaders = defaultdict(set)
    for team_id, user_id in Membership.objects.filter(role="leader").values_list("team_id", "person__user_id"):
        leaders[team_id].add(user_id)
    showcase = Team.objects.get(memberships__person__user__username="leader")
    for case in cases:
        record = case.activity or case.request
        happened = case.activity.date if case.activity else case.request.received_on
        assert (case.team_id, case.unit_id) == (record.team_id, record.unit_id)
        assert Period.containing(happened).code == case.period
        assert happened < timezone.localdate(case.created_at) < DEMO_TODAY
        assert case.why
        assert case.flagged_by.role == Role.BUREAU or case.flagged_by_id in leaders[case.team_id]
    assert sum(1 for case in cases if case.flagged_by.role == Role.BUREAU) == 3
    assert {case.period for case in cases if case.team_id == showcase.pk} >= set(REVIEWED)
    assert sum(1 for case in cases if case.request_id) >= 3


def _teams_serving(period: Period) -> set[int]:
    during = Q(start__lte=period.end) & (Q(end__isnull=True) | Q(end__gte=period.start))
    return set(Assignment.objects.filter(during).values_list("team_id", flat=True))


def test_every_serving_team_reported_on_each_past_half_year_and_the_bureau_accepted_it(seeded):
    for code in REVIEWED:
        period = Period.parse(code)
        reports = TeamReport.objects.filter(period=code)
        assert set(reports.values_list("team_id", flat=True)) == _teams_serving(period), code
        assert set(reports.values_list("status", flat=True)) == {TeamReport.Status.ACCEPTED}
        due = period.due_on(15)
        for report in reports.select_related("submitted_by", "reviewed_by"):
            assert report.figures["as_of"] == period.end.isoformat()  # frozen as of the half year's end
            assert report.figures["team"]["id"] == report.team_id
            assert report.work_done.strip()
            assert report.reviewed_by.username == "bureau"
            assert report.submitted_by.role == Role.TEAM_MEMBER
            assert (
                period.end
                < timezone.localdate(report.submitted_at)
                < timezone.localdate(report.reviewed_at)
                < DEMO_TODAY
            )
            assert report.created_at < report.submitted_at
        first_submissions = ReportEvent.objects.filter(report__period=code, action=ReportEvent.Action.SUBMITTED)
        late = [e for e in first_submissions if timezone.localdate(e.created_at) > due]
        assert 1 <= len(late) <= 2, code


def test_one_report_was_returned_with_comments_resubmitted_and_accepted(seeded):
    actions = defaultdict(list)
    for report_id, action in ReportEvent.objects.order_by("report", "created_at", "pk").values_list(
        "report_id", "action"
    ):
        actions[report_id].append(action)
    returned = [report_id for report_id, steps in actions.items() if "returned" in steps]
    assert len(returned) == 1
    assert actions[returned[0]] == ["submitted", "returned", "resubmitted", "accepted"]
    assert {tuple(steps) for report_id, steps in actions.items() if report_id not in returned} == {
        ("submitted", "accepted")
    }
    report = TeamReport.objects.get(pk=returned[0])
    assert (report.period, report.team.name) == ("2025H2", "护航服务第01团队")
    assert ReportEvent.objects.get(report=report, action="returned").comment == RETURN_COMMENT
    assert "补充说明" in report.typical_cases
    history = list(report.history.order_by("history_id").values_list("history_date", flat=True))
    assert history == sorted(history)
    assert history[0] == report.created_at
    assert history[-1] == report.reviewed_at


def test_the_2026h2_reports_are_drafts_due_on_15_january(seeded):
    drafts = TeamReport.objects.filter(period="2026H2")
    assert drafts.count() == DRAFTS
    assert set(drafts.values_list("status", flat=True)) == {TeamReport.Status.DRAFT}
    assert not drafts.filter(figures__isnull=False).exists()
    assert Period(2026, 2).due_on(15) == datetime.date(2027, 1, 15)
    leader = User.objects.get(username="leader")
    own = visible_team_reports(leader)
    assert sorted(own.values_list("period", "status")) == [
        ("2025H1", "accepted"),
        ("2025H2", "accepted"),
        ("2026H1", "accepted"),
        ("2026H2", "draft"),
    ]
    assert own.get(period="2026H2").work_done.startswith("本半年度，团队坚持")


def test_a_second_run_changes_nothing_in_the_review(seeded):
    counts = [model.objects.count() for model in TABLES]
    statuses = sorted(TeamReport.objects.values_list("pk", "status", "revision"))
    call_command("seed_demo", force=True)
    assert [model.objects.count() for model in TABLES] == counts
    assert sorted(TeamReport.objects.values_list("pk", "status", "revision")) == statuses
