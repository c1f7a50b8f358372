"""The bureau's pages of the teams' DingTalk group robots: who may open them, the list's filters and queries, the
form's rules (https, a secret that starts with SEC and is never shown again), and the test button against the local
DingTalk server."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import Role
from reminders.models import TeamRobot
from tests.factories import PersonFactory, TeamFactory, UserFactory
from tests.reminders.dingtalk_server import dingtalk_server
from tests.reminders.factories import TeamRobotFactory

BUREAU, OFFICER, MEMBER, EXPERT, CONTACT = (
    Role.BUREAU,
    Role.OFFICER,
    Role.TEAM_MEMBER,
    Role.EXPERT,
    Role.UNIT_CONTACT,
)
GOOD_URL = "https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef0123456789abcdef"
GOOD_SECRET = "SEC7a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"


@pytest.fixture
def own_team(users):
    """The team member's own team: a team member may see it, but its robot is the bureau's to set."""
    return TeamFactory(name="西湖护航队", leader=PersonFactory(name="汤组长", user=users[MEMBER]))


@pytest.fixture
def bureau(client, users):
    client.force_login(users[BUREAU])
    return client


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- who may open them -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"), [(BUREAU, 200), (OFFICER, 403), (MEMBER, 403), (EXPERT, 403), (CONTACT, 403)]
)
@pytest.mark.parametrize("name", ["reminders:robots", "reminders:robot_edit"])
def test_the_pages_are_the_bureaus(client, users, own_team, role, expected, name):
    client.force_login(users[role])
    kwargs = {"team_id": own_team.pk} if name == "reminders:robot_edit" else {}
    assert client.get(reverse(name, kwargs=kwargs)).status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"), [(BUREAU, 302), (OFFICER, 403), (MEMBER, 403), (EXPERT, 403), (CONTACT, 403)]
)
def test_only_the_bureau_changes_a_robot_or_sends_a_test(client, users, own_team, role, expected):
    TeamRobotFactory(team=own_team, webhook_url=GOOD_URL, secret=GOOD_SECRET)
    client.force_login(users[role])
    edit = reverse("reminders:robot_edit", kwargs={"team_id": own_team.pk})
    response = client.post(edit, {"webhook_url": "https://evil.example/x", "secret": "SECevil", "is_active": ""})
    assert response.status_code == expected
    robot = TeamRobot.objects.get(team=own_team)
    assert (robot.webhook_url == GOOD_URL) == (role != BUREAU)
    with dingtalk_server() as server:
        TeamRobot.objects.filter(pk=robot.pk).update(webhook_url=server.url, secret=server.secret)
        test = reverse("reminders:robot_test", kwargs={"team_id": own_team.pk})
        assert client.post(test).status_code == expected
        assert len(server.received) == (1 if role == BUREAU else 0)


@pytest.mark.parametrize("name", ["reminders:robots", "reminders:robot_edit", "reminders:robot_test"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, db, own_team, name):
    kwargs = {} if name == "reminders:robots" else {"team_id": own_team.pk}
    response = client.post(reverse(name, kwargs=kwargs))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_a_missing_team_is_404(bureau):
    assert bureau.get(reverse("reminders:robot_edit", kwargs={"team_id": 999999})).status_code == 404
    assert bureau.post(reverse("reminders:robot_test", kwargs={"team_id": 999999})).status_code == 404


def test_the_test_button_takes_post_only(bureau, own_team):
    assert bureau.get(reverse("reminders:robot_test", kwargs={"team_id": own_team.pk})).status_code == 405


# --- the list ------------------------------------------------------------------------------------------------------


@pytest.fixture
def three_teams(users):
    active = TeamFactory(name="之江护航队")
    disabled = TeamFactory(name="钱塘护航队")
    bare = TeamFactory(name="瓯江护航队")
    TeamRobotFactory(team=active, webhook_url=GOOD_URL, secret=GOOD_SECRET, updated_by=users[BUREAU])
    TeamRobotFactory(team=disabled, is_active=False)
    return {"active": active, "disabled": disabled, "none": bare}


def _names(response) -> list[str]:
    return [team.name for team in response.context["page_obj"]]


def test_the_list_shows_each_teams_robot_state_and_who_changed_it(bureau, users, three_teams):
    response = bureau.get(reverse("reminders:robots"))
    assert response.status_code == 200
    assert _names(response) == ["之江护航队", "瓯江护航队", "钱塘护航队"]  # by name
    html = response.content.decode()
    assert users[BUREAU].full_name in html
    assert "oapi.dingtalk.com" in html
    assert "access_token" not in html  # the host only: the rest of the address is the robot's token
    assert GOOD_SECRET not in html
    for team in three_teams.values():
        assert reverse("reminders:robot_edit", kwargs={"team_id": team.pk}) in html


@pytest.mark.parametrize(
    ("robot", "expected"),
    [("active", ["之江护航队"]), ("disabled", ["钱塘护航队"]), ("none", ["瓯江护航队"]), ("", None)],
)
def test_the_list_filters_by_robot_state(bureau, three_teams, robot, expected):
    response = bureau.get(reverse("reminders:robots"), {"robot": robot})
    assert _names(response) == (expected or ["之江护航队", "瓯江护航队", "钱塘护航队"])


def test_the_list_searches_team_names(bureau, three_teams):
    assert _names(bureau.get(reverse("reminders:robots"), {"q": "钱塘"})) == ["钱塘护航队"]
    assert _names(bureau.get(reverse("reminders:robots"), {"q": "没有这个队"})) == []


def test_the_list_paginates(bureau, db):
    for number in range(25):
        TeamFactory(name=f"护航{number:02d}队")
    first = bureau.get(reverse("reminders:robots"))
    assert len(first.context["page_obj"]) == 20
    assert len(bureau.get(reverse("reminders:robots"), {"page": 2}).context["page_obj"]) == 5


@pytest.mark.parametrize("size", [3, 30])
def test_the_list_runs_the_same_queries_for_3_or_30_teams(bureau, users, django_assert_max_num_queries, size):
    for number in range(size):
        team = TeamFactory()
        if number % 3:
            TeamRobotFactory(team=team, updated_by=UserFactory(), is_active=bool(number % 2))
    # Session, user, the request's savepoint pair; the page's count and rows (teams, robots and editors joined).
    with django_assert_max_num_queries(6):
        response = bureau.get(reverse("reminders:robots"), {"q": "护航"})
    assert len(response.context["page_obj"]) == min(size, 20)


# --- the form ------------------------------------------------------------------------------------------------------


def _edit(team) -> str:
    return reverse("reminders:robot_edit", kwargs={"team_id": team.pk})


def test_setting_a_robot_records_who_and_when(bureau, users, own_team):
    response = bureau.post(_edit(own_team), {"webhook_url": GOOD_URL, "secret": GOOD_SECRET, "is_active": "on"})
    assert response.status_code == 302
    assert response.url == _edit(own_team)
    robot = TeamRobot.objects.get(team=own_team)
    assert (robot.webhook_url, robot.secret, robot.is_active) == (GOOD_URL, GOOD_SECRET, True)
    assert robot.updated_by == users[BUREAU]
    assert robot.updated_at is not None


def test_the_secret_is_never_rendered_back(bureau, own_team):
    bureau.post(_edit(own_team), {"webhook_url": GOOD_URL, "secret": GOOD_SECRET, "is_active": "on"})
    page = bureau.get(_edit(own_team))
    html = page.content.decode()
    assert GOOD_SECRET not in html
    assert GOOD_SECRET[3:15] not in html
    assert 'data-testid="secret-set"' in html
    assert GOOD_URL.replace("&", "&amp;") in html  # the address stays editable
    # nor on a form sent back with an error
    refused = bureau.post(_edit(own_team), {"webhook_url": "http://plain.example/x", "secret": GOOD_SECRET + "x"})
    assert refused.status_code == 200
    assert GOOD_SECRET not in refused.content.decode()


def test_a_blank_secret_keeps_the_one_set(bureau, own_team):
    TeamRobotFactory(team=own_team, webhook_url=GOOD_URL, secret=GOOD_SECRET)
    new_url = "https://oapi.dingtalk.com/robot/send?access_token=fedcba"
    assert bureau.post(_edit(own_team), {"webhook_url": new_url, "secret": "", "is_active": ""}).status_code == 302
    robot = TeamRobot.objects.get(team=own_team)
    assert (robot.webhook_url, robot.secret, robot.is_active) == (new_url, GOOD_SECRET, False)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"webhook_url": "http://oapi.dingtalk.com/robot/send?access_token=x", "secret": GOOD_SECRET}, "webhook_url"),
        ({"webhook_url": "ftp://oapi.dingtalk.com/robot", "secret": GOOD_SECRET}, "webhook_url"),
        ({"webhook_url": "oapi.dingtalk.com/robot/send", "secret": GOOD_SECRET}, "webhook_url"),
        ({"webhook_url": "", "secret": GOOD_SECRET}, "webhook_url"),
        ({"webhook_url": GOOD_URL, "secret": "abcdef0123456789"}, "secret"),
        ({"webhook_url": GOOD_URL, "secret": "SEC abc"}, "secret"),
        ({"webhook_url": GOOD_URL, "secret": ""}, "secret"),  # a new robot needs its secret
        ({"webhook_url": GOOD_URL, "secret": "SEC" + "a" * 130}, "secret"),
    ],
)
def test_the_form_says_what_is_wrong(bureau, own_team, data, field):
    response = bureau.post(_edit(own_team), {**data, "is_active": "on"})
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not TeamRobot.objects.filter(team=own_team).exists()


def test_the_https_error_is_the_services_clear_sentence(bureau, own_team):
    response = bureau.post(_edit(own_team), {"webhook_url": "http://x.example/robot", "secret": GOOD_SECRET})
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        expected = gettext("The webhook URL must be an https:// address, as DingTalk gives it.")
    assert response.context["form"].errors["webhook_url"] == [expected]


# --- the test button -----------------------------------------------------------------------------------------------


def _test(team) -> str:
    return reverse("reminders:robot_test", kwargs={"team_id": team.pk})


@pytest.mark.parametrize("active", [True, False])
def test_the_test_button_posts_a_signed_message_and_says_so(bureau, own_team, active):
    """Also for a robot not switched on yet: the bureau tries it before it carries reminders."""
    with dingtalk_server() as server:
        TeamRobotFactory(team=own_team, webhook_url=server.url, secret=server.secret, is_active=active)
        response = bureau.post(_test(own_team))
    assert response.status_code == 302
    assert response.url == _edit(own_team)
    [message] = server.received
    assert message["msgtype"] == "markdown"
    assert "西湖护航队" in message["markdown"]["text"]
    assert "汤组长" not in str(message)  # the team's name, no person's
    [said] = _messages(response)
    assert "西湖护航队" in said


def test_the_test_button_shows_dingtalks_refusal(bureau, own_team):
    with dingtalk_server() as server:
        TeamRobotFactory(team=own_team, webhook_url=server.url, secret="SECnot-the-robots-secret")
        response = bureau.post(_test(own_team), follow=True)
    assert server.received == []
    [said] = _messages(response) or [str(m) for m in response.context["messages"]]
    assert "310000" in said
    assert "sign not match" in said
    assert server.token not in said
    assert "SECnot-the-robots-secret" not in response.content.decode()


def test_the_test_button_without_a_robot_says_to_set_one_first(bureau, own_team):
    response = bureau.post(_test(own_team), follow=True)
    assert response.status_code == 200
    [said] = [str(m) for m in response.context["messages"]]
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        assert said == gettext("Set the team's robot first.")
