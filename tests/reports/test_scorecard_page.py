"""The scorecard page (reports:scorecards, 绩效评价): the teams ranked with their scores, each component's points and
the figures under it, the weights and the formula. The bureau reads every team, an officer the teams serving units of
their jurisdiction, a team member their own team's row and its rank among all; experts and unit contacts are
refused. The scores themselves are reports/scorecard.py's (tests/reports/test_scorecard.py); the world is
tests/reports/province_world.py's: contact is its only component with data, 西湖团队 66.7 (2 of 3 units), 甬江团队
50.0 (1 of 2)."""

from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from accounts.models import Role
from huhang.models import ProgrammeSettings
from reports import scorecard
from reports.views import province
from reports.views.province import latest_ended
from tests.reports.province_world import add_teams, page_tables, province_world

URL = reverse("reports:scorecards", kwargs={"code": "2026H1"})
COMPONENTS = ["plan", "measures", "contact", "requests", "satisfaction", "feedback"]


@pytest.fixture
def world(users, outsiders, unit):
    return province_world(users, unit)


def _get(client, user, status=200, url=URL, **params):
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == status
    return response


def _ranking(html: str) -> list[tuple[str, str, str]]:
    """(rank, team, score) of each row of the ranking table."""
    return [tuple(row[:3]) for row in page_tables(html)[""][0][1:]]


def _contact_link(team) -> str:
    query = urlencode({"team": team.pk, "date_from": "2026-01-01", "date_to": "2026-06-30"})
    return escape(f"{reverse('archives:activity_list')}?{query}")


def test_the_bureau_reads_every_team_ranked(client, users, world):
    html = _get(client, users[Role.BUREAU]).text
    assert _ranking(html) == [("1", "西湖团队", "66.7"), ("2", "甬江团队", "50.0")]
    assert '<progress class="hh-progress" max="100" value="66.7"' in html


def test_each_component_shows_its_points_ratio_and_figures_with_their_link(client, users, world):
    html = _get(client, users[Role.BUREAU]).text
    row = html.split(f'data-team="{world.team.pk}"', 1)[1].split("</tr>", 1)[0]
    cells = row.split('data-testid="component"')[1:]
    assert [cell.split('data-component="', 1)[1].split('"', 1)[0] for cell in cells] == COMPONENTS
    contact = cells[2]
    assert '<span class="fw-semibold">66.7</span> <span class="text-body-secondary">(66.7%)</span>' in contact
    detail = _("%(figures)s units contacted in the last %(days)s days") % {"figures": "2 / 3", "days": 60}
    assert f'<a href="{_contact_link(world.team)}">{escape(detail)}</a>' in contact
    for no_data in (cells[0], cells[1], cells[3], cells[4], cells[5]):
        assert _("No data: not counted") in no_data


def test_the_weights_and_the_formula_are_on_the_page(client, users, world):
    settings = ProgrammeSettings.current()
    settings.weight_contact, settings.weight_feedback = 30, 5
    settings.save()
    html = _get(client, users[Role.BUREAU]).text
    weights = page_tables(html)[""][1]
    assert weights[1:] == [
        [str(label), str(weight)]
        for (_key, label, _field), weight in zip(scorecard.COMPONENTS, [15, 20, 30, 20, 10, 5], strict=True)
    ]
    head = page_tables(html)[""][0][0]
    assert head[5] == f"{scorecard.COMPONENTS[2][1]}{_('%(weight)s points') % {'weight': 30}}"  # the column's weight
    for line in str(scorecard.FORMULA).splitlines():
        assert escape(line) in html
    assert _ranking(html)[0] == ("1", "西湖团队", "66.7")  # contact alone has data: its weight is all of the score


def test_the_bureau_is_pointed_to_the_settings_where_the_weights_are_changed(client, users, world):
    html = _get(client, users[Role.BUREAU]).text
    assert f'href="{reverse("programme_settings")}" data-testid="edit-weights"' in html
    for role in (Role.OFFICER, Role.TEAM_MEMBER):
        assert 'data-testid="edit-weights"' not in _get(client, users[role]).text


def test_an_officer_reads_the_teams_serving_their_jurisdiction(client, users, outsiders, world):
    html = _get(client, users[Role.OFFICER]).text
    assert _ranking(html) == [("1", "西湖团队", "66.7")]
    assert "甬江团队" not in html
    assert "<a href=" not in html.split('data-testid="scorecard-table"', 1)[1].split("</table>", 1)[0]  # no lists
    other = _get(client, outsiders[Role.OFFICER]).text
    assert _ranking(other) == [("2", "甬江团队", "50.0")]
    assert "西湖团队" not in other


def test_a_team_member_sees_their_own_row_and_its_rank_among_all(client, users, world):
    html = _get(client, users[Role.TEAM_MEMBER]).text
    assert _("Rank %(rank)s of %(total)s teams") % {"rank": 1, "total": 2} in html
    assert 'data-testid="score">66.7</div>' in html
    assert html.count('data-testid="scorecard-row"') == 1
    assert f'<a href="{_contact_link(world.team)}">' in html
    assert "甬江团队" not in html


def test_the_last_team_sees_its_rank_but_not_the_teams_above_it(client, users, world):
    html = _get(client, world.tina).text
    assert _("Rank %(rank)s of %(total)s teams") % {"rank": 2, "total": 2} in html
    assert 'data-testid="score">50.0</div>' in html
    assert "西湖团队" not in html


@pytest.mark.parametrize("role", [Role.EXPERT, Role.UNIT_CONTACT])
def test_experts_and_unit_contacts_read_no_scorecard(client, users, world, role):
    _get(client, users[role], status=403)
    _get(client, users[role], status=403, url=reverse("reports:scorecards_latest"))


def test_the_bare_address_opens_the_latest_ended_period(client, users, world):
    response = _get(client, users[Role.BUREAU], status=302, url=reverse("reports:scorecards_latest"))
    assert response.url == reverse("reports:scorecards", kwargs={"code": latest_ended(timezone.localdate()).code})
    response = _get(client, users[Role.BUREAU], status=302, url=reverse("reports:scorecards_latest"), period="2025H2")
    assert response.url == "/reports/scorecards/2025H2/"


@pytest.mark.parametrize("code", ["2024H2", "2099H1", "bad"])
def test_a_period_outside_the_programme_is_not_found(client, users, world, code):
    _get(client, users[Role.BUREAU], status=404, url=reverse("reports:scorecards", kwargs={"code": code}))


def test_a_half_year_without_served_units_says_so(client, users, db):
    html = _get(client, users[Role.BUREAU], url=reverse("reports:scorecards", kwargs={"code": "2025H1"})).text
    assert _("No team served units in this half year.") in html


def test_more_than_a_page_of_teams_is_paginated(client, users, world, monkeypatch):
    assert province.SCORECARD_PAGE_SIZE == 50
    monkeypatch.setattr(province, "SCORECARD_PAGE_SIZE", 1)
    first = _get(client, users[Role.BUREAU]).text
    assert _ranking(first) == [("1", "西湖团队", "66.7")]
    assert "?page=2" in first
    assert _ranking(_get(client, users[Role.BUREAU], page=2).text) == [("2", "甬江团队", "50.0")]


PAGE_QUERIES = {Role.BUREAU: 14, Role.OFFICER: 17, Role.TEAM_MEMBER: 16}


@pytest.mark.parametrize("role", [Role.BUREAU, Role.OFFICER, Role.TEAM_MEMBER])
def test_the_page_runs_the_same_queries_at_two_sizes(client, users, world, role, django_assert_max_num_queries):
    client.force_login(users[role])
    counts = []
    for more in (0, 10):
        add_teams(world, more)
        with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(PAGE_QUERIES[role]):
            assert client.get(URL).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
