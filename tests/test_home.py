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


def test_home_page_runs_a_constant_number_of_queries(client, users, django_assert_max_num_queries):
    UnitFactory.create_batch(30)
    client.force_login(users[Role.BUREAU])
    with django_assert_max_num_queries(10):  # session, user, units, by city, plan figures (2), settings
        client.get(reverse("home"))


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
