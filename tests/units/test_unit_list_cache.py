"""The unit list's page kept in the cache (units.views.UnitListView): read back whole while nothing changed, shown
afresh after any change, never to another scope, role or language, never past its day."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from tests.factories import UnitFactory, division
from units.models import Unit

LIST = reverse("units:list")

pytestmark = pytest.mark.django_db


def main(response) -> str:
    """The page below the navigation (the header's forms carry a CSRF token that changes with every request)."""
    return response.text.split("<main", 1)[1].split("</main>", 1)[0]


def test_the_same_list_is_read_back_whole_then_shown_afresh_after_a_change(client, users, django_assert_num_queries):
    UnitFactory(name="之江量子实验室")
    client.force_login(users[Role.BUREAU])
    first = main(client.get(LIST))
    assert "之江量子实验室" in first
    with django_assert_num_queries(4):  # session, user, the request's savepoint pair: nothing of the list
        assert main(client.get(LIST)) == first
    Unit.objects.filter(name="之江量子实验室").update(name="之江量子信息实验室")  # no model save, no signal
    again = client.get(LIST).text
    assert "之江量子信息实验室" in again
    assert "之江量子实验室<" not in again


def test_another_scope_or_role_never_reads_the_page_kept_for_one(client, users):
    UnitFactory(name="甬江材料实验室", division=division("330203"))  # 宁波: outside the officer's 杭州市
    client.force_login(users[Role.BUREAU])
    bureau = client.get(LIST).text
    assert "甬江材料实验室" in bureau
    assert 'data-testid="import"' in bureau
    for role in (Role.OFFICER, Role.TEAM_MEMBER):
        client.force_login(users[role])
        page = client.get(LIST).text
        assert "甬江材料实验室" not in page, role
        assert 'data-testid="import"' not in page, role


def test_each_language_has_its_own_page(client, users):
    client.force_login(users[Role.BUREAU])
    assert "重点服务对象" in client.get(LIST).text
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(LIST).text
    assert "Export to Excel" in english
    assert "导出" not in english


def test_a_plan_falls_past_due_the_next_day_whatever_was_kept(client, users, unit, monkeypatch):
    from plans.services import plan_start

    today = timezone.localdate()
    plan = plan_start(actor=None, unit=unit)
    plan.due_on = today
    plan.save()
    client.force_login(users[Role.BUREAU])
    assert 'data-testid="plan-past-due"' not in client.get(LIST).text
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today + datetime.timedelta(days=1))
    assert 'data-testid="plan-past-due"' in client.get(LIST).text
