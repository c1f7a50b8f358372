"""The units' half-yearly feedback (意见建议): when it is asked, giving it (reports.services.feedback_give and the page
reports:feedback_give), and the prompt on the unit contact's home."""

# ruff: noqa: F811  (the fixtures of tests/reports/feedback_world.py are imported, then named as arguments)

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Role
from huhang.models import ProgrammeSettings
from reports import feedback, services
from reports.feedback import open_period
from reports.models import FeedbackQuestion, FeedbackScore, UnitFeedback
from reports.periods import Period
from teams.services import unit_assign_team, unit_unassign_team
from tests.factories import UserFactory
from tests.reports.feedback_world import IN_WINDOW, all_scores, give, on_day, questions, world  # noqa: F401 (fixtures)

H1 = Period(2026, 1)


def _url(code: str = "2026H1") -> str:
    return reverse("reports:feedback_give", kwargs={"code": code})


# --- When it is asked ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2025, 1, 10), None),  # 2024H2 is before the programme
        (datetime.date(2025, 5, 31), None),
        (datetime.date(2025, 6, 1), "2025H1"),  # the half year's last month
        (datetime.date(2026, 6, 30), "2026H1"),
        (datetime.date(2026, 7, 1), "2026H1"),  # the half year is over; its report is not due yet
        (datetime.date(2026, 7, 15), "2026H1"),  # the report's due day: still taken
        (datetime.date(2026, 7, 16), None),
        (datetime.date(2026, 11, 30), None),
        (datetime.date(2026, 12, 1), "2026H2"),
        (datetime.date(2027, 1, 15), "2026H2"),
        (datetime.date(2027, 1, 16), None),
    ],
)
def test_the_feedback_is_asked_in_the_last_month_and_until_the_report_is_due(day, expected):
    period = open_period(today=day, due_days=15)
    assert (period.code if period else None) == expected


def test_the_window_closes_with_the_report_due_days():
    assert open_period(today=datetime.date(2026, 7, 30), due_days=30) == H1
    assert open_period(today=datetime.date(2026, 7, 31), due_days=30) is None


# --- The service --------------------------------------------------------------------------------------------------


def test_a_contact_gives_a_score_per_point_and_text_on_the_serving_team(users, world):
    questions = world["questions"]
    given = give(users[Role.UNIT_CONTACT], questions, 5, 4, 3, 2, text="  响应及时。\r\n\r\n\r\n希望多组织培训。  ")
    assert (given.unit.name, given.team.name, given.period, given.author.username) == (
        "西湖光电实验室",
        "西湖团队",
        "2026H1",
        "uma",
    )
    assert given.text == "响应及时。\n\n希望多组织培训。"
    assert list(given.scores.order_by("question__position").values_list("question__text", "score")) == [
        ("服务响应是否及时", 5),
        ("服务人员是否专业", 4),
        ("服务是否解决了实际问题", 3),
        ("对接沟通是否顺畅", 2),
    ]


@pytest.mark.parametrize(
    ("day", "taken"),
    [
        (datetime.date(2026, 5, 31), False),
        (datetime.date(2026, 6, 1), True),
        (datetime.date(2026, 7, 15), True),
        (datetime.date(2026, 7, 16), False),
    ],
)
def test_outside_the_window_it_is_refused(users, world, day, taken):
    if taken:
        give(users[Role.UNIT_CONTACT], world["questions"], today=day)
        assert UnitFeedback.objects.count() == 1
        return
    with pytest.raises(ValidationError) as refused:
        give(users[Role.UNIT_CONTACT], world["questions"], today=day)
    assert refused.value.code == "closed"
    assert refused.value.messages == [
        _("The feedback on %(period)s is taken from %(opens)s to %(closes)s; it cannot be given now.")
        % {"period": H1.label, "opens": "2026-06-01", "closes": "2026-07-15"}
    ]
    assert UnitFeedback.objects.count() == 0


def test_the_report_due_days_move_the_close(users, world):
    ProgrammeSettings.objects.filter(pk=ProgrammeSettings.current().pk).update(report_due_days=30)
    give(users[Role.UNIT_CONTACT], world["questions"], today=datetime.date(2026, 7, 30))
    assert UnitFeedback.objects.get().period == "2026H1"


def test_it_is_given_once_per_half_year(users, world):
    contact = users[Role.UNIT_CONTACT]
    give(contact, world["questions"], 4)
    with pytest.raises(ValidationError) as refused:
        give(contact, world["questions"], 2)
    assert refused.value.code == "given"
    assert refused.value.messages == [
        _("You have already given your feedback on %(period)s: it is given once per half year.") % {"period": H1.label}
    ]
    assert set(FeedbackScore.objects.values_list("score", flat=True)) == {4}
    # The next half year is another feedback.
    give(contact, world["questions"], 3, period="2026H2", today=datetime.date(2026, 12, 20))
    assert sorted(UnitFeedback.objects.values_list("period", flat=True)) == ["2026H1", "2026H2"]


def test_a_unit_no_team_serves_cannot_give_it(users, world, outsiders):
    with pytest.raises(ValidationError) as refused:
        give(outsiders[Role.UNIT_CONTACT], world["questions"])  # ursula's unit has never had a team
    assert refused.value.code == "no_team"
    unit_unassign_team(actor=None, unit=users[Role.UNIT_CONTACT].unit, end=datetime.date(2026, 5, 1))
    with pytest.raises(ValidationError) as refused:
        give(users[Role.UNIT_CONTACT], world["questions"])
    assert refused.value.code == "no_team"
    assert UnitFeedback.objects.count() == 0


def test_the_team_is_the_one_serving_the_unit_on_the_day_it_is_given(users, world, unit):
    unit_assign_team(actor=None, unit=unit, team=world["other_team"], start=datetime.date(2026, 6, 10))
    given = give(users[Role.UNIT_CONTACT], world["questions"])  # on 15 June
    assert given.team == world["other_team"]
    colleague = UserFactory(username="uwe", unit_contact=True, unit=unit)
    assert give(colleague, world["questions"], today=datetime.date(2026, 6, 9)).team == world["team"]


def test_every_point_asked_is_rated_from_1_to_5(users, world):
    first, second, third, fourth = world["questions"]
    scores = {first.pk: 5, second.pk: 6, third.pk: 0}  # the fourth is missing
    with pytest.raises(ValidationError) as refused:
        services.feedback_give(actor=users[Role.UNIT_CONTACT], period=H1, scores=scores, text="", today=IN_WINDOW)
    assert {field: [e.code for e in errors] for field, errors in refused.value.error_dict.items()} == {
        f"score_{second.pk}": ["score"],
        f"score_{third.pk}": ["score"],
        f"score_{fourth.pk}": ["required"],
    }
    assert UnitFeedback.objects.count() == 0


def test_a_point_no_longer_asked_is_refused(users, world):
    questions = world["questions"]
    scores = all_scores(questions, 4)
    services.feedback_question_update(
        actor=None, question=questions[3], text=questions[3].text, position=4, is_active=False
    )
    with pytest.raises(ValidationError) as refused:
        services.feedback_give(actor=users[Role.UNIT_CONTACT], period=H1, scores=scores, text="", today=IN_WINDOW)
    assert [e.code for e in refused.value.error_dict["__all__"]] == ["questions"]
    del scores[questions[3].pk]
    given = services.feedback_give(actor=users[Role.UNIT_CONTACT], period=H1, scores=scores, text="", today=IN_WINDOW)
    assert given.scores.count() == 3


def test_the_text_is_at_most_2000_characters(users, world):
    with pytest.raises(ValidationError) as refused:
        give(users[Role.UNIT_CONTACT], world["questions"], text="意" * 2001)
    assert refused.value.message_dict == {
        "text": [
            _("Opinions and suggestions may be at most %(max)s characters long (this text has %(length)s).")
            % {"max": 2000, "length": 2001}
        ]
    }
    assert give(users[Role.UNIT_CONTACT], world["questions"], text="意" * 2000).text == "意" * 2000


@pytest.mark.parametrize("role", [Role.BUREAU, Role.OFFICER, Role.TEAM_MEMBER, Role.EXPERT])
def test_only_a_unit_contact_gives_it(users, world, role):
    with pytest.raises(PermissionDenied):
        give(users[role], world["questions"])


def test_the_feedback_and_its_scores_are_saved_together_or_not_at_all(users, world, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(FeedbackScore.objects, "bulk_create", fail)
    with pytest.raises(RuntimeError):
        give(users[Role.UNIT_CONTACT], world["questions"])
    assert UnitFeedback.objects.count() == 0


# --- The page -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.BUREAU, Role.OFFICER, Role.TEAM_MEMBER, Role.EXPERT])
def test_other_roles_get_403(client, users, world, on_day, role):
    on_day(IN_WINDOW)
    client.force_login(users[role])
    assert client.get(_url()).status_code == 403
    assert client.post(_url(), {}).status_code == 403


@pytest.mark.parametrize("code", ["2026H3", "26H1", "x"])
def test_a_code_that_is_no_half_year_is_404(client, users, world, code):
    client.force_login(users[Role.UNIT_CONTACT])
    assert client.get(_url(code)).status_code == 404


def test_the_form_asks_each_point_with_five_choices_and_saves(client, users, world, on_day):
    on_day(IN_WINDOW)
    questions = world["questions"]
    client.force_login(users[Role.UNIT_CONTACT])
    page = client.get(_url())
    assert page.status_code == 200
    form = page.context["form"]
    assert [field.label for field in form.score_fields] == [q.text for q in questions]
    assert [value for value, _label in form.fields[f"score_{questions[0].pk}"].choices] == [1, 2, 3, 4, 5]
    assert "西湖团队" in page.text
    data = {f"score_{q.pk}": str(score) for q, score in zip(questions, [5, 5, 4, 3], strict=True)}
    response = client.post(_url(), data | {"text": "希望加强海外维权指导。"})
    assert response.status_code == 302
    assert response.url == reverse("home")
    given = UnitFeedback.objects.get()
    assert (given.team.name, given.text) == ("西湖团队", "希望加强海外维权指导。")
    assert sorted(given.scores.values_list("score", flat=True)) == [3, 4, 5, 5]


def test_a_missing_rating_is_shown_on_its_point(client, users, world, on_day):
    on_day(IN_WINDOW)
    questions = world["questions"]
    client.force_login(users[Role.UNIT_CONTACT])
    data = {f"score_{q.pk}": "4" for q in questions[:3]}
    response = client.post(_url(), data)
    assert response.status_code == 200
    assert response.context["form"].errors == {f"score_{questions[3].pk}": [_("Please rate this point.")]}
    assert UnitFeedback.objects.count() == 0


def test_outside_the_window_the_page_says_when_it_is_taken(client, users, world, on_day):
    on_day(datetime.date(2026, 7, 16))
    client.force_login(users[Role.UNIT_CONTACT])
    page = client.get(_url())
    assert page.status_code == 200
    assert 'data-testid="feedback-closed"' in page.text
    assert 'data-testid="feedback-form"' not in page.text
    data = {f"score_{q.pk}": "5" for q in world["questions"]}
    assert client.post(_url(), data).status_code == 200
    assert UnitFeedback.objects.count() == 0


def test_without_a_serving_team_the_page_says_so(client, outsiders, world, on_day):
    on_day(IN_WINDOW)
    client.force_login(outsiders[Role.UNIT_CONTACT])
    page = client.get(_url())
    assert 'data-testid="feedback-no-team"' in page.text
    assert 'data-testid="feedback-form"' not in page.text


def test_given_feedback_is_shown_not_asked_again(client, users, world, on_day):
    on_day(IN_WINDOW)
    give(users[Role.UNIT_CONTACT], world["questions"], 5, 4, text="很满意。")
    client.force_login(users[Role.UNIT_CONTACT])
    page = client.get(_url())
    assert 'data-testid="feedback-given"' in page.text
    assert 'data-testid="feedback-form"' not in page.text
    assert 'data-testid="given-text">很满意。</p>' in page.text
    # A second post (a double click, a back button) saves nothing more.
    assert client.post(_url(), {f"score_{q.pk}": "1" for q in world["questions"]}).status_code == 200
    assert sorted(FeedbackScore.objects.values_list("score", flat=True)) == [4, 4, 4, 5]


def test_a_contact_sees_only_their_own_feedback_on_the_page(client, users, world, on_day):
    """nina gave hers; uma, of another unit, is asked for her own on the same URL."""
    on_day(IN_WINDOW)
    give(world["nina"], world["questions"], 1, text="宁波的意见")
    client.force_login(users[Role.UNIT_CONTACT])
    page = client.get(_url())
    assert "宁波的意见" not in page.text
    assert 'data-testid="feedback-form"' in page.text


# --- The prompt on the unit contact's home ----------------------------------------------------------------------


def test_the_home_asks_for_the_feedback_in_the_window(client, users, world, on_day):
    on_day(datetime.date(2026, 7, 2))
    client.force_login(users[Role.UNIT_CONTACT])
    page = client.get(reverse("home"))
    assert 'data-testid="feedback-prompt"' in page.text
    assert f'href="{_url("2026H1")}" data-testid="give-feedback"' in page.text
    prompt = page.context["feedback"]
    assert (prompt.period, prompt.closes_on, prompt.team.name, prompt.given) == (
        H1,
        datetime.date(2026, 7, 15),
        "西湖团队",
        None,
    )


@pytest.mark.parametrize("day", [datetime.date(2026, 5, 31), datetime.date(2026, 7, 16)])
def test_no_prompt_outside_the_window(client, users, world, on_day, day):
    on_day(day)
    client.force_login(users[Role.UNIT_CONTACT])
    page = client.get(reverse("home"))
    assert page.context["feedback"] is None
    assert 'data-testid="feedback-' not in page.text


def test_no_prompt_for_a_unit_no_team_serves(client, outsiders, world, on_day):
    on_day(IN_WINDOW)
    client.force_login(outsiders[Role.UNIT_CONTACT])
    assert 'data-testid="feedback-' not in client.get(reverse("home")).text


def test_once_given_the_home_thanks_and_shows_it(client, users, world, on_day):
    on_day(IN_WINDOW)
    give(users[Role.UNIT_CONTACT], world["questions"], 5, 4, 4, 3, text="对接顺畅。")
    client.force_login(users[Role.UNIT_CONTACT])
    page = client.get(reverse("home"))
    assert 'data-testid="feedback-thanks"' in page.text
    assert 'data-testid="feedback-prompt"' not in page.text
    scores = [q.pk for q in world["questions"]]
    for question_id, score in zip(scores, [5, 4, 4, 3], strict=True):
        assert f'data-question="{question_id}"><span class="fw-semibold">{score}</span> / 5</dd>' in page.text
    assert "对接顺畅。" in page.text
    assert f'href="{reverse("reports:feedback_list")}" data-testid="my-feedback"' in page.text


def test_the_questions_asked_are_the_active_ones_in_their_order(world):
    first, second, third, fourth = world["questions"]
    services.feedback_question_update(actor=None, question=first, text=first.text, position=9, is_active=True)
    services.feedback_question_update(actor=None, question=third, text=third.text, position=3, is_active=False)
    assert list(feedback.active_questions()) == [second, fourth, FeedbackQuestion.objects.get(pk=first.pk)]
