"""The demo programme's personnel pool (~60 people) and "1+2+X" teams (~40), with every listed unit assigned."""

from __future__ import annotations

import datetime
import random

from demo.units import person_name
from huhang.text import normalise_text
from huhang.vocabulary import TaskArea
from teams.models import Assignment, Person, Team
from teams.services import person_save, team_create, training_add, unit_assign_team
from units.models import Unit

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


def build_personnel(*, rng: random.Random) -> list[Person]:
    """Creates the pool once (found again by name and organisation on later runs)."""
    kinds = list(ORGANISATIONS)
    people = []
    names = {DEMO_LEADER, DEMO_MEMBER, DEMO_EXPERT}
    for index in range(PEOPLE):
        kind = kinds[index % len(kinds)] if index >= 3 else Person.Kind.IP_COMMISSIONER
        name = {0: DEMO_LEADER, 1: DEMO_MEMBER, 2: DEMO_EXPERT}.get(index) or _unique_name(rng, names)
        organisation = rng.choice(ORGANISATIONS[kind])
        if index == 2:
            kind, organisation = Person.Kind.THINK_TANK, "省知识产权专家智库"
        areas = rng.sample(list(TaskArea.values), k=rng.randint(2, 3))
        signed = None if index % 17 == 16 else datetime.date(2025, 2, 1) + datetime.timedelta(days=rng.randint(0, 40))
        # Every random draw happens before the lookup, so a second run walks the same sequence.
        fields = rng.choice(["集成电路，人工智能", "生物医药", "新材料，新能源", "高端装备", "数字经济"])
        phone = f"13{rng.randint(0, 999999999):09d}"
        training = rng.choice(TRAININGS)
        person = Person.objects.filter(name=name, organisation=normalise_text(organisation)).first()
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


def build_teams(*, rng: random.Random, people: list[Person], actor) -> list[Team]:
    """40 teams; team 1 is the demo leader's and member's. People with a signed undertaking fill the seats."""
    eligible = [p for p in people if p.confidentiality_signed_on and p.name != DEMO_EXPERT]
    teams = []
    for number in range(1, TEAMS + 1):
        name = f"护航服务第{number:02d}团队"
        team = Team.objects.filter(name=name).first()
        if team is None:
            if number == 1:
                leader, core = eligible[0], [eligible[1], eligible[2]]
            else:
                # The demo logins sit in team 1 only, so what they see is easy to follow.
                pool = eligible[3:]
                leader = pool[(number - 2) % len(pool)]
                core = rng.sample([p for p in pool if p.pk != leader.pk], k=2)
            team = team_create(actor=actor, name=name, leader=leader, core_members=core)
        teams.append(team)
    return teams


def assign_units(*, units: list[Unit], teams: list[Team], actor) -> None:
    """Every unit gets a team from its selection; the first units (the demo unit among them) go to team 1."""
    assigned = set(Assignment.objects.filter(unit__in=units).values_list("unit_id", flat=True))
    for index, unit in enumerate(units):
        if unit.pk in assigned:
            continue
        team = teams[0] if index < 4 else teams[index % len(teams)]
        selected_on = unit.listing_events.order_by("date").first().date
        unit_assign_team(actor=actor, unit=unit, team=team, start=selected_on + datetime.timedelta(days=10))
