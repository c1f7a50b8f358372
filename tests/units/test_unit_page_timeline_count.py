"""The unit page's timeline count and page of rows are cached under the records' version: never read after a change."""

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.factories import IPProfileFactory

pytestmark = pytest.mark.django_db


def test_the_timeline_count_is_never_read_from_the_cache_after_a_change(client, users, unit):
    client.force_login(users[Role.BUREAU])
    page = reverse("units:detail", kwargs={"uid": unit.uid})
    before = client.get(page).context["timeline"].paginator.count
    assert client.get(page).context["timeline"].paginator.count == before  # read again, from the cache
    IPProfileFactory(unit=unit)
    after = client.get(page).context["timeline"]
    assert after.paginator.count == before + 1
    assert any(event.kind == "ip_profile" for event in after)


def test_each_filter_has_its_own_count(client, users, unit):
    IPProfileFactory(unit=unit)
    page = reverse("units:detail", kwargs={"uid": unit.uid})
    client.force_login(users[Role.BUREAU])
    client.post(reverse("units:remove", kwargs={"uid": unit.uid}), {"date": "2026-07-01", "reason": "重组"})
    everything = client.get(page).context["timeline"].paginator.count
    profiles = client.get(page, {"kind": "ip_profile"}).context["timeline"].paginator.count
    assert profiles == 1 < everything
