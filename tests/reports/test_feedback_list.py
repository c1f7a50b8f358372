"""reports:feedback_list: the team reads the feedback on its teams attributed to the units, the bureau all of it
(filtered by half year, team, unit), a unit contact what they gave; officers and experts read it only in aggregate."""

# ruff: noqa: F811  (the fixtures of tests/reports/feedback_world.py are imported, then named as arguments)

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from huhang.pagination import PAGE_SIZE
from tests.factories import UnitFactory, UserFactory, assign
from tests.reports.feedback_world import give, questions, world  # noqa: F401 (fixtures)

URL = reverse("reports:feedback_list")
H2_DAY = datetime.date(2026, 12, 10)


@pytest.fixture
def given(users, world):
    """uma on 西湖团队 in 2026H1 and 2026H2; nina on 甬江团队 in 2026H1."""
    questions = world["questions"]
    return {
        "uma_h1": give(users[Role.UNIT_CONTACT], questions, 5, 4, 4, 3, text="响应及时，希望增加培训。"),
        "uma_h2": give(users[Role.UNIT_CONTACT], questions, 2, period="2026H2", today=H2_DAY, text="沟通不够。"),
        "nina_h1": give(world["nina"], questions, 5, text="非常满意。"),
    }


def _rows(response) -> list[tuple]:
    return [
        (row.feedback.period, row.feedback.unit.name, row.feedback.team.name, row.scores, row.feedback.text)
        for row in response.context["rows"]
    ]


def test_a_team_member_reads_the_feedback_on_their_team_attributed_to_the_unit(client, users, given):
    client.force_login(users[Role.TEAM_MEMBER])
    response = client.get(URL)
    assert response.status_code == 200
    assert [q.text for q in response.context["questions"]] == [
        "服务响应是否及时",
        "服务人员是否专业",
        "服务是否解决了实际问题",
        "对接沟通是否顺畅",
    ]
    assert _rows(response) == [
        ("2026H2", "西湖光电实验室", "西湖团队", [2, 2, 2, 2], "沟通不够。"),
        ("2026H1", "西湖光电实验室", "西湖团队", [5, 4, 4, 3], "响应及时，希望增加培训。"),
    ]
    assert [row.feedback.average for row in response.context["rows"]] == [2.0, 4.0]
    assert "非常满意。" not in response.text  # 甬江团队's
    assert response.text.count('data-testid="feedback-row"') == 2


def test_the_other_team_reads_only_its_own(client, world, given):
    client.force_login(world["tina"])
    assert _rows(client.get(URL)) == [("2026H1", "宁波甬江材料实验室", "甬江团队", [5, 5, 5, 5], "非常满意。")]


def test_the_bureau_reads_all_and_filters_by_half_year_team_and_unit(client, users, world, given):
    client.force_login(users[Role.BUREAU])
    assert len(_rows(client.get(URL))) == 3
    assert [r[1] for r in _rows(client.get(URL, {"period": "2026H1"}))] == ["宁波甬江材料实验室", "西湖光电实验室"]
    assert [r[0] for r in _rows(client.get(URL, {"team": world["team"].pk}))] == ["2026H2", "2026H1"]
    assert [r[1] for r in _rows(client.get(URL, {"q": "甬江"}))] == ["宁波甬江材料实验室"]
    assert _rows(client.get(URL, {"period": "2025H1"})) == []
    assert 'data-testid="questions-link"' in client.get(URL).text


def test_a_team_member_cannot_filter_on_another_team(client, users, world, given):
    client.force_login(users[Role.TEAM_MEMBER])
    response = client.get(URL, {"team": world["other_team"].pk})
    assert response.context["filter"].errors["team"]  # not one of the choices: ignored, and the scope still holds
    assert [r[2] for r in _rows(response)] == ["西湖团队", "西湖团队"]
    assert "非常满意。" not in response.text


def test_a_unit_contact_reads_the_feedback_they_gave(client, users, world, given):
    client.force_login(users[Role.UNIT_CONTACT])
    response = client.get(URL)
    assert [r[0] for r in _rows(response)] == ["2026H2", "2026H1"]
    assert "非常满意。" not in response.text
    assert set(response.context["filter"].form.fields) == {"period"}  # no team and no unit to choose from
    client.force_login(world["nina"])
    assert [r[4] for r in _rows(client.get(URL))] == ["非常满意。"]


@pytest.mark.parametrize("role", [Role.OFFICER, Role.EXPERT])
def test_officers_and_experts_get_403(client, users, given, role):
    client.force_login(users[role])
    assert client.get(URL).status_code == 403


def test_an_outsider_contact_sees_an_empty_list(client, outsiders, given):
    client.force_login(outsiders[Role.UNIT_CONTACT])
    response = client.get(URL)
    assert response.status_code == 200
    assert _rows(response) == []
    assert 'data-testid="empty"' in response.text


def _fill(world, start: int, count: int) -> None:
    """`count` more served units of tom's team, each with a contact who gave feedback on 2026H1."""
    for index in range(start, start + count):
        other = UnitFactory(name=f"测试单位{index:03d}")
        assign(other, world["team"])
        contact = UserFactory(username=f"contact{index}", unit_contact=True, unit=other)
        give(contact, world["questions"], 1 + index % 5, text=f"意见{index}")


@pytest.mark.parametrize("role", [Role.BUREAU, Role.TEAM_MEMBER])
def test_the_list_runs_the_same_queries_at_any_size(client, users, world, role):
    _fill(world, 0, 3)
    client.force_login(users[role])
    client.get(URL)  # warms what a first request caches
    with CaptureQueriesContext(connection) as small:
        assert client.get(URL).status_code == 200
    _fill(world, 3, PAGE_SIZE + 10)
    with CaptureQueriesContext(connection) as large:
        response = client.get(URL, {"page": "2"})
    assert len(response.context["rows"]) == 13
    # session, user, savepoint and release; the count, the page's rows with their units, teams and authors, their
    # scores with their questions; the model permissions (2, the navigation); the team filter's choices
    assert len(small) <= 10, "\n".join(query["sql"] for query in small.captured_queries)
    assert len(large) == len(small), "\n".join(query["sql"] for query in large.captured_queries)
