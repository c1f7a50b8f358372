import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from reports.home import HOME_ROWS
from tests.factories import (
    ActivityFactory,
    MeasureFactory,
    PlanFactory,
    RequestFactory,
    UnitFactory,
    approved_plan,
    assign,
    division,
    ready,
)


@pytest.fixture
def ningbo_unit(db):
    return UnitFactory(name="宁波甬江材料实验室", division=division("330203"))


def test_bureau_home_counts_every_unit_by_city(client, users, ningbo_unit):
    client.force_login(users[Role.BUREAU])
    response = client.get(reverse("home"))
    assert response.context["coverage"]["listed"] == 2
    assert {row["division__city__name"]: row["total"] for row in response.context["units_by_city"]} == {
        "杭州市": 1,
        "宁波市": 1,
    }


def test_officer_home_counts_only_the_jurisdiction(client, users, ningbo_unit):
    client.force_login(users[Role.OFFICER])
    response = client.get(reverse("home"))
    assert response.context["unit_count"] == 1
    assert "宁波" not in response.text


def test_unit_contact_home_shows_the_own_unit_only(client, users, ningbo_unit):
    client.force_login(users[Role.UNIT_CONTACT])
    response = client.get(reverse("home"))
    assert "西湖光电实验室" in response.text
    assert ningbo_unit.name not in response.text


def test_navigation_depends_on_the_role(client, users):
    client.force_login(users[Role.SYSTEM_ADMIN])
    assert reverse("admin:index") in client.get(reverse("home")).text
    for role in (Role.BUREAU, Role.TEAM_MEMBER, Role.SECURITY_ADMIN):
        client.force_login(users[role])
        assert reverse("admin:index") not in client.get(reverse("home")).text


@pytest.mark.parametrize("role", list(Role))
def test_pages_load_nothing_from_outside_the_portal(client, users, role):
    client.force_login(users[role])
    html = client.get(reverse("home")).text
    assert re.findall(r'(?:src|href)="(?:https?:)?//', html) == []


@pytest.mark.parametrize(
    ("path", "active"),
    [("/", "/"), ("/teams/", "/teams/"), ("/teams/people/", "/teams/people/"), ("/teams/7/", "/teams/")],
)
def test_the_active_navigation_entry_is_the_longest_matching_one(rf, users, path, active):
    from huhang.navigation import navigation

    request = rf.get(path)
    request.user = users[Role.BUREAU]
    items = navigation(request)["nav_items"]
    assert [item["url"] for item in items if item["active"]] == [active]


def test_bureau_home_counts_plans_approved_waiting_and_past_due(client, users, unit, ningbo_unit):
    import datetime

    from plans.models import SECTIONS
    from plans.services import measure_save, plan_approve, plan_sections_save, plan_start, plan_submit

    def submitted(plan):
        version = plan_sections_save(
            actor=None,
            version=plan.working,
            revision=0,
            **dict.fromkeys(SECTIONS, "内容"),
        )
        measure_save(actor=None, version=version, area="policy_law", content="宣讲")
        return plan_submit(actor=None, version=version)

    plan_approve(actor=None, version=submitted(plan_start(actor=None, unit=unit)))
    waiting = plan_start(actor=None, unit=ningbo_unit)
    submitted(waiting)
    waiting.due_on = datetime.date(2025, 4, 30)
    waiting.save()
    client.force_login(users[Role.BUREAU])
    assert client.get(reverse("home")).context["plans"] == {"approved": 1, "submitted": 1, "past_due": 1}


# --- Requests, activities and the plan on the home pages ---------------------------------------------------------


@pytest.fixture
def served(users, unit):
    """As the archive tests' `world`: tom leads the team serving `unit`, eve is an expert of the pool; the Ningbo
    unit is served by tina's team."""
    from teams.models import Person
    from tests.factories import PersonFactory, UserFactory, two_served_units

    served = two_served_units(users[Role.TEAM_MEMBER], unit)
    ningbo = served["ningbo"]
    eve = PersonFactory(user=users[Role.EXPERT], kind=Person.Kind.THINK_TANK, name="伊芙")
    ed = PersonFactory(user=UserFactory(username="ed", expert=True), kind=Person.Kind.LAWYER, name="艾德")
    return {"ningbo": ningbo, "eve": eve, "ed": ed, "team": served["team"], "leader": served["leader"]}


def _past(days: int) -> datetime.datetime:
    from django.utils import timezone

    return timezone.now() - datetime.timedelta(days=days)


@pytest.fixture
def requests_world(served, users, unit):
    """`unit`'s requests: one never accepted (both clocks past due), one accepted in time but never answered, one
    fresh, one closed; plus a past-due request of the Ningbo unit, outside the officer's and tom's scope."""
    from archives import services
    from tests.factories import RequestFactory

    member, contact = users[Role.TEAM_MEMBER], users[Role.UNIT_CONTACT]
    ignored = RequestFactory(unit=unit, actor=contact, title="无人受理的需求", submitted_at=_past(60))
    waiting = RequestFactory(unit=unit, actor=contact, title="已受理未答复", submitted_at=_past(60))
    services.request_accept(actor=member, request=waiting, at=_past(60) + datetime.timedelta(hours=1))
    services.request_reply(actor=member, request=waiting, text="内部备注：等专家意见。", internal=True)
    fresh = RequestFactory(unit=unit, actor=contact, title="刚提出的需求")
    closed = RequestFactory(unit=unit, actor=contact, title="已关闭的需求", submitted_at=_past(60))
    services.request_reply(actor=member, request=closed, text="答复。", at=_past(60) + datetime.timedelta(hours=2))
    services.request_close(actor=contact, request=closed, rating=5)
    ningbo = RequestFactory(unit=served["ningbo"], title="宁波的需求", submitted_at=_past(60))
    return {"ignored": ignored, "waiting": waiting, "fresh": fresh, "closed": closed, "ningbo": ningbo}


def test_bureau_home_counts_open_and_past_due_requests_and_links_to_the_list(client, users, requests_world):
    client.force_login(users[Role.BUREAU])
    response = client.get(reverse("home"))
    assert response.context["requests"] == {
        "total": 5,
        "open": 4,  # the closed one left out
        "past_due": 3,  # ignored, waiting, Ningbo
        "accept_overdue": 2,  # ignored, Ningbo
        "answer_overdue": 3,
    }
    request_list = reverse("archives:request_list")
    assert f'href="{request_list}?overdue=yes" data-testid="requests-accept-overdue">2<' in response.text
    assert f'href="{request_list}?overdue=yes" data-testid="requests-answer-overdue">3<' in response.text
    assert f'href="{request_list}?status=open" data-testid="requests-open">4<' in response.text


def test_bureau_home_counts_the_activities_of_this_month(client, users, served, unit):
    from django.utils import timezone

    from tests.factories import ActivityFactory

    today = timezone.localdate()
    ActivityFactory(unit=unit, date=today)
    ActivityFactory(unit=unit, date=today.replace(day=1))
    ActivityFactory(unit=unit, date=today.replace(day=1) - datetime.timedelta(days=1))  # last month
    client.force_login(users[Role.BUREAU])
    response = client.get(reverse("home"))
    assert response.context["activities_this_month"] == 2
    assert f"?date_from={today.replace(day=1).isoformat()}" in response.text


def test_bureau_home_lists_what_waits_for_the_bureau_with_links_to_the_whole_lists(
    client, users, served, unit, requests_world
):
    from units.models import ListingEvent

    late, early = UnitFactory(name="新入选待指派"), UnitFactory(name="早入选待指派")
    ListingEvent.objects.create(unit=late, kind=ListingEvent.Kind.SELECTED, date=datetime.date(2026, 9, 1))
    ListingEvent.objects.create(unit=early, kind=ListingEvent.Kind.SELECTED, date=datetime.date(2026, 3, 1))
    UnitFactory(name="已调出未指派", is_listed=False)
    queued = _submitted(served["ningbo"])
    approved_plan(unit)
    client.force_login(users[Role.BUREAU])
    response = client.get(reverse("home"))
    context = response.context
    assert [v.pk for v in context["review_queue"].rows] == [queued.pk]
    assert [u.name for u in context["units_without_team"].rows] == ["早入选待指派", "新入选待指派"]
    # The earliest due first: 30 days after each selection; the Ningbo plan, never selected, 30 days after today.
    assert [u.name for u in context["units_without_plan"].rows] == [
        "早入选待指派",
        "新入选待指派",
        "宁波甬江材料实验室",
    ]
    assert context["units_without_plan"].total == 3
    # The longest overdue first: both never accepted (the same accept deadline: the earlier submission first),
    # then the one accepted but never answered.
    assert [r.title for r in context["past_due_requests"].rows] == ["无人受理的需求", "宁波的需求", "已受理未答复"]
    html = response.text
    assert reverse("plans:review", kwargs={"uid": queued.plan.uid}) in html
    assert f'href="{reverse("plans:queue")}"' in html
    assert f'href="{reverse("units:list")}?coverage=unapproved"' in html
    assert f'href="{reverse("archives:request_list")}?overdue=yes"' in html
    assert 'data-testid="units-without-team-total">2<' in html
    assert 'data-testid="past-due-requests-total">3<' in html


def test_bureau_home_shows_the_first_rows_of_a_long_list_and_how_many_more(client, users):
    from tests.factories import TeamFactory

    for index in range(HOME_ROWS + 3):
        UnitFactory(name=f"未指派单位{index:02d}")
    assign(UnitFactory(name="已指派的单位"), TeamFactory())
    client.force_login(users[Role.BUREAU])
    response = client.get(reverse("home"))
    unserved = response.context["units_without_team"]
    assert len(unserved.rows) == HOME_ROWS
    assert (unserved.total, unserved.more) == (HOME_ROWS + 4, 4)  # with the fixtures' unit
    assert 'data-testid="units-without-team-total">9<' in response.text


def test_officer_home_lists_the_referrals_waiting_for_their_reply(client, users, outsiders, served, unit):
    from archives import services

    today = timezone.localdate()
    member = users[Role.TEAM_MEMBER]

    def referred(title: str, days: int, **addressee):
        request = RequestFactory(unit=unit, title=title, submitted_at=_past(days + 1))
        return services.request_refer(
            actor=member, request=request, referred_on=today - datetime.timedelta(days=days), **addressee
        )

    older = referred("转区局的旧需求", 5, division=unit.division)
    newer = referred("转市局的需求", 1, division=unit.division.city)
    replied = referred("已答复的转办", 3, division=unit.division)
    services.referral_reply_record(actor=users[Role.OFFICER], referral=replied, reply="已处理。", replied_on=today)
    referred("转市场监管局的需求", 2, department="杭州市市场监督管理局", contact="王科长")
    client.force_login(users[Role.OFFICER])
    response = client.get(reverse("home"))
    assert [r.pk for r in response.context["referrals"].rows] == [older.pk, newer.pk]
    assert reverse("archives:request_detail", kwargs={"uid": older.request.uid}) in response.text
    assert "已答复的转办" not in response.text
    assert "转市场监管局的需求" not in response.text
    assert f'href="{reverse("archives:request_list")}?referral=awaiting_me"' in response.text
    client.force_login(outsiders[Role.OFFICER])  # 宁波市
    assert not client.get(reverse("home")).context["referrals"]
    # The team records the replies of the departments it named itself; the officers record their own.
    client.force_login(member)
    response = client.get(reverse("home"))
    assert [r.request.title for r in response.context["referrals"].rows] == ["转市场监管局的需求"]
    assert f'href="{reverse("archives:request_list")}?referral=awaiting_me"' in response.text


def test_officer_home_counts_the_requests_of_the_jurisdiction_only(client, users, outsiders, requests_world):
    client.force_login(users[Role.OFFICER])
    figures = client.get(reverse("home")).context["requests"]
    assert (figures["total"], figures["open"], figures["past_due"]) == (4, 3, 2)
    client.force_login(outsiders[Role.OFFICER])  # 宁波市
    figures = client.get(reverse("home")).context["requests"]
    assert (figures["total"], figures["open"], figures["past_due"]) == (1, 1, 1)


def test_team_member_home_lists_the_requests_waiting_for_the_team_past_due_first(client, users, requests_world):
    from archives import services

    services.request_reply(actor=users[Role.TEAM_MEMBER], request=requests_world["fresh"], text="答复。")
    answered_late = RequestFactory(unit=requests_world["ignored"].unit, title="逾期才答复", submitted_at=_past(30))
    services.request_reply(actor=users[Role.TEAM_MEMBER], request=answered_late, text="迟到的答复。")
    unit = requests_world["ignored"].unit
    fresh = RequestFactory(unit=unit, title="今天提出的需求")
    in_time = RequestFactory(unit=unit, kind="patent_navigation", title="按时受理的导航需求", submitted_at=_past(12))
    services.request_accept(actor=users[Role.TEAM_MEMBER], request=in_time, at=_past(12))  # 15 working days
    RequestFactory(unit=unit, title="十天未受理", submitted_at=_past(10))
    client.force_login(users[Role.TEAM_MEMBER])
    response = client.get(reverse("home"))
    waiting = response.context["waiting_requests"]
    # Past due first, the longest overdue first, whenever submitted; then those in time, the nearest due first.
    # The answered and closed ones wait for the unit, not for the team.
    assert [r.title for r in waiting.rows] == [
        "无人受理的需求",
        "已受理未答复",
        "十天未受理",
        "今天提出的需求",
        "按时受理的导航需求",
    ]
    assert [r.past_due for r in waiting.rows] == [True, True, True, False, False]
    assert waiting.total == 5
    assert response.text.count('data-past-due="yes"') == 3
    assert "宁波的需求" not in response.text
    assert "已关闭的需求" not in response.text
    assert "逾期才答复" not in response.text
    assert 'data-testid="log-activity"' in response.text
    assert reverse("archives:activity_create") in response.text
    assert reverse("archives:request_detail", kwargs={"uid": fresh.uid}) in response.text


def test_team_member_home_shows_the_first_waiting_requests_and_how_many_more(client, users, served, unit):
    for index in range(7):
        RequestFactory(
            unit=unit, actor=users[Role.UNIT_CONTACT], title=f"需求{index:02d}", submitted_at=_past(7 - index)
        )
    client.force_login(users[Role.TEAM_MEMBER])
    response = client.get(reverse("home"))
    waiting = response.context["waiting_requests"]
    assert len(waiting.rows) == HOME_ROWS
    assert (waiting.total, waiting.more) == (7, 2)
    assert 'data-testid="waiting-requests-total">7<' in response.text
    assert f'href="{reverse("archives:request_list")}?status=open"' in response.text


def test_team_member_without_units_gets_no_log_button(client, users):
    client.force_login(users[Role.TEAM_MEMBER])
    response = client.get(reverse("home"))
    assert 'data-testid="log-activity"' not in response.text
    assert not response.context["waiting_requests"]


def _submitted(unit):
    from plans import services as plan_services

    return plan_services.plan_submit(actor=None, version=ready(PlanFactory(unit=unit)))


def test_team_member_home_lists_the_plans_returned_with_the_bureaus_latest_comment(client, users, served, unit):
    from plans import services as plan_services

    version = _submitted(unit)
    plan_services.plan_return(actor=None, version=version, comment="请补充近三年的专利数据。")
    version = plan_services.plan_submit(actor=None, version=version)
    plan_services.plan_return(actor=None, version=version, comment="举措清单请按任务领域整理。")
    resubmitted = UnitFactory(name="已重新提交的单位")
    assign(resubmitted, served["team"])
    again = _submitted(resubmitted)
    plan_services.plan_return(actor=None, version=again, comment="已改。")
    plan_services.plan_submit(actor=None, version=again)
    plan_services.plan_return(actor=None, version=_submitted(served["ningbo"]), comment="宁波的退回意见。")
    client.force_login(users[Role.TEAM_MEMBER])
    response = client.get(reverse("home"))
    returned = response.context["returned_plans"]
    assert [v.plan.unit for v in returned.rows] == [unit]
    assert returned.rows[0].return_comment == "举措清单请按任务领域整理。"
    assert "举措清单请按任务领域整理。" in response.text
    assert "请补充近三年的专利数据。" not in response.text
    assert "宁波的退回意见。" not in response.text
    assert reverse("plans:edit", kwargs={"uid": unit.plan.uid}) in response.text


def test_team_member_home_lists_the_plans_past_due_that_the_team_has_still_to_submit(client, users, served, unit):
    from plans import services as plan_services
    from plans.models import Plan
    from units.models import ListingEvent

    today = timezone.localdate()
    PlanFactory(unit=unit)  # a draft
    not_started = UnitFactory(name="未开始编制的单位")
    ListingEvent.objects.create(unit=not_started, kind=ListingEvent.Kind.SELECTED, date=datetime.date(2025, 1, 10))
    submitted = UnitFactory(name="已提交待审核的单位")
    _submitted(submitted)
    returned = UnitFactory(name="退回修改的单位")
    plan_services.plan_return(actor=None, version=_submitted(returned), comment="请修改。")
    in_time = UnitFactory(name="尚未到期的单位")
    PlanFactory(unit=in_time)
    for other in (not_started, submitted, returned, in_time):
        assign(other, served["team"])
    Plan.objects.exclude(unit=in_time).update(due_on=today - datetime.timedelta(days=30))
    Plan.objects.filter(unit=in_time).update(due_on=today + datetime.timedelta(days=30))
    PlanFactory(unit=served["ningbo"])
    Plan.objects.filter(unit=served["ningbo"]).update(due_on=today - datetime.timedelta(days=30))
    client.force_login(users[Role.TEAM_MEMBER])
    response = client.get(reverse("home"))
    late = response.context["drafts_past_due"]
    # The not-started unit's plan was due on the programme's first-plans date (2025), the draft a month ago.
    assert [u.name for u in late.rows] == ["未开始编制的单位", "西湖光电实验室"]
    assert [u.plan_state for u in late.rows] == ["not_started", "draft"]
    assert reverse("plans:edit", kwargs={"uid": unit.plan.uid}) in response.text
    assert reverse("units:detail", kwargs={"uid": not_started.uid}) in response.text
    assert f"{reverse('plans:overview')}?past_due=yes" in response.text


def test_team_member_home_lists_the_measures_they_own_due_within_two_weeks_or_overdue(client, users, served, unit):
    from plans import services as plan_services
    from plans.models import Measure
    from tests.units.test_timeline import approved_measures

    today = timezone.localdate()
    me, colleague = served["leader"], served["team"].memberships.filter(role="core").first().person
    soon, later, overdue, done, theirs, nobodys = approved_measures(unit, *["policy_law"] * 6)
    dates = {soon: 10, later: 20, overdue: -3, done: -5, theirs: 2, nobodys: 1}
    for measure, days in dates.items():
        Measure.objects.filter(pk=measure.pk).update(due_on=today + datetime.timedelta(days=days), owner=me)
    Measure.objects.filter(pk=done.pk).update(status=Measure.Status.DONE)
    Measure.objects.filter(pk=theirs.pk).update(owner=colleague)
    Measure.objects.filter(pk=nobodys.pk).update(owner=None)
    draft = MeasureFactory(version=PlanFactory(unit=served["ningbo"]).working, owner=me, due_on=today)
    plan_services.plan_revise(actor=None, plan=unit.plan)  # a draft v2 copies the measures: they count once
    client.force_login(users[Role.TEAM_MEMBER])
    response = client.get(reverse("home"))
    due = response.context["measures_due"]
    assert [m.pk for m in due.rows] == [overdue.pk, soon.pk]
    assert response.text.count('data-overdue="yes"') == 1
    assert draft.content not in response.text
    assert reverse("plans:detail", kwargs={"uid": unit.plan.uid}) in response.text
    assert reverse("my_measures") in response.text


def test_my_measures_lists_every_open_measure_the_team_member_owns(client, users, served, unit):
    from plans.models import Measure
    from tests.units.test_timeline import approved_measures

    today = timezone.localdate()
    soon, later, done, undated = approved_measures(unit, *["protection"] * 4)
    Measure.objects.filter(pk__in=[soon.pk, later.pk, done.pk, undated.pk]).update(owner=served["leader"])
    Measure.objects.filter(pk=soon.pk).update(due_on=today + datetime.timedelta(days=3))
    Measure.objects.filter(pk=later.pk).update(due_on=today + datetime.timedelta(days=90))
    Measure.objects.filter(pk=done.pk).update(status=Measure.Status.DONE)
    Measure.objects.filter(pk=undated.pk).update(due_on=None)
    client.force_login(users[Role.TEAM_MEMBER])
    response = client.get(reverse("my_measures"))
    assert response.status_code == 200
    assert [m.pk for m in response.context["page_obj"]] == [soon.pk, later.pk, undated.pk]


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.BUREAU, 403), (Role.OFFICER, 403), (Role.TEAM_MEMBER, 200), (Role.EXPERT, 403), (Role.UNIT_CONTACT, 403)],
)
def test_my_measures_is_the_team_members_page(client, users, outsiders, role, status):
    client.force_login(users[role])
    assert client.get(reverse("my_measures")).status_code == status
    if role in outsiders:
        client.force_login(outsiders[role])
        assert client.get(reverse("my_measures")).status_code == 403


def test_my_measures_shows_nothing_of_another_teams_plans(client, users, served, unit):
    from plans.models import Measure
    from tests.units.test_timeline import approved_measures

    (theirs,) = approved_measures(served["ningbo"], "protection")
    Measure.objects.filter(pk=theirs.pk).update(owner=served["leader"])  # an owner whose team no longer serves it
    client.force_login(users[Role.TEAM_MEMBER])
    response = client.get(reverse("my_measures"))
    assert list(response.context["page_obj"]) == []
    assert 'data-testid="empty"' in response.text


def test_expert_home_lists_only_what_they_were_invited_to(client, users, served, unit):
    from archives import services

    invited_activity = ActivityFactory(unit=unit, experts=[served["eve"]], summary="请专家参加的会商")
    ActivityFactory(unit=unit, experts=[served["ed"]])
    invited_request = RequestFactory(unit=unit, title="请专家看的需求")
    services.request_invite_expert(actor=None, request=invited_request, expert=served["eve"])
    RequestFactory(unit=unit, title="没有邀请的需求")
    client.force_login(users[Role.EXPERT])
    response = client.get(reverse("home"))
    assert response.context["invited_activities"].rows == [invited_activity]
    assert response.context["invited_requests"].rows == [invited_request]
    assert reverse("archives:activity_detail", kwargs={"uid": invited_activity.uid}) in response.text
    assert reverse("archives:request_detail", kwargs={"uid": invited_request.uid}) in response.text
    assert "没有邀请的需求" not in response.text


def test_expert_home_lists_the_invitations_waiting_for_their_opinion_first(client, users, served, unit):
    from archives import services

    eve = users[Role.EXPERT]

    def invited(title: str, days: int):
        request = RequestFactory(unit=unit, title=title, submitted_at=_past(days))
        services.request_invite_expert(actor=None, request=request, expert=served["eve"])
        return request

    answered_by_me = invited("已发表意见的需求", 1)
    services.request_reply(actor=eve, request=answered_by_me, text="建议先做FTO检索。", internal=True)
    closed = invited("已办结的需求", 2)
    services.request_reply(actor=users[Role.TEAM_MEMBER], request=closed, text="答复。")
    services.request_close(actor=users[Role.UNIT_CONTACT], request=closed, rating=5)
    invited("较早的待议需求", 9)
    invited("新的待议需求", 3)
    commented = ActivityFactory(unit=unit, experts=[served["eve"]], date=datetime.date(2026, 10, 1))
    services.activity_comment_add(actor=eve, activity=commented, text="会商意见。")
    older = ActivityFactory(unit=unit, experts=[served["eve"]], date=datetime.date(2026, 6, 1))
    client.force_login(eve)
    response = client.get(reverse("home"))
    requests = response.context["invited_requests"].rows
    assert [r.title for r in requests] == ["新的待议需求", "较早的待议需求", "已发表意见的需求", "已办结的需求"]
    assert [r.awaiting_opinion for r in requests] == [True, True, False, False]
    assert response.context["requests_awaiting"] == 2
    activities = response.context["invited_activities"].rows
    assert activities == [older, commented]  # the older one still waits for the expert's opinion
    assert response.context["activities_awaiting"] == 1
    assert response.text.count('data-awaiting="yes"') == 3


def test_unit_contact_home_shows_the_plan_progress_by_task_area(client, users, served, unit):
    from django.utils import timezone

    from plans.models import Measure
    from tests.units.test_timeline import approved_measures

    today = timezone.localdate()
    policy, policy_done, protection, cancelled = approved_measures(
        unit, "policy_law", "policy_law", "protection", "protection"
    )
    Measure.objects.filter(pk=policy.pk).update(due_on=today - datetime.timedelta(days=3))  # overdue
    Measure.objects.filter(pk=policy_done.pk).update(
        status=Measure.Status.DONE, due_on=today - datetime.timedelta(days=9)
    )
    Measure.objects.filter(pk=protection.pk).update(due_on=today + datetime.timedelta(days=20))
    Measure.objects.filter(pk=cancelled.pk).update(status=Measure.Status.CANCELLED)
    client.force_login(users[Role.UNIT_CONTACT])
    response = client.get(reverse("home"))
    progress = {row["area"]: row for row in response.context["plan_progress"]}
    assert list(progress) == ["policy_law", "protection"]  # the action plan's order
    assert (progress["policy_law"]["done"], progress["policy_law"]["total"]) == (1, 2)
    assert progress["policy_law"]["overdue"] == 1
    assert progress["policy_law"]["next_due"] is None
    assert (progress["protection"]["done"], progress["protection"]["total"], progress["protection"]["overdue"]) == (
        0,
        1,
        0,
    )
    assert progress["protection"]["next_due"] == today + datetime.timedelta(days=20)
    assert reverse("plans:detail", kwargs={"uid": unit.plan.uid}) in response.text


def test_unit_contact_home_shows_no_progress_of_a_plan_not_yet_approved(client, users, unit):
    from tests.factories import MeasureFactory, PlanFactory

    MeasureFactory(version=PlanFactory(unit=unit).working, content="草稿举措")
    client.force_login(users[Role.UNIT_CONTACT])
    response = client.get(reverse("home"))
    assert response.context["plan_progress"] == []
    assert 'data-testid="plan-link"' not in response.text


def test_unit_contact_home_shows_open_requests_deadlines_and_recent_services(
    client, users, served, requests_world, unit
):
    from tests.factories import ActivityFactory

    for index in range(7):
        ActivityFactory(
            unit=unit, date=datetime.date(2026, 3, 1) + datetime.timedelta(days=index), summary=f"服务{index}"
        )
    ActivityFactory(unit=served["ningbo"], summary="宁波的服务")
    client.force_login(users[Role.UNIT_CONTACT])
    response = client.get(reverse("home"))
    html = response.text
    assert {r.title for r in response.context["open_requests"]} == {"无人受理的需求", "已受理未答复", "刚提出的需求"}
    ignored = requests_world["ignored"]
    row = html[html.index(f'data-request="{ignored.uid}"') :]
    row = row[: row.index("</li>")]
    assert row.count('data-met="missed"') == 2  # both clocks running past their due time
    fresh = html[html.index(f'data-request="{requests_world["fresh"].uid}"') :]
    assert fresh[: fresh.index("</li>")].count('data-met="running"') == 2
    waiting = html[html.index(f'data-request="{requests_world["waiting"].uid}"') :]
    waiting = waiting[: waiting.index("</li>")]
    assert 'data-met="met"' in waiting
    assert 'data-met="missed"' in waiting
    assert [a.summary for a in response.context["recent_activities"]] == [f"服务{i}" for i in range(6, 1, -1)]
    assert "宁波的服务" not in html
    assert "宁波的需求" not in html
    assert "内部备注：等专家意见。" not in html  # never an internal note
    assert f'href="{reverse("archives:request_create")}"' in html
    assert f'href="{reverse("archives:request_list")}"' in html
    assert f'href="{reverse("archives:activity_list")}"' in html


def _fill(served, users, unit, start: int, count: int) -> None:
    """`count` more units in three cities and what waits on every home page, at least HOME_ROWS of each from the
    first 20: by fours, a unit of tom's team with an approved plan whose measure tom owns, due next week; one whose
    draft is past due; one whose plan was returned; and one with no team whose plan waits for review. For each, a
    request of `unit` with eve invited that was never accepted, one referred to the West Lake district's IP
    department or to another department, and an activity of `unit` with eve invited."""
    from archives import services
    from plans import services as plan_services
    from plans.models import Measure, Plan
    from tests.units.test_timeline import approved_measures

    today = timezone.localdate()
    for index in range(start, start + count):
        other = UnitFactory(division=division(("330106", "330203", "330302")[index % 3]))
        if index % 4 != 3:
            assign(other, served["team"])
        if index % 4 == 0:
            (measure,) = approved_measures(other, "policy_law")
            Measure.objects.filter(pk=measure.pk).update(
                owner=served["leader"], due_on=today + datetime.timedelta(days=7)
            )
        elif index % 4 == 1:
            PlanFactory(unit=other)
            Plan.objects.filter(unit=other).update(due_on=today - datetime.timedelta(days=index + 1))
        elif index % 4 == 2:
            plan_services.plan_return(actor=None, version=_submitted(other), comment=f"退回意见{index}")
        else:
            _submitted(other)
        request = RequestFactory(unit=unit, actor=users[Role.UNIT_CONTACT], submitted_at=_past(index + 10))
        services.request_invite_expert(actor=None, request=request, expert=served["eve"])
        referred = RequestFactory(unit=unit, actor=users[Role.UNIT_CONTACT], submitted_at=_past(index + 10))
        # To the district's IP department (the officer replies) or, every other one, to a department by name.
        addressee = {"division": unit.division} if index % 2 else {"department": "市市场监管局", "contact": "王科长"}
        services.request_refer(actor=users[Role.TEAM_MEMBER], request=referred, referred_on=today, **addressee)
        ActivityFactory(unit=unit, experts=[served["eve"]], date=datetime.date(2026, 1, 1) + datetime.timedelta(index))


@pytest.mark.parametrize(
    ("role", "budget"),
    [
        # session, user, savepoint and release, the model permissions (2, navigation; none for the bureau), then
        # the role's own reads. The bureau: the review queue (rows, count), units without a team, units without an
        # approved plan (their ids by due date, then those rows with their plan's state: each with the settings its
        # due dates read), requests past due; then the programme dashboard
        # (reports/dashboard/, 17: tests/reports/test_dashboard.py counts them).
        (Role.BUREAU, 27),
        (Role.OFFICER, 11),  # division, unit count, request figures, referrals waiting (rows, count)
        # unit count, units, returned plans (rows, count), drafts past due (settings, rows, count), measures due
        # (rows, count), waiting requests (rows, count), request figures, referrals waiting (rows, count); the
        # member's unit ids read first for the drafts past due and the referrals (issue 14: scope first)
        (Role.TEAM_MEMBER, 22),
        (Role.EXPERT, 12),  # invited requests and activities: rows, count and the number awaiting an opinion, each
        # unit with its plan, plan progress, open requests, recent services; the settings (when the feedback is
        # asked), and while it is asked the feedback given with its scores, or the serving team to ask it about
        (Role.UNIT_CONTACT, 13),
    ],
)
def test_every_home_runs_the_same_queries_at_any_size(client, users, served, unit, role, budget):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _fill(served, users, unit, 0, 20)
    client.force_login(users[role])
    client.get(reverse("home"))  # warms what a first request caches (content types, the permissions backend)
    cache.clear()  # each measured request builds the dashboard it would otherwise read from the cache
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("home")).status_code == 200
    _fill(served, users, unit, 20, 40)
    cache.clear()
    with CaptureQueriesContext(connection) as large:
        assert client.get(reverse("home")).status_code == 200
    assert len(small) <= budget, "\n".join(query["sql"] for query in small.captured_queries)
    assert len(large) == len(small), "\n".join(query["sql"] for query in large.captured_queries)


def test_unit_contact_home_asks_to_rate_an_answered_request(client, users, requests_world):
    from archives import services

    services.request_reply(actor=users[Role.TEAM_MEMBER], request=requests_world["fresh"], text="答复。")
    client.force_login(users[Role.UNIT_CONTACT])
    response = client.get(reverse("home"))
    assert response.text.count('data-testid="to-rate"') == 1
    client.force_login(users[Role.TEAM_MEMBER])  # the team's list shows no such prompt
    assert 'data-testid="to-rate"' not in client.get(reverse("home")).text


@pytest.mark.parametrize("role", [Role.BUREAU, Role.OFFICER, Role.TEAM_MEMBER, Role.EXPERT, Role.UNIT_CONTACT])
def test_a_home_read_again_reads_nothing_of_the_programme_while_no_record_changed(client, users, served, unit, role):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _fill(served, users, unit, 0, 6)
    client.force_login(users[role])
    first = client.get(reverse("home")).text
    with CaptureQueriesContext(connection) as again:
        response = client.get(reverse("home"))
    # session, user, savepoint and release, and the navigation's model permissions (none for the bureau): the
    # figures, the lists and their HTML come from the cache (reports/caching.py), under the records' version.
    assert len(again) <= 6, "\n".join(query["sql"] for query in again.captured_queries)
    assert _without_csrf_tokens(response.text) == _without_csrf_tokens(first)


def _without_csrf_tokens(html: str) -> str:
    return re.sub(r'"X-CSRFToken": "\w+"|name="csrfmiddlewaretoken" value="\w+"', "", html)


def test_the_bureaus_home_shows_a_plan_submitted_at_once(client, users, served, unit):
    client.force_login(users[Role.BUREAU])
    assert not client.get(reverse("home")).context["review_queue"]
    queued = _submitted(unit)  # a write to a counted table: the cached lists are not read again
    response = client.get(reverse("home"))
    assert [version.pk for version in response.context["review_queue"].rows] == [queued.pk]
    assert reverse("plans:review", kwargs={"uid": queued.plan.uid}) in response.text
    assert 'data-testid="review-queue-total">1<' in response.text


def test_a_team_members_home_shows_a_new_request_at_once(client, users, served, unit):
    client.force_login(users[Role.TEAM_MEMBER])
    assert 'data-testid="waiting-requests-total">0<' in client.get(reverse("home")).text
    RequestFactory(unit=unit, actor=users[Role.UNIT_CONTACT], title="刚刚提出的需求")
    response = client.get(reverse("home"))
    assert response.context["waiting_requests"].total == 1
    assert "刚刚提出的需求" in response.text
    assert 'data-testid="waiting-requests-total">1<' in response.text


def test_officers_of_one_division_share_the_home_and_another_divisions_officer_does_not(client, users, unit):
    from tests.factories import UserFactory

    colleague = UserFactory(username="colleague", role=Role.OFFICER, division=users[Role.OFFICER].division)
    ningbo = UserFactory(username="ningbo-officer", role=Role.OFFICER, division=division("330203"))
    client.force_login(users[Role.OFFICER])
    assert client.get(reverse("home")).context["unit_count"] == 1
    client.force_login(colleague)
    assert client.get(reverse("home")).context["unit_count"] == 1
    client.force_login(ningbo)
    response = client.get(reverse("home"))
    assert response.context["unit_count"] == 0
    assert unit.name not in response.text
