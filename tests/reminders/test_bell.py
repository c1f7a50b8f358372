"""Everyone's own bell: the header's count (loaded by htmx, not by every page), the list, opening a notification and
marking notifications read. A user never sees, opens or marks another user's notification."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from reminders.kinds import Kind
from reminders.models import Notification
from reminders.views.notifications import is_local_path
from tests.factories import UserFactory
from tests.reminders.factories import NotificationFactory, ReminderFactory

ROLES = list(Role)
LIST = reverse("reminders:list")
BELL = reverse("reminders:bell")
MARK_READ = reverse("reminders:mark_read")


def notify(
    user, *, read: bool = False, title: str = "西湖光电实验室：服务方案7日后到期", url: str = "/units/", **reminder
):
    return NotificationFactory(
        user=user,
        reminder=ReminderFactory(title=title, url=url, **reminder),
        read_at=timezone.now() if read else None,
    )


@pytest.fixture
def stranger(db):
    """Someone else whose notifications no test user may reach."""
    return UserFactory(username="stranger", team_member=True)


# --- anonymous -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [LIST, BELL, reverse("reminders:open", args=[1])])
def test_anonymous_users_are_sent_to_the_login_page(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_anonymous_users_cannot_mark_anything_read(client, stranger):
    mine = notify(stranger)
    response = client.post(MARK_READ, {"scope": "all"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    mine.refresh_from_db()
    assert mine.read_at is None


# --- the bell --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_bell_counts_the_users_own_unread_notifications(client, users, stranger, role):
    user = users[role]
    notify(user)
    notify(user)
    notify(user, read=True)
    notify(stranger)
    client.force_login(user)
    response = client.get(BELL)
    assert response.status_code == 200
    assert response.context["unread_count"] == 2
    assert 'data-testid="bell-badge"' in response.text
    assert 'data-count="2"' in response.text
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_bell_shows_no_badge_when_everything_is_read(client, users):
    user = users[Role.EXPERT]
    notify(user, read=True)
    client.force_login(user)
    response = client.get(BELL)
    assert response.context["unread_count"] == 0
    assert 'data-testid="bell-badge"' not in response.text
    assert 'id="bell-count"' in response.text  # the element htmx selects, empty


def test_the_bell_caps_its_figure(client, users):
    user = users[Role.TEAM_MEMBER]
    reminders = ReminderFactory.create_batch(100)
    Notification.objects.bulk_create(Notification(reminder=reminder, user=user) for reminder in reminders)
    client.force_login(user)
    response = client.get(BELL)
    assert response.context["shown"] == "99+"
    assert 'data-count="100"' in response.text


@pytest.mark.parametrize("role", ROLES)
def test_every_page_has_the_bell_but_asks_the_database_nothing_for_it(client, users, role):
    """The header links to the list and lets htmx fetch the count; rendering a page runs no query on the
    notifications."""
    user = users[role]
    notify(user)
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("accounts:password_change"))
    assert page.status_code == 200
    assert f'href="{LIST}" data-testid="bell"' in page.text
    assert f'hx-get="{BELL}" hx-trigger="load, every 60s"' in page.text
    assert not [query for query in queries.captured_queries if "reminders_notification" in query["sql"]]


def test_a_login_that_must_change_its_password_has_no_bell(client, users):
    """The bell's request would be sent to the password page (accounts/middleware.py): no bell until then."""
    user = users[Role.UNIT_CONTACT]
    user.must_change_password = True
    user.save()
    client.force_login(user)
    page = client.get(reverse("accounts:password_change"))
    assert page.status_code == 200
    assert 'data-testid="bell"' not in page.text


def test_the_login_page_has_no_bell(client, db):
    assert 'data-testid="bell"' not in client.get(reverse("accounts:login")).text


# --- the list --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_list_shows_the_users_own_notifications_newest_first(client, users, stranger, role):
    user = users[role]
    older = notify(user, title="较早的提醒", read=True)
    newer = notify(user, title="较新的提醒")
    notify(stranger, title="别人的提醒")
    client.force_login(user)
    response = client.get(LIST)
    assert response.status_code == 200
    assert list(response.context["page_obj"]) == [newer, older]
    assert "别人的提醒" not in response.text
    assert response.context["unread_count"] == 1
    assert 'data-unread="true"' in response.text
    assert 'data-unread="false"' in response.text
    assert reverse("reminders:open", args=[newer.pk]) in response.text
    assert reverse("reminders:preferences") in response.text


def test_the_list_filters_unread_by_kind_and_searches_titles(client, users):
    user = users[Role.TEAM_MEMBER]
    plan = notify(user, title="西湖光电实验室：服务方案7日后到期", kind=Kind.PLAN_DUE_SOON)
    read_plan = notify(user, title="之江材料实验室：服务方案已逾期", kind=Kind.PLAN_OVERDUE, read=True)
    request = notify(user, title="西湖光电实验室：新的服务需求", kind=Kind.REQUEST_RAISED)
    client.force_login(user)

    def rows(**query):
        return set(client.get(LIST, query).context["page_obj"])

    assert rows() == {plan, read_plan, request}
    assert rows(state="unread") == {plan, request}
    assert rows(kind=Kind.PLAN_OVERDUE) == {read_plan}
    assert rows(q="西湖光电") == {plan, request}
    assert rows(q="服务需求", state="unread") == {request}
    assert rows(q="不存在") == set()


def test_the_list_pages(client, users):
    user = users[Role.TEAM_MEMBER]
    for n in range(25):
        notify(user, title=f"提醒{n:02d}")
    client.force_login(user)
    first = client.get(LIST)
    assert len(first.context["page_obj"]) == 20
    assert first.context["page_obj"].paginator.num_pages == 2
    assert len(client.get(LIST, {"page": 2}).context["page_obj"]) == 5


@pytest.mark.parametrize("count", [3, 40])
def test_the_list_and_the_bell_run_the_same_queries_for_few_or_many(
    client, users, count, django_assert_max_num_queries
):
    user = users[Role.TEAM_MEMBER]
    for n in range(count):
        notify(user, title=f"提醒{n:02d}", read=n % 2 == 0)
    client.force_login(user)
    # session, user, the request's savepoint and its release, the header's two permission queries, the page's count,
    # the unread count, the rows with their reminders
    with django_assert_max_num_queries(9):
        assert client.get(LIST).status_code == 200
    with django_assert_max_num_queries(5):  # session, user, the savepoint, the count, the release
        assert client.get(BELL).status_code == 200


# --- opening one ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_opening_a_notification_marks_it_read_and_goes_to_its_record(client, users, role):
    user = users[role]
    notification = notify(user, url="/archives/requests/")
    client.force_login(user)
    response = client.get(reverse("reminders:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response.url == "/archives/requests/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert client.get(BELL).context["unread_count"] == 0


@pytest.mark.parametrize("role", ROLES)
def test_another_users_notification_is_missing(client, users, stranger, role):
    theirs = notify(stranger)
    client.force_login(users[role])
    assert client.get(reverse("reminders:open", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("reminders:open", args=[theirs.pk + 1000])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_opening_is_a_get_only(client, users):
    user = users[Role.EXPERT]
    notification = notify(user)
    client.force_login(user)
    assert client.post(reverse("reminders:open", args=[notification.pk])).status_code == 405


OFF_SITE = [
    "//evil.example/phish",
    "https://evil.example/",
    "http://testserver/units/",  # even this site's own absolute address: a reminder stores a path
    "/\\evil.example",
    "/\t/evil.example",
    "javascript:alert(1)",
    "evil.example/units/",
    "",
]


@pytest.mark.parametrize("url", OFF_SITE)
def test_opening_never_leaves_the_site(client, users, url):
    user = users[Role.TEAM_MEMBER]
    notification = notify(user, url=url)
    client.force_login(user)
    response = client.get(reverse("reminders:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response.url == LIST
    notification.refresh_from_db()
    assert notification.read_at is not None  # read all the same: the user has seen it


@pytest.mark.parametrize(
    ("url", "local"),
    [("/plans/7/", True), ("/archives/requests/ab12/?tab=thread#reply", True), *((url, False) for url in OFF_SITE)],
)
def test_a_local_path_is_one_slash_and_no_host(url, local):
    assert is_local_path(url) is local


# --- marking read -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_mark_all_read_touches_only_the_users_own(client, users, stranger, role):
    user = users[role]
    mine = [notify(user), notify(user)]
    theirs = notify(stranger)
    client.force_login(user)
    response = client.post(MARK_READ, {"scope": "all", "next": f"{LIST}?state=unread"})
    assert response.status_code == 302
    assert response.url == f"{LIST}?state=unread"
    assert all(Notification.objects.get(pk=n.pk).read_at for n in mine)
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_selected_read_marks_only_the_chosen_own_ones(client, users, stranger):
    user = users[Role.UNIT_CONTACT]
    chosen, left = notify(user), notify(user)
    theirs = notify(stranger)
    client.force_login(user)
    client.post(MARK_READ, {"scope": "selected", "ids": [chosen.pk, theirs.pk]})
    assert Notification.objects.get(pk=chosen.pk).read_at is not None
    assert Notification.objects.get(pk=left.pk).read_at is None
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_mark_read_needs_post_and_csrf(users):
    from django.test import Client

    user = users[Role.OFFICER]
    notification = notify(user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get(MARK_READ).status_code == 405
    assert client.post(MARK_READ, {"scope": "all"}).status_code == 403
    notification.refresh_from_db()
    assert notification.read_at is None


@pytest.mark.parametrize(
    "data",
    [{"scope": "selected", "ids": ["abc"]}, {"scope": "everything"}, {}],
)
def test_a_garbled_mark_read_changes_nothing(client, users, data):
    user = users[Role.OFFICER]
    notification = notify(user)
    client.force_login(user)
    response = client.post(MARK_READ, data)
    assert response.status_code == 302
    assert response.url == LIST
    notification.refresh_from_db()
    assert notification.read_at is None


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example", "/units/"])
def test_mark_read_returns_to_the_list_only(client, users, next_url):
    client.force_login(users[Role.EXPERT])
    response = client.post(MARK_READ, {"scope": "all", "next": next_url})
    assert response.url == LIST
