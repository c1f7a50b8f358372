"""The programme's coverage on the bureau's home: listed, served by a team, with an approved plan, and guided (all
three and a recorded service), each against the year's target and linking to the unit list it counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from plans.services import plan_submit
from reports.home import programme_target
from reports.selectors import coverage_figures
from tests.factories import ActivityFactory, PlanFactory, TeamFactory, UnitFactory, approved_plan, assign, ready


@pytest.fixture
def programme(users, unit):
    """`unit` is listed and nothing more; then one unit per stage, and the units that look guided but are not."""
    team = TeamFactory(name="护航团队")
    served = UnitFactory(name="已有团队的单位")
    assign(served, team)
    submitted = UnitFactory(name="方案待审核的单位")
    assign(submitted, team)
    plan_submit(actor=None, version=ready(PlanFactory(unit=submitted)))
    approved = UnitFactory(name="方案已生效的单位")
    assign(approved, team)
    approved_plan(approved)
    guided = UnitFactory(name="已指导的单位")
    assign(guided, team)
    approved_plan(guided)
    ActivityFactory(unit=guided)
    no_team = UnitFactory(name="有方案和服务却无团队的单位")  # its team has been withdrawn
    assign(no_team, team)
    approved_plan(no_team)
    ActivityFactory(unit=no_team)
    no_team.assignments.update(end=datetime.date(2026, 6, 30))
    removed = UnitFactory(name="已调出的单位", is_listed=False)  # guided once, no longer on the list
    assign(removed, team)
    approved_plan(removed)
    ActivityFactory(unit=removed)
    return {
        "served": served,
        "submitted": submitted,
        "approved": approved,
        "guided": guided,
        "no_team": no_team,
        "removed": removed,
    }


def _listed(client, url: str) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200
    return {unit.name for unit in response.context["object_list"]}


def test_the_target_counts_guided_units_not_listed_ones(client, users, programme, settings):
    settings.PROGRAMME_TARGETS = {timezone.localdate().year: 4}
    client.force_login(users[Role.BUREAU])
    response = client.get(reverse("home"))
    assert response.context["coverage"] == {
        "listed": 6,
        "served": 4,
        "approved": 3,
        "guided": 1,
        "unserved": 2,
        "unapproved": 3,
    }
    stages = {stage.key: stage for stage in response.context["coverage_stages"]}
    assert [stages[key].figure for key in ("listed", "served", "approved", "guided")] == [6, 4, 3, 1]
    assert [stages[key].percent for key in ("listed", "served", "approved", "guided")] == [100, 100, 75, 25]
    assert 'data-testid="coverage-guided">1<' in response.text


def test_each_coverage_figure_links_to_the_units_it_counts(client, users, programme, unit):
    client.force_login(users[Role.BUREAU])
    stages = {stage.key: stage for stage in client.get(reverse("home")).context["coverage_stages"]}
    everyone = {unit.name, *(u.name for key, u in programme.items() if key != "removed")}
    assert _listed(client, stages["listed"].url) == everyone
    assert _listed(client, stages["served"].url) == {
        "已有团队的单位",
        "方案待审核的单位",
        "方案已生效的单位",
        "已指导的单位",
    }
    assert _listed(client, stages["approved"].url) == {"方案已生效的单位", "已指导的单位", "有方案和服务却无团队的单位"}
    assert _listed(client, stages["guided"].url) == {"已指导的单位"}
    unapproved = reverse("units:list") + "?coverage=unapproved"
    assert _listed(client, unapproved) == {unit.name, "已有团队的单位", "方案待审核的单位"}
    home = client.get(reverse("home"))
    assert _listed(client, home.context["units_without_team_url"]) == {unit.name, "有方案和服务却无团队的单位"}
    for key, stage in stages.items():
        assert f'href="{stage.url}"'.replace("&", "&amp;") in client.get(reverse("home")).text, key


def test_the_coverage_is_one_query(users, programme, django_assert_num_queries):
    with django_assert_num_queries(1):
        coverage_figures(user=users[Role.BUREAU])


@pytest.mark.parametrize("role", [Role.OFFICER, Role.TEAM_MEMBER])
def test_only_the_bureau_filters_the_unit_list_by_coverage(client, users, programme, unit, role):
    """Officers read no activities and no teams: the filter would tell them what the archive holds."""
    client.force_login(users[role])
    response = client.get(reverse("units:list") + "?coverage=guided")
    assert response.status_code == 200
    assert "coverage" not in response.context["filter"].form.fields
    everything = {u.name for u in client.get(reverse("units:list")).context["object_list"]}
    assert {u.name for u in response.context["object_list"]} == everything


def test_the_bureau_sees_the_coverage_filter_on_the_unit_list(client, users, programme):
    client.force_login(users[Role.BUREAU])
    response = client.get(reverse("units:list"))
    assert "coverage" in response.context["filter"].form.fields
    assert 'name="coverage"' in response.text


@pytest.mark.parametrize(
    ("year", "target"),
    [(2025, 100), (2026, 150), (2027, 150), (2024, 100)],  # after the last year its target, before the first the first
)
def test_the_target_is_the_years_or_the_nearest_years(settings, year, target):
    settings.PROGRAMME_TARGETS = {2025: 100, 2026: 150}
    assert programme_target(year) == target
