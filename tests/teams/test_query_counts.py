"""Lists run a constant number of queries: the same bound holds for 5 rows and for 50."""

import pytest
from django.urls import reverse

from tests.factories import PersonFactory, TeamFactory, UnitFactory, assign

pytestmark = pytest.mark.django_db

# Session, user and the request's savepoint pair (ATOMIC_REQUESTS), then the page's own: count, page rows, one
# prefetch per related list (expertise; core members; seats), and the organisation choices of the person filter
# (cached under the records' version: a second view does without them).
MAX_QUERIES = {"teams:person_list": 8, "teams:list": 7, "teams:workload": 7}


def _world(size: int) -> None:
    """`size` teams (3 people each, with expertise), each serving one unit: 3×size people, size units."""
    for _ in range(size):
        leader = PersonFactory(expertise=["policy_law", "protection"])
        core = [PersonFactory(expertise=["portfolio_layout"]) for _ in range(2)]
        assign(UnitFactory(), TeamFactory(leader=leader, core_members=core))


@pytest.mark.parametrize("size", [5, 50])
@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("teams:person_list", {}),
        ("teams:person_list", {"area": "protection", "o": "-team_count"}),
        ("teams:list", {}),
        ("teams:list", {"q": "护航", "o": "-units_served"}),
        ("teams:workload", {}),
        ("teams:workload", {"by": "person"}),
    ],
)
def test_list_queries_do_not_grow_with_rows(bureau_client, django_assert_max_num_queries, size, name, params):
    _world(size)
    with django_assert_max_num_queries(MAX_QUERIES[name]):
        response = bureau_client.get(reverse(name), params)
    assert response.status_code == 200
    rows = len(response.context["page_obj"])
    assert rows == 20 if size == 50 else 0 < rows <= 3 * size  # every list has rows; 50 teams fill a page
    if name == "teams:person_list":
        with django_assert_max_num_queries(MAX_QUERIES[name] - 1):
            bureau_client.get(reverse(name), params)


def test_the_organisation_choices_are_never_read_from_the_cache_after_a_change(bureau_client):
    PersonFactory(organisation="杭州市知识产权局")
    before = bureau_client.get(reverse("teams:person_list"))
    assert "宁波市律师协会" not in before.content.decode()
    PersonFactory(organisation="宁波市律师协会")
    after = bureau_client.get(reverse("teams:person_list"))
    assert '<option value="宁波市律师协会">宁波市律师协会</option>' in after.content.decode()


# Session, user, savepoint pair, the team (scope), its seats, its units' count and page; the form pages: the team,
# its seats, one query per chosen seat's label (three), never the pool; the search: the first matches.
PAGE_QUERIES = {"teams:detail": 9, "teams:edit": 10, "teams:create": 4, "teams:person_typeahead": 5}


@pytest.mark.parametrize("size", [5, 50])
@pytest.mark.parametrize(
    ("name", "params"),
    [("teams:detail", {}), ("teams:edit", {}), ("teams:create", {}), ("teams:person_typeahead", {"q": "服务"})],
)
def test_team_pages_queries_do_not_grow_with_the_pool(bureau_client, django_assert_max_num_queries, size, name, params):
    _world(size)
    team = TeamFactory()
    for _ in range(size):
        assign(UnitFactory(), team)
    kwargs = {"pk": team.pk} if name in ("teams:detail", "teams:edit") else None
    with django_assert_max_num_queries(PAGE_QUERIES[name]):
        response = bureau_client.get(reverse(name, kwargs=kwargs), params)
    assert response.status_code == 200
