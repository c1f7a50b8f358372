"""Dates a measure carries: checked by the services (a due date not before its version was started, progress not in
the future), shown on the forms in Chinese; a measure past its due date and not done is flagged wherever plans list
it; and the editor says "saved" once."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from plans import services
from plans.models import Measure, PlanVersion
from tests.factories import SECTION_TEXT, PlanFactory, approved_plan, ready, two_served_units

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
STARTED = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)  # 2026-03-02 in Hangzhou too


def _started_on_march_2nd(plan) -> PlanVersion:
    PlanVersion.objects.filter(pk=plan.working_id).update(created_at=STARTED)
    return PlanVersion.objects.get(pk=plan.working_id)


def _save(version, due_on, measure=None):
    return services.measure_save(
        actor=None, version=version, measure=measure, area="policy_law", content="宣讲", due_on=due_on
    )


# --- The due date of a measure -----------------------------------------------------------------------------------


def test_a_measure_cannot_fall_due_before_its_version_was_started():
    version = _started_on_march_2nd(PlanFactory())
    with pytest.raises(ValidationError) as refused:
        _save(version, datetime.date(2026, 3, 1))
    assert refused.value.error_dict["due_on"][0].code == "before_version"
    assert not version.measures.exists()
    assert _save(version, datetime.date(2026, 3, 2)).due_on == datetime.date(2026, 3, 2)  # the same day is fine
    assert _save(version, None).due_on is None


def test_changing_a_due_date_to_before_the_start_is_refused_too():
    version = _started_on_march_2nd(PlanFactory())
    measure = _save(version, datetime.date(2026, 6, 30))
    with pytest.raises(ValidationError) as refused:
        _save(version, datetime.date(2026, 2, 27), measure=measure)
    assert refused.value.error_dict["due_on"][0].code == "before_version"
    assert Measure.objects.get(pk=measure.pk).due_on == datetime.date(2026, 6, 30)


def test_a_measure_carried_into_a_revision_keeps_its_earlier_due_date(unit):
    plan = approved_plan(unit)
    Measure.objects.filter(version=plan.in_force).update(due_on=datetime.date(2025, 9, 30), status="done")
    draft = services.plan_revise(actor=None, plan=plan)
    carried = draft.measures.get()
    changed = services.measure_save(actor=None, version=draft, measure=carried, content="宣讲（已完成）")
    assert changed.due_on == datetime.date(2025, 9, 30)  # saved although the revision began today
    with pytest.raises(ValidationError):
        _save(draft, datetime.date(2025, 10, 31), measure=carried)  # but a new date must be on or after today


def test_the_measure_form_shows_the_refusal_on_its_due_date_in_chinese(client, users, unit):
    two_served_units(users[Role.TEAM_MEMBER], unit)
    plan = PlanFactory(unit=unit)
    _started_on_march_2nd(plan)
    client.force_login(users[Role.TEAM_MEMBER])
    data = {"new-area": "policy_law", "new-content": "宣讲", "new-status": "not_started", "new-due_on": "2026-02-28"}
    for headers in ({}, HTMX):
        response = client.post(reverse("plans:measure_add", kwargs={"uid": plan.uid}), data, **headers)
        assert response.status_code == 200
        assert response.context["measure_form"].errors["due_on"] == [
            "完成时限不能早于本版方案开始编写的日期（2026-03-02）。"
        ]
    assert not Measure.objects.filter(version__plan=plan).exists()


def test_progress_cannot_be_recorded_for_a_day_still_to_come(unit, users):
    plan = approved_plan(unit)
    measure = plan.in_force.measures.get()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        services.measure_progress(actor=users[Role.TEAM_MEMBER], measure=measure, date=tomorrow, text="明天的进展")
    assert refused.value.error_dict["date"][0].code == "future"
    assert not measure.progress_notes.exists()


# --- Overdue measures --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "status", "overdue"),
    [
        (-1, "in_progress", True),
        (-1, "not_started", True),
        (-1, "done", False),
        (-1, "cancelled", False),
        (0, "in_progress", False),  # due today is not late yet
        (None, "in_progress", False),
    ],
)
def test_a_measure_is_overdue_when_past_its_due_date_and_not_done(days, status, overdue):
    due_on = None if days is None else timezone.localdate() + datetime.timedelta(days=days)
    assert Measure(due_on=due_on, status=status).is_overdue is overdue


def _overdue_plan(unit):
    """v1 approved with one measure overdue and one done late; v2 a draft carrying both."""
    plan = approved_plan(unit)
    last_week = timezone.localdate() - datetime.timedelta(days=7)
    first = plan.in_force.measures.get()
    Measure.objects.filter(pk=first.pk).update(due_on=last_week, status="in_progress")
    done = Measure.objects.create(
        version=plan.in_force, position=2, area="protection", content="已完成", due_on=last_week, status="done"
    )
    assert done.pk
    services.plan_revise(actor=None, plan=plan)
    plan.refresh_from_db()
    return plan


def test_the_overdue_badge_on_the_plan_page_and_in_the_editor(client, users, unit):
    two_served_units(users[Role.TEAM_MEMBER], unit)
    plan = _overdue_plan(unit)
    client.force_login(users[Role.TEAM_MEMBER])
    detail = client.get(reverse("plans:detail", kwargs={"uid": plan.uid})).text
    assert detail.count('data-testid="measure-overdue"') == 2  # the version in force and the draft, once each
    assert "已逾期" in detail
    editor = client.get(reverse("plans:edit", kwargs={"uid": plan.uid})).text
    assert editor.count('data-testid="measure-overdue"') == 1
    fragment = client.post(
        reverse("plans:measure_move", kwargs={"uid": plan.uid, "measure_id": plan.working.measures.first().pk}),
        {"direction": "down"},
        **HTMX,
    )
    assert fragment.text.count('data-testid="measure-overdue"') == 1


def test_the_overdue_badge_in_the_review_on_changed_and_on_folded_lines(client, users, unit):
    plan = approved_plan(unit)
    last_week = timezone.localdate() - datetime.timedelta(days=7)
    Measure.objects.filter(version=plan.in_force).update(due_on=last_week, status="in_progress")
    Measure.objects.create(
        version=plan.in_force, position=2, area="protection", content="维权", due_on=last_week, status="not_started"
    )
    draft = services.plan_revise(actor=None, plan=plan)
    first = draft.measures.order_by("position").first()
    services.measure_save(actor=None, version=draft, measure=first, content="宣讲专利法（补充）")  # a changed line
    services.plan_submit(actor=None, version=draft)
    client.force_login(users[Role.BUREAU])
    review = client.get(reverse("plans:review", kwargs={"uid": plan.uid})).text
    measures = review.split('data-testid="diff-measures"', 1)[1]
    changed, folded = measures.split('data-testid="diff-same"', 1)
    assert changed.count('data-testid="measure-overdue"') == 1
    assert folded.split("</details>")[0].count('data-testid="measure-overdue"') == 1


def test_the_overdue_badge_in_the_printed_plan(unit):
    from django.template.loader import render_to_string

    from plans.pdf import plan_document

    plan = _overdue_plan(unit)
    document = plan_document(version=plan.in_force)
    html = render_to_string("plans/pdf.html", {"doc": document, "version": document.version})
    assert html.count('data-testid="measure-overdue"') == 1
    assert "已逾期" in html


# --- The editor's messages ---------------------------------------------------------------------------------------


def test_the_editor_says_saved_once(client, users, unit):
    two_served_units(users[Role.TEAM_MEMBER], unit)
    plan = PlanFactory(unit=unit)
    client.force_login(users[Role.TEAM_MEMBER])
    response = client.post(
        reverse("plans:edit", kwargs={"uid": plan.uid}), {"revision": 0, **SECTION_TEXT}, follow=True
    )
    assert response.status_code == 200
    assert response.text.count("方案内容已保存。") == 1


def test_the_measures_fragment_shows_its_own_message_once(client, users, unit, monkeypatch):
    """htmx swaps in only the measures list: a message of that request comes with it, once."""
    two_served_units(users[Role.TEAM_MEMBER], unit)
    plan = PlanFactory(unit=unit)
    measure = ready(plan).measures.get()

    def refuse(**kwargs):
        raise ValidationError("此举措已被他人删除。")

    monkeypatch.setattr(services, "measure_delete", refuse)
    client.force_login(users[Role.TEAM_MEMBER])
    url = reverse("plans:measure_delete", kwargs={"uid": plan.uid, "measure_id": measure.pk})
    assert client.post(url, **HTMX).text.count("此举措已被他人删除。") == 1
    page = client.post(url, follow=True)  # without JavaScript: back to the editor page
    assert page.text.count("此举措已被他人删除。") == 1
