"""`manage.py seed_demo`: one working login per role, a believable late-2026 programme, and a second run that
changes nothing in any app's tables. Believable to a Zhejiang official: names, places, addresses, dates and the teams'
regions are checked against the province's geography, restated here rather than taken from demo/geography.py."""

import datetime
import re
from collections import defaultdict

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.http import HttpRequest

from accounts.models import Role, User
from archives.models import Activity, ActivityMeasure, Referral, Request, RequestMessage
from demo import geography
from plans.models import Measure, Plan, PlanEvent, PlanVersion, ProgressNote
from teams.models import Assignment, Membership, Person, Team
from units.models import Division, IPProfile, ListingEvent, Unit, UnitContact
from units.scopes import visible_units

pytestmark = pytest.mark.django_db

TABLES = [
    *(User, Unit, UnitContact, IPProfile, ListingEvent, Person, Team, Membership, Assignment),
    *(Plan, PlanVersion, Measure, ProgressNote, PlanEvent),
    *(Activity, ActivityMeasure, Request, RequestMessage, Referral),
]

DEMO_USERNAMES = ["bureau", "officer", "leader", "member", "expert", "unit", "sysadmin", "secadmin", "auditor"]


def test_a_second_run_changes_nothing_and_prints_one_working_login_per_role(seeded, settings, capsys):
    counts = [model.objects.count() for model in TABLES]
    settings.DEMO_PASSWORD = "Demo-password-1"
    call_command("seed_demo", force=True)
    assert [model.objects.count() for model in TABLES] == counts

    for username in DEMO_USERNAMES:
        assert authenticate(HttpRequest(), username=username, password="Demo-password-1") is not None, username
    assert {u.role for u in User.objects.filter(username__in=DEMO_USERNAMES)} == set(Role)
    officer = User.objects.get(username="officer")
    assert officer.division.name == "杭州市"
    assert User.objects.get(username="unit").unit is not None
    printed = capsys.readouterr().out
    assert all(username in printed for username in DEMO_USERNAMES)
    assert "Demo-password-1" in printed


def test_demo_credit_codes_are_valid(seeded):
    from units.credit_code import validate_credit_code

    for unit in Unit.objects.all():
        validate_credit_code(unit.credit_code)


def test_demo_programme_looks_like_late_2026(seeded):
    assert Unit.objects.count() == 150
    assert Unit.objects.values("division__city").distinct().count() == 11
    assert Unit.objects.values("category").distinct().count() == 6
    assert Person.objects.count() == 60
    assert Team.objects.count() == 40
    for team in Team.objects.all():
        assert sorted(team.memberships.values_list("role", flat=True)) == ["core", "core", "leader"]
    assert not Unit.objects.filter(is_listed=True).exclude(assignments__end__isnull=True).exists()
    assert ListingEvent.objects.values("batch").distinct().count() >= 3


def test_demo_logins_are_wired_to_the_programme(seeded):
    leader, member, unit_contact = (User.objects.get(username=name) for name in ("leader", "member", "unit"))
    assert leader.person.memberships.get().role == "leader"
    assert unit_contact.unit in visible_units(leader)
    assert unit_contact.unit in visible_units(member)
    officer = User.objects.get(username="officer")
    assert set(visible_units(officer).values_list("division__city__name", flat=True)) == {"杭州市"}
    assert visible_units(officer).count() > 10


def test_the_demo_units_team_and_officer_are_in_hangzhou(seeded):
    unit = User.objects.get(username="unit").unit
    assert (unit.name, unit.division.city.name) == ("钱塘智能计算实验室", "杭州市")
    leader = User.objects.get(username="leader")
    assert leader.person.memberships.get().team.name == "护航服务第01团队"


# --- Believable geography ---------------------------------------------------------------------------------------


def place_word(division_name: str) -> str:
    """杭州市 → 杭州, 余杭区 → 余杭, 景宁畲族自治县 → 景宁: the word a name would carry."""
    return re.sub(r"(畲族自治县|市|区|县)$", "", division_name)


# Where the landmarks the names use are: a city (anywhere in it) or a county-level division.
LANDMARKS = {
    **{"之江": "330100", "钱塘": "330114", "西湖": "330106", "良渚": "330110", "湘湖": "330109", "天目": "330112"},
    **{"富春": "330111", "吴山": "330102", "运河": "330105", "白马湖": "330108", "超山": "330113"},
    **{"甬江": "330200", "四明": "330281", "东钱湖": "330212", "瓯江": "330300", "雁荡": "330382"},
    **{"南湖": "330402", "嘉禾": "330400", "太湖": "330500", "鉴湖": "330600", "会稽": "330600", "曹娥江": "330604"},
    **{"婺江": "330700", "三衢": "330800", "东海": "330900", "椒江": "331002", "括苍": "331082", "处州": "331100"},
}


def test_every_unit_is_named_for_its_own_county_or_city(seeded):
    """A name carries a place word (a division's name or a landmark) of its own county or city, and none of elsewhere:
    no 宁波… in 杭州, no 雁荡… outside 乐清."""
    assert geography.LANDMARKS.items() <= LANDMARKS.items()  # the demo's landmarks are where they are
    words = {place_word(d.name): d.code for d in Division.objects.all()} | LANDMARKS
    unplaced, misplaced = [], []
    for name, county, city in Unit.objects.values_list("name", "division", "division__city"):
        found = {word: code for word, code in words.items() if word in name}
        if not found:
            unplaced.append(name)
        elif any(code not in (county, city) for code in found.values()):
            misplaced.append(name)
    assert unplaced == []
    assert misplaced == []


# County-level divisions with a university campus: a university anywhere else is made up beyond belief.
UNIVERSITY_COUNTIES = {
    *("330102", "330105", "330106", "330108", "330109", "330110", "330112", "330114"),  # 杭州
    *("330203", "330205", "330206", "330211", "330212"),  # 宁波
    *("330302", "330303", "330304", "330402", "330411", "330481", "330502", "330602", "330603"),
    *("330702", "330703", "330782", "330802", "330902", "330903", "331002", "331082", "331102"),
}
RESEARCH = ["key_lab", "tech_centre", "mfg_centre", "university"]


def test_research_institutions_are_where_the_province_has_them(seeded):
    research = Unit.objects.filter(category__in=RESEARCH)
    assert list(research.filter(category="university").exclude(division__in=UNIVERSITY_COUNTIES)) == []
    assert list(research.filter(division__name__endswith="县").values_list("name", flat=True)) == []  # no 景宁 lab
    in_hangzhou_and_ningbo = research.filter(division__city__in=["330100", "330200"]).count()
    assert in_hangzhou_and_ningbo > research.count() / 2
    assert Unit.objects.filter(category="university", name__contains="大学").exists()
    # Every city has enterprises on the list; not every city has a laboratory.
    enterprises = Unit.objects.exclude(category__in=RESEARCH)
    assert enterprises.values("division__city").distinct().count() == 11


def test_addresses_lie_on_a_street_of_the_units_county(seeded):
    wrong = [
        address
        for address, county, city in Unit.objects.values_list("address", "division__name", "division__city__name")
        if not re.fullmatch(rf"浙江省{city}{county}\w+?(路|大道|街)\d+号", address)
    ]
    assert wrong == []


def test_the_first_batch_follows_the_programme_notice_of_20_march_2025(seeded):
    selected = ListingEvent.objects.filter(kind=ListingEvent.Kind.SELECTED)
    assert min(selected.values_list("date", flat=True)) >= datetime.date(2025, 3, 20)
    first = selected.filter(batch="2025年第一批")
    assert first.count() >= 100  # the 2025 target is 100 units guided
    assert min(Assignment.objects.values_list("start", flat=True)) >= datetime.date(2025, 3, 20)
    signed = Person.objects.exclude(confidentiality_signed_on=None).values_list("confidentiality_signed_on", flat=True)
    assert min(signed) >= datetime.date(2025, 3, 20)


# The cities' land borders (舟山 reaches 宁波 by its bridges).
NEIGHBOURS = {
    frozenset(pair.split("-"))
    for pair in [
        *("杭州市-湖州市", "杭州市-嘉兴市", "杭州市-绍兴市", "杭州市-金华市", "杭州市-衢州市", "宁波市-绍兴市"),
        *("宁波市-台州市", "宁波市-舟山市", "温州市-台州市", "温州市-丽水市", "嘉兴市-湖州市", "绍兴市-金华市"),
        *("绍兴市-台州市", "金华市-台州市", "金华市-丽水市", "金华市-衢州市", "衢州市-丽水市", "台州市-丽水市"),
    ]
}


def team_cities() -> dict[str, set[str]]:
    cities = defaultdict(set)
    for team, city in Assignment.objects.values_list("team__name", "unit__division__city__name"):
        cities[team].add(city)
    return cities


def test_each_team_serves_one_city_or_two_neighbouring_ones(seeded):
    cities = team_cities()
    assert len(cities) == Team.objects.count()  # every team serves
    too_far = {team: served for team, served in cities.items() if len(served) > 1 and served not in NEIGHBOURS}
    assert too_far == {}
    assert cities["护航服务第01团队"] == {"杭州市"}


def test_a_citys_public_bodies_serve_only_in_teams_of_that_city(seeded):
    """A Ningbo regulator's staff do not lead a team serving Wenzhou; the provincial bodies serve everywhere."""
    cities = team_cities()
    local = re.compile(r"(?:(\w{2}市)(?:市场监督管理局|公安局)|中国[（(](\w{2})[）)]知识产权保护中心)")
    checked = 0
    for team, organisation in Membership.objects.values_list("team__name", "person__organisation"):
        match = local.match(organisation)
        if match and match.group(2) != "浙江":
            home = match.group(1) or f"{match.group(2)}市"
            assert cities[team] <= {home}, (team, organisation)
            checked += 1
    assert checked > 3


def test_removed_units_are_no_longer_served(seeded):
    removed = Unit.objects.filter(is_listed=False)
    assert removed.exists()
    assert not Assignment.objects.filter(unit__in=removed, end__isnull=True).exists()
    for unit in removed:
        removal = unit.listing_events.get(kind=ListingEvent.Kind.REMOVED)
        assert unit.assignments.get().end == removal.date


def test_sizes_and_patents_fit_the_category(seeded):
    """A university holds more invention patents than a "little giant" enterprise."""
    patents = IPProfile.objects.values_list("invention_patents", flat=True)
    assert min(patents.filter(unit__category="university")) > max(patents.filter(unit__category="little_giant"))
