"""The demo programme's personnel pool (~60 people) and "1+2+X" teams (~40), with every listed unit assigned.

Each team serves one service region of demo/geography.py (one city or two neighbouring ones); a city's own public
bodies (its market regulator, protection centre, police) sit only in teams that serve their city.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter, defaultdict

from demo import geography
from demo.units import person_name
from huhang.text import clean_text, normalise_identifier
from huhang.vocabulary import TaskArea
from teams.models import Assignment, Person, Team
from teams.services import person_save, team_create, training_add, unit_assign_team, unit_unassign_team
from units.models import ListingEvent, Unit

ORGANISATIONS = {
    Person.Kind.IP_COMMISSIONER: [
        "浙江省知识产权局",
        "杭州市市场监督管理局",
        "宁波市市场监督管理局",
        "温州市市场监督管理局",
    ],
    Person.Kind.PROTECTION_CENTRE: [
        "中国（浙江）知识产权保护中心",
        "中国（杭州）知识产权保护中心",
        "中国（宁波）知识产权保护中心",
    ],
    Person.Kind.THINK_TANK: ["浙江大学知识产权研究中心", "浙江工业大学法学院", "省知识产权专家智库"],
    Person.Kind.IP_POLICE: ["浙江省公安厅经侦总队", "杭州市公安局经侦支队"],
    Person.Kind.LAWYER: ["浙江六和律师事务所", "浙江天册律师事务所", "国浩律师（杭州）事务所"],
    Person.Kind.SERVICE_AGENCY: ["杭州华知专利事务所", "宁波甬知知识产权服务有限公司", "浙江省科技评估中心"],
}
TRAININGS = ["护航行动服务团队专题培训", "专利导航实务培训", "海外知识产权纠纷应对培训", "商业秘密保护实务培训"]
PEOPLE = 60
TEAMS = 40
DEMO_LEADER, DEMO_MEMBER, DEMO_EXPERT = "李思远", "赵晓雯", "孙明哲"
# Team 01 serves Hangzhou: its leader is from the provincial bureau, its member from Hangzhou's regulator.
DEMO_ORGANISATIONS = {0: "浙江省知识产权局", 1: "杭州市市场监督管理局"}
# The pool was formed after the programme's notice of 2025-03-20, before the first teams started in April.
POOL_FORMED = datetime.date(2025, 3, 21)


def build_personnel(*, rng: random.Random) -> list[Person]:
    """Creates the pool once (found again by name and organisation on later runs)."""
    kinds = list(ORGANISATIONS)
    people = []
    names = {DEMO_LEADER, DEMO_MEMBER, DEMO_EXPERT}
    for index in range(PEOPLE):
        kind = kinds[index % len(kinds)] if index >= 3 else Person.Kind.IP_COMMISSIONER
        name = {0: DEMO_LEADER, 1: DEMO_MEMBER, 2: DEMO_EXPERT}.get(index) or _unique_name(rng, names)
        organisation = DEMO_ORGANISATIONS.get(index) or rng.choice(ORGANISATIONS[kind])
        if index == 2:
            kind, organisation = Person.Kind.THINK_TANK, "省知识产权专家智库"
        areas = rng.sample(list(TaskArea.values), k=rng.randint(2, 3))
        signed = None if index % 17 == 16 else POOL_FORMED + datetime.timedelta(days=rng.randint(0, 18))
        # Every random draw happens before the lookup, so a second run walks the same sequence.
        fields = rng.choice(["集成电路，人工智能", "生物医药", "新材料，新能源", "高端装备", "数字经济"])
        phone = f"13{rng.randint(0, 999999999):09d}"
        training = rng.choice(TRAININGS)
        # A database seeded while names were still NFKC-folded holds 中国(浙江)… for 中国（浙江）…: found either way.
        kept, folded = clean_text(organisation), normalise_identifier(organisation)
        person = Person.objects.filter(name=name, organisation__in={kept, folded}).first()
        if person is None:
            person = person_save(
                expertise=areas,
                name=name,
                kind=kind,
                organisation=organisation,
                technical_fields=fields,
                phone=phone,
                email=f"person{index:02d}@example.gov.cn",
                confidentiality_signed_on=signed,
            )
            if signed:
                training_add(person=person, title=training, attended_on=signed + datetime.timedelta(days=30))
        people.append(person)
    return people


def _unique_name(rng: random.Random, taken: set[str]) -> str:
    name = person_name(rng)
    while name in taken:
        name = person_name(rng)
    taken.add(name)
    return name


def build_teams(*, rng: random.Random, people: list[Person], units: list[Unit], actor) -> list[Team]:
    """40 teams over the service regions, Hangzhou's first; team 1 is the demo leader's and member's. People with a
    signed undertaking fill the seats, each as evenly as their city allows."""
    regions = team_regions(units)
    eligible = [p for p in people if p.confidentiality_signed_on and p.name != DEMO_EXPERT]
    leader_seat, member_seat = eligible[0], eligible[1]
    leads, seats = Counter(), Counter()
    teams = []
    for number in range(1, TEAMS + 1):
        name = f"护航服务第{number:02d}团队"
        team = Team.objects.filter(name=name).first()
        if team is None:
            region = geography.SERVICE_REGIONS[regions[number - 1]]
            allowed = [p for p in eligible if _may_serve(p, region)]
            if number == 1:
                third = next(p for p in allowed if p.pk not in (leader_seat.pk, member_seat.pk))
                leader, core = leader_seat, [member_seat, third]
            else:
                # The demo logins sit in team 1 only, so what they see is easy to follow.
                pool = [p for p in allowed if p.pk not in (leader_seat.pk, member_seat.pk)]
                leader = min(pool, key=lambda p: (leads[p.pk], seats[p.pk]))
                others = [p for p in pool if p.pk != leader.pk]
                core = sorted(others, key=lambda p: (seats[p.pk], rng.random()))[:2]
            team = team_create(actor=actor, name=name, leader=leader, core_members=core)
            leads[leader.pk] += 1
            seats.update(p.pk for p in (leader, *core))
        teams.append(team)
    return teams


def team_regions(units: list[Unit]) -> list[int]:
    """The service region of each team, in team order: the teams shared out in proportion to the regions' units."""
    counts = [0] * len(geography.SERVICE_REGIONS)
    for city in _cities(units).values():
        counts[geography.region_of(city)] += 1
    shares = geography.teams_per_region(counts, TEAMS)
    return [region for region, share in enumerate(shares) for _ in range(share)]


def _cities(units: list[Unit]) -> dict[int, str]:
    return dict(Unit.objects.filter(pk__in=[u.pk for u in units]).values_list("pk", "division__city_id"))


def _may_serve(person: Person, region: tuple[str, ...]) -> bool:
    """A city's public body serves its own city; everyone else the whole province."""
    for body, city in geography.CITY_BODIES.items():
        if person.organisation in {clean_text(body), normalise_identifier(body)}:
            return city in region
    return True


def assign_units(*, units: list[Unit], teams: list[Team], actor) -> None:
    """Every unit gets a team of its region from ten days after its selection; the first four units of team 1's
    region (the demo unit first) go to team 1, the others by turns. A removed unit's team stopped serving it then."""
    cities = _cities(units)
    serving = defaultdict(list)
    for team, region in zip(teams, team_regions(units), strict=True):
        serving[region].append(team)
    events = defaultdict(dict)
    for unit_id, kind, day in (
        ListingEvent.objects.filter(unit__in=units).order_by("date", "pk").values_list("unit_id", "kind", "date")
    ):
        events[unit_id].setdefault(kind, day)
    assigned = set(Assignment.objects.filter(unit__in=units).values_list("unit_id", flat=True))
    turns = Counter()
    for unit in units:
        region = geography.region_of(cities[unit.pk])
        options, turn = serving[region], turns[region]
        turns[region] += 1
        if options[0] == teams[0]:
            team = teams[0] if turn < 4 else options[(turn - 3) % len(options)]
        else:
            team = options[turn % len(options)]
        if unit.pk in assigned:
            continue
        selected_on = events[unit.pk][ListingEvent.Kind.SELECTED]
        unit_assign_team(actor=actor, unit=unit, team=team, start=selected_on + datetime.timedelta(days=10))
        removed_on = events[unit.pk].get(ListingEvent.Kind.REMOVED)
        if removed_on:
            unit_unassign_team(actor=actor, unit=unit, end=removed_on)
