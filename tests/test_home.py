import datetime
import re

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.factories import UnitFactory, division


@pytest.fixture
def ningbo_unit(db):
    return UnitFactory(name="宁波甬江材料实验室", division=division("330203"))


def test_bureau_home_counts_every_unit_by_city(client, users, ningbo_unit):
    client.force_login(users[Role.BUREAU])
    response = client.get(reverse("home"))
    assert response.context["unit_count"] == 2
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
    bureau = users[Role.BUREAU]
    bureau.is_superuser = bureau.is_staff = True
    bureau.save()
    client.force_login(bureau)
    assert reverse("admin:index") in client.get(reverse("home")).text
    client.force_login(users[Role.TEAM_MEMBER])
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
    return {"ningbo": ningbo, "eve": eve, "ed": ed, "team": served["team"]}


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


def test_officer_home_counts_the_requests_of_the_jurisdiction_only(client, users, outsiders, requests_world):
    client.force_login(users[Role.OFFICER])
    figures = client.get(reverse("home")).context["requests"]
    assert (figures["total"], figures["open"], figures["past_due"]) == (4, 3, 2)
    client.force_login(outsiders[Role.OFFICER])  # 宁波市
    figures = client.get(reverse("home")).context["requests"]
    assert (figures["total"], figures["open"], figures["past_due"]) == (1, 1, 1)


def test_team_member_home_lists_the_teams_open_requests_newest_first_with_past_due_flagged(
    client, users, requests_world
):
    client.force_login(users[Role.TEAM_MEMBER])
    response = client.get(reverse("home"))
    rows = response.context["open_requests"]
    assert [r.title for r in rows] == ["刚提出的需求", "已受理未答复", "无人受理的需求"]  # newest first
    assert {r.title: r.past_due for r in rows} == {"刚提出的需求": False, "已受理未答复": True, "无人受理的需求": True}
    assert response.text.count('data-past-due="yes"') == 2
    assert "宁波的需求" not in response.text
    assert "已关闭的需求" not in response.text
    assert 'data-testid="log-activity"' in response.text
    assert reverse("archives:activity_create") in response.text
    assert reverse("archives:request_detail", kwargs={"uid": requests_world["fresh"].uid}) in response.text


def test_team_member_home_shows_at_most_ten_open_requests(client, users, served, unit):
    from tests.factories import RequestFactory

    for index in range(12):
        RequestFactory(
            unit=unit, actor=users[Role.UNIT_CONTACT], title=f"需求{index:02d}", submitted_at=_past(12 - index)
        )
    client.force_login(users[Role.TEAM_MEMBER])
    response = client.get(reverse("home"))
    assert [r.title for r in response.context["open_requests"]] == [f"需求{i:02d}" for i in range(11, 1, -1)]
    assert response.context["requests"]["open"] == 12


def test_team_member_without_units_gets_no_log_button(client, users):
    client.force_login(users[Role.TEAM_MEMBER])
    response = client.get(reverse("home"))
    assert 'data-testid="log-activity"' not in response.text
    assert response.context["open_requests"] == []


def test_expert_home_lists_only_what_they_were_invited_to(client, users, served, unit):
    from archives import services
    from tests.factories import ActivityFactory, RequestFactory

    invited_activity = ActivityFactory(unit=unit, experts=[served["eve"]], summary="请专家参加的会商")
    ActivityFactory(unit=unit, experts=[served["ed"]])
    invited_request = RequestFactory(unit=unit, title="请专家看的需求")
    services.request_invite_expert(actor=None, request=invited_request, expert=served["eve"])
    RequestFactory(unit=unit, title="没有邀请的需求")
    client.force_login(users[Role.EXPERT])
    response = client.get(reverse("home"))
    assert response.context["invited_activities"] == [invited_activity]
    assert response.context["invited_requests"] == [invited_request]
    assert reverse("archives:activity_detail", kwargs={"uid": invited_activity.uid}) in response.text
    assert reverse("archives:request_detail", kwargs={"uid": invited_request.uid}) in response.text
    assert "没有邀请的需求" not in response.text


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
    row = row[: row.index("</tr>")]
    assert row.count('data-met="missed"') == 2  # both clocks running past their due time
    fresh = html[html.index(f'data-request="{requests_world["fresh"].uid}"') :]
    assert fresh[: fresh.index("</tr>")].count('data-met="running"') == 2
    waiting = html[html.index(f'data-request="{requests_world["waiting"].uid}"') :]
    waiting = waiting[: waiting.index("</tr>")]
    assert 'data-met="met"' in waiting
    assert 'data-met="missed"' in waiting
    assert [a.summary for a in response.context["recent_activities"]] == [f"服务{i}" for i in range(6, 1, -1)]
    assert "宁波的服务" not in html
    assert "宁波的需求" not in html
    assert "内部备注：等专家意见。" not in html  # never an internal note
    assert f'href="{reverse("archives:request_create")}"' in html
    assert f'href="{reverse("archives:request_list")}"' in html
    assert f'href="{reverse("archives:activity_list")}"' in html


def _fill(served, users, unit, count: int) -> None:
    """`count` more units in three cities, every other one served by tom's team and every third with a plan, and
    `count` requests and activities of `unit` with eve invited: every list and figure of every home grows."""
    from archives import services
    from tests.factories import ActivityFactory, PlanFactory, RequestFactory, assign
    from tests.units.test_timeline import approved_measures

    approved_measures(unit, "policy_law", "protection", "portfolio_layout")
    for index in range(count):
        other = UnitFactory(division=division(("330106", "330203", "330302")[index % 3]))
        if index % 2 == 0:
            assign(other, served["team"])
        if index % 3 == 0:
            PlanFactory(unit=other)
        request = RequestFactory(unit=unit, actor=users[Role.UNIT_CONTACT], submitted_at=_past(index + 1))
        services.request_invite_expert(actor=None, request=request, expert=served["eve"])
        ActivityFactory(unit=unit, experts=[served["eve"]], date=datetime.date(2026, 1, 1) + datetime.timedelta(index))


@pytest.mark.parametrize("count", [2, 25])  # the same bound at both sizes: no query per row
@pytest.mark.parametrize(
    ("role", "budget"),
    [
        # session, user, savepoint and release, the model permissions (2, navigation), then the role's own reads:
        (Role.BUREAU, 13),  # unit count, by city, plan figures (2), settings, request figures, activities this month
        (Role.OFFICER, 9),  # division, unit count, request figures
        (Role.TEAM_MEMBER, 10),  # unit count, units, request figures, open requests
        (Role.EXPERT, 8),  # invited activities, invited requests
        (Role.UNIT_CONTACT, 11),  # unit count, unit with its plan, plan progress, open requests, recent services
    ],
)
def test_every_home_runs_a_constant_number_of_queries(
    client,
    users,
    served,
    unit,
    django_assert_max_num_queries,
    role,
    budget,
    count,
):
    _fill(served, users, unit, count)
    client.force_login(users[role])
    with django_assert_max_num_queries(budget):
        response = client.get(reverse("home"))
    assert response.status_code == 200


def test_unit_contact_home_asks_to_rate_an_answered_request(client, users, requests_world):
    from archives import services

    services.request_reply(actor=users[Role.TEAM_MEMBER], request=requests_world["fresh"], text="答复。")
    client.force_login(users[Role.UNIT_CONTACT])
    response = client.get(reverse("home"))
    assert response.text.count('data-testid="to-rate"') == 1
    client.force_login(users[Role.TEAM_MEMBER])  # the team's list shows no such prompt
    assert 'data-testid="to-rate"' not in client.get(reverse("home")).text
