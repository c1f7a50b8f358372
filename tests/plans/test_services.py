"""The plan workflow's services: transitions per state, versions, optimistic locking, measures, sanitising."""

import copy
import datetime

import pytest
from django.core.exceptions import ValidationError

from plans import services
from plans.models import SECTIONS, Measure, PlanEvent, PlanVersion
from plans.sanitising import sanitise
from tests.factories import (
    MeasureFactory,
    PersonFactory,
    PlanFactory,
    TeamFactory,
    approved_plan,
    assign,
    ready,
)

Status = PlanVersion.Status


@pytest.fixture
def plan(db, unit):
    return services.plan_start(actor=None, unit=unit)


def test_start_opens_a_first_draft_with_an_event(plan):
    assert plan.working.number == 1
    assert plan.working.status == Status.DRAFT
    assert plan.in_force is None
    assert list(plan.events.values_list("action", flat=True)) == [PlanEvent.Action.STARTED]


def test_a_unit_has_one_plan(plan, unit):
    with pytest.raises(ValidationError) as error:
        services.plan_start(actor=None, unit=unit)
    assert error.value.code == "exists"


def test_full_workflow_draft_submitted_returned_submitted_approved(plan):
    version = ready(plan)
    services.plan_submit(actor=None, version=version)
    assert PlanVersion.objects.get(pk=version.pk).status == Status.SUBMITTED
    services.plan_return(actor=None, version=version, comment="请补充专利导航举措")
    assert PlanVersion.objects.get(pk=version.pk).status == Status.RETURNED
    services.plan_submit(actor=None, version=version)
    services.plan_approve(actor=None, version=version)
    plan.refresh_from_db()
    assert plan.in_force_id == version.pk
    assert plan.working is None
    assert PlanVersion.objects.get(pk=version.pk).status == Status.APPROVED
    actions = list(plan.events.order_by("created_at", "pk").values_list("action", flat=True))
    assert actions == ["started", "submitted", "returned", "submitted", "approved"]
    assert plan.events.get(action="returned").comment == "请补充专利导航举措"


@pytest.mark.parametrize(
    ("state", "refused"),
    [
        ("draft", ["return", "approve"]),
        ("submitted", ["submit", "edit", "measure"]),
        ("approved", ["submit", "return", "approve", "edit", "measure"]),
    ],
)
def test_transitions_refused_by_state(plan, state, refused):
    version = ready(plan)
    if state in ("submitted", "approved"):
        services.plan_submit(actor=None, version=version)
    if state == "approved":
        services.plan_approve(actor=None, version=version)
    calls = {
        "submit": lambda: services.plan_submit(actor=None, version=version),
        "return": lambda: services.plan_return(actor=None, version=version, comment="x"),
        "approve": lambda: services.plan_approve(actor=None, version=version),
        "edit": lambda: services.plan_sections_save(actor=None, version=version, revision=99, ip_status="x"),
        "measure": lambda: services.measure_save(actor=None, version=version, area="policy_law", content="y"),
    }
    for name in refused:
        with pytest.raises(ValidationError) as error:
            calls[name]()
        assert error.value.code == "state", name


def test_submit_needs_measures_and_every_section(plan):
    with pytest.raises(ValidationError) as error:
        services.plan_submit(actor=None, version=plan.working)
    assert error.value.code == "no_measures"
    services.measure_save(actor=None, version=plan.working, area="policy_law", content="宣讲")
    with pytest.raises(ValidationError) as error:
        services.plan_submit(actor=None, version=plan.working)
    assert error.value.code == "empty_sections"


def test_return_needs_a_comment(plan):
    version = ready(plan)
    services.plan_submit(actor=None, version=version)
    with pytest.raises(ValidationError) as error:
        services.plan_return(actor=None, version=version, comment="   ")
    assert [e.code for e in error.value.error_dict["comment"]] == ["required"]


def test_revise_creates_v2_while_v1_stays_in_force_then_supersedes_it(db, unit):
    plan = approved_plan(unit)
    v1 = plan.in_force
    owner = PersonFactory()
    Measure.objects.filter(version=v1).update(owner=owner, due_on=datetime.date(2026, 6, 30))
    v2 = services.plan_revise(actor=None, plan=plan)
    plan.refresh_from_db()
    assert (v2.number, v2.status) == (2, Status.DRAFT)
    assert plan.in_force_id == v1.pk
    assert plan.working_id == v2.pk
    copied = list(v2.measures.all())
    assert [m.carried_from_id for m in copied] == [m.pk for m in v1.measures.all()]
    assert copied[0].owner_id == owner.pk
    assert v2.ip_status == v1.ip_status
    with pytest.raises(ValidationError) as error:
        services.plan_revise(actor=None, plan=plan)  # one revision at a time
    assert error.value.code == "open"

    v2 = ready(plan)
    services.plan_submit(actor=None, version=v2)
    services.plan_approve(actor=None, version=v2)
    plan.refresh_from_db()
    assert plan.in_force_id == v2.pk
    assert plan.working is None
    assert PlanVersion.objects.get(pk=v1.pk).status == Status.SUPERSEDED


def test_revise_needs_an_approved_plan(plan):
    with pytest.raises(ValidationError) as error:
        services.plan_revise(actor=None, plan=plan)
    # A never-approved plan still has its first draft open, and plan_revise checks for an open draft first.
    assert error.value.code == "open"
    assert PlanVersion.objects.filter(plan=plan).count() == 1


def test_optimistic_lock_refuses_a_stale_revision_and_keeps_the_stored_text(plan):
    version = plan.working
    services.plan_sections_save(actor=None, version=version, revision=0, ip_status="甲的文字")
    with pytest.raises(services.PlanConflict) as conflict:
        services.plan_sections_save(actor=None, version=version, revision=0, ip_status="乙的文字")
    assert conflict.value.current.ip_status == "<p>甲的文字</p>"
    assert conflict.value.current.revision == 1
    assert PlanVersion.objects.get(pk=version.pk).ip_status == "<p>甲的文字</p>"
    services.plan_sections_save(actor=None, version=version, revision=1, ip_status="乙的文字")
    assert PlanVersion.objects.get(pk=version.pk).ip_status == "<p>乙的文字</p>"


@pytest.mark.parametrize(
    "dirty",
    [
        '<p onclick="steal()">文字</p><script>alert(1)</script>',
        '<img src=x onerror="alert(1)"><p>文字</p>',
        '<a href="javascript:alert(1)">文字</a>',
    ],
)
def test_sanitising_drops_scripts_and_handlers(dirty):
    clean = sanitise(dirty)
    assert "script" not in clean
    assert "onclick" not in clean
    assert "onerror" not in clean
    assert "javascript" not in clean
    assert "文字" in clean


def test_plain_text_becomes_paragraphs():
    assert sanitise("第一段\n第二行\n\n- 列表项") == "<p>第一段<br>第二行</p><ul><li>列表项</li></ul>"
    assert sanitise("第一段\n\n第二段") == "<p>第一段</p><p>第二段</p>"


def test_sections_are_sanitised_when_saved(plan):
    version = services.plan_sections_save(
        actor=None, version=plan.working, revision=0, weak_links="<script>x()</script><p onclick='y'>薄弱</p>"
    )
    assert version.weak_links == "<p>薄弱</p>"


def test_measures_are_added_at_the_end_and_reordered(plan):
    version = plan.working
    first = services.measure_save(actor=None, version=version, area="policy_law", content="一")
    second = services.measure_save(actor=None, version=version, area="protection", content="二")
    third = services.measure_save(actor=None, version=version, area="commercialisation", content="三")
    assert [m.pk for m in version.measures.all()] == [first.pk, second.pk, third.pk]
    services.measures_reorder(actor=None, version=version, order=[third.pk, first.pk, second.pk])
    assert [m.content for m in version.measures.all()] == ["三", "一", "二"]
    with pytest.raises(ValidationError) as error:
        services.measures_reorder(actor=None, version=version, order=[third.pk, first.pk])
    assert error.value.code == "stale"


def test_progress_only_on_the_plan_in_force(db, unit, users):
    from accounts.models import Role

    plan = approved_plan(unit)
    measure = plan.in_force.measures.get()
    note = services.measure_progress(
        actor=users[Role.TEAM_MEMBER], measure=measure, date=datetime.date(2026, 5, 1), text="已宣讲", status="done"
    )
    assert note.pk
    assert Measure.objects.get(pk=measure.pk).status == "done"
    draft = MeasureFactory()
    with pytest.raises(ValidationError) as error:
        services.measure_progress(
            actor=users[Role.TEAM_MEMBER], measure=draft, date=datetime.date(2026, 5, 1), text="x"
        )
    assert error.value.code == "not_in_force"


def test_owner_candidates_are_the_serving_team(plan, unit):
    team = TeamFactory()
    assign(unit, team)
    people = {m.person_id for m in team.memberships.all()}
    assert {p.pk for p in services.measure_owner_candidates(version=plan.working)} == people


def test_plan_factory_with_sections(db):
    plan = PlanFactory(sections=True)
    assert all(getattr(plan.working, name) for name in SECTIONS)


# ---------------------------------------------------------------------------------------------------------------
# plans/diff.py


def test_diff_marks_insertions_and_deletions_and_escapes():
    from plans.diff import diff_lines, html_to_lines

    rows = diff_lines(["加强<专利>布局", "不变"], ["加强海外<专利>布局", "不变", "新增一段"])
    assert [row.kind for row in rows] == ["changed", "equal", "added"]
    assert rows[0].new == '加强<ins class="hh-diff-ins">海外</ins>&lt;专利&gt;布局'
    assert rows[0].old == "加强&lt;专利&gt;布局"
    assert rows[2].new == '<ins class="hh-diff-ins">新增一段</ins>'
    removed = diff_lines(["删去<script>"], [])
    assert removed[0].kind == "removed"
    assert removed[0].old == '<del class="hh-diff-del">删去&lt;script&gt;</del>'
    assert html_to_lines("<p>一</p><ul><li>二</li></ul><p>三<br>四 &amp; 五</p>") == ["一", "- 二", "三", "四 & 五"]


def test_measures_diff_compares_whole_lines(db):
    from plans.diff import measures_diff

    plan = PlanFactory()
    first = services.measure_save(actor=None, version=plan.working, area="policy_law", content="宣讲")
    second = services.measure_save(actor=None, version=plan.working, area="protection", content="维权")
    before = copy.copy(first)
    first.content = "宣讲专利法"
    rows = measures_diff([before], [first, second]).rows
    assert [row.kind for row in rows] == ["changed", "added"]
    assert "<ins" in rows[0].new
    assert [row.item for row in rows] == [first, second]  # each line brings its measure (the overdue badge)
