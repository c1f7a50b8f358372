"""The unit list at 100× (issue 14): a constant number of queries whatever the rows, the two-character search served by
the bigram document and finding what a substring search finds within the scope, the team filter as a scoped
type-ahead, stable pages in every order, the search's count capped."""

import re

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.factories import TeamFactory, UnitFactory, UserFactory, assign, division, team_led_by
from units import views
from units.models import Unit

LIST = reverse("units:list")
TEAM_SEARCH = reverse("teams:team_typeahead")
NAMES = ["之江科技园", "钱塘科技创新中心", "科技城实验室", "湖州技术科研所", "滨江材料科技", "温州医科大学"]


def names(response) -> list[str]:
    return [unit.name for unit in response.context["object_list"]]


@pytest.fixture
def corner(users, unit):
    """`unit` (杭州 西湖区) and NAMES: in 杭州 served by the team member's team, or in 宁波 served by another."""
    mine = team_led_by(users[Role.TEAM_MEMBER], "西湖护航团队")
    other = TeamFactory(name="甬江护航团队")
    assign(unit, mine)
    for index, name in enumerate(NAMES):
        hangzhou = index % 2 == 0
        made = UnitFactory(name=name, division=division("330106" if hangzhou else "330203"))
        assign(made, mine if hangzhou else other)
    return {"mine": mine, "other": other}


@pytest.mark.parametrize("count", [3, 30, 120])
def test_the_list_runs_the_same_queries_whatever_the_rows(client, users, django_assert_max_num_queries, count):
    from plans.services import plan_start

    team = TeamFactory(name="护航测试团队")
    for unit in UnitFactory.create_batch(count):  # 测试重点单位…
        assign(unit, team)
        if unit.pk % 3 == 0:
            plan_start(actor=None, unit=unit)
    client.force_login(users[Role.BUREAU])
    client.get(LIST)  # the process's first page reads the cities and counties once (units.divisions)
    # session, user, savepoint and its release, count, the page's ids, programme settings (plan due dates), the
    # page's rows with their team and plan; + the chosen team twice (checked, then labelled in the type-ahead);
    # + the programme settings again for a filter by the plan's state; + the units no team serves, sorted by team,
    # on a page that reaches them (units.selectors.unit_list_window).
    queries = [({}, 8), ({"o": "team"}, 9), ({"o": "-team", "plan": "draft"}, 10), ({"q": "测试"}, 8)]
    for query, most in [*queries, ({"team": team.pk}, 10), ({"city": "330100", "category": "key_lab"}, 8)]:
        with django_assert_max_num_queries(most):
            response = client.get(LIST, query)
        assert response.status_code == 200, query
    rows = re.findall(r'<td><a href="/units/[0-9a-f-]{36}/">', client.get(LIST).content.decode())  # the names
    assert len(rows) == min(count + 1, views.UNITS_PER_PAGE)  # + `unit`


@pytest.mark.parametrize("role", [Role.BUREAU, Role.OFFICER, Role.TEAM_MEMBER])
def test_a_two_character_search_finds_what_a_substring_search_finds_in_the_scope(client, users, corner, role):
    client.force_login(users[role])
    scope = set(names(client.get(LIST, {"status": "all"})))
    for term in ["科技", "技创", "中心", "实验", "湖州", "大学"]:
        expected = set(Unit.objects.filter(name__contains=term).values_list("name", flat=True))
        assert set(names(client.get(LIST, {"q": term, "status": "all"}))) == expected & scope, (role, term)


def test_the_search_finds_by_initials_and_credit_code_as_before(client, users, corner):
    client.force_login(users[Role.BUREAU])
    assert names(client.get(LIST, {"q": "zjkjy"})) == ["之江科技园"]  # 之江科技园's pinyin initials
    assert set(names(client.get(LIST, {"q": "kj"}))) == {n for n in NAMES if "科技" in n}  # two Latin letters too
    code = Unit.objects.get(name="湖州技术科研所").credit_code
    assert names(client.get(LIST, {"q": code.lower()})) == ["湖州技术科研所"]
    assert names(client.get(LIST, {"q": "科技中心"})) == []  # 科技 and 中心 are in one name, 科技中心 is not


def test_a_search_beyond_the_cap_is_counted_to_the_cap(client, users, corner, monkeypatch):
    monkeypatch.setattr(views.SearchPaginator, "cap", 2)
    client.force_login(users[Role.BUREAU])
    response = client.get(LIST, {"q": "科技"})
    assert (response.context["paginator"].count, response.context["paginator"].capped) == (2, True)
    response = client.get(LIST, {"q": "湖州"})
    assert (response.context["paginator"].count, response.context["paginator"].capped) == (1, False)
    assert not getattr(client.get(LIST).context["paginator"], "capped", False)  # no search: counted exactly


@pytest.mark.parametrize("order", ["team", "-team", "category", "-division", "code"])
def test_pages_never_overlap_in_any_order(client, users, order):
    team = TeamFactory(name="同一团队")
    for unit in UnitFactory.create_batch(views.UNITS_PER_PAGE + 10):
        assign(unit, team)  # one team, one category, one county: only the tie-breakers order them
    client.force_login(users[Role.BUREAU])
    first = names(client.get(LIST, {"o": order}))
    second = names(client.get(LIST, {"o": order, "page": 2}))
    assert len(first) == views.UNITS_PER_PAGE
    assert not set(first) & set(second), order
    assert len(first) + len(second) == views.UNITS_PER_PAGE + 10 + 1  # + the `unit` fixture


def test_the_team_filter_is_a_type_ahead_not_thousands_of_options(client, users, corner):
    client.force_login(users[Role.BUREAU])
    response = client.get(LIST, {"team": corner["other"].pk})
    assert set(names(response)) == {"钱塘科技创新中心", "湖州技术科研所", "温州医科大学"}
    html = response.text
    assert 'hx-get="/teams/search/"' in html
    assert 'value="甬江护航团队"' in html  # the chosen team's name, nothing else of the teams
    assert "西湖护航团队" not in html.split('data-testid="filters"')[1].split("</form>")[0]
    assert names(client.get(LIST, {"team": "none"})) == []  # "not assigned", the bureau's


def test_a_team_member_cannot_filter_by_another_team(client, users, corner):
    client.force_login(users[Role.TEAM_MEMBER])
    response = client.get(LIST, {"team": corner["other"].pk})
    assert "甬江护航团队" not in response.text  # the out-of-scope id is neither named nor applied
    own = {"西湖光电实验室", "之江科技园", "科技城实验室", "滨江材料科技"}
    assert set(names(response)) == own  # their own units, unfiltered


@pytest.mark.parametrize(
    ("role", "expected"),
    [(Role.BUREAU, {"西湖护航团队", "甬江护航团队"}), (Role.TEAM_MEMBER, {"西湖护航团队"})],
)
def test_the_team_type_ahead_finds_the_readers_teams_only(client, users, corner, role, expected):
    client.force_login(users[role])
    response = client.get(TEAM_SEARCH, {"q": "护航"})
    assert response.status_code == 200
    found = {team for team in ("西湖护航团队", "甬江护航团队") if team in response.text}
    assert found == expected


@pytest.mark.parametrize("role", [Role.OFFICER, Role.EXPERT, Role.UNIT_CONTACT])
def test_the_team_type_ahead_refuses_the_roles_that_read_no_team(client, users, corner, role):
    client.force_login(users[role])
    response = client.get(TEAM_SEARCH, {"q": "护航"})
    assert response.status_code == 403
    assert "护航团队" not in response.text


def test_the_team_type_ahead_lists_twenty_at_most(client, users):
    for number in range(25):
        TeamFactory(name=f"护航{number:02d}团队")
    client.force_login(users[Role.BUREAU])
    text = client.get(TEAM_SEARCH, {"q": "护航"}).text
    assert text.count("data-typeahead-choice") == 20
    assert "护航00团队" in text
    assert 'data-testid="typeahead-more"' in text


def test_the_search_document_follows_the_name(client, db):
    from units.services import unit_update

    unit = UnitFactory(name="旧名称实验室")
    unit_update(actor=None, unit=unit, name="之江新材料实验室")
    unit.refresh_from_db()
    assert "新材" in unit.search_document.split()
    assert "旧名" not in unit.search_document.split()
    client.force_login(UserFactory(username="bureau2", bureau=True))
    assert names(client.get(LIST, {"q": "新材"})) == ["之江新材料实验室"]
