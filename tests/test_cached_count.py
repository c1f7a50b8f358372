"""Counts and the programme settings kept in the cache under the records version (huhang/freshness.py): read back
while nothing changed, never after a change, never across scopes."""

import re

import pytest
from django.urls import reverse

from accounts.models import Role
from huhang.models import ProgrammeSettings
from tests.factories import UnitFactory, division
from units.models import Unit

LIST = reverse("units:list")

pytestmark = pytest.mark.django_db


def listed(client, **query) -> int:
    """The total the list shows above its table (from the cache or counted)."""
    html = client.get(LIST, query).content.decode()
    return int(re.search(r'data-testid="unit-total">\D*(\d+)', html)[1])


def test_the_unit_lists_count_is_read_back_then_counts_a_new_unit_at_once(client, users, django_assert_num_queries):
    client.force_login(users[Role.BUREAU])
    before = listed(client)
    with django_assert_num_queries(6):  # session, user, savepoint pair, the page's ids, its rows: no count
        assert listed(client, o="code") == before  # another page (another order), the same count
    UnitFactory(name="新增的单位")
    assert listed(client) == before + 1
    Unit.objects.filter(name="新增的单位").update(is_listed=False)  # an update() outside any model's save
    assert listed(client) == before


def test_a_filter_or_a_scope_has_its_own_count(client, users):
    UnitFactory(division=division("330203"))  # 宁波市海曙区, outside the officer's 杭州市
    client.force_login(users[Role.BUREAU])
    everywhere, ningbo = listed(client), listed(client, city="330200")
    assert ningbo == 1
    assert everywhere > ningbo
    client.force_login(users[Role.OFFICER])
    assert listed(client) == everywhere - 1


def test_a_capped_search_counts_again_after_a_change(client, users):
    client.force_login(users[Role.BUREAU])
    assert listed(client, q="量子") == 0
    UnitFactory(name="量子信息实验室")
    assert listed(client, q="量子") == 1


def test_the_programme_settings_are_read_once_and_never_stale(django_assert_num_queries):
    ProgrammeSettings.current()
    with django_assert_num_queries(0):
        first = ProgrammeSettings.current()
    first.plan_due_days = first.plan_due_days + 5
    first.save()
    assert ProgrammeSettings.current().plan_due_days == first.plan_due_days


def test_the_ids_a_search_found_are_found_again_after_a_change(client, users):
    """archives.filters.few_or_broad keeps the ids it found under the records version."""
    from tests.factories import RequestFactory

    requests = reverse("archives:request_list")
    client.force_login(users[Role.BUREAU])
    assert "量子通信专利咨询" not in client.get(requests, {"q": "量子"}).text
    RequestFactory(title="量子通信专利咨询")
    assert "量子通信专利咨询" in client.get(requests, {"q": "量子"}).text
