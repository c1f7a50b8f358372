"""The team form's seats are searched among the people who may take one (a type-ahead), never listed in full."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from huhang.typeahead import TYPEAHEAD_LIMIT
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_the_search_finds_by_name_or_organisation_every_word(bureau_client):
    PersonFactory(name="赵律师", organisation="杭州甲律师事务所")
    PersonFactory(name="钱律师", organisation="宁波乙律师事务所")
    found = bureau_client.get(reverse("teams:person_typeahead"), {"q": "律师 杭州"}).text
    assert "赵律师" in found
    assert "钱律师" not in found
    assert "钱律师" in bureau_client.get(reverse("teams:person_typeahead"), {"q": "钱律"}).text


def test_the_search_returns_at_most_the_limit(bureau_client):
    PersonFactory.create_batch(TYPEAHEAD_LIMIT + 3, name="孙顾问")
    found = bureau_client.get(reverse("teams:person_typeahead"), {"q": "孙顾问"}).text
    assert found.count('role="option"') == TYPEAHEAD_LIMIT


@pytest.mark.parametrize("name", ["teams:create", "teams:edit"])
def test_the_team_form_lists_no_pool_and_its_queries_do_not_grow_with_it(bureau_client, own_team, name):
    url = reverse(name, kwargs={"pk": own_team.pk} if name == "teams:edit" else None)
    bureau_client.get(url)  # warm
    counts = []
    for size in (3, 40):
        PersonFactory.create_batch(size, name="池中人员")
        with CaptureQueriesContext(connection) as queries:
            response = bureau_client.get(url)
        assert response.status_code == 200
        assert "池中人员" not in response.text
        counts.append(len(queries))
    assert counts[0] == counts[1]
