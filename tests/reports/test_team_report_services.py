# ruff: noqa: F811  (the fixtures of tests/reports/report_world.py are imported, then named as arguments)
"""The half-year report's workflow (reports/services.py): every transition and refusal, the figures frozen on
submission while a new record changes the live ones, resubmission after a return, the optimistic lock."""

import pytest
from django.core.exceptions import ValidationError

from reports import services
from reports.drafting import draft_text
from reports.figures import team_figures
from reports.models import ReportEvent, TeamReport
from reports.periods import Period
from tests.factories import ActivityFactory
from tests.reports.report_world import H1, H2, D, at, clock, world  # noqa: F401  (fixtures)

Status = TeamReport.Status


def refused(code: str, call, *args, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    codes = [error.code for error in caught.value.error_list] if not hasattr(caught.value, "error_dict") else []
    codes += [e.code for errors in getattr(caught.value, "error_dict", {}).values() for e in errors]
    assert code in codes
    return caught.value


def events(report) -> list[tuple[str, str, str]]:
    return [(e.action, e.actor.username, e.comment) for e in report.events.order_by("created_at", "pk")]


@pytest.fixture
def report(world):
    ActivityFactory(unit=world.unit, date=D(2026, 9, 15), kind="visit", actor=world.leader, outcome="明确布局方向")
    return services.team_report_for(team=world.team, period=H2)


# --- The draft ----------------------------------------------------------------------------------------------------


def test_the_first_call_creates_the_draft_with_the_drafted_text_and_later_calls_return_it(world, report):
    assert report.status == Status.DRAFT
    assert report.revision == 0
    assert report.figures is None
    texts = draft_text(team=world.team, period=H2)
    assert {name: getattr(report, name) for name in texts} == texts
    assert services.team_report_for(team=world.team, period=H2).pk == report.pk
    assert TeamReport.objects.count() == 1


@pytest.mark.parametrize("code", ["2024H2", "2027H1"])
def test_no_report_before_the_programme_or_for_a_half_year_not_started(world, code):
    refused("period", services.team_report_for, team=world.team, period=Period.parse(code))
    assert not TeamReport.objects.exists()


def test_saving_bumps_the_revision_and_tidies_the_text(world, report):
    saved = services.team_report_save(
        actor=world.leader, report=report, revision=0, work_done="  第一段\r\n\r\n\r\n第二段  ", problems="无"
    )
    assert (saved.revision, saved.work_done, saved.problems) == (1, "第一段\n\n第二段", "无")
    report.refresh_from_db()
    assert (report.revision, report.work_done) == (1, "第一段\n\n第二段")


def test_a_save_from_an_older_page_is_refused_and_saves_nothing(world, report):
    services.team_report_save(actor=world.member, report=report, revision=0, work_done="mia 的文字")
    error = refused("conflict", services.team_report_save, actor=world.leader, report=report, revision=0, work_done="x")
    assert isinstance(error, services.ReportConflict)
    assert (error.current.revision, error.current.work_done) == (1, "mia 的文字")
    report.refresh_from_db()
    assert (report.revision, report.work_done) == (1, "mia 的文字")


def test_only_the_five_texts_can_be_saved(world, report):
    with pytest.raises(TypeError):
        services.team_report_save(actor=world.leader, report=report, revision=0, figures="{}")


def test_drafting_again_replaces_the_texts(world, report):
    services.team_report_save(actor=world.leader, report=report, revision=0, work_done="手写", problems="手写")
    ActivityFactory(unit=world.second, date=D(2026, 11, 5), kind="briefing", actor=world.leader, outcome="新成果")
    redrafted = services.team_report_redraft(actor=world.leader, report=report)
    assert redrafted.revision == 2
    assert redrafted.work_done == draft_text(team=world.team, period=H2)["work_done"]
    assert "新成果" in redrafted.work_done
    assert redrafted.problems == draft_text(team=world.team, period=H2)["problems"]


# --- Submission ---------------------------------------------------------------------------------------------------


def test_submission_opens_in_the_half_years_last_month(world, report, clock):
    assert services.submission_opens(H2) == D(2026, 12, 1)
    assert services.submission_opens(H1) == D(2026, 6, 1)
    clock.set(at(D(2026, 11, 30), 23, 59))
    refused("too_early", services.team_report_submit, actor=world.leader, report=report)
    report.refresh_from_db()
    assert report.status == Status.DRAFT
    clock.set(at(D(2026, 12, 1), 0, 1))
    assert services.team_report_submit(actor=world.leader, report=report).status == Status.SUBMITTED


def test_an_empty_work_done_is_refused_on_its_field(world, report):
    services.team_report_save(actor=world.leader, report=report, revision=0, work_done=" \n ")
    error = refused("required", services.team_report_submit, actor=world.leader, report=report)
    assert list(error.error_dict) == ["work_done"]
    report.refresh_from_db()
    assert (report.status, report.figures) == (Status.DRAFT, None)


def test_submitting_freezes_the_figures_and_records_who(world, report):
    live = team_figures(team=world.team, period=H2, today=D(2026, 12, 10))
    submitted = services.team_report_submit(actor=world.member, report=report)
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    assert submitted.figures == live
    assert submitted.figures["activities"]["total"] == 1
    assert (submitted.submitted_at, submitted.submitted_by) == (at(D(2026, 12, 10)), world.member)
    assert events(submitted) == [("submitted", "mia", "")]


def test_a_later_record_never_changes_a_submitted_report(world, report, clock):
    services.team_report_submit(actor=world.leader, report=report)
    frozen = TeamReport.objects.get(pk=report.pk).figures
    clock.set(D(2026, 12, 11))
    ActivityFactory(unit=world.unit, date=D(2026, 12, 11), kind="consultation", actor=world.leader)
    assert team_figures(team=world.team, period=H2)["activities"]["total"] == 2  # the live figures moved
    report.refresh_from_db()
    assert report.figures == frozen
    assert report.figures["activities"]["total"] == 1


def test_the_bureau_returns_with_comments_and_the_resubmission_freezes_the_figures_again(world, report, clock):
    services.team_report_submit(actor=world.leader, report=report)
    refused("required", services.team_report_return, actor=world.bureau, report=report, comment="  \n ")
    clock.set(at(D(2026, 12, 12), 9))
    returned = services.team_report_return(actor=world.bureau, report=report, comment="请补充典型案例。")
    assert returned.status == Status.RETURNED
    assert (returned.reviewed_at, returned.reviewed_by, returned.review_comment) == (
        at(D(2026, 12, 12), 9),
        world.bureau,
        "请补充典型案例。",
    )
    # The returned report keeps the figures of its submission until it is resubmitted.
    assert TeamReport.objects.get(pk=report.pk).figures["activities"]["total"] == 1
    ActivityFactory(unit=world.unit, date=D(2026, 12, 12), kind="consultation", actor=world.leader)
    services.team_report_save(actor=world.leader, report=report, revision=0, typical_cases="补充的案例")
    clock.set(at(D(2026, 12, 14), 9))
    resubmitted = services.team_report_submit(actor=world.leader, report=report)
    resubmitted.refresh_from_db()
    assert resubmitted.status == Status.SUBMITTED
    assert resubmitted.figures["activities"]["total"] == 2
    assert resubmitted.submitted_at == at(D(2026, 12, 14), 9)
    assert events(resubmitted) == [
        ("submitted", "tom", ""),
        ("returned", "alice", "请补充典型案例。"),
        ("resubmitted", "tom", ""),
    ]


def test_the_bureau_accepts_and_an_accepted_report_is_final(world, report):
    services.team_report_submit(actor=world.leader, report=report)
    accepted = services.team_report_accept(actor=world.bureau, report=report, comment=" 很好 ")
    assert (accepted.status, accepted.review_comment, accepted.reviewed_by) == (Status.ACCEPTED, "很好", world.bureau)
    assert events(accepted)[-1] == ("accepted", "alice", "很好")
    refused("state", services.team_report_save, actor=world.leader, report=report, revision=0, work_done="改")
    refused("state", services.team_report_submit, actor=world.leader, report=report)
    refused("state", services.team_report_redraft, actor=world.leader, report=report)
    refused("state", services.team_report_return, actor=world.bureau, report=report, comment="再改")
    refused("state", services.team_report_accept, actor=world.bureau, report=report)
    assert ReportEvent.objects.filter(report=report).count() == 2


def test_a_submitted_report_waits_for_the_bureau(world, report):
    services.team_report_submit(actor=world.leader, report=report)
    refused("state", services.team_report_save, actor=world.leader, report=report, revision=0, work_done="改")
    refused("state", services.team_report_submit, actor=world.leader, report=report)
    refused("state", services.team_report_redraft, actor=world.leader, report=report)


def test_a_draft_cannot_be_reviewed(world, report):
    refused("state", services.team_report_return, actor=world.bureau, report=report, comment="请修改")
    refused("state", services.team_report_accept, actor=world.bureau, report=report)


def test_a_past_half_year_is_recorded_on_its_own_days(world):
    """The demo's reports of past half years: each step dated `now`, the figures as of that day."""
    ActivityFactory(unit=world.unit, date=D(2026, 3, 2), kind="visit", actor=world.leader)
    report = services.team_report_for(team=world.team, period=H1, now=at(D(2026, 6, 20)))
    services.team_report_save(actor=world.leader, report=report, revision=0, work_done="上半年工作")
    submitted = services.team_report_submit(actor=world.leader, report=report, now=at(D(2026, 7, 8), 16))
    accepted = services.team_report_accept(actor=world.bureau, report=report, now=at(D(2026, 7, 20), 9))
    assert submitted.figures == team_figures(team=world.team, period=H1, today=D(2026, 7, 8))
    assert submitted.figures["as_of"] == "2026-06-30"
    assert accepted.submitted_at == at(D(2026, 7, 8), 16)
    assert accepted.reviewed_at == at(D(2026, 7, 20), 9)
    assert [e.created_at for e in report.events.order_by("pk")] == [at(D(2026, 7, 8), 16), at(D(2026, 7, 20), 9)]
