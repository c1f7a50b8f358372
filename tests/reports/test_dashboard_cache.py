"""The cached dashboard (reports/caching.py, huhang/freshness.py): built once, then read from the cache; never
read after a change to a record it counts, whatever wrote it (a service, queryset.update(), bulk_create); never
shared between parts of the programme; and a figure computed before another transaction commits is dropped when it
commits."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Role
from archives.models import Activity
from huhang.freshness import VERSION_KEY, records_version
from plans.services import plan_approve, plan_submit
from reports.caching import cached_dashboard_for_user
from reports.models import TeamReport
from reports.periods import Period
from reports.services import team_report_for, team_report_submit
from teams.services import unit_assign_team, units_assign_team
from tests.factories import ActivityFactory, PlanFactory, RequestFactory, UnitFactory, UserFactory, division, ready
from tests.reports.dashboard_world import dashboard_world
from units.models import Unit
from units.services import unit_remove


def _figures(user, step: str) -> dict:
    board = cached_dashboard_for_user(user=user)
    return {figure.key: figure.value for figure in next(s for s in board.steps if s.key == step).figures}


@pytest.fixture
def world(users, unit):
    return dashboard_world(users, unit)


@pytest.fixture
def bureau(users):
    return users[Role.BUREAU]


def test_the_dashboard_is_built_once_then_read_without_a_query(world, bureau):
    first = cached_dashboard_for_user(user=bureau)
    with CaptureQueriesContext(connection) as queries:
        again = cached_dashboard_for_user(user=bureau)
    assert len(queries) == 0
    assert again.coverage == first.coverage


def test_a_unit_listed_counts_at_once(world, bureau):
    listed = _figures(bureau, "coverage")["listed"]
    UnitFactory(name="新列入单位")
    assert _figures(bureau, "coverage")["listed"] == listed + 1


def test_a_unit_removed_counts_at_once(world, bureau):
    listed = _figures(bureau, "coverage")["listed"]
    unit_remove(actor=bureau, unit=world["alone"], date=timezone.localdate(), reason="调出")
    assert _figures(bureau, "coverage")["listed"] == listed - 1


def test_a_team_assigned_counts_at_once(world, bureau):
    served = _figures(bureau, "coverage")["served"]
    unit_assign_team(actor=bureau, unit=world["alone"], team=world["team"])
    assert _figures(bureau, "coverage")["served"] == served + 1


def test_units_assigned_in_bulk_count_at_once(world, bureau):
    """units_assign_team ends the assignments with queryset.update() and writes the new ones with bulk_create."""
    other = UnitFactory(name="第二个未指派单位")
    served = _figures(bureau, "coverage")["served"]
    units_assign_team(actor=bureau, units=[world["alone"], other], team=world["other_team"])
    assert _figures(bureau, "coverage")["served"] == served + 2


def test_a_plans_state_counts_at_once(world, bureau):
    before = _figures(bureau, "plans")
    version = ready(PlanFactory(unit=world["alone"]))
    plan_submit(actor=None, version=version)
    submitted = _figures(bureau, "plans")
    assert submitted["submitted"] == before["submitted"] + 1
    plan_approve(actor=None, version=version)
    approved = _figures(bureau, "plans")
    assert (approved["submitted"], approved["approved"]) == (before["submitted"], before["approved"] + 1)


def test_an_activity_counts_at_once(world, bureau):
    month = _figures(bureau, "guidance")["month"]
    ActivityFactory(unit=world["draft"], date=timezone.localdate())
    assert _figures(bureau, "guidance")["month"] == month + 1


def test_activities_written_in_bulk_or_updated_in_bulk_count_at_once(world, bureau):
    """Neither bulk_create nor queryset.update() sends a model signal: the version follows the SQL itself."""
    month = _figures(bureau, "guidance")["month"]
    today = timezone.localdate()
    Activity.objects.bulk_create(
        [
            Activity(unit=world["draft"], date=today, kind="visit", summary=f"批量{n}", recorded_by=bureau)
            for n in range(3)
        ]
    )
    assert _figures(bureau, "guidance")["month"] == month + 3
    Activity.objects.filter(summary__startswith="批量").update(date=today - datetime.timedelta(days=400))
    assert _figures(bureau, "guidance")["month"] == month


def test_a_request_counts_at_once(world, bureau):
    received = _figures(bureau, "requests")["received"]
    RequestFactory(unit=world["draft"], kind="consultation")
    assert _figures(bureau, "requests")["received"] == received + 1


def test_a_report_submitted_counts_at_once(world, bureau, users):
    period = Period.containing(timezone.localdate()).previous
    delivered = _figures(bureau, "review")["delivered"]
    report = team_report_for(team=world["team"], period=period)
    team_report_submit(actor=users[Role.TEAM_MEMBER], report=report, now=timezone.now())
    assert TeamReport.objects.get(pk=report.pk).status == TeamReport.Status.SUBMITTED
    assert _figures(bureau, "review")["delivered"] == delivered + 1


def test_a_unit_updated_in_bulk_counts_at_once(world, bureau):
    listed = _figures(bureau, "coverage")["listed"]
    Unit.objects.filter(pk=world["alone"].pk).update(is_listed=False)
    assert _figures(bureau, "coverage")["listed"] == listed - 1


@pytest.mark.django_db(transaction=True)
def test_figures_computed_before_a_commit_are_dropped_when_it_commits():
    """Another connection may compute the figures between a write and its commit, from the rows as they were, and
    store them under the version the write bumped: the commit bumps the version once more."""
    bureau = UserFactory(bureau=True)
    with transaction.atomic():
        UnitFactory(name="提交前单位")
        UnitFactory(name="提交前单位二")
        version = records_version()
        cached_dashboard_for_user(user=bureau)  # stands in for the other connection's figures under this version
    assert records_version() > version  # bumped again at the commit: the figures stored under `version` are never read


def test_the_pages_html_is_kept_under_the_version_read_before_its_figures(world, bureau, monkeypatch):
    """A write committed while the figures are built must not file the page's HTML, made from the older figures,
    under the newer version that the next readers use."""
    from reports import dashboard as package

    build = package.dashboard_for_user

    def racing(**kwargs):
        board = build(**kwargs)
        UnitFactory(name="构建中写入")
        return board

    monkeypatch.setattr(package, "dashboard_for_user", racing)
    version = records_version()
    board = cached_dashboard_for_user(user=bureau)
    assert records_version() > version
    assert board.cache_key.endswith(f":{version}:html")


def test_a_version_dropped_by_the_cache_restarts_above_every_earlier_one(world, bureau):
    cached_dashboard_for_user(user=bureau)
    version = records_version()
    cache.delete(VERSION_KEY)
    assert records_version() > version


def test_reading_writes_nothing_and_keeps_the_version(world, bureau, client):
    version = records_version()
    client.force_login(bureau)
    version = records_version()  # signing in writes the login's rows, none of them counted
    assert client.get(reverse("reports:dashboard")).status_code == 200
    assert client.get(reverse("home")).status_code == 200
    assert records_version() == version


# --- Never one part's figures for another ------------------------------------------------------------------------


def test_each_part_of_the_programme_has_its_own_figures(world, users):
    bureau, officer, member = users[Role.BUREAU], users[Role.OFFICER], users[Role.TEAM_MEMBER]
    province = cached_dashboard_for_user(user=bureau)
    city = cached_dashboard_for_user(user=officer)
    team = cached_dashboard_for_user(user=member)
    assert province.coverage["listed"] > city.coverage["listed"]
    assert (province.scope, city.scope, team.scope) == ("全省", "杭州市", "西湖团队")
    assert team.coverage["listed"] == member_units(member)


def member_units(member) -> int:
    from reports.selectors import listed_units_for_user

    return listed_units_for_user(user=member).count()


def test_another_citys_officer_gets_that_citys_figures(world, users):
    cached_dashboard_for_user(user=users[Role.OFFICER])
    ningbo = UserFactory(username="nick", officer=True, division=division("330200"))
    assert cached_dashboard_for_user(user=ningbo).scope == "宁波市"
    assert cached_dashboard_for_user(user=ningbo).coverage["listed"] == 2


def test_the_figures_are_kept_per_language(world, bureau):
    with translation.override("zh-hans"):
        chinese = cached_dashboard_for_user(user=bureau).steps[0].title
    with translation.override("en"):
        english = cached_dashboard_for_user(user=bureau).steps[0].title
    assert chinese != english
    assert english == "Identify the units to serve"


# --- The province report and the scorecards, cached the same way -------------------------------------------------


def test_the_province_report_page_shows_a_change_at_once(client, world, bureau):
    """The document and its parts' HTML are cached under the records' version: a new unit moves the figures."""
    period = Period.containing(timezone.localdate()).previous
    url = reverse("reports:province", kwargs={"code": period.code})
    client.force_login(bureau)

    def page() -> str:  # the report itself, from its contents on
        return client.get(url).text.split('id="toc-heading"')[1]

    first = page()
    assert page() == first  # read back from the cache
    unit_remove(actor=bureau, unit=world["alone"], date=timezone.localdate(), reason="调出")
    assert page() != first


def test_the_scorecards_page_caches_each_page_for_its_reader(client, world, users):
    period = Period.containing(timezone.localdate()).previous
    url = reverse("reports:scorecards", kwargs={"code": period.code})
    client.force_login(users[Role.BUREAU])
    bureau_page = client.get(url).text
    client.force_login(users[Role.TEAM_MEMBER])
    member_page = client.get(url).text
    assert 'data-testid="scorecard-row"' in bureau_page
    assert member_page != bureau_page  # the member's own row only, never the bureau's cached ranking
    assert "甬江团队" not in member_page


def test_a_pdf_gives_the_first_rows_of_a_long_list_and_says_where_the_others_are():
    from reports.document import Column, Table
    from reports.exporting.pdf import _render_table

    table = Table(title="团队绩效评价", columns=[Column("团队", "text")], rows=[["一队"]], note="说明。", more=3970)
    with translation.override("en"):
        assert _render_table(table).note == "说明。 The other 3970 rows are in the Excel export."


def test_a_province_pdf_holds_at_most_the_pdf_limit_of_each_long_list(users, monkeypatch):
    from reports.exporting import jobs

    seen = {}

    def document(**kwargs):
        seen.update(kwargs)

    monkeypatch.setattr("reports.documents.province_report_document", document)
    for format, limit in (("pdf", jobs.PDF_LIST_LIMIT), ("xlsx", None)):
        target = jobs.export_check(actor=users[Role.BUREAU], kind="province", period="2026H1", params={}, format=format)
        jobs.export_document(actor=users[Role.BUREAU], target=target)
        assert seen["list_limit"] == limit
