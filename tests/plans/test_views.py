"""The plan pages for every role: scoping of every URL, the workflow through the views, the editor and the lists."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from plans import services
from plans.models import SECTIONS, Measure, Plan, PlanVersion
from tests.factories import (
    SECTION_TEXT,
    PlanFactory,
    UnitFactory,
    approved_plan,
    ready,
    two_served_units,
)
from units.models import ListingEvent, Unit

Status = PlanVersion.Status
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def programme(users, outsiders, unit):
    """`unit` (杭州) served by tom's team; a Ningbo unit served by tina's team."""
    return two_served_units(users[Role.TEAM_MEMBER], unit)


@pytest.fixture
def viewers(users, outsiders, programme):
    return {
        "bureau": users[Role.BUREAU],
        "officer": users[Role.OFFICER],
        "officer_out": outsiders[Role.OFFICER],
        "member": users[Role.TEAM_MEMBER],
        "member_other": programme["other_team"].memberships.get(role="leader").person.user,
        "expert": users[Role.EXPERT],
        "contact": users[Role.UNIT_CONTACT],
        "contact_other": outsiders[Role.UNIT_CONTACT],
    }


def url(name: str, plan: Plan, **kwargs) -> str:
    return reverse(f"plans:{name}", kwargs={"uid": plan.uid, **kwargs})


def revised_plan(unit) -> Plan:
    """v1 approved and in force (one measure), v2 a draft revision of it."""
    plan = approved_plan(unit)
    services.plan_revise(actor=None, plan=plan)
    plan.refresh_from_db()
    return plan


# ---------------------------------------------------------------------------------------------------------------
# Scoping of every URL, for every role

OUT_OF_SCOPE = ("officer_out", "member_other", "expert", "contact_other")


def _check(client, viewers, expected: dict[str, int], request) -> None:
    for role in [*OUT_OF_SCOPE, "bureau", "officer", "contact", "member"]:  # the one who may act goes last
        client.force_login(viewers[role])
        assert request().status_code == expected[role], role


def test_plan_page_of_a_draft_only_plan_per_role(client, viewers, unit):
    plan = PlanFactory(unit=unit)
    target = url("detail", plan)
    expected = dict.fromkeys(viewers, 404) | {"bureau": 200, "member": 200}
    _check(client, viewers, expected, lambda: client.get(target))


def test_plan_page_of_an_approved_plan_per_role(client, viewers, unit):
    plan = revised_plan(unit)
    target = url("detail", plan)
    expected = dict.fromkeys(viewers, 404) | {"bureau": 200, "member": 200, "officer": 200, "contact": 200}
    _check(client, viewers, expected, lambda: client.get(target))


def test_officer_and_contact_see_only_the_version_in_force(client, viewers, unit):
    plan = revised_plan(unit)
    services.plan_sections_save(
        actor=None, version=plan.working, revision=plan.working.revision, ip_status="尚未批准的新文字"
    )
    for role in ("officer", "contact"):
        client.force_login(viewers[role])
        response = client.get(url("detail", plan))
        assert response.context["in_force"].pk == plan.in_force_id
        assert not response.context["full"]
        assert "working" not in response.context
        assert "events" not in response.context
        assert "尚未批准的新文字" not in response.text
    client.force_login(viewers["member"])
    assert "尚未批准的新文字" in client.get(url("detail", plan)).text


def test_start_per_role(client, viewers, unit):
    target = reverse("plans:start", kwargs={"uid": unit.uid})
    expected = dict.fromkeys(viewers, 404) | {"bureau": 403, "officer": 403, "contact": 403, "member": 302}
    _check(client, viewers, expected, lambda: client.post(target))
    plan = Plan.objects.get(unit=unit)
    assert plan.working.number == 1
    assert client.post(target).status_code == 302  # a second start is refused with a message, not a 500
    assert Plan.objects.filter(unit=unit).count() == 1


# (url name, method, whose measure, data, the serving member's answer)
WRITE_URLS = [
    ("edit", "get", None, None, 200),
    ("autosave", "post", None, None, 200),
    ("submit", "post", None, None, 302),
    ("revise", "post", None, None, 302),
    (
        "measure_add",
        "post",
        None,
        {"new-area": "protection", "new-content": "海外纠纷应对", "new-status": "not_started"},
        302,
    ),
    ("measure_edit", "get", "working", None, 200),
    ("measure_delete", "post", "working", None, 302),
    ("measure_move", "post", "working", {"direction": "up"}, 302),
    ("measure_progress", "get", "in_force", None, 200),
]


@pytest.mark.parametrize(("name", "method", "measure", "data", "member"), WRITE_URLS)
def test_team_urls_per_role_on_an_approved_plan(client, viewers, unit, name, method, measure, data, member):
    plan = revised_plan(unit)
    kwargs = {}
    if measure:
        version = plan.working if measure == "working" else plan.in_force
        kwargs["measure_id"] = version.measures.first().pk
    target = url(name, plan, **kwargs)
    # The officer and the contact see the plan in force, so they are refused (403), not kept in the dark (404).
    expected = dict.fromkeys(viewers, 404) | {"bureau": 403, "officer": 403, "contact": 403, "member": member}
    _check(client, viewers, expected, lambda: getattr(client, method)(target, data or {}))


@pytest.mark.parametrize(("name", "method", "measure", "data", "member"), WRITE_URLS)
def test_team_urls_per_role_on_a_draft_only_plan(client, viewers, unit, name, method, measure, data, member):
    plan = PlanFactory(unit=unit)
    measure_obj = services.measure_save(actor=None, version=plan.working, area="policy_law", content="宣讲")
    target = url(name, plan, **({"measure_id": measure_obj.pk} if measure else {}))
    if name == "measure_progress":
        member = 404  # a draft has no measure in force
    expected = dict.fromkeys(viewers, 404) | {"bureau": 403, "member": member}
    _check(client, viewers, expected, lambda: getattr(client, method)(target, data or {}))


REVIEW_URLS = [
    ("review", "get", None, 200),
    ("return", "post", {"comment": "请补充"}, 302),
    ("approve", "post", {}, 302),
]


@pytest.mark.parametrize(("name", "method", "data", "bureau"), REVIEW_URLS)
def test_bureau_urls_per_role(client, viewers, unit, name, method, data, bureau):
    plan = revised_plan(unit)
    services.plan_submit(actor=None, version=plan.working)
    target = url(name, plan)
    expected = dict.fromkeys(viewers, 404) | {"member": 403, "officer": 403, "contact": 403}
    for role in [*OUT_OF_SCOPE, "officer", "contact", "member", "bureau"]:
        client.force_login(viewers[role])
        code = getattr(client, method)(target, data or {}).status_code
        assert code == (bureau if role == "bureau" else expected[role]), role


def test_bureau_urls_of_a_draft_only_plan_are_404_for_officer_and_contact(client, viewers, unit):
    plan = PlanFactory(unit=unit)
    ready(plan)
    services.plan_submit(actor=None, version=plan.working)
    for name, method, data, _bureau in REVIEW_URLS:
        for role in ("officer", "contact", *OUT_OF_SCOPE):
            client.force_login(viewers[role])
            assert getattr(client, method)(url(name, plan), data or {}).status_code == 404, (name, role)


@pytest.mark.parametrize("name", ["queue", "overview"])
def test_lists_per_role(client, viewers, unit, name):
    PlanFactory(unit=unit)
    allowed = {"bureau"} | ({"member", "member_other"} if name == "overview" else set())
    for role, user in viewers.items():
        client.force_login(user)
        assert client.get(reverse(f"plans:{name}")).status_code == (200 if role in allowed else 403), role


# ---------------------------------------------------------------------------------------------------------------
# The workflow through the pages


def test_journey_through_the_views(client, viewers, unit):
    member, bureau = viewers["member"], viewers["bureau"]
    client.force_login(member)
    client.post(reverse("plans:start", kwargs={"uid": unit.uid}))
    plan = Plan.objects.get(unit=unit)
    client.post(url("edit", plan), {"revision": 0, **SECTION_TEXT})
    client.post(
        url("measure_add", plan), {"new-area": "policy_law", "new-content": "宣讲", "new-status": "not_started"}
    )
    assert client.post(url("submit", plan)).status_code == 302
    assert PlanVersion.objects.get(plan=plan).status == Status.SUBMITTED

    client.force_login(bureau)
    response = client.post(url("return", plan), {"comment": ""})
    assert response.status_code == 200
    assert response.context["return_form"].errors
    client.post(url("return", plan), {"comment": "请补充专利导航"})
    assert PlanVersion.objects.get(plan=plan).status == Status.RETURNED

    client.force_login(member)
    response = client.get(url("edit", plan))
    assert [e.comment for e in response.context["return_comments"]] == ["请补充专利导航"]
    detail = client.get(url("detail", plan))
    assert "请补充专利导航" in detail.text
    client.post(url("submit", plan))

    client.force_login(bureau)
    assert client.post(url("approve", plan), {"comment": ""}).status_code == 302
    plan.refresh_from_db()
    assert plan.in_force.status == Status.APPROVED
    assert plan.working is None

    client.force_login(viewers["contact"])
    response = client.get(url("detail", plan))
    assert response.status_code == 200
    assert response.context["in_force"].pk == plan.in_force_id


def test_submit_of_an_incomplete_plan_is_a_message_not_a_500(client, viewers, unit):
    plan = PlanFactory(unit=unit)
    client.force_login(viewers["member"])
    response = client.post(url("submit", plan), follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert PlanVersion.objects.get(plan=plan).status == Status.DRAFT


def test_approve_twice_is_a_message(client, viewers, unit):
    plan = PlanFactory(unit=unit)
    ready(plan)
    services.plan_submit(actor=None, version=plan.working)
    client.force_login(viewers["bureau"])
    client.post(url("approve", plan))
    response = client.post(url("approve", plan), follow=True)
    assert response.status_code == 200
    assert list(response.context["messages"])


def test_revise_from_the_plan_page_keeps_v1_in_force(client, viewers, unit):
    plan = approved_plan(unit)
    client.force_login(viewers["member"])
    response = client.post(url("revise", plan))
    assert response.url == url("edit", plan)
    plan.refresh_from_db()
    assert plan.working.number == 2
    assert plan.in_force.number == 1
    assert plan.working.measures.get().carried_from_id == plan.in_force.measures.get().pk


def test_progress_note_on_a_measure_in_force(client, viewers, unit):
    plan = approved_plan(unit)
    measure = plan.in_force.measures.get()
    client.force_login(viewers["member"])
    target = url("measure_progress", plan, measure_id=measure.pk)
    assert client.post(target, {"date": "", "text": ""}).status_code == 200  # the form's errors
    response = client.post(target, {"date": "2026-06-01", "text": "已完成宣讲", "status": "done"})
    assert response.status_code == 302
    assert Measure.objects.get(pk=measure.pk).status == "done"
    assert measure.progress_notes.get().text == "已完成宣讲"


# ---------------------------------------------------------------------------------------------------------------
# The editor


def test_two_saves_from_the_same_revision_the_second_sees_both_texts(client, viewers, unit):
    plan = PlanFactory(unit=unit)
    client.force_login(viewers["member"])
    first = {"revision": 0, **dict.fromkeys(SECTIONS, ""), "ip_status": "甲写的现状"}
    second = {"revision": 0, **dict.fromkeys(SECTIONS, ""), "ip_status": "乙写的现状"}
    assert client.post(url("edit", plan), first).status_code == 302
    response = client.post(url("edit", plan), second)
    assert response.status_code == 200
    conflicts = response.context["conflicts"]
    assert [c["name"] for c in conflicts] == ["ip_status"]
    assert "甲写的现状" in conflicts[0]["stored"]
    assert conflicts[0]["mine"] == "乙写的现状"
    assert "甲写的现状" in response.text
    assert "乙写的现状" in response.text
    assert 'data-testid="conflict"' in response.text
    assert PlanVersion.objects.get(plan=plan).ip_status == "<p>甲写的现状</p>"  # nothing overwritten
    form = response.context["form"]
    assert form["revision"].value() == "1"
    assert form["ip_status"].value() == "乙写的现状"
    # A deliberate second save, from the revision the conflict page carries, wins.
    assert client.post(url("edit", plan), {**second, "revision": 1}).status_code == 302
    assert PlanVersion.objects.get(plan=plan).ip_status == "<p>乙写的现状</p>"


def test_autosave_uses_the_same_revision_logic(client, viewers, unit):
    plan = PlanFactory(unit=unit)
    client.force_login(viewers["member"])
    data = {"revision": 0, **dict.fromkeys(SECTIONS, ""), "ip_status": "自动保存的文字"}
    response = client.post(url("autosave", plan), data, **HTMX)
    assert response.context["outcome"] == "saved"
    assert 'id="id_revision" value="1"' in response.text
    stale = client.post(url("autosave", plan), {**data, "ip_status": "过时的文字"}, **HTMX)
    assert stale.context["outcome"] == "conflict"
    assert PlanVersion.objects.get(plan=plan).ip_status == "<p>自动保存的文字</p>"


def test_sections_saved_from_the_editor_are_sanitised_and_edited_as_plain_text(client, viewers, unit):
    plan = PlanFactory(unit=unit)
    client.force_login(viewers["member"])
    dirty = '<p onclick="steal()">优势</p><script>alert(1)</script>'
    client.post(url("edit", plan), {"revision": 0, **dict.fromkeys(SECTIONS, ""), "characteristics": dirty})
    client.post(url("edit", plan), {"revision": 1, **dict.fromkeys(SECTIONS, ""), "weak_links": "一段\n\n二段"})
    version = PlanVersion.objects.get(plan=plan)
    assert version.weak_links == "<p>一段</p><p>二段</p>"
    response = client.get(url("edit", plan))
    assert response.context["form"]["weak_links"].value() == "一段\n\n二段"
    page = client.get(url("detail", plan)).text
    assert "<script>alert" not in page
    assert "onclick" not in page


def test_editor_is_closed_while_the_plan_is_submitted(client, viewers, unit):
    plan = PlanFactory(unit=unit)
    ready(plan)
    services.plan_submit(actor=None, version=plan.working)
    client.force_login(viewers["member"])
    assert client.get(url("edit", plan)).url == url("detail", plan)


def _measure_data(content: str, **extra) -> dict:
    return {"new-area": "policy_law", "new-content": content, "new-status": "not_started", **extra}


def test_measures_added_edited_moved_and_deleted_with_htmx(client, viewers, unit, programme):
    plan = PlanFactory(unit=unit)
    client.force_login(viewers["member"])
    owner = programme["leader"]
    response = client.post(url("measure_add", plan), _measure_data("一", **{"new-owner": owner.pk}), **HTMX)
    assert response.status_code == 200
    assert next(t.name for t in response.templates) == "plans/_measures.html"
    due = (timezone.localdate() + datetime.timedelta(days=90)).isoformat()
    client.post(url("measure_add", plan), _measure_data("二", **{"new-due_on": due}), **HTMX)
    client.post(url("measure_add", plan), _measure_data("三"), **HTMX)
    measures = list(plan.working.measures.all())
    assert [m.content for m in measures] == ["一", "二", "三"]
    assert measures[0].owner_id == owner.pk

    response = client.post(url("measure_move", plan, measure_id=measures[2].pk), {"direction": "up"}, **HTMX)
    assert [m.content for m in response.context["measures"]] == ["一", "三", "二"]
    client.post(url("measure_move", plan, measure_id=measures[0].pk), {"direction": "down"}, **HTMX)
    assert [m.content for m in plan.working.measures.all()] == ["三", "一", "二"]
    client.post(url("measure_move", plan, measure_id=measures[2].pk), {"direction": "up"}, **HTMX)  # already first
    assert [m.content for m in plan.working.measures.all()] == ["三", "一", "二"]

    edit = url("measure_edit", plan, measure_id=measures[1].pk)
    row = client.get(edit, **HTMX)
    assert next(t.name for t in row.templates) == "plans/_measure_form_row.html"
    prefix = f"m{measures[1].pk}"
    data = {f"{prefix}-area": "protection", f"{prefix}-content": "二（改）", f"{prefix}-status": "in_progress"}
    assert client.post(edit, data, **HTMX).status_code == 200
    assert Measure.objects.get(pk=measures[1].pk).content == "二（改）"

    client.post(url("measure_delete", plan, measure_id=measures[0].pk), **HTMX)
    assert [m.content for m in plan.working.measures.all()] == ["三", "二（改）"]


def test_measures_without_javascript(client, viewers, unit):
    plan = PlanFactory(unit=unit)
    client.force_login(viewers["member"])
    response = client.post(url("measure_add", plan), _measure_data("宣讲"))
    assert response.status_code == 302
    assert response.url.endswith("#measures")
    measure = plan.working.measures.get()
    assert client.get(url("measure_edit", plan, measure_id=measure.pk)).status_code == 200
    prefix = f"m{measure.pk}"
    data = {f"{prefix}-area": "policy_law", f"{prefix}-content": "", f"{prefix}-status": "done"}
    assert client.post(url("measure_edit", plan, measure_id=measure.pk), data).status_code == 200  # errors shown
    invalid = client.post(url("measure_add", plan), _measure_data(""))
    assert invalid.status_code == 200
    assert invalid.context["measure_form"].errors
    invalid_htmx = client.post(url("measure_add", plan), _measure_data(""), **HTMX)
    assert invalid_htmx.context["measure_form"].errors


def test_measure_owner_must_be_a_candidate(client, viewers, unit):
    from tests.factories import PersonFactory

    plan = PlanFactory(unit=unit)
    client.force_login(viewers["member"])
    stranger = PersonFactory(confidentiality_signed_on=None)  # nobody unsigned owns a measure
    response = client.post(url("measure_add", plan), _measure_data("宣讲", **{"new-owner": stranger.pk}), **HTMX)
    assert response.context["measure_form"].errors
    assert not plan.working.measures.exists()


def test_measure_of_another_plan_is_404(client, viewers, unit, programme):
    plan = PlanFactory(unit=unit)
    other = PlanFactory(unit=UnitFactory())
    foreign = services.measure_save(actor=None, version=other.working, area="policy_law", content="x")
    client.force_login(viewers["member"])
    assert client.get(url("measure_edit", plan, measure_id=foreign.pk)).status_code == 404
    assert client.post(url("measure_move", plan, measure_id=foreign.pk), {"direction": "up"}).status_code == 404


# ---------------------------------------------------------------------------------------------------------------
# Review, queue and overview


def test_review_diffs_the_resubmission_against_the_returned_state(client, viewers, unit):
    plan = PlanFactory(unit=unit)
    version = ready(plan)
    services.plan_submit(actor=None, version=version)
    services.plan_return(actor=None, version=version, comment="改")
    version.refresh_from_db()
    services.plan_sections_save(actor=None, version=version, revision=version.revision, main_needs="新的<需求>")
    services.measure_save(actor=None, version=version, area="protection", content="新增举措")
    services.plan_submit(actor=None, version=version)
    client.force_login(viewers["bureau"])
    response = client.get(url("review", plan))
    assert response.context["baseline"].kind == "returned"
    sections = {s.name: s for s in response.context["sections"]}
    assert sections["main_needs"].changed
    assert not sections["ip_status"].changed
    assert "<ins" in response.text
    assert "&lt;需求&gt;" in response.text
    kinds = [row.kind for row in response.context["measures"].rows]
    assert kinds == ["equal", "added"]


def test_review_of_a_revision_diffs_against_the_version_in_force(client, viewers, unit):
    plan = revised_plan(unit)
    version = plan.working
    services.plan_sections_save(actor=None, version=version, revision=version.revision, ip_status="全新现状")
    services.plan_submit(actor=None, version=version)
    client.force_login(viewers["bureau"])
    response = client.get(url("review", plan))
    assert response.context["baseline"].kind == "in_force"
    assert {s.name for s in response.context["sections"] if s.changed} == {"ip_status"}


def test_review_of_a_plan_not_submitted_goes_back_to_the_plan(client, viewers, unit):
    plan = PlanFactory(unit=unit)
    client.force_login(viewers["bureau"])
    assert client.get(url("review", plan)).url == url("detail", plan)


def _submitted(unit) -> Plan:
    plan = PlanFactory(unit=unit)
    ready(plan)
    services.plan_submit(actor=None, version=plan.working)
    return plan


def test_queue_lists_submitted_plans_oldest_first_and_filters_by_city(client, viewers, unit, programme):
    first = _submitted(unit)
    second = _submitted(programme["ningbo"])
    PlanFactory(unit=UnitFactory())  # a draft is not in the queue
    client.force_login(viewers["bureau"])
    response = client.get(reverse("plans:queue"))
    assert [v.plan_id for v in response.context["page_obj"]] == [first.pk, second.pk]
    ningbo = client.get(reverse("plans:queue"), {"city": "330200"})
    assert [v.plan_id for v in ningbo.context["page_obj"]] == [second.pk]
    found = client.get(reverse("plans:queue"), {"q": "甬江"})
    assert [v.plan_id for v in found.context["page_obj"]] == [second.pk]


def _rows(response) -> dict[str, str]:
    """Plan states by unit, leaving out the outsiders' unit (the `outsiders` fixture's, in 宁波)."""
    return {u.name: u.plan_state for u in response.context["page_obj"] if not u.name.startswith("测试重点单位")}


def test_overview_lists_units_with_and_without_a_plan(client, viewers, unit, programme):
    approved_plan(unit)
    UnitFactory(name="未启动单位", category=Unit.Category.UNIVERSITY)
    client.force_login(viewers["bureau"])
    response = client.get(reverse("plans:overview"))
    assert _rows(response) == {
        "西湖光电实验室": "approved",
        "宁波甬江材料实验室": "not_started",
        "未启动单位": "not_started",
    }
    counts = {s["key"]: s["count"] for s in response.context["counts"]["states"]}
    assert counts == {"not_started": 3, "draft": 0, "submitted": 0, "returned": 0, "approved": 1}  # + outsiders' unit
    cities = {c.city: (c.total, c.approved, c.not_started) for c in response.context["counts"]["cities"]}
    assert cities == {"杭州市": (2, 1, 1), "宁波市": (2, 0, 2)}


def selected(unit, date: datetime.date) -> None:
    ListingEvent.objects.create(unit=unit, kind=ListingEvent.Kind.SELECTED, date=date, batch="第三批")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"state": "draft"}, {"宁波甬江材料实验室"}),
        ({"state": "not_started"}, {"未启动单位", "新入选单位"}),
        ({"city": "330200"}, {"宁波甬江材料实验室"}),
        ({"category": "university"}, {"宁波甬江材料实验室", "未启动单位"}),
        ({"q": "西湖"}, {"西湖光电实验室"}),
        ({"past_due": "yes"}, {"宁波甬江材料实验室", "未启动单位"}),
        ({"past_due": "no"}, {"西湖光电实验室", "新入选单位"}),
    ],
)
def test_overview_filters(client, viewers, unit, programme, query, expected):
    approved_plan(unit)
    ningbo_plan = PlanFactory(unit=programme["ningbo"])
    Plan.objects.filter(pk=ningbo_plan.pk).update(due_on=datetime.date(2025, 4, 30))
    # Without a plan, the due date is the one plan_start would give: from the unit's selection.
    selected(UnitFactory(name="未启动单位", category=Unit.Category.UNIVERSITY), datetime.date(2025, 3, 1))
    selected(UnitFactory(name="新入选单位"), timezone.localdate())
    client.force_login(viewers["bureau"])
    assert set(_rows(client.get(reverse("plans:overview"), query))) == expected


def test_overview_of_a_team_member_is_their_units(client, viewers, unit, programme):
    PlanFactory(unit=unit)
    client.force_login(viewers["member"])
    response = client.get(reverse("plans:overview"))
    assert _rows(response) == {"西湖光电实验室": "draft"}
    assert response.context["counts"]["total"] == 1
    client.force_login(viewers["member_other"])
    assert _rows(client.get(reverse("plans:overview"))) == {"宁波甬江材料实验室": "not_started"}


def test_plan_page_flags_a_past_due_plan(client, viewers, unit):
    plan = PlanFactory(unit=unit)
    Plan.objects.filter(pk=plan.pk).update(due_on=datetime.date(2025, 4, 30))
    client.force_login(viewers["bureau"])
    response = client.get(url("detail", plan))
    assert response.context["past_due"]
    assert 'data-testid="past-due"' in response.text


# ---------------------------------------------------------------------------------------------------------------
# The unit page and the navigation


def test_unit_page_shows_the_plan_card_and_the_approval_on_the_timeline(client, viewers, unit):
    client.force_login(viewers["member"])
    assert 'data-testid="start-plan"' in client.get(reverse("units:detail", kwargs={"uid": unit.uid})).text
    plan = approved_plan(unit)
    Measure.objects.filter(version=plan.in_force).update(due_on=datetime.date(2026, 12, 31))
    for role in ("member", "bureau", "contact", "officer"):
        client.force_login(viewers[role])
        response = client.get(reverse("units:detail", kwargs={"uid": unit.uid}))
        assert url("detail", plan) in response.text, role
        assert {"plan", "measure"} <= {event.kind for event in response.context["timeline"]}


def test_unit_page_of_a_draft_plan_shows_no_link_to_officer_and_contact(client, viewers, unit):
    plan = PlanFactory(unit=unit)
    for role in ("officer", "contact"):
        client.force_login(viewers[role])
        response = client.get(reverse("units:detail", kwargs={"uid": unit.uid}))
        assert url("detail", plan) not in response.text
        assert "plan" not in {event.kind for event in response.context["timeline"]}


def test_navigation_has_service_plans_for_bureau_and_team(client, viewers):
    overview = reverse("plans:overview")
    for role, user in viewers.items():
        client.force_login(user)
        urls = [item["url"] for item in client.get(reverse("home")).context["nav_items"]]
        assert (overview in urls) == (role in {"bureau", "member", "member_other"}), role


def test_the_plan_shows_the_ip_figures_it_was_written_against(client, viewers, unit):
    from tests.factories import IPProfileFactory

    IPProfileFactory(unit=unit, invention_patents=4321)
    plan = PlanFactory(unit=unit)
    IPProfileFactory(unit=unit, as_of="2026-06-30", invention_patents=9999)  # recorded later: not the plan's
    client.force_login(viewers["member"])
    response = client.get(url("detail", plan))
    assert "4321" in response.text
    assert "9999" not in response.text
