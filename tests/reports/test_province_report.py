"""The province report page (reports:province): the bureau reads the whole province or one city, an officer their
jurisdiction, a team member their teams' own part; experts and unit contacts are refused. The world is
tests/reports/province_world.py's; the figures themselves are reports/figures.py's (tests/reports/test_figures.py),
so these tests pin what each role's page shows and that it shows nothing outside the role's scope."""

import datetime

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from reports.models import ExportJob
from reports.periods import FIRST_PERIOD, Period
from reports.views.province import latest_ended, period_or_404
from tests.factories import UserFactory, division
from tests.reports.province_world import add_teams, add_units, column, page_tables, province_world

URL = reverse("reports:province", kwargs={"code": "2026H1"})
PARTS = ["summary", "cities", "categories", "areas", "requests", "feedback", "cases", "no_contact", "scorecard"]
CITIES = ["330100", "330200", "330300", "330400", "330500", "330600", "330700", "330800", "330900", "331000", "331100"]


@pytest.fixture
def world(users, outsiders, unit):
    return province_world(users, unit)


def _get(client, user, status=200, **params):
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == status
    return response


def _table(tables: list, first_header: str) -> list[list[str]]:
    return next(table for table in tables if table[0][0] == first_header)


def _figures(html: str) -> dict[str, str]:
    """The summary's "this half year" figures by their label."""
    return column(_table(page_tables(html)["summary"], _("Figure")), _("This half year"))


def _served_by_city(html: str) -> dict[str, str]:
    served = column(_table(page_tables(html)["cities"], _("City")), _("Served"))
    return {city: served[city] for city in ("杭州市", "宁波市", _("Total"))}


def _out_of_contact(html: str) -> list[str]:
    return sorted(row[0] for row in page_tables(html)["no_contact"][0][1:])


def _scorecard_teams(html: str) -> list[tuple[str, str, str]]:
    return [tuple(row[:3]) for row in page_tables(html)["scorecard"][0][1:]]


def _options(html: str, testid: str) -> list[str]:
    select = html.split(f'data-testid="{testid}"', 1)[1].split("</select>", 1)[0]
    return [part.split('"', 1)[0] for part in select.split('<option value="')[1:]]


def test_the_bureau_reads_the_whole_province(client, users, world):
    html = _get(client, users[Role.BUREAU]).text
    assert (
        f'data-testid="report-title">{_("%(period)s IP escort action work report") % {"period": Period(2026, 1).label}}'
        in html
    )
    assert f'data-testid="report-scope">{_("Whole province")}</span>' in html
    assert _served_by_city(html) == {"杭州市": "3", "宁波市": "2", _("Total"): "5"}
    assert _figures(html)[_("Service activities")] == "3"
    assert _out_of_contact(html) == ["宁波静默实验室", "杭州静默实验室"]
    assert _scorecard_teams(html) == [("1", "西湖团队", "66.7"), ("2", "甬江团队", "50.0")]
    assert _options(html, "city-select") == ["", *CITIES]


def test_the_bureau_narrows_the_report_to_a_city(client, users, world):
    html = _get(client, users[Role.BUREAU], city="330200").text
    assert 'data-testid="report-scope">宁波市</span>' in html
    assert _served_by_city(html) == {"杭州市": "0", "宁波市": "2", _("Total"): "2"}
    assert _figures(html)[_("Service activities")] == "1"
    assert _out_of_contact(html) == ["宁波静默实验室"]
    assert _scorecard_teams(html) == [
        ("2", "甬江团队", "50.0")
    ]  # the city's teams, ranked among all, as its officer reads
    assert '<option value="330200" selected>宁波市</option>' in html
    assert '<input type="hidden" name="city" value="330200">' in html  # the exports are of the same city


def test_an_officer_reads_their_jurisdiction_only(client, users, world):
    html = _get(client, users[Role.OFFICER]).text
    assert 'data-testid="report-scope">杭州市</span>' in html
    assert _served_by_city(html) == {"杭州市": "3", "宁波市": "0", _("Total"): "3"}
    assert _figures(html)[_("Service activities")] == "2"
    assert _out_of_contact(html) == ["杭州静默实验室"]
    assert _scorecard_teams(html) == [("1", "西湖团队", "66.7")]
    assert 'data-testid="city-select"' not in html  # one city is no choice
    for absent in ("甬江团队", "宁波静默实验室", "宁波甬江材料实验室"):
        assert absent not in html


def test_an_officer_may_name_their_own_city_but_no_other(client, users, world):
    html = _get(client, users[Role.OFFICER], city="330100").text
    assert _out_of_contact(html) == ["杭州静默实验室"]
    _get(client, users[Role.OFFICER], status=404, city="330200")
    _get(client, users[Role.OFFICER], status=404, city="330106")  # a county is not a city of the filter


def test_a_county_officer_reads_the_county_and_may_name_no_city(client, users, world):
    county_officer = UserFactory(username="olga", officer=True, division=division("330106"))  # 杭州市西湖区
    html = _get(client, county_officer).text
    assert 'data-testid="report-scope">杭州市西湖区</span>' in html
    assert _out_of_contact(html) == ["杭州静默实验室"]
    assert 'data-testid="city-select"' not in html
    _get(client, county_officer, status=404, city="330100")


def test_an_officer_of_another_city_reads_theirs_and_not_hangzhou(client, users, outsiders, world):
    html = _get(client, outsiders[Role.OFFICER]).text
    assert 'data-testid="report-scope">宁波市</span>' in html
    assert _served_by_city(html) == {"杭州市": "0", "宁波市": "2", _("Total"): "2"}
    assert _out_of_contact(html) == ["宁波静默实验室"]
    assert _scorecard_teams(html) == [("2", "甬江团队", "50.0")]
    for absent in ("西湖团队", "杭州静默实验室", "西湖光电实验室", "西湖新材料实验室"):
        assert absent not in html
    _get(client, outsiders[Role.OFFICER], status=404, city="330100")


def test_a_team_member_reads_their_teams_part(client, users, world):
    html = _get(client, users[Role.TEAM_MEMBER]).text
    assert 'data-testid="report-scope">西湖团队</span>' in html
    assert _served_by_city(html) == {"杭州市": "3", "宁波市": "0", _("Total"): "3"}
    assert _figures(html)[_("Service activities")] == "2"
    assert _out_of_contact(html) == ["杭州静默实验室"]
    assert _scorecard_teams(html) == [("1", "西湖团队", "66.7")]
    assert 'data-testid="city-select"' not in html
    for absent in ("甬江团队", "宁波静默实验室", "宁波甬江材料实验室"):
        assert absent not in html
    _get(client, users[Role.TEAM_MEMBER], status=404, city="330100")  # no city filter: their part is their part


@pytest.mark.parametrize("role", [Role.EXPERT, Role.UNIT_CONTACT])
def test_experts_and_unit_contacts_read_no_province_report(client, users, world, role):
    _get(client, users[role], status=403)
    assert client.get(reverse("reports:province_latest")).status_code == 403


def test_a_unit_contact_of_another_city_is_refused_too(client, outsiders, world):
    _get(client, outsiders[Role.UNIT_CONTACT], status=403)


def test_the_contents_link_every_part_in_order(client, users, world):
    html = _get(client, users[Role.BUREAU]).text
    toc = html.split('data-testid="toc"', 1)[1].split("</nav>", 1)[0]
    assert [link.split('"', 1)[0] for link in toc.split('<a href="#')[1:]] == PARTS
    assert [section.split('"', 1)[0] for section in html.split('<section id="')[1:]] == PARTS


def test_the_period_selector_offers_every_period_of_the_programme(client, users, world):
    html = _get(client, users[Role.BUREAU]).text
    current = Period.containing(timezone.localdate())
    expected, period = [], current
    while period >= FIRST_PERIOD:
        expected.append(period.code)
        period = period.previous
    assert _options(html, "period-select") == expected
    assert '<option value="2026H1" selected>' in html


def test_the_bare_address_opens_the_latest_ended_period(client, users, world):
    client.force_login(users[Role.BUREAU])
    response = client.get(reverse("reports:province_latest"))
    assert response.url == reverse("reports:province", kwargs={"code": latest_ended(timezone.localdate()).code})


def test_the_selector_goes_to_the_chosen_period_and_keeps_the_city(client, users, world):
    client.force_login(users[Role.BUREAU])
    response = client.get(reverse("reports:province_latest"), {"period": "2025H2", "city": "330100"})
    assert response.url == "/reports/province/2025H2/?city=330100"
    assert client.get(reverse("reports:province_latest"), {"period": "2024H2"}).status_code == 404


@pytest.mark.parametrize("code", ["2024H2", "2099H1", "2026H3", "x"])
def test_a_period_outside_the_programme_is_not_found(client, users, world, code):
    client.force_login(users[Role.BUREAU])
    assert client.get(reverse("reports:province", kwargs={"code": code})).status_code == 404


@pytest.mark.parametrize(
    ("today", "latest"),
    [
        (datetime.date(2026, 12, 2), Period(2026, 1)),
        (datetime.date(2026, 7, 1), Period(2026, 1)),
        (datetime.date(2026, 6, 30), Period(2025, 2)),
        (datetime.date(2025, 3, 1), FIRST_PERIOD),  # nothing has ended yet: the first period
    ],
)
def test_the_latest_ended_period(today, latest):
    assert latest_ended(today) == latest


def test_the_running_period_may_be_read_but_not_the_next(db):
    today = datetime.date(2026, 12, 2)
    assert period_or_404("2026H2", today) == Period(2026, 2)
    with pytest.raises(Http404):
        period_or_404("2027H1", today)


def test_the_export_buttons_post_this_report_and_queue_its_export(client, users, world):
    html = _get(client, users[Role.BUREAU], city="330200").text
    form = html.split(f'<form method="post" action="{reverse("reports:export_create")}"', 1)[1].split("</form>")[0]
    for hidden in ('name="kind" value="province"', 'name="period" value="2026H1"', 'name="city" value="330200"'):
        assert hidden in form
    assert 'name="format" value="xlsx"' in form
    assert 'name="format" value="pdf"' in form
    response = client.post(
        reverse("reports:export_create"), {"kind": "province", "period": "2026H1", "city": "330200", "format": "xlsx"}
    )
    job = ExportJob.objects.get()
    assert response.url == reverse("reports:export_status", kwargs={"uid": job.uid})
    assert (job.kind, job.period, job.params, job.format) == ("province", "2026H1", {"city": "330200"}, "xlsx")


# Each includes the one INSERT of the read's audit event (audit/services.py).
PAGE_QUERIES = {Role.BUREAU: 50, Role.OFFICER: 53, Role.TEAM_MEMBER: 51}


@pytest.mark.parametrize("role", [Role.BUREAU, Role.OFFICER, Role.TEAM_MEMBER])
def test_the_page_runs_the_same_queries_at_two_sizes(client, users, world, role, django_assert_max_num_queries):
    client.force_login(users[role])
    counts = []
    for more in (0, 8):
        add_units(world, more)
        with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(PAGE_QUERIES[role]):
            assert client.get(URL).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_page_shows_the_first_rows_of_a_long_list_and_the_export_holds_them_all(client, users, world, monkeypatch):
    """No page renders a whole table: the units out of contact and the scorecard stop at the page's limit and say
    how many rows the exported report holds beside them."""
    from reports import documents
    from reports.views import province

    add_teams(world, 3)  # five teams in all
    monkeypatch.setattr(province, "LIST_LIMIT", 2)
    html = _get(client, users[Role.BUREAU]).text
    assert len(_scorecard_teams(html)) == 2
    assert "另有 3 行在导出的报告中" in html
    assert reverse("reports:scorecards", kwargs={"code": "2026H1"}) in html

    whole = documents.province_report_document(user=users[Role.BUREAU], period=Period(2026, 1))
    scorecard = next(part for part in whole.parts if part.key == "scorecard").tables[0]
    assert (len(scorecard.rows), scorecard.more) == (5, 0)
