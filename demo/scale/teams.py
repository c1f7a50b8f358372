"""The scale data's personnel pool and "1+2+X" teams: (factor - 1) × 60 more people and × 40 more teams, every
scale unit assigned to one of them (the demo's teams keep exactly their units). Each seat-holder has a login (the
team's records are written by them); the pool's organisations are province-wide ones, so any team may take them."""

from __future__ import annotations

import datetime

from django.contrib.auth.hashers import make_password

from accounts.models import Role, User
from demo import geography
from demo.scale.base import USERNAME_PREFIX, Scale, ScaleTeam, at, insert
from demo.teams import ORGANISATIONS, POOL_FORMED, TRAININGS
from huhang.vocabulary import TaskArea
from teams.models import Assignment, Expertise, Membership, Person, Team, Training

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN_CHARS = "伟芳娜敏静磊洋艳勇军杰娟涛明超秀华慧建晓东海燕文斌宇浩然欣怡嘉思远雯哲琳"
FIELDS = ["集成电路，人工智能", "生物医药", "新材料，新能源", "高端装备", "数字经济"]
# A city's public bodies serve their own city only (demo/teams._may_serve): the scale pool draws on the others.
PROVINCE_WIDE = {
    kind: [name for name in names if name not in geography.CITY_BODIES] for kind, names in ORGANISATIONS.items()
}
UNSIGNED_EVERY = 17  # as the demo: one in 17 has not signed the confidentiality undertaking


def build_teams(scale: Scale) -> None:
    rng = scale.rng("teams")
    people = _people(scale, rng)
    seated = [p for p in people if p.confidentiality_signed_on]
    users = _logins(seated)
    first_number = Team.objects.count() + 1
    moment = at(rng, POOL_FORMED + datetime.timedelta(days=10))
    teams = insert(
        Team,
        [
            Team(name=f"护航服务第{first_number + k:02d}团队", created_at=moment, updated_at=moment)
            for k in range(scale.new_teams)
        ],
    )
    memberships = []
    third = len(seated) // 3
    for k, team in enumerate(teams):
        seats = [seated[k % len(seated)], seated[(k + third) % len(seated)], seated[(k + 2 * third) % len(seated)]]
        for person, role in zip(
            seats, (Membership.Role.LEADER, Membership.Role.CORE, Membership.Role.CORE), strict=True
        ):
            memberships.append(Membership(team=team, person=person, role=role, created_at=moment, updated_at=moment))
        scale.teams.append(
            ScaleTeam(pk=team.pk, person_ids=[p.pk for p in seats], user_ids=[users[p.pk] for p in seats])
        )
    insert(Membership, memberships)
    scale.experts = [p.pk for p in seated]
    _assign(scale, rng)
    scale.report(f"  people: {len(people)}, teams: {len(teams)}, memberships: {len(memberships)}")


def _people(scale: Scale, rng) -> list[Person]:
    kinds = list(ORGANISATIONS)
    people, details = [], []
    for index in range(scale.new_people):
        kind = kinds[index % len(kinds)]
        signed = (
            None
            if index % UNSIGNED_EVERY == UNSIGNED_EVERY - 1
            else POOL_FORMED + datetime.timedelta(days=rng.randint(0, 60))
        )
        moment = at(rng, POOL_FORMED)
        people.append(
            Person(
                name=rng.choice(SURNAMES) + "".join(rng.sample(GIVEN_CHARS, k=rng.choice((1, 2)))),
                kind=kind,
                organisation=rng.choice(PROVINCE_WIDE[kind]),
                technical_fields=rng.choice(FIELDS),
                phone=f"13{rng.randint(0, 999999999):09d}",
                email=f"scale-person{index:05d}@example.gov.cn",
                confidentiality_signed_on=signed,
                created_at=moment,
                updated_at=moment,
            )
        )
        details.append((rng.sample(list(TaskArea.values), k=rng.randint(2, 3)), rng.choice(TRAININGS)))
    people = insert(Person, people)
    insert(
        Expertise,
        [Expertise(person=p, area=area) for p, (areas, _) in zip(people, details, strict=True) for area in areas],
    )
    trainings = []
    for person, (_areas, title) in zip(people, details, strict=True):
        if person.confidentiality_signed_on:
            attended = person.confidentiality_signed_on + datetime.timedelta(days=30)
            moment = at(rng, attended)
            trainings.append(
                Training(person=person, title=title, attended_on=attended, created_at=moment, updated_at=moment)
            )
    insert(Training, trainings)
    return people


def _logins(seated: list[Person]) -> dict[int, int]:
    """A login per seat-holder (no password: nobody signs in as them), linked from their pool entry."""
    password = make_password(None)
    users = User.objects.bulk_create(
        [
            User(
                username=f"{USERNAME_PREFIX}p{person.pk}",
                full_name=person.name,
                email=person.email,
                role=Role.TEAM_MEMBER,
                password=password,
                is_active=True,
            )
            for person in seated
        ],
        batch_size=2000,
    )
    for person, user in zip(seated, users, strict=True):
        person.user_id = user.pk
    Person.objects.bulk_update(seated, ["user"], batch_size=2000)
    return {person.pk: person.user_id for person in seated}


def _assign(scale: Scale, rng) -> None:
    """Units shared out over the teams in order of region and county, so a team serves neighbouring units; from ten
    days after the unit's selection, until its removal."""
    order = sorted(
        range(len(scale.units)),
        key=lambda i: (geography.region_of(scale.units[i].city), scale.units[i].county, scale.units[i].pk),
    )
    teams = len(scale.teams)
    assignments = []
    for position, index in enumerate(order):
        entry = scale.units[index]
        team_index = position * teams // len(order)
        entry.team_index = team_index
        scale.teams[team_index].unit_indexes.append(index)
        start = entry.selected_on + datetime.timedelta(days=10)
        moment = at(rng, start)
        assignments.append(
            Assignment(
                unit_id=entry.pk,
                team_id=scale.teams[team_index].pk,
                start=start,
                end=entry.removed_on,
                assigned_by_id=scale.bureau_id,
                created_at=moment,
                updated_at=moment,
            )
        )
    insert(Assignment, assignments)
