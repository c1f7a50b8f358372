"""The selectors the lists will use run the same number of queries for 5 rows as for 50."""

import datetime

import pytest

from accounts.models import Role
from archives import selectors, services
from tests.archives.conftest import PDF, upload
from tests.factories import ActivityFactory, RequestFactory


def _read_requests(user, team) -> list:
    return [
        (r.unit.name, r.team.name, r.accept_met, r.answer_met)
        for r in selectors.request_list_for_user(user=user, team=team)
    ]


def _read_activities(user, unit) -> list:
    return [
        (
            a.unit.name,
            a.team.name,
            len(a.files),
            [p.name for p in a.participants],
            [e.name for e in a.invited],
        )
        for a in selectors.activity_list_for_user(user=user, unit=unit)
    ]


@pytest.mark.parametrize("count", [5, 50])
def test_requests_of_a_team(world, users, unit, django_assert_num_queries, count):
    member = users[Role.TEAM_MEMBER]
    for index in range(count):
        request = RequestFactory(unit=unit, actor=users[Role.UNIT_CONTACT])
        if index % 2:
            services.request_invite_expert(actor=None, request=request, expert=world["eve"])
            services.request_reply(actor=member, request=request, text="答复")
    with django_assert_num_queries(2):  # the member's units; the rows with their unit and team
        rows = _read_requests(member, world["team"])
    assert len(rows) == count


@pytest.mark.parametrize("count", [5, 50])
def test_activities_of_a_unit(world, users, unit, django_assert_num_queries, count):
    member = users[Role.TEAM_MEMBER]
    for index in range(count):
        ActivityFactory(
            actor=member,
            unit=unit,
            date=datetime.date(2026, 1, 1) + datetime.timedelta(days=index),
            team_participants=[world["leader"]],
            experts=[world["eve"]] if index % 2 else [],
            files=[upload("纪要.pdf", PDF)] if index % 3 == 0 else [],
        )
    with django_assert_num_queries(4):  # the rows (unit, team); participants; experts; the files' ids
        rows = _read_activities(users[Role.UNIT_CONTACT], unit)
    assert len(rows) == count
