"""The unit page's timeline: activities, requests and referrals in one stream with the rest, read through the
reader's scopes, filtered by kind and task area, paged — in a constant number of queries."""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Role
from archives import services
from archives.models import REQUEST_KIND_AREAS, Activity, Request, RequestMessage
from archives.services import Advance
from plans import services as plan_services
from plans.models import Measure
from tests.factories import ActivityFactory, RequestFactory, ready
from units.models import IPProfile, ListingEvent
from units.timeline import EXCERPT_CHARS, ORDER, PAGE_PARAM, TIMELINE_PER_PAGE

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
    """An approved plan for `unit` whose measures (all due in a month) are in the given task areas."""
    plan = plan_services.plan_start(actor=None, unit=unit)
    version = plan.working
    for area in areas:
        plan_services.measure_save(
            actor=None,
            version=version,
            area=area,
            content=f"{area} 举措",
            due_on=timezone.localdate() + datetime.timedelta(days=30),
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


def _busy_history(unit, member, contact, count: int) -> None:
    """`count` activities advancing measures of two task areas, `count` requests (half of them referred and
    answered), an approved plan, a listing event and an IP profile: every kind of event, many of some."""
    measures = approved_measures(unit, "protection", "policy_law")
    ListingEvent.objects.create(unit=unit, kind="selected", date="2025-03-01", batch="首批")
    IPProfile.objects.create(unit=unit, as_of=datetime.date(2025, 12, 31), invention_patents=7)
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


# session, user, savepoint and its release, unit (scope), contacts, IP profiles, the serving team, the plan card,
# the model permissions (2, for the template's `perms`), whether the user's team serves the unit (its buttons to log
# work), the timeline's count and its page, then one query per kind of event on the page (at most 8).
UNIT_PAGE_QUERIES = 14 + 8


@pytest.mark.parametrize("count", [3, 60])
def test_the_unit_page_runs_a_constant_number_of_queries(
    client,
    viewers,
    users,
    unit,
    world,
    django_assert_max_num_queries,
    count,
):
    _busy_history(unit, users[Role.TEAM_MEMBER], users[Role.UNIT_CONTACT], count)
    for role in ("bureau", "member", "contact", "officer"):
        client.force_login(viewers[role])
        for query in ({}, {"area": "protection"}, {"kind": "referral"}, {PAGE_PARAM: 2}):
            with django_assert_max_num_queries(UNIT_PAGE_QUERIES):
                response = page(client, unit, **query)
            assert response.status_code == 200, (role, query)
            assert len(response.context["timeline"]) > 0, (role, query)


def test_the_page_of_events_is_sliced_in_the_database(client, viewers, users, unit, world):
    """Only the page's rows are read: the events come from one query per kind on the page, whatever the history."""
    _busy_history(unit, users[Role.TEAM_MEMBER], users[Role.UNIT_CONTACT], 60)
    client.force_login(viewers["bureau"])
    with CaptureQueriesContext(connection) as queries:
        response = page(client, unit)
    timeline = response.context["timeline"]
    assert len(timeline) == TIMELINE_PER_PAGE
    # Activities, requests, referrals and replies; 2 measures, the approval, the listing, the profile and the team.
    assert timeline.paginator.count == 60 + 60 + 30 * 2 + 2 + 1 + 1 + 1 + 1
    # The slice is in the SQL (LIMIT), and no query reads all the activities.
    union = [q["sql"] for q in queries.captured_queries if "UNION ALL" in q["sql"]]
    assert len(union) == 2  # the count and the page
    assert any("LIMIT" in sql for sql in union)
    activity_reads = [q["sql"] for q in queries.captured_queries if 'FROM "archives_activity" WHERE' in q["sql"]]
    assert all(" IN (" in sql for sql in activity_reads)


def test_every_source_gives_the_same_columns_in_the_same_order(viewers, unit, history):
    """The UNION ALL matches columns by position: every branch of the SQL selects them in the order of COLUMNS."""
    from units.timeline import COLUMNS, timeline_sources

    user = viewers["bureau"]
    querysets = [q for source in timeline_sources() for q in source.rows(unit=unit, user=user, area="")]
    assert {source.kind for source in timeline_sources()} == {
        "listing",
        "team",
        "ip_profile",
        "plan",
        "measure",
        "activity",
        "request",
        "referral",
    }
    for queryset in querysets:
        sql, _params = queryset.query.get_compiler(connection=connection).as_sql()
        select = sql[: sql.index(" FROM ")]
        positions = [select.index(connection.ops.quote_name(column)) for column in COLUMNS]
        assert positions == sorted(positions), select
        assert select.count(" AS ") == len(COLUMNS), select
    rows = querysets[0].union(*querysets[1:], all=True).order_by(*ORDER)
    assert [list(row) for row in rows[:1]] == [list(COLUMNS)]


def test_a_listing_event_names_its_batch_in_one_sentence(viewers, unit):
    from units.timeline import unit_timeline

    ListingEvent.objects.create(unit=unit, kind="selected", date="2025-03-01", batch="2025年第一批")
    ListingEvent.objects.create(unit=unit, kind="removed", date="2025-09-01", reason="重组")
    with translation.override("en"):
        events = unit_timeline(unit=unit, user=viewers["bureau"], kind="listing")
        assert [event.title for event in events] == ["Removed from the list", "Selected for the list (2025年第一批)"]


def test_one_day_keeps_the_order_of_kinds_and_of_the_plan(client, viewers, users, unit, world):
    """On one day: the kinds in the filter's order, the measures in the plan's order, the newest records first."""
    measures = approved_measures(unit, "protection", "policy_law", "portfolio_layout")
    day = datetime.date(2026, 6, 30)
    Measure.objects.filter(pk__in=[m.pk for m in measures]).update(due_on=day)
    ActivityFactory(actor=users[Role.TEAM_MEMBER], unit=unit, date=day, summary="先登记")
    ActivityFactory(actor=users[Role.TEAM_MEMBER], unit=unit, date=day, summary="后登记")
    client.force_login(viewers["bureau"])
    events = [event for event in page(client, unit).context["timeline"] if event.date == day]
    assert [event.kind for event in events] == ["measure"] * 3 + ["activity"] * 2
    assert [event.title.endswith(m.content) for event, m in zip(events, measures, strict=False)] == [True] * 3
    assert [event.detail for event in events[3:]] == ["后登记", "先登记"]
