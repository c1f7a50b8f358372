"""The service archive's pages for every role: the list, logging an activity, its page, corrections, inviting an
expert and adding files; the log form's checks (nothing is saved on any error) and the measures it advances."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from archives import services
from archives.models import Activity, ActivityMeasure, Attachment
from plans.models import Measure, ProgressNote
from teams.models import Person
from tests.archives.conftest import EXE, JPG, PDF, PNG, office_zip, upload
from tests.factories import (
    ActivityFactory,
    PersonFactory,
    TeamFactory,
    UnitContactFactory,
    UnitFactory,
    assign,
    plan_with_two_measures,
)

# The serving member, who may act, goes last: what they do must not change the others' answers.
ALL = [
    "bureau",
    "officer",
    "officer_out",
    "member_other",
    "expert",
    "expert_other",
    "contact",
    "contact_other",
    "member",
]


def answers(default: int, **by_viewer: int) -> dict[str, int]:
    return {name: by_viewer.get(name, default) for name in ALL}


def status_by_viewer(client, viewers, send) -> dict[str, int]:
    statuses = {}
    for name in ALL:
        client.force_login(viewers[name])
        statuses[name] = send().status_code
    return statuses


def url(name: str, activity: Activity | None = None) -> str:
    return reverse(f"archives:{name}", kwargs={"uid": activity.uid} if activity else None)


def create_url(unit) -> str:
    return f"{reverse('archives:activity_create')}?unit={unit.uid}"


@pytest.fixture
def records(world, viewers, unit):
    """At `unit` (served by tom's team): one activity, one with eve invited; at the Ningbo unit: one with ed."""
    member = viewers["member"]
    return {
        "here": ActivityFactory(actor=member, unit=unit, date=datetime.date(2026, 9, 1), kind="visit"),
        "invited": ActivityFactory(
            actor=member,
            unit=unit,
            date=datetime.date(2026, 9, 10),
            kind="consultation",
            experts=[world["eve"]],
            team_participants=[world["leader"]],
            files=[upload("纪要.pdf", PDF)],
        ),
        "there": ActivityFactory(
            actor=world["tina"], unit=world["ningbo"], date=datetime.date(2026, 9, 5), experts=[world["ed"]]
        ),
    }


def listed(response) -> set[str]:
    return {str(activity.uid) for activity in response.context["object_list"]}


# ---------------------------------------------------------------------------------------------------------------
# The list


LIST_ROWS = {
    "bureau": {"here", "invited", "there"},
    "member": {"here", "invited"},
    "member_other": {"there"},
    "expert": {"invited"},
    "expert_other": {"there"},
    "contact": {"here", "invited"},  # the services their unit received
    "contact_other": set(),
}


def test_the_list_per_role(client, viewers, records):
    statuses = status_by_viewer(client, viewers, lambda: client.get(url("activity_list")))
    assert statuses == answers(200, officer=403, officer_out=403)  # officers do not see the archive
    for name, expected in LIST_ROWS.items():
        client.force_login(viewers[name])
        response = client.get(url("activity_list"))
        assert listed(response) == {str(records[key].uid) for key in expected}, name


def test_the_list_shows_the_columns_and_the_log_button_only_for_team_members(client, viewers, records, world):
    client.force_login(viewers["member"])
    page = client.get(url("activity_list")).text
    assert 'data-testid="log-activity"' in page
    invited = records["invited"]
    assert "2026-09-10" in page
    assert invited.unit.name in page
    assert world["team"].name in page
    assert world["leader"].name in page
    assert world["eve"].name in page
    assert '<i class="bi bi-paperclip" aria-hidden="true"></i> 1' in page
    for name in ("bureau", "expert", "contact"):
        client.force_login(viewers[name])
        assert 'data-testid="log-activity"' not in client.get(url("activity_list")).text, name


def test_the_contact_sees_services_received(client, viewers, records):
    client.force_login(viewers["contact"])
    response = client.get(url("activity_list"))
    assert response.context["services_received"]
    assert "team" not in response.context["filter"].filters  # no teams to choose from


def test_the_list_filters_searches_and_sorts(client, viewers, records, world):
    client.force_login(viewers["bureau"])

    def uids(**params) -> list[str]:
        return [str(a.uid) for a in client.get(url("activity_list"), params).context["object_list"]]

    here, invited, there = records["here"], records["invited"], records["there"]
    assert uids() == [str(invited.uid), str(there.uid), str(here.uid)]  # newest first
    assert uids(o="date") == [str(here.uid), str(there.uid), str(invited.uid)]
    assert uids(kind="consultation") == [str(invited.uid)]
    assert set(uids(q="宁波甬江")) == {str(there.uid)}
    assert set(uids(q=here.unit.credit_code.lower())) == {str(here.uid), str(invited.uid)}
    assert uids(date_from="2026-09-02", date_to="2026-09-09") == [str(there.uid)]
    assert set(uids(team=world["other_team"].pk)) == {str(there.uid)}
    names = [a.unit.name for a in client.get(url("activity_list"), {"o": "-unit"}).context["object_list"]]
    assert names == sorted(names, reverse=True)


def test_a_team_member_filters_only_by_their_own_teams(client, viewers, records, world):
    client.force_login(viewers["member"])
    response = client.get(url("activity_list"))
    assert list(response.context["filter"].form.fields["team"].queryset) == [world["team"]]
    # Another team's id is not a valid choice: the filter is ignored, the scope still holds.
    response = client.get(url("activity_list"), {"team": world["other_team"].pk})
    assert listed(response) == {str(records["here"].uid), str(records["invited"].uid)}


# session, user, count (in a savepoint), the permission backend (2), the team filter's choices, the rows,
# participants, experts: the same for 3 rows as for 30.
QUERIES = 11


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_runs_a_constant_number_of_queries(client, viewers, world, unit, django_assert_max_num_queries, count):
    member = viewers["member"]
    for index in range(count):
        ActivityFactory(
            actor=member,
            unit=unit,
            date=datetime.date(2026, 1, 1) + datetime.timedelta(days=index),
            team_participants=[world["leader"]],
            experts=[world["eve"]] if index % 2 else [],
            files=[upload("纪要.pdf", PDF)] if index % 3 == 0 else [],
        )
    client.force_login(member)
    with django_assert_max_num_queries(QUERIES):
        response = client.get(url("activity_list"))
    assert len(response.context["object_list"]) == min(count, 25)


def test_the_list_is_paginated_by_25(client, viewers, unit, world):
    for _index in range(26):
        ActivityFactory(actor=viewers["member"], unit=unit, date=datetime.date(2026, 1, 1))
    client.force_login(viewers["member"])
    assert len(client.get(url("activity_list")).context["object_list"]) == 25
    assert len(client.get(url("activity_list"), {"page": 2}).context["object_list"]) == 1


# ---------------------------------------------------------------------------------------------------------------
# The activity's page


def test_the_activity_page_per_role(client, viewers, records):
    target = url("activity_detail", records["invited"])
    statuses = status_by_viewer(client, viewers, lambda: client.get(target))
    assert statuses == answers(404, bureau=200, member=200, expert=200, contact=200)


def test_only_the_serving_team_gets_the_forms_on_the_activity_page(client, viewers, records):
    target = url("activity_detail", records["invited"])
    for name in ("bureau", "expert", "contact", "member"):
        client.force_login(viewers[name])
        response = client.get(target)
        serving = name == "member"
        assert response.context["can_change"] is serving, name
        for marker in ('data-testid="edit-activity"', 'data-testid="invite-form"', 'data-testid="attach-form"'):
            assert (marker in response.text) is serving, (name, marker)


def test_the_activity_page_shows_everything_recorded(client, viewers, world, unit):
    first, second = plan_with_two_measures(unit)
    contact = UnitContactFactory(unit=unit, name="王主任", position="知识产权部主任")
    activity = services.activity_create(
        actor=viewers["member"],
        unit=unit,
        date=datetime.date(2026, 9, 15),
        kind="visit",
        summary="上门走访，宣讲专利法。",
        outcome="形成维权工作方案。",
        follow_ups="十月底前提交布局建议。",
        team_participants=[world["leader"]],
        experts=[world["eve"]],
        unit_attendees=[contact],
        other_attendees="李工",
        advances=[services.Advance(first, "完成专利法宣讲。", status=Measure.Status.DONE)],
        files=[upload("走访纪要.pdf", PDF)],
    )
    client.force_login(viewers["contact"])
    page = client.get(url("activity_detail", activity)).text
    for text in (
        "上门走访，宣讲专利法。",
        "形成维权工作方案。",
        "十月底前提交布局建议。",
        world["leader"].name,
        world["eve"].name,
        "王主任（知识产权部主任）",
        "李工",
        first.content,
        "完成专利法宣讲。",
        "走访纪要.pdf",
        reverse("archives:attachment_download", kwargs={"uid": activity.attachments.get().uid}),
    ):
        assert text in page, text
    assert second.content not in page


def test_an_expert_does_not_get_a_link_to_the_units_page(client, viewers, records):
    client.force_login(viewers["expert"])
    assert 'data-testid="unit-link"' not in client.get(url("activity_detail", records["invited"])).text
    client.force_login(viewers["contact"])
    assert 'data-testid="unit-link"' in client.get(url("activity_detail", records["invited"])).text


def test_a_malformed_or_unknown_uid_is_404(client, viewers, records):
    client.force_login(viewers["bureau"])
    assert client.get("/archives/activities/00000000-0000-0000-0000-000000000000/").status_code == 404


# ---------------------------------------------------------------------------------------------------------------
# Logging an activity


def test_the_log_form_per_role(client, viewers, unit, world):
    statuses = status_by_viewer(client, viewers, lambda: client.get(create_url(unit)))
    # The unit's page is visible to the bureau, the 杭州 officer and the unit's contact: they may not record (403).
    assert statuses == answers(404, bureau=403, officer=403, member=200, contact=403)
    statuses = status_by_viewer(client, viewers, lambda: client.get(url("activity_create")))
    assert statuses == answers(403, member=200, member_other=200)


def test_a_malformed_unit_is_404(client, viewers, world):
    client.force_login(viewers["member"])
    assert client.get(url("activity_create") + "?unit=not-a-uid").status_code == 404


def test_posting_the_log_form_by_a_wrong_role_saves_nothing(client, viewers, unit, world):
    data = {"date": "2026-09-15", "kind": "visit", "summary": "走访。"}
    statuses = status_by_viewer(client, viewers, lambda: client.post(create_url(unit), data))
    assert statuses == answers(404, bureau=403, officer=403, member=302, contact=403)
    assert Activity.objects.count() == 1  # only the serving member's


def test_the_log_form_defaults_to_today_and_ticks_the_logged_in_person(client, viewers, unit, world):
    client.force_login(viewers["member"])
    response = client.get(url("activity_create"))  # tom's team serves one unit: it is preselected
    form = response.context["form"]
    assert response.context["unit"] == unit
    assert form["date"].value() == timezone.localdate()
    assert form["team_participants"].value() == [str(world["leader"].pk)]
    assert f'value="{world["leader"].pk}"' in response.text
    assert "checked" in response.text
    assert f'max="{timezone.localdate().isoformat()}"' in response.text
    assert "<table" not in response.text  # a phone form: no tables


def test_the_log_form_offers_the_serving_teams_people_the_units_contacts_and_signed_experts(
    client, viewers, unit, world
):
    contact = UnitContactFactory(unit=unit, name="王主任")
    UnitContactFactory(unit=world["ningbo"], name="别家联系人")
    unsigned = PersonFactory(kind=Person.Kind.LAWYER, name="未签律师", confidentiality_signed_on=None)
    inactive = PersonFactory(kind=Person.Kind.LAWYER, name="停用律师", is_active=False)
    client.force_login(viewers["member"])
    form = client.get(create_url(unit)).context["form"]
    seats = set(world["team"].memberships.values_list("person_id", flat=True))
    offered = [int(pk) for pk, _ in form.fields["team_participants"].choices]
    assert set(offered) == seats
    assert len(offered) == 3
    assert offered[0] == world["leader"].pk  # the leader first
    assert [int(pk) for pk, _ in form.fields["unit_attendees"].choices] == [contact.pk]
    # The experts are searched for (a type-ahead), not listed: what the form accepts is its queryset.
    experts = set(form.fields["experts"].queryset.values_list("pk", flat=True))
    assert {world["eve"].pk, world["ed"].pk} <= experts
    assert not experts & {unsigned.pk, inactive.pk}
    assert not experts & seats


def test_a_member_of_two_units_first_chooses_the_unit(client, viewers, unit, world):
    second = UnitFactory(name="之江第二实验室")
    assign(second, world["team"])
    client.force_login(viewers["member"])
    response = client.get(url("activity_create"))
    assert response.status_code == 200
    assert "form" not in response.context
    assert 'data-testid="unit-picker"' in response.text
    assert unit.name in response.text
    assert second.name in response.text
    assert world["ningbo"].name not in response.text
    response = client.get(create_url(second))
    assert response.context["unit"] == second


def test_logging_an_activity_saves_everything_and_shows_it(client, viewers, unit, world):
    contact = UnitContactFactory(unit=unit)
    client.force_login(viewers["member"])
    response = client.post(
        create_url(unit),
        {
            "date": "2026-09-15",
            "kind": "consultation",
            "summary": "专题会商海外布局。",
            "outcome": "确定PCT申请计划。",
            "follow_ups": "下周提交方案。",
            "team_participants": [world["leader"].pk],
            "experts": [world["eve"].pk],
            "unit_attendees": [contact.pk],
            "other_attendees": "李工",
            "files": [upload("纪要.pdf", PDF), upload("现场.png", PNG), upload("方案.docx", office_zip())],
        },
    )
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response.url == url("activity_detail", activity)
    assert (activity.date, activity.kind, activity.summary, activity.team) == (
        datetime.date(2026, 9, 15),
        "consultation",
        "专题会商海外布局。",
        world["team"],
    )
    assert (activity.outcome, activity.follow_ups, activity.other_attendees) == (
        "确定PCT申请计划。",
        "下周提交方案。",
        "李工",
    )
    assert list(activity.team_participants.all()) == [world["leader"]]
    assert list(activity.experts.all()) == [world["eve"]]
    assert list(activity.unit_attendees.all()) == [contact]
    assert sorted(activity.attachments.values_list("original_name", flat=True)) == ["方案.docx", "现场.png", "纪要.pdf"]
    page = client.get(response.url)
    assert [m.level_tag for m in page.context["messages"]] == ["success"]


def test_a_future_date_is_refused_and_nothing_is_saved(client, viewers, unit, world):
    client.force_login(viewers["member"])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(create_url(unit), {"date": tomorrow.isoformat(), "kind": "visit", "summary": "走访。"})
    assert response.status_code == 200
    assert [error.code for error in response.context["form"].errors.as_data()["date"]] == ["future"]
    assert not Activity.objects.exists()


def test_what_was_done_is_required(client, viewers, unit, world):
    client.force_login(viewers["member"])
    response = client.post(create_url(unit), {"date": "2026-09-15", "kind": "visit", "summary": " "})
    assert "summary" in response.context["form"].errors
    assert not Activity.objects.exists()


def test_someone_not_offered_cannot_be_posted(client, viewers, unit, world):
    other_team_person = world["other_team"].memberships.get(role="leader").person
    foreign_contact = UnitContactFactory(unit=world["ningbo"])
    client.force_login(viewers["member"])
    data = {"date": "2026-09-15", "kind": "visit", "summary": "走访。"}
    for field, value in (("team_participants", other_team_person.pk), ("unit_attendees", foreign_contact.pk)):
        response = client.post(create_url(unit), data | {field: [value]})
        assert field in response.context["form"].errors, field
    assert not Activity.objects.exists()


def advance_data(measure, *, note: str = "", done: bool = False, ticked: bool = True) -> dict:
    data = {f"measure-{measure.pk}-note": note}
    if ticked:
        data[f"measure-{measure.pk}-advanced"] = "on"
    if done:
        data[f"measure-{measure.pk}-done"] = "on"
    return data


def test_advancing_two_measures_writes_notes_on_both_and_marks_done_where_asked(client, viewers, unit, world):
    first, second = plan_with_two_measures(unit)
    client.force_login(viewers["member"])
    response = client.get(create_url(unit))
    assert [form.measure for form in response.context["measure_forms"]] == [first, second]
    response = client.post(
        create_url(unit),
        {"date": "2026-09-15", "kind": "visit", "summary": "走访。"}
        | advance_data(first, note="完成专利法宣讲。", done=True)
        | advance_data(second, note="梳理维权流程。"),
    )
    assert response.status_code == 302
    activity = Activity.objects.get()
    notes = {note.measure_id: note for note in ProgressNote.objects.all()}
    assert notes[first.pk].text == "完成专利法宣讲。"
    assert notes[second.pk].text == "梳理维权流程。"
    assert {(n.date, n.author) for n in notes.values()} == {(datetime.date(2026, 9, 15), viewers["member"])}
    assert set(activity.advances.values_list("measure", flat=True)) == {first.pk, second.pk}
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Measure.Status.DONE
    assert second.status == Measure.Status.IN_PROGRESS  # it made progress, so it has started
    page = client.get(response.url).text
    assert "完成专利法宣讲。" in page
    assert "梳理维权流程。" in page


def test_an_unticked_measure_is_left_alone(client, viewers, unit, world):
    first, second = plan_with_two_measures(unit)
    client.force_login(viewers["member"])
    response = client.post(
        create_url(unit),
        {"date": "2026-09-15", "kind": "visit", "summary": "走访。"} | advance_data(first, note="进展。"),
    )
    assert response.status_code == 302
    assert list(ProgressNote.objects.values_list("measure", flat=True)) == [first.pk]
    second.refresh_from_db()
    assert second.status == Measure.Status.NOT_STARTED


def test_a_ticked_measure_without_a_note_is_an_error_on_that_measure_and_nothing_is_saved(client, viewers, unit, world):
    first, second = plan_with_two_measures(unit)
    client.force_login(viewers["member"])
    response = client.post(
        create_url(unit),
        {"date": "2026-09-15", "kind": "visit", "summary": "走访。", "files": [upload("纪要.pdf", PDF)]}
        | advance_data(first, note="完成。", done=True)
        | advance_data(second, note="  "),
    )
    assert response.status_code == 200
    forms_ = {form.measure: form for form in response.context["measure_forms"]}
    assert "note" in forms_[second].errors
    assert not forms_[first].errors
    assert f'data-testid="measure-{second.pk}"' in response.text
    assert 'data-testid="form-errors"' in response.text  # said at the top too, not only far down the page
    assert 'data-testid="files-dropped"' in response.text  # no submission token to keep it by: choose it again
    assert not Activity.objects.exists()
    assert not ProgressNote.objects.exists()
    assert not ActivityMeasure.objects.exists()
    assert not Attachment.objects.exists()
    first.refresh_from_db()
    assert first.status == Measure.Status.NOT_STARTED


def test_a_note_on_an_unticked_measure_asks_for_the_tick(client, viewers, unit, world):
    first, _second = plan_with_two_measures(unit)
    client.force_login(viewers["member"])
    response = client.post(
        create_url(unit),
        {"date": "2026-09-15", "kind": "visit", "summary": "走访。"} | advance_data(first, note="进展。", ticked=False),
    )
    assert "advanced" in response.context["measure_forms"][0].errors
    assert not Activity.objects.exists()


def test_a_measure_posted_for_another_unit_is_ignored(client, viewers, unit, world):
    """Only the measures of the unit's plan in force are read from the post; a foreign one writes nothing."""
    (foreign, *_rest) = plan_with_two_measures(world["ningbo"])
    client.force_login(viewers["member"])
    response = client.post(
        create_url(unit), {"date": "2026-09-15", "kind": "visit", "summary": "走访。"} | advance_data(foreign, note="x")
    )
    assert response.status_code == 302
    assert not ProgressNote.objects.exists()


def stored_files(media_root) -> list:
    return [path for path in media_root.rglob("*") if path.is_file()] if media_root.exists() else []


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [("程序.exe", EXE, "type_not_allowed"), ("伪装.pdf", EXE, "content_mismatch"), ("空.pdf", b"", "empty")],
)
def test_a_rejected_file_says_why_and_nothing_is_saved(client, viewers, unit, world, media_root, name, content, code):
    first, _second = plan_with_two_measures(unit)
    client.force_login(viewers["member"])
    response = client.post(
        create_url(unit),
        {
            "date": "2026-09-15",
            "kind": "visit",
            "summary": "走访。",
            "files": [upload("纪要.pdf", PDF), upload(name, content)],
        }
        | advance_data(first, note="完成。"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()["files"]
    assert [error.code for error in errors] == [code]
    assert name in errors[0].messages[0]
    assert name in response.text
    assert not Activity.objects.exists()
    assert not ProgressNote.objects.exists()
    assert not Attachment.objects.exists()
    assert stored_files(media_root) == []


# ---------------------------------------------------------------------------------------------------------------
# Correcting an activity


def test_the_correction_page_per_role(client, viewers, records):
    target = url("activity_edit", records["invited"])
    statuses = status_by_viewer(client, viewers, lambda: client.get(target))
    assert statuses == answers(404, bureau=403, member=200, expert=403, contact=403)


def test_posting_a_correction_per_role(client, viewers, records):
    activity = records["invited"]
    target = url("activity_edit", activity)
    data = {"date": "2026-09-11", "kind": "training", "summary": "改过的记录。"}
    statuses = status_by_viewer(client, viewers, lambda: client.post(target, data))
    assert statuses == answers(404, bureau=403, member=302, expert=403, contact=403)
    assert activity.history.count() == 2  # recorded, then corrected once: by the serving member only


def test_a_correction_is_saved_and_keeps_the_files_and_measures(client, viewers, records, world, unit):
    activity = records["invited"]
    contact = UnitContactFactory(unit=unit)
    client.force_login(viewers["member"])
    form = client.get(url("activity_edit", activity)).context["form"]
    assert form["summary"].value() == activity.summary
    assert form["experts"].value() == [str(world["eve"].pk)]
    response = client.post(
        url("activity_edit", activity),
        {
            "date": "2026-09-11",
            "kind": "training",
            "summary": "改过的记录。",
            "team_participants": [world["leader"].pk],
            "experts": [world["eve"].pk, world["ed"].pk],
            "unit_attendees": [contact.pk],
        },
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.date, activity.kind, activity.summary) == (datetime.date(2026, 9, 11), "training", "改过的记录。")
    assert set(activity.experts.all()) == {world["eve"], world["ed"]}
    assert list(activity.unit_attendees.all()) == [contact]
    assert activity.attachments.count() == 1


def test_a_correction_to_a_future_date_is_refused(client, viewers, records):
    activity = records["here"]
    client.force_login(viewers["member"])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        url("activity_edit", activity), {"date": tomorrow.isoformat(), "kind": "visit", "summary": "改。"}
    )
    assert response.status_code == 200
    assert "date" in response.context["form"].errors
    activity.refresh_from_db()
    assert activity.date == datetime.date(2026, 9, 1)


def test_a_participant_who_left_the_team_stays_on_the_correction_form(client, viewers, unit, world):
    former = PersonFactory(name="已调离组员")
    activity = ActivityFactory(actor=viewers["member"], unit=unit, team_participants=[former])
    client.force_login(viewers["member"])
    form = client.get(url("activity_edit", activity)).context["form"]
    assert str(former.pk) in dict(form.fields["team_participants"].choices)
    assert form["team_participants"].value() == [str(former.pk)]


# ---------------------------------------------------------------------------------------------------------------
# Inviting an expert


def test_inviting_an_expert_per_role(client, viewers, records, world):
    activity = records["here"]
    target = url("activity_invite_expert", activity)
    statuses = status_by_viewer(client, viewers, lambda: client.post(target, {"expert": world["ed"].pk}))
    assert statuses == answers(404, bureau=403, member=302, contact=403)
    assert list(activity.experts.all()) == [world["ed"]]
    client.force_login(world["ed"].user)  # ed now reads the activity
    assert client.get(url("activity_detail", activity)).status_code == 200
    assert client.get(target).status_code == 405  # POST only


def test_the_invited_expert_reads_the_activity_but_cannot_change_it(client, viewers, records, world):
    activity = records["invited"]
    client.force_login(viewers["expert"])
    assert client.post(url("activity_invite_expert", activity), {"expert": world["ed"].pk}).status_code == 403
    assert list(activity.experts.all()) == [world["eve"]]


def test_inviting_someone_not_offered_is_refused_with_a_message(client, viewers, records, world):
    activity = records["here"]
    unsigned = PersonFactory(kind=Person.Kind.LAWYER, confidentiality_signed_on=None)
    team_person = world["leader"]
    client.force_login(viewers["member"])
    for person in (unsigned, team_person):
        response = client.post(url("activity_invite_expert", activity), {"expert": person.pk}, follow=True)
        assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not activity.experts.exists()


def test_the_invite_form_offers_only_experts_not_yet_invited(client, viewers, records, world):
    client.force_login(viewers["member"])
    form = client.get(url("activity_detail", records["invited"])).context["invite_form"]
    offered = set(form.fields["expert"].queryset)
    assert world["ed"] in offered
    assert world["eve"] not in offered


# ---------------------------------------------------------------------------------------------------------------
# Adding files


def test_adding_files_per_role(client, viewers, records):
    activity = records["here"]
    target = url("activity_attach", activity)
    statuses = status_by_viewer(client, viewers, lambda: client.post(target, {"files": [upload("纪要.pdf", PDF)]}))
    assert statuses == answers(404, bureau=403, member=302, contact=403)
    assert list(activity.attachments.values_list("original_name", flat=True)) == ["纪要.pdf"]
    assert client.get(target).status_code == 405


def test_adding_files_by_the_serving_team(client, viewers, records):
    activity = records["here"]
    client.force_login(viewers["member"])
    response = client.post(
        url("activity_attach", activity), {"files": [upload("照片.jpg", JPG), upload("表.pdf", PDF)]}
    )
    assert response.status_code == 302
    assert response.url.endswith("#files")
    assert activity.attachments.count() == 2


def test_a_bad_file_is_refused_with_the_reason_and_nothing_is_saved(client, viewers, records, media_root):
    activity = records["here"]
    stored = stored_files(media_root)
    client.force_login(viewers["member"])
    response = client.post(
        url("activity_attach", activity),
        {"files": [upload("纪要.pdf", PDF), upload("伪装.pdf", EXE)]},
        follow=True,
    )
    messages = list(response.context["messages"])
    assert [m.level_tag for m in messages] == ["error"]
    assert "伪装.pdf" in str(messages[0])
    assert not activity.attachments.exists()
    assert stored_files(media_root) == stored


def test_adding_no_file_says_so(client, viewers, records):
    client.force_login(viewers["member"])
    response = client.post(url("activity_attach", records["here"]), {}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_a_team_reassignment_moves_the_right_to_change(client, viewers, records, world, unit):
    """The team serving the unit now changes its activities; the former team no longer sees them."""
    from teams.services import unit_assign_team

    new_team = TeamFactory(name="新团队")
    unit_assign_team(actor=None, unit=unit, team=new_team, start=datetime.date(2026, 10, 1))
    client.force_login(viewers["member"])
    assert client.get(url("activity_detail", records["here"])).status_code == 404
