"""The unit page's timeline: activities, requests and referrals in one stream with the rest, read through the
reader's scopes, filtered by kind and task area, paged — in a constant number of queries."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import Role
from archives import services
from archives.models import REQUEST_KIND_AREAS, Activity, Request, RequestMessage
from archives.services import Advance
from plans import services as plan_services
from plans.models import Measure
from tests.factories import ActivityFactory, RequestFactory, ready
from units.models import ListingEvent
from units.timeline import EXCERPT_CHARS, TIMELINE_PER_PAGE

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def page(client, unit, **params):
    return client.get(reverse("units:detail", kwargs={"uid": unit.uid}), params)


def kinds(response) -> list[str]:
    return [event.kind for event in response.context["timeline"]]


def titles(response) -> list[str]:
    return [event.title for event in response.context["timeline"]]


def approved_measures(unit, *areas: str) -> list[Measure]:
    """An approved plan for `unit` whose measures (all due 2026-12-31) are in the given task areas."""
    plan = plan_services.plan_start(actor=None, unit=unit)
    version = plan.working
    for area in areas:
        plan_services.measure_save(
            actor=None, version=version, area=area, content=f"{area} 举措", due_on=datetime.date(2026, 12, 31)
        )
    version = ready(plan)
    plan_services.plan_submit(actor=None, version=version)
    plan_services.plan_approve(actor=None, version=version)
    return list(version.measures.order_by("position"))


@pytest.fixture
def history(world, users, unit):
    """`unit` with an activity that advanced a protection measure, a routine call, a consultation request with an
    internal note, and a monitoring request referred to another department that has replied."""
    member, contact = users[Role.TEAM_MEMBER], users[Role.UNIT_CONTACT]
    protection = approved_measures(unit, "protection")[0]
    visit = ActivityFactory(
        actor=member,
        unit=unit,
        date=datetime.date(2026, 9, 15),
        kind="visit",
        summary="上门走访，梳理海外维权流程。" + "细节" * 100,
        advances=[Advance(protection, "梳理维权流程。")],
    )
    call = ActivityFactory(
        actor=member, unit=unit, date=datetime.date(2026, 10, 8), kind="routine_contact", summary="电话回访。"
    )
    consultation = RequestFactory(
        unit=unit, actor=contact, kind="consultation", title="职务发明奖酬咨询", submitted_at=at(2026, 9, 1, 10, 0)
    )
    services.request_reply(actor=member, request=consultation, text="内部：先请律师看看。", internal=True)
    monitoring = RequestFactory(
        unit=unit, actor=contact, kind="monitoring", title="海外侵权监测", submitted_at=at(2026, 9, 20, 10, 0)
    )
    referral = services.request_refer(
        actor=member,
        request=monitoring,
        department="省商务厅",
        contact="王处长",
        referred_on=datetime.date(2026, 9, 22),
        at=at(2026, 9, 22, 10, 0),
    )
    services.referral_reply_record(
        actor=member, referral=referral, reply="已纳入海外纠纷应对指导。", replied_on=datetime.date(2026, 10, 12)
    )
    # Another unit's records never reach this unit's page.
    ActivityFactory(actor=world["tina"], unit=world["ningbo"], summary="宁波的走访")
    RequestFactory(unit=world["ningbo"], title="宁波的需求")
    return {
        "visit": visit,
        "call": call,
        "consultation": consultation,
        "monitoring": monitoring,
        "protection": protection,
    }


def test_activities_requests_and_referrals_join_the_stream_newest_first(client, viewers, unit, history):
    client.force_login(viewers["bureau"])
    response = page(client, unit)
    events = list(response.context["timeline"])
    dates = [event.date for event in events]
    assert dates == sorted(dates, reverse=True)
    assert [(e.date, e.kind) for e in events if e.kind in {"activity", "request", "referral"}] == [
        (datetime.date(2026, 10, 12), "referral"),  # the department's reply
        (datetime.date(2026, 10, 8), "activity"),
        (datetime.date(2026, 9, 22), "referral"),
        (datetime.date(2026, 9, 20), "request"),
        (datetime.date(2026, 9, 15), "activity"),
        (datetime.date(2026, 9, 1), "request"),
    ]
    html = response.text
    assert reverse("archives:activity_detail", kwargs={"uid": history["visit"].uid}) in html
    assert reverse("archives:request_detail", kwargs={"uid": history["monitoring"].uid}) in html
    assert "职务发明奖酬咨询" in html
    assert "省商务厅" in html
    assert "宁波" not in "".join(titles(response))


def test_an_activity_shows_its_kind_and_an_excerpt_of_the_summary(client, viewers, unit, history):
    client.force_login(viewers["member"])
    visit = next(e for e in page(client, unit).context["timeline"] if e.url.endswith(f"{history['visit'].uid}/"))
    with translation.override("zh-hans"):
        assert visit.title == str(Activity.Kind.VISIT.label)
    assert visit.detail.startswith("上门走访，梳理海外维权流程。")
    assert len(visit.detail) <= EXCERPT_CHARS + 2  # the cut, marked by the catalogue's ellipsis
    assert visit.detail.rstrip(".…") != visit.detail


def test_a_request_shows_its_subject_kind_and_status(client, viewers, unit, history):
    client.force_login(viewers["contact"])
    response = page(client, unit, kind="request")
    with translation.override("zh-hans"):
        expected = {
            (request.title, f"{request.get_kind_display()} · {request.get_status_display()}")
            for request in Request.objects.filter(unit=unit)
        }
    assert {title for title, _detail in expected} == {"职务发明奖酬咨询", "海外侵权监测"}
    events = list(response.context["timeline"])
    assert len(events) == 2
    for event in events:
        subject = next(title for title, _detail in expected if title in event.title)
        assert (subject, event.detail) in expected


def test_the_timeline_shows_no_message_note_or_reply_text(client, viewers, unit, history):
    assert RequestMessage.objects.filter(is_internal=True).exists()
    for role in ("contact", "officer", "member", "bureau"):
        client.force_login(viewers[role])
        html = page(client, unit).text
        assert "内部：先请律师看看。" not in html, role
        assert "已纳入海外纠纷应对指导。" not in html, role
        assert "请协助分析核心技术的专利布局。" not in html, role  # the request's description


def test_an_officer_sees_requests_and_referrals_but_no_activities(client, viewers, unit, history):
    client.force_login(viewers["officer"])
    response = page(client, unit)
    assert "activity" not in kinds(response)
    assert {"request", "referral"} <= set(kinds(response))
    offered = [key for key, _label in response.context["timeline_filter"].fields["kind"].choices]
    assert "activity" not in offered
    assert "listing" in offered
    # Asking for activities by hand shows none: the filter ignores a kind it does not offer.
    assert "activity" not in kinds(page(client, unit, kind="activity"))


def test_the_unit_contact_sees_its_services_and_requests_but_not_the_listing(client, viewers, unit, history):
    ListingEvent.objects.create(unit=unit, kind="selected", date="2025-03-01", batch="首批", reason="内部遴选意见")
    client.force_login(viewers["contact"])
    response = page(client, unit)
    assert {"activity", "request", "referral"} <= set(kinds(response))
    assert "listing" not in kinds(response)
    assert "listing" not in [key for key, _label in response.context["timeline_filter"].fields["kind"].choices]
    assert "listing" not in kinds(page(client, unit, kind="listing"))  # the filter offers no way round
    assert "内部遴选意见" not in response.text


def test_outsiders_get_404_whatever_the_filter(client, viewers, unit, history):
    for role in ("officer_out", "member_other", "contact_other", "expert", "expert_other"):
        client.force_login(viewers[role])
        assert page(client, unit, kind="activity", area="protection").status_code == 404, role


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("activity", {"activity"}),
        ("request", {"request"}),
        ("referral", {"referral"}),
        ("measure", {"measure"}),
        ("plan", {"plan"}),
        ("team", {"team"}),
    ],
)
def test_filter_by_kind(client, viewers, unit, history, kind, expected):
    client.force_login(viewers["bureau"])
    response = page(client, unit, kind=kind)
    assert set(kinds(response)) == expected
    assert response.context["timeline_filter"]["kind"].value() == kind


def test_filter_by_task_area(client, viewers, unit, history):
    client.force_login(viewers["bureau"])
    protection = page(client, unit, area="protection")
    # The measure, the visit that advanced it, the monitoring request (a protection kind) and its referral events.
    assert sorted(kinds(protection)) == ["activity", "measure", "referral", "referral", "request"]
    assert any(e.url.endswith(f"{history['visit'].uid}/") for e in protection.context["timeline"])
    assert not any(e.url.endswith(f"{history['call'].uid}/") for e in protection.context["timeline"])
    assert "职务发明奖酬咨询" not in protection.text  # a consultation belongs to no area
    # Kind and area together.
    assert kinds(page(client, unit, kind="request", area="protection")) == ["request"]
    # An area nothing belongs to: no event, and the page says so.
    empty = page(client, unit, area="management_system")
    assert kinds(empty) == []
    assert 'data-testid="timeline-empty"' in empty.text


def test_an_unknown_filter_value_filters_nothing(client, viewers, unit, history):
    client.force_login(viewers["bureau"])
    assert kinds(page(client, unit, kind="nonsense", area="nowhere")) == kinds(page(client, unit))


def test_every_request_kind_has_a_place_in_the_area_mapping():
    from archives.models import RequestKind
    from huhang.vocabulary import TaskArea

    assert set(REQUEST_KIND_AREAS) == set(RequestKind.values)
    assert {area for area in REQUEST_KIND_AREAS.values() if area} <= set(TaskArea)


def _many_activities(unit, member, count: int) -> None:
    for index in range(count):
        ActivityFactory(
            actor=member,
            unit=unit,
            date=datetime.date(2026, 1, 1) + datetime.timedelta(days=index),
            summary=f"第{index:03d}次走访",
        )


def test_the_timeline_is_paged_with_its_own_parameter_and_keeps_the_filter(client, viewers, users, unit, world):
    _many_activities(unit, users[Role.TEAM_MEMBER], TIMELINE_PER_PAGE + 5)
    client.force_login(viewers["member"])
    first = page(client, unit, kind="activity")
    assert len(kinds(first)) == TIMELINE_PER_PAGE
    assert first.context["timeline"].paginator.count == TIMELINE_PER_PAGE + 5
    assert first.context["timeline"][0].detail == "第034次走访"  # newest first
    assert "tpage=2" in first.text
    assert "kind=activity&amp;tpage=2" in first.text
    second = page(client, unit, kind="activity", tpage=2)
    assert len(kinds(second)) == 5
    assert second.context["timeline"][4].detail == "第000次走访"
    # `page` is not the timeline's parameter.
    assert page(client, unit, kind="activity", page=2).context["timeline"].number == 1


@pytest.mark.parametrize("count", [3, 40])
def test_the_unit_page_runs_a_constant_number_of_queries(
    client,
    viewers,
    users,
    unit,
    world,
    django_assert_max_num_queries,
    count,
):
    member, contact = users[Role.TEAM_MEMBER], users[Role.UNIT_CONTACT]
    measures = approved_measures(unit, "protection", "policy_law")
    for index in range(count):
        day = datetime.date(2026, 1, 1) + datetime.timedelta(days=index)
        ActivityFactory(
            actor=member,
            unit=unit,
            date=day,
            advances=[Advance(measures[index % 2], "进展")],
        )
        request = RequestFactory(unit=unit, actor=contact, kind="enforcement", submitted_at=at(2026, 1, 2, 9, 0))
        if index % 2:
            referral = services.request_refer(
                actor=member, request=request, department="省商务厅", contact="王处长", referred_on=day
            )
            services.referral_reply_record(actor=member, referral=referral, reply="已处理。", replied_on=day)
    for role in ("bureau", "member", "contact", "officer"):
        client.force_login(viewers[role])
        # session, user, savepoint and its release, unit (scope), unit with plan, contacts, plan approvals,
        # measures, IP profiles, listing, assignments, activities, measures they advanced, requests, referrals,
        # the model permissions (2, for the template's `perms`), whether the user's team serves the unit (its
        # buttons to log work)
        with django_assert_max_num_queries(19):
            response = page(client, unit, area="protection")
        assert response.status_code == 200
