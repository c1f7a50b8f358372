# ruff: noqa: F811  (the fixtures of tests/reports/report_world.py are imported, then named as arguments)
"""The report pages run as many queries for a small programme as for a larger one: the team member's list, the
bureau's period page, the report page (a draft with live figures and a submitted one), the typical cases page."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import services
from reports.periods import Period
from tests.factories import ActivityFactory, TeamFactory, UnitFactory, assign
from tests.reports.report_world import H2, D, at, clock, h2_records, world  # noqa: F401  (fixtures)


def count_queries(client, user, path, *, cold: bool = False, **params) -> int:
    """The queries of the second request of `path`; `cold`: with the cache emptied first, so that the request reads
    what the report page otherwise keeps in the cache under the records' version (reports/views/team_reports.py)."""
    client.force_login(user)
    client.get(path, params)  # the session, the programme settings' row and the like, once
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params)
    assert response.status_code == 200
    return len(captured)


def more_teams(world, n: int, start: int) -> None:
    """`n` more teams, each with a unit, an activity and its 2026H2 report in a different state."""
    for i in range(start, start + n):
        team = TeamFactory(name=f"扩展团队{i:03d}")
        unit = UnitFactory(name=f"扩展单位{i:03d}")
        assign(unit, team)
        ActivityFactory(unit=unit, date=D(2026, 9, 1), kind="visit", actor=world.bureau, outcome="成果")
        if i % 4 == 0:
            continue  # not started
        report = services.team_report_for(team=team, period=H2)
        if i % 4 == 1:
            continue  # a draft
        report = services.team_report_save(actor=world.bureau, report=report, revision=0, work_done="工作")
        services.team_report_submit(actor=world.bureau, report=report, now=at(D(2026, 12, 2)))
        if i % 4 == 3:
            services.team_report_return(actor=world.bureau, report=report, comment="请补充", now=at(D(2026, 12, 3)))


def more_records(world, n: int, start: int) -> None:
    """`n` more activities (some flagged) and reports of past half years for 西湖团队's units."""
    for i in range(start, start + n):
        activity = ActivityFactory(
            unit=world.second, date=D(2026, 8, 1 + i % 28), kind="training", actor=world.leader, outcome=f"成果{i}"
        )
        if i % 2:
            services.case_flag(actor=world.leader, activity=activity, why=f"理由{i}")


def test_the_team_members_list(world, client):
    path = reverse("reports:team_report_list")
    small = count_queries(client, world.leader, path)
    for code in ("2025H1", "2025H2", "2026H1"):
        report = services.team_report_for(team=world.team, period=Period.parse(code))
        services.team_report_save(actor=world.leader, report=report, revision=0, work_done="工作")
        services.team_report_submit(actor=world.leader, report=report)
    for name in ("钱塘团队", "瓯江团队"):  # tom leads two more teams
        team = TeamFactory(name=name, leader=world.leader_person)
        services.team_report_for(team=team, period=H2)
    large = count_queries(client, world.leader, path)
    assert small == large
    # session, user, savepoint and its release, the teams, their reports (the settings come from the cache,
    # ProgrammeSettings.current(); permissions are the roles' rules: no query, accounts/backends.py)
    assert large == 6


def test_the_period_page(world, client):
    path = reverse("reports:period", kwargs={"code": "2026H2"})
    more_teams(world, 3, 0)
    small = count_queries(client, world.bureau, path)
    more_teams(world, 30, 3)
    large = count_queries(client, world.bureau, path)
    assert small == large
    # session, user, savepoint and release, the counts, the page's count and rows (the settings, for the due day,
    # come from the cache: ProgrammeSettings.current())
    assert large == 7
    assert count_queries(client, world.bureau, path, late="yes", status="draft", page="2") <= large


@pytest.mark.parametrize("state", ["draft", "submitted"])
def test_the_report_page(world, client, state):
    h2_records(world)
    report = services.team_report_for(team=world.team, period=H2)
    if state == "submitted":
        services.team_report_save(actor=world.leader, report=report, revision=0, work_done="工作")
        services.team_report_submit(actor=world.leader, report=report)
    path = reverse("reports:team_report", kwargs={"team_id": world.team.pk, "code": "2026H2"})
    small = count_queries(client, world.leader, path, cold=True)
    more_records(world, 24, 0)
    large = count_queries(client, world.leader, path, cold=True)
    assert small == large
    # The figures are reports/figures.py's (live for a draft; frozen in the row once submitted): the bound leaves
    # them room, the equality above is the rule.
    assert large <= (35 if state == "draft" else 20)
    # Read again while no record changed: session, user, savepoint and release, the team, the report, the audit
    # trail's row of the read; the figures, the due day, the history and the cases come from the cache.
    assert count_queries(client, world.leader, path) == 7


def test_the_preview_of_a_report_not_started(world, client):
    h2_records(world)
    path = reverse("reports:team_report", kwargs={"team_id": world.team.pk, "code": "2026H2"})
    small = count_queries(client, world.bureau, path, cold=True)
    more_records(world, 24, 0)
    large = count_queries(client, world.bureau, path, cold=True)
    assert small == large
    assert large <= 45  # the draft text (reports/drafting.py: 13) and the live figures


def test_the_typical_cases_page(world, client):
    path = reverse("reports:case_candidates", kwargs={"team_id": world.team.pk, "code": "2026H2"})
    more_records(world, 4, 0)
    small = count_queries(client, world.leader, path)
    more_records(world, 40, 4)
    large = count_queries(client, world.leader, path)
    assert small == large
    assert large == 7  # session, user, savepoint and release, the team, the count and the rows
