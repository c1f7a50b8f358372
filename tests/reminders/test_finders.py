"""The reminder rules (reminders/finders.py), each with a frozen clock (`now=` passed explicitly): not yet due,
due (the occasion, its recipients and nobody else, its link opening for each recipient, its team), stored once
across cycles, and what makes a new occasion (a new due date, a new contact). The query count does not grow with
the data."""

from __future__ import annotations

import datetime
import zoneinfo
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from archives import services as archive_services
from archives.models import Request
from archives.selectors import officers_covering
from huhang.models import ProgrammeSettings
from plans import services as plan_services
from plans.models import Measure, Plan, PlanEvent
from reminders.finders import FINDERS, find_occasions, rules_in_words
from reminders.kinds import Kind
from reminders.models import Delivery, Notification, Reminder
from reminders.services import reminders_find
from reports import services as report_services
from reports.models import ReportEvent, TeamReport, UnitFeedback
from teams.models import Person
from teams.services import unit_assign_team, unit_unassign_team
from tests.factories import (
    ActivityFactory,
    PersonFactory,
    RequestFactory,
    UnitFactory,
    UserFactory,
    approved_plan,
    assign,
    division,
    expert_user,
    plan_with_two_measures,
    ready,
    team_led_by,
)
from units.models import ListingEvent

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def world(db, unit):
    """`unit` (西湖区) served by 西湖团队: leader leo, core members cora and cole, all with logins. A Ningbo unit
    served by 甬江团队 (tina). The bureau (alice; a disabled bureau login too), the unit's contact uma, the Ningbo
    unit's contact nina, officers of 杭州市 (olivia), 西湖区 (otto) and 宁波市 (oscar), two experts (eve, ed)."""
    leo = UserFactory(username="leo", team_member=True)
    team = team_led_by(leo, "西湖团队")
    cora, cole = UserFactory(username="cora", team_member=True), UserFactory(username="cole", team_member=True)
    for person, user in zip(
        Person.objects.filter(memberships__team=team, memberships__role="core"), (cora, cole), strict=True
    ):
        person.user = user
        person.save()
    assign(unit, team)
    ningbo = UnitFactory(name="宁波甬江材料实验室", division=division("330203"))
    tina = UserFactory(username="tina", team_member=True)
    other_team = team_led_by(tina, "甬江团队")
    assign(ningbo, other_team)
    return SimpleNamespace(
        unit=unit,
        team=team,
        leo=leo,
        cora=cora,
        cole=cole,
        ningbo=ningbo,
        other_team=other_team,
        tina=tina,
        alice=UserFactory(username="alice", bureau=True),
        retired=UserFactory(username="retired", bureau=True, is_active=False),
        uma=UserFactory(username="uma", unit_contact=True, unit=unit),
        nina=UserFactory(username="nina", unit_contact=True, unit=ningbo),
        olivia=UserFactory(username="olivia", officer=True, division=division("330100")),
        otto=UserFactory(username="otto", officer=True, division=division("330106")),
        oscar=UserFactory(username="oscar", officer=True, division=division("330200")),
        eve=expert_user("eve"),
        ed=expert_user("ed"),
    )


def ids(*users: User) -> frozenset[int]:
    return frozenset(user.pk for user in users)


def found(kind: str, now: datetime.datetime, record=None) -> list:
    """The occasions of `kind` at `now`, only those about `record` when given."""
    occasions = find_occasions(now=now, kinds=[kind])
    if record is not None:
        occasions = [o for o in occasions if type(o.record) is type(record) and o.record.pk == record.pk]
    return occasions


def the_one(kind: str, now: datetime.datetime, record=None):
    occasions = found(kind, now, record)
    assert len(occasions) == 1, occasions
    return occasions[0]


def stored() -> tuple[int, int, int]:
    return Reminder.objects.count(), Notification.objects.count(), Delivery.objects.count()


def assert_stored_once(kind: str, *moments: datetime.datetime) -> None:
    """A cycle at the first moment stores the occasion; cycles at the same and later moments store nothing more."""
    reminders_find(now=moments[0], kinds=[kind])
    first = stored()
    assert first[0] >= 1
    assert first[1] >= 1
    for moment in moments:
        reminders_find(now=moment, kinds=[kind])
        assert stored() == first
        assert found(kind, moment) == []


def assert_recipients_open_the_link(client, occasion) -> None:
    for user in User.objects.filter(pk__in=occasion.user_ids):
        client.force_login(user)
        assert client.get(occasion.url).status_code == 200, user.username
    client.logout()


def submitted(unit, at_: datetime.datetime, *, actor=None, kind="consultation") -> Request:
    return RequestFactory(unit=unit, submitted_at=at_, kind=kind, **({"actor": actor} if actor else {}))


# --- The registry --------------------------------------------------------------------------------------------------


def test_every_kind_has_a_finder_and_unknown_kinds_are_refused(db):
    assert set(FINDERS) == set(Kind.values)
    with pytest.raises(ValueError, match="no finder"):
        find_occasions(now=timezone.now(), kinds=["nonsense"])


def test_every_rule_is_said_in_a_sentence_with_the_programmes_numbers(db):
    programme = ProgrammeSettings.current()
    programme.remind_request_hours, programme.remind_no_contact_days = 6, 45
    words = dict(rules_in_words(programme))
    assert list(words) == list(Kind.values)
    assert all(words.values())
    assert "6" in words[Kind.REQUEST_DUE_SOON]
    assert "45" in words[Kind.NO_CONTACT]
    assert "%(" not in "".join(words.values())


def test_nothing_to_remind_of_in_an_empty_programme(db):
    assert find_occasions(now=timezone.now()) == []


# --- 1. A request raised -------------------------------------------------------------------------------------------


def test_a_raised_request_reminds_the_serving_team_and_nobody_else(world, client):
    raised_at = at(2026, 3, 5, 10, 0)
    request = submitted(world.unit, raised_at)
    assert found(Kind.REQUEST_RAISED, raised_at - HOUR) == []  # not raised yet at that time
    occasion = the_one(Kind.REQUEST_RAISED, raised_at + HOUR)
    assert occasion.record == request
    assert occasion.occasion == ""
    assert occasion.user_ids == ids(world.leo, world.cora, world.cole)
    assert occasion.team_id == world.team.pk
    assert occasion.url == reverse("archives:request_detail", kwargs={"uid": request.uid})
    assert occasion.due_at == request.accept_due_at
    assert world.unit.name in occasion.title
    assert request.title not in occasion.title
    assert request.description not in occasion.title
    assert_recipients_open_the_link(client, occasion)
    assert_stored_once(Kind.REQUEST_RAISED, raised_at + HOUR, raised_at + 2 * DAY)


def test_a_request_logged_by_a_member_does_not_remind_that_member(world):
    request = submitted(world.unit, at(2026, 3, 5, 10, 0), actor=world.cora)
    assert request.on_behalf
    assert the_one(Kind.REQUEST_RAISED, at(2026, 3, 5, 11, 0)).user_ids == ids(world.leo, world.cole)


def test_a_request_raised_before_the_window_or_without_a_team_reminds_nobody(world):
    submitted(world.unit, at(2026, 3, 5, 10, 0))
    assert found(Kind.REQUEST_RAISED, at(2026, 3, 12, 10, 1)) == []  # more than 7 days later: not news any more
    lonely = UnitFactory(name="无团队单位")
    submitted(lonely, at(2026, 3, 5, 10, 0))
    assert found(Kind.REQUEST_RAISED, at(2026, 3, 5, 11, 0), record=lonely) == []
    assert len(found(Kind.REQUEST_RAISED, at(2026, 3, 5, 11, 0))) == 1


# --- 2. A request's time limit near (working hours) ------------------------------------------------------------------


def test_an_accept_limit_ending_friday_is_reminded_from_friday_1300_with_four_working_hours(world, client):
    request = submitted(world.unit, at(2026, 3, 5, 10, 0))  # Thursday: accept by the end of Friday 6 March
    assert timezone.localtime(request.accept_due_at).date() == datetime.date(2026, 3, 6)
    assert found(Kind.REQUEST_DUE_SOON, at(2026, 3, 5, 16, 0)) == []
    assert found(Kind.REQUEST_DUE_SOON, at(2026, 3, 6, 12, 59, 59)) == []
    occasion = the_one(Kind.REQUEST_DUE_SOON, at(2026, 3, 6, 13, 0))
    assert (occasion.record, occasion.occasion) == (request, "accept")
    assert occasion.due_at == request.accept_due_at
    assert occasion.user_ids == ids(world.leo, world.cora, world.cole)
    assert occasion.team_id == world.team.pk
    assert_recipients_open_the_link(client, occasion)
    assert_stored_once(Kind.REQUEST_DUE_SOON, at(2026, 3, 6, 13, 0), at(2026, 3, 6, 16, 0))


def test_the_setting_of_working_hours_moves_the_reminder(world):
    submitted(world.unit, at(2026, 3, 5, 10, 0))
    ProgrammeSettings.objects.filter(pk=ProgrammeSettings.current().pk).update(remind_request_hours=8)
    assert found(Kind.REQUEST_DUE_SOON, at(2026, 3, 5, 16, 59)) == []
    assert len(found(Kind.REQUEST_DUE_SOON, at(2026, 3, 6, 9, 0))) == 1  # 8 working hours before Friday 17:00


def test_an_accept_limit_after_a_weekend_is_reminded_on_monday_not_on_the_weekend(world):
    submitted(world.unit, at(2026, 3, 6, 10, 0))  # Friday: accept by the end of Monday 9 March
    for moment in (at(2026, 3, 6, 16, 0), at(2026, 3, 7, 12, 0), at(2026, 3, 8, 23, 0), at(2026, 3, 9, 12, 59)):
        assert found(Kind.REQUEST_DUE_SOON, moment) == [], moment
    assert the_one(Kind.REQUEST_DUE_SOON, at(2026, 3, 9, 13, 0)).occasion == "accept"


def test_an_accept_limit_after_spring_festival_is_reminded_on_its_first_working_day(world):
    submitted(world.unit, at(2026, 2, 14, 10, 0))  # the worked Saturday: accept by the end of Tuesday 24 Feb
    for moment in (at(2026, 2, 14, 16, 0), at(2026, 2, 17, 10, 0), at(2026, 2, 23, 16, 0), at(2026, 2, 24, 12, 0)):
        assert found(Kind.REQUEST_DUE_SOON, moment) == [], moment
    assert the_one(Kind.REQUEST_DUE_SOON, at(2026, 2, 24, 13, 0)).occasion == "accept"


def test_an_accept_limit_on_the_worked_saturday_is_reminded_that_saturday(world):
    submitted(world.unit, at(2026, 2, 13, 10, 0))  # Friday before the festival: accept by the end of Saturday
    assert found(Kind.REQUEST_DUE_SOON, at(2026, 2, 13, 16, 0)) == []
    assert the_one(Kind.REQUEST_DUE_SOON, at(2026, 2, 14, 13, 0)).occasion == "accept"


def test_the_answer_limit_is_reminded_as_its_own_occasion(world):
    request = submitted(world.unit, at(2026, 3, 5, 10, 0))  # consultation: answer by the end of Thursday 12 March
    archive_services.request_accept(actor=world.leo, request=request, at=at(2026, 3, 5, 11, 0))
    assert found(Kind.REQUEST_DUE_SOON, at(2026, 3, 6, 13, 0)) == []  # accepted: no accept reminder
    assert found(Kind.REQUEST_DUE_SOON, at(2026, 3, 12, 12, 59)) == []
    occasion = the_one(Kind.REQUEST_DUE_SOON, at(2026, 3, 12, 13, 0))
    assert occasion.occasion == "answer"
    assert occasion.due_at == request.answer_due_at


def test_a_limit_near_for_another_teams_unit_reminds_only_that_team(world):
    request = submitted(world.ningbo, at(2026, 3, 5, 10, 0))
    occasion = the_one(Kind.REQUEST_DUE_SOON, at(2026, 3, 6, 13, 0))
    assert occasion.record == request
    assert occasion.user_ids == ids(world.tina)
    assert occasion.team_id == world.other_team.pk


def test_a_referred_request_has_no_limit_to_remind_of(world):
    request = submitted(world.unit, at(2026, 3, 5, 10, 0))
    archive_services.request_refer(
        actor=world.leo,
        request=request,
        referred_on=datetime.date(2026, 3, 5),
        department="省市场监管局",
        contact="王科长",
        at=at(2026, 3, 5, 11, 0),
    )
    assert found(Kind.REQUEST_DUE_SOON, at(2026, 3, 6, 13, 0)) == []
    assert found(Kind.REQUEST_MISSED, at(2026, 3, 20, 10, 0)) == []


# --- 3. A request's time limit missed ---------------------------------------------------------------------------------


def test_a_missed_accept_limit_reminds_the_team_and_the_bureau(world, client):
    request = submitted(world.unit, at(2026, 3, 5, 10, 0))
    assert found(Kind.REQUEST_MISSED, at(2026, 3, 6, 23, 59)) == []  # the limit still runs
    occasion = the_one(Kind.REQUEST_MISSED, at(2026, 3, 7, 0, 1))
    assert (occasion.record, occasion.occasion) == (request, "accept")
    assert occasion.user_ids == ids(world.leo, world.cora, world.cole, world.alice)  # not the disabled login
    assert occasion.team_id == world.team.pk
    assert_recipients_open_the_link(client, occasion)
    assert_stored_once(Kind.REQUEST_MISSED, at(2026, 3, 7, 0, 1), at(2026, 3, 9, 10, 0))


def test_a_missed_answer_limit_is_its_own_occasion_and_old_misses_are_not_news(world):
    request = submitted(world.unit, at(2026, 3, 5, 10, 0))
    archive_services.request_accept(actor=world.leo, request=request, at=at(2026, 3, 5, 11, 0))
    occasion = the_one(Kind.REQUEST_MISSED, at(2026, 3, 13, 8, 0))
    assert occasion.occasion == "answer"
    assert found(Kind.REQUEST_MISSED, at(2026, 3, 20, 8, 0)) == []  # missed more than 7 days before


def test_an_accepted_and_answered_request_misses_nothing(world):
    request = submitted(world.unit, at(2026, 3, 5, 10, 0))
    archive_services.request_reply(actor=world.leo, request=request, text="已答复。", at=at(2026, 3, 5, 15, 0))
    assert found(Kind.REQUEST_MISSED, at(2026, 3, 13, 8, 0)) == []


# --- 4. A request answered --------------------------------------------------------------------------------------------


def test_a_first_answer_reminds_the_units_contacts_only(world, client):
    request = submitted(world.unit, at(2026, 3, 5, 10, 0))
    second_contact = UserFactory(username="umberto", unit_contact=True, unit=world.unit)
    assert found(Kind.REQUEST_ANSWERED, at(2026, 3, 5, 16, 0)) == []
    archive_services.request_reply(actor=world.leo, request=request, text="答复如下。", at=at(2026, 3, 5, 16, 0))
    assert found(Kind.REQUEST_ANSWERED, at(2026, 3, 5, 15, 59)) == []  # not answered yet at that time
    occasion = the_one(Kind.REQUEST_ANSWERED, at(2026, 3, 5, 16, 5))
    assert occasion.record == request
    assert occasion.user_ids == ids(world.uma, second_contact)  # not nina, another unit's contact
    assert occasion.team_id is None
    assert occasion.url == reverse("archives:request_detail", kwargs={"uid": request.uid})
    assert_recipients_open_the_link(client, occasion)
    assert_stored_once(Kind.REQUEST_ANSWERED, at(2026, 3, 5, 16, 5), at(2026, 3, 6, 9, 0))
    # A second answer is not a first answer: nothing new.
    archive_services.request_reply(actor=world.cora, request=request, text="补充。", at=at(2026, 3, 6, 10, 0))
    assert found(Kind.REQUEST_ANSWERED, at(2026, 3, 6, 11, 0)) == []


# --- 5. A request referred --------------------------------------------------------------------------------------------


def test_a_referral_to_the_countys_ip_department_reminds_the_officers_covering_it(world, client):
    request = RequestFactory(unit=world.unit)
    before = timezone.now()
    referral = archive_services.request_refer(
        actor=world.leo, request=request, referred_on=timezone.localdate(), division=division("330106")
    )
    assert found(Kind.REQUEST_REFERRED, before - HOUR) == []
    occasion = the_one(Kind.REQUEST_REFERRED, timezone.now())
    assert occasion.record == referral
    assert occasion.user_ids == ids(world.otto, world.olivia)  # the county's and the city's, not Ningbo's
    assert occasion.user_ids == frozenset(officers_covering(division("330106")).values_list("pk", flat=True))
    assert occasion.team_id is None
    assert occasion.url == reverse("archives:request_detail", kwargs={"uid": request.uid})
    assert_recipients_open_the_link(client, occasion)
    assert_stored_once(Kind.REQUEST_REFERRED, timezone.now())


def test_a_referral_to_the_city_reminds_the_city_officers_only_and_one_by_name_nobody(world):
    request = RequestFactory(unit=world.unit)
    referral = archive_services.request_refer(
        actor=world.leo, request=request, referred_on=timezone.localdate(), division=division("330100")
    )
    assert the_one(Kind.REQUEST_REFERRED, timezone.now()).user_ids == ids(world.olivia)
    other = RequestFactory(unit=world.unit)
    archive_services.request_refer(
        actor=world.leo, request=other, referred_on=timezone.localdate(), department="省市场监管局", contact="王科长"
    )
    assert [o.record for o in found(Kind.REQUEST_REFERRED, timezone.now())] == [referral]


def test_an_old_referral_is_not_news(world):
    request = RequestFactory(unit=world.unit)
    archive_services.request_refer(
        actor=world.leo, request=request, referred_on=timezone.localdate(), division=division("330106")
    )
    assert found(Kind.REQUEST_REFERRED, timezone.now() + 8 * DAY) == []


# --- 6. An expert invited ---------------------------------------------------------------------------------------------


def test_an_expert_invited_to_a_request_is_reminded_once_and_others_not(world, client):
    request = RequestFactory(unit=world.unit)
    now = timezone.now()
    assert found(Kind.EXPERT_INVITED, now) == []
    archive_services.request_invite_expert(actor=world.leo, request=request, expert=world.eve.person)
    occasion = the_one(Kind.EXPERT_INVITED, now)
    assert (occasion.record, occasion.occasion) == (request, f"expert:{world.eve.person.pk}")
    assert occasion.user_ids == ids(world.eve)
    assert occasion.team_id is None
    assert occasion.url == reverse("archives:request_detail", kwargs={"uid": request.uid})
    assert_recipients_open_the_link(client, occasion)
    assert_stored_once(Kind.EXPERT_INVITED, now)
    # A second expert is invited later: a reminder for them alone.
    archive_services.request_invite_expert(actor=world.leo, request=request, expert=world.ed.person)
    assert the_one(Kind.EXPERT_INVITED, now).user_ids == ids(world.ed)


def test_an_expert_invited_to_a_recent_activity_is_reminded(world, client):
    today = timezone.localdate()
    activity = ActivityFactory(unit=world.unit, date=today - 3 * DAY, experts=[world.eve.person], actor=world.leo)
    old = ActivityFactory(unit=world.unit, date=today - 40 * DAY, experts=[world.eve.person], actor=world.leo)
    occasion = the_one(Kind.EXPERT_INVITED, timezone.now())
    assert occasion.record == activity  # not `old`: the invitation is undated, the activity bounds it
    assert old.experts.exists()
    assert occasion.user_ids == ids(world.eve)
    assert occasion.url == reverse("archives:activity_detail", kwargs={"uid": activity.uid})
    assert_recipients_open_the_link(client, occasion)


def test_no_invitation_reminder_for_a_closed_request_or_an_expert_without_login(world):
    request = RequestFactory(unit=world.unit)
    archive_services.request_invite_expert(actor=world.leo, request=request, expert=world.eve.person)
    archive_services.request_reply(actor=world.leo, request=request, text="答复。")
    archive_services.request_close(actor=world.uma, request=request, rating=5)
    no_login = PersonFactory(kind=Person.Kind.LAWYER)
    open_one = RequestFactory(unit=world.unit)
    archive_services.request_invite_expert(actor=world.leo, request=open_one, expert=no_login)
    assert found(Kind.EXPERT_INVITED, timezone.now()) == []


# --- 7 and 8. A plan due, and past due --------------------------------------------------------------------------------


def _plan_due_on(plan: Plan, day: datetime.date) -> Plan:
    Plan.objects.filter(pk=plan.pk).update(due_on=day)
    plan.refresh_from_db()
    return plan


def test_a_plan_due_within_the_days_set_reminds_the_team(world, client):
    today = timezone.localdate()
    plan = _plan_due_on(plan_services.plan_start(actor=None, unit=world.unit), today + 8 * DAY)
    now = timezone.now()
    assert found(Kind.PLAN_DUE_SOON, now, record=plan) == []  # 8 days ahead, 7 set
    _plan_due_on(plan, today + 7 * DAY)
    occasion = the_one(Kind.PLAN_DUE_SOON, now, record=plan)
    assert occasion.occasion == (today + 7 * DAY).isoformat()
    assert occasion.user_ids == ids(world.leo, world.cora, world.cole)
    assert occasion.team_id == world.team.pk
    assert occasion.url == reverse("plans:detail", kwargs={"uid": plan.uid})
    assert_recipients_open_the_link(client, occasion)
    assert_stored_once(Kind.PLAN_DUE_SOON, now, now + DAY)
    # A new due date reminds again.
    _plan_due_on(plan, today + 5 * DAY)
    assert the_one(Kind.PLAN_DUE_SOON, now, record=plan).occasion == (today + 5 * DAY).isoformat()


def test_a_plan_past_due_reminds_the_team_and_the_bureau(world, client):
    today = timezone.localdate()
    plan = _plan_due_on(plan_services.plan_start(actor=None, unit=world.unit), today)
    now = timezone.now()
    assert found(Kind.PLAN_OVERDUE, now, record=plan) == []  # due today: not past due yet
    occasion = the_one(Kind.PLAN_OVERDUE, now + DAY, record=plan)
    assert occasion.occasion == today.isoformat()
    assert occasion.user_ids == ids(world.leo, world.cora, world.cole, world.alice)
    assert occasion.team_id == world.team.pk
    assert_recipients_open_the_link(client, occasion)
    assert_stored_once(Kind.PLAN_OVERDUE, now + DAY, now + 3 * DAY)


def test_an_approved_plan_or_a_removed_unit_has_no_plan_reminder(world):
    today = timezone.localdate()
    plan = approved_plan(world.unit)
    _plan_due_on(plan, today + 2 * DAY)
    assert found(Kind.PLAN_DUE_SOON, timezone.now(), record=plan) == []
    assert found(Kind.PLAN_OVERDUE, timezone.now() + 5 * DAY, record=plan) == []
    other = _plan_due_on(plan_services.plan_start(actor=None, unit=world.ningbo), today + 2 * DAY)
    world.ningbo.is_listed = False
    world.ningbo.save()
    assert found(Kind.PLAN_DUE_SOON, timezone.now(), record=other) == []


def test_a_plan_past_due_of_a_unit_without_team_reminds_the_bureau(world):
    lonely = UnitFactory(name="无团队单位")
    plan = _plan_due_on(plan_services.plan_start(actor=None, unit=lonely), timezone.localdate() - DAY)
    occasion = the_one(Kind.PLAN_OVERDUE, timezone.now(), record=plan)
    assert occasion.user_ids == ids(world.alice)
    assert occasion.team_id is None
    assert found(Kind.PLAN_DUE_SOON, timezone.now() - 3 * DAY, record=plan) == []


def test_a_served_unit_without_a_plan_is_reminded_by_the_due_date_rule(world, client):
    today = timezone.localdate()
    settings = ProgrammeSettings.current()
    # Selected 25 days ago, 30 days to write a plan: due in 5 days (the programme's first date is long past).
    ListingEvent.objects.create(unit=world.unit, kind="selected", date=today - 25 * DAY)
    assert settings.plan_due_days == 30
    occasion = the_one(Kind.PLAN_DUE_SOON, timezone.now(), record=world.unit)
    assert occasion.occasion == (today + 5 * DAY).isoformat()
    assert occasion.user_ids == ids(world.leo, world.cora, world.cole)
    assert occasion.url == reverse("units:detail", kwargs={"uid": world.unit.uid})
    assert_recipients_open_the_link(client, occasion)
    late = the_one(Kind.PLAN_OVERDUE, timezone.now() + 6 * DAY, record=world.unit)
    assert late.user_ids == ids(world.leo, world.cora, world.cole, world.alice)
    reminders_find(now=timezone.now(), kinds=[Kind.PLAN_DUE_SOON])
    plan = plan_services.plan_start(actor=None, unit=world.unit)  # started: the plan is reminded of, not the unit
    assert plan.due_on == today + 5 * DAY
    assert found(Kind.PLAN_DUE_SOON, timezone.now()) == []  # … but the same due date is no news
    _plan_due_on(plan, today + 6 * DAY)
    assert the_one(Kind.PLAN_DUE_SOON, timezone.now(), record=plan).occasion == (today + 6 * DAY).isoformat()


# --- 9. A plan returned or approved --------------------------------------------------------------------------------


def test_a_returned_and_an_approved_plan_remind_the_team(world, client):
    plan = plan_services.plan_start(actor=None, unit=world.unit)
    version = ready(plan)
    before = timezone.now()
    plan_services.plan_submit(actor=world.leo, version=version)
    assert found(Kind.PLAN_RETURNED, timezone.now()) == []
    plan_services.plan_return(actor=world.alice, version=version, comment="请补充措施。")
    event = PlanEvent.objects.get(action="returned")
    assert found(Kind.PLAN_RETURNED, before - HOUR) == []
    occasion = the_one(Kind.PLAN_RETURNED, timezone.now())
    assert occasion.record == event
    assert occasion.user_ids == ids(world.leo, world.cora, world.cole)
    assert occasion.team_id == world.team.pk
    assert occasion.url == reverse("plans:detail", kwargs={"uid": plan.uid})
    assert "请补充措施" not in occasion.title
    assert_recipients_open_the_link(client, occasion)
    assert_stored_once(Kind.PLAN_RETURNED, timezone.now())
    plan_services.plan_submit(actor=world.leo, version=version)
    plan_services.plan_approve(actor=world.alice, version=version)
    approved = the_one(Kind.PLAN_APPROVED, timezone.now())
    assert approved.record == PlanEvent.objects.get(action="approved")
    assert approved.user_ids == ids(world.leo, world.cora, world.cole)
    assert found(Kind.PLAN_APPROVED, timezone.now() + 8 * DAY) == []  # not news a week later
    assert_stored_once(Kind.PLAN_APPROVED, timezone.now())


# --- 10. Measures -----------------------------------------------------------------------------------------------------


def _measure_due_on(measure: Measure, day: datetime.date, owner: Person | None = None) -> Measure:
    Measure.objects.filter(pk=measure.pk).update(due_on=day, owner=owner)
    measure.refresh_from_db()
    return measure


def test_a_measure_due_soon_reminds_its_owner_and_the_leader(world, client):
    today = timezone.localdate()
    cora_person = world.cora.person
    first, second = plan_with_two_measures(world.unit)
    _measure_due_on(first, today + 8 * DAY, owner=cora_person)
    _measure_due_on(second, today + 30 * DAY, owner=cora_person)
    now = timezone.now()
    assert found(Kind.MEASURE_DUE_SOON, now) == []
    _measure_due_on(first, today + 7 * DAY, owner=cora_person)
    occasion = the_one(Kind.MEASURE_DUE_SOON, now)
    assert (occasion.record, occasion.occasion) == (first, (today + 7 * DAY).isoformat())
    assert occasion.user_ids == ids(world.cora, world.leo)  # not cole
    assert occasion.team_id == world.team.pk
    plan = Plan.objects.get(unit=world.unit)
    assert occasion.url == reverse("plans:detail", kwargs={"uid": plan.uid}) + "#measures"
    assert "建立维权机制" not in occasion.title
    assert "宣讲专利法" not in occasion.title
    assert_recipients_open_the_link(client, occasion)
    assert_stored_once(Kind.MEASURE_DUE_SOON, now, now + DAY)
    _measure_due_on(first, today + 3 * DAY, owner=cora_person)  # a new due date: a new reminder
    assert the_one(Kind.MEASURE_DUE_SOON, now).occasion == (today + 3 * DAY).isoformat()


def test_an_overdue_measure_reminds_the_leader_and_an_owner_outside_the_team_is_left_out(world, client):
    today = timezone.localdate()
    first, _second = plan_with_two_measures(world.unit)
    _measure_due_on(first, today - DAY, owner=world.eve.person)  # an expert owns it: the plan is not in her scope
    occasion = the_one(Kind.MEASURE_OVERDUE, timezone.now())
    assert occasion.record == first
    assert occasion.user_ids == ids(world.leo)
    assert_recipients_open_the_link(client, occasion)
    assert_stored_once(Kind.MEASURE_OVERDUE, timezone.now(), timezone.now() + 2 * DAY)


def test_done_measures_and_measures_outside_the_plan_in_force_remind_nobody(world):
    today = timezone.localdate()
    first, second = plan_with_two_measures(world.unit)
    _measure_due_on(first, today - DAY)
    _measure_due_on(second, today + DAY)
    Measure.objects.filter(pk=first.pk).update(status=Measure.Status.DONE)
    Measure.objects.filter(pk=second.pk).update(status=Measure.Status.CANCELLED)
    plan = Plan.objects.get(unit=world.unit)
    revision = plan_services.plan_revise(actor=world.leo, plan=plan)  # copies the measures into a new draft
    Measure.objects.filter(version=revision).update(status=Measure.Status.NOT_STARTED, due_on=today - DAY)
    assert Measure.objects.filter(version=revision).exists()
    assert found(Kind.MEASURE_OVERDUE, timezone.now()) == []
    assert found(Kind.MEASURE_DUE_SOON, timezone.now()) == []


# --- 11. Half-year reports due ----------------------------------------------------------------------------------------


def test_a_half_year_report_due_soon_reminds_each_team_that_served_in_it(world, client):
    # 2026H2's report is due on 15 January 2027; seven days before, from 8 January.
    assert found(Kind.REPORT_DUE_SOON, at(2027, 1, 7, 10, 0)) == []
    occasions = found(Kind.REPORT_DUE_SOON, at(2027, 1, 8, 10, 0))
    assert {(o.record, o.occasion) for o in occasions} == {(world.team, "2026H2"), (world.other_team, "2026H2")}
    occasion = next(o for o in occasions if o.record == world.team)
    assert occasion.user_ids == ids(world.leo, world.cora, world.cole)
    assert occasion.team_id == world.team.pk
    assert occasion.url == reverse("reports:team_report", kwargs={"team_id": world.team.pk, "code": "2026H2"})
    assert occasion.due_at.date() == datetime.date(2027, 1, 15)
    assert_recipients_open_the_link(client, occasion)
    assert_stored_once(Kind.REPORT_DUE_SOON, at(2027, 1, 8, 10, 0), at(2027, 1, 15, 10, 0))


def test_a_report_submitted_or_a_team_that_did_not_serve_is_not_reminded(world):
    TeamReport.objects.create(
        team=world.other_team, period="2026H2", status="submitted", figures={}, submitted_at=timezone.now()
    )
    idle = team_led_by(UserFactory(username="ian", team_member=True), "闲置团队")
    once = UnitFactory(name="上半年单位")
    unit_assign_team(actor=None, unit=once, team=idle, start=datetime.date(2026, 1, 5))
    unit_unassign_team(actor=None, unit=once, end=datetime.date(2026, 6, 1))  # served in 2026H1 only
    assert [o.record for o in found(Kind.REPORT_DUE_SOON, at(2027, 1, 8, 10, 0))] == [world.team]
    assert {o.record for o in found(Kind.REPORT_DUE_SOON, at(2026, 7, 10, 10, 0))} == {
        world.team,
        world.other_team,
        idle,
    }


def test_a_report_past_due_reminds_the_team_and_the_bureau_for_thirty_days(world, client):
    TeamReport.objects.create(
        team=world.other_team, period="2026H2", status="accepted", figures={}, submitted_at=timezone.now()
    )
    assert found(Kind.REPORT_OVERDUE, at(2027, 1, 15, 23, 0)) == []  # due that day
    occasion = the_one(Kind.REPORT_OVERDUE, at(2027, 1, 16, 9, 0))
    assert (occasion.record, occasion.occasion) == (world.team, "2026H2")
    assert occasion.user_ids == ids(world.leo, world.cora, world.cole, world.alice)
    assert_recipients_open_the_link(client, occasion)
    assert found(Kind.REPORT_OVERDUE, at(2027, 2, 20, 9, 0)) == []  # long past: not news
    assert_stored_once(Kind.REPORT_OVERDUE, at(2027, 1, 16, 9, 0), at(2027, 1, 20, 9, 0))
    # The next half year is a new occasion for every team that served in it.
    assert {(o.record, o.occasion) for o in found(Kind.REPORT_DUE_SOON, at(2027, 7, 10, 9, 0))} == {
        (world.team, "2027H1"),
        (world.other_team, "2027H1"),
    }


def test_a_returned_report_is_not_delivered_and_is_still_reminded_of(world):
    TeamReport.objects.create(
        team=world.team, period="2026H2", status="returned", figures={}, submitted_at=timezone.now()
    )
    TeamReport.objects.create(team=world.other_team, period="2026H2", status="draft")
    assert {o.record for o in found(Kind.REPORT_OVERDUE, at(2027, 1, 16, 9, 0))} == {world.team, world.other_team}


# --- 12. A report returned --------------------------------------------------------------------------------------------


def test_a_returned_report_reminds_the_team(world, client):
    report = TeamReport.objects.create(
        team=world.team, period="2026H2", status="submitted", figures={}, submitted_at=timezone.now()
    )
    returned_at = at(2027, 1, 10, 10, 0)
    report_services.team_report_return(actor=world.alice, report=report, comment="请补充典型案例。", now=returned_at)
    event = ReportEvent.objects.get(action="returned")
    assert found(Kind.REPORT_RETURNED, returned_at - HOUR) == []
    occasion = the_one(Kind.REPORT_RETURNED, returned_at + HOUR)
    assert occasion.record == event
    assert occasion.user_ids == ids(world.leo, world.cora, world.cole)
    assert occasion.team_id == world.team.pk
    assert occasion.url == reverse("reports:team_report", kwargs={"team_id": world.team.pk, "code": "2026H2"})
    assert_recipients_open_the_link(client, occasion)
    assert_stored_once(Kind.REPORT_RETURNED, returned_at + HOUR, returned_at + DAY)
    assert found(Kind.REPORT_RETURNED, returned_at + 8 * DAY) == []


# --- 13. The units' feedback asked ------------------------------------------------------------------------------------


def test_the_feedback_window_reminds_each_served_units_contacts_until_they_give_it(world, client):
    assert found(Kind.FEEDBACK_OPEN, at(2026, 11, 30, 10, 0)) == []  # 2026H2's opens on 1 December
    occasions = found(Kind.FEEDBACK_OPEN, at(2026, 12, 1, 10, 0))
    by_unit = {o.record: o for o in occasions}
    assert set(by_unit) == {world.unit, world.ningbo}
    occasion = by_unit[world.unit]
    assert occasion.occasion == "2026H2"
    assert occasion.user_ids == ids(world.uma)  # not nina: her unit's occasion is its own
    assert by_unit[world.ningbo].user_ids == ids(world.nina)
    assert occasion.team_id is None
    assert occasion.url == reverse("reports:feedback_give", kwargs={"code": "2026H2"})
    assert world.team.name not in occasion.title
    assert_recipients_open_the_link(client, occasion)
    assert_stored_once(Kind.FEEDBACK_OPEN, at(2026, 12, 1, 10, 0), at(2027, 1, 10, 10, 0))
    assert found(Kind.FEEDBACK_OPEN, at(2027, 1, 16, 10, 0)) == []  # closed with the report's due date
    assert {o.occasion for o in found(Kind.FEEDBACK_OPEN, at(2027, 6, 1, 10, 0))} == {"2027H1"}


def test_a_contact_who_gave_feedback_or_an_unserved_unit_is_not_reminded(world):
    UnitFeedback.objects.create(unit=world.unit, team=world.team, period="2026H2", author=world.uma)
    lonely = UnitFactory(name="无团队单位")
    UserFactory(username="lonely", unit_contact=True, unit=lonely)
    assert [o.record for o in found(Kind.FEEDBACK_OPEN, at(2026, 12, 1, 10, 0))] == [world.ningbo]


# --- 14. No contact ---------------------------------------------------------------------------------------------------


def test_a_unit_without_contact_for_more_than_the_days_set_reminds_the_leader(world, client):
    ActivityFactory(unit=world.unit, date=datetime.date(2026, 10, 1), actor=world.leo)
    ActivityFactory(unit=world.ningbo, date=datetime.date(2026, 10, 25), actor=world.tina)
    assert found(Kind.NO_CONTACT, at(2026, 10, 31, 10, 0)) == []  # 30 days: not more than 30
    occasion = the_one(Kind.NO_CONTACT, at(2026, 11, 1, 10, 0))
    assert (occasion.record, occasion.occasion) == (world.unit, "2026-10-01")
    assert occasion.user_ids == ids(world.leo)  # the leader only
    assert occasion.team_id == world.team.pk
    assert occasion.url == reverse("units:detail", kwargs={"uid": world.unit.uid})
    assert_recipients_open_the_link(client, occasion)
    assert_stored_once(Kind.NO_CONTACT, at(2026, 11, 1, 10, 0), at(2026, 11, 20, 10, 0))
    # A new contact starts a new count: reminded again 30 days after it.
    ActivityFactory(unit=world.unit, date=datetime.date(2026, 11, 10), actor=world.leo)
    assert found(Kind.NO_CONTACT, at(2026, 12, 10, 10, 0), record=world.unit) == []
    assert the_one(Kind.NO_CONTACT, at(2026, 12, 11, 10, 0), record=world.unit).occasion == "2026-11-10"


def test_without_any_activity_the_count_starts_at_the_assignment_and_a_new_team_starts_afresh(world):
    # `unit` was assigned on 15 March 2025 and never visited.
    assert the_one(Kind.NO_CONTACT, at(2025, 4, 15, 10, 0), record=world.unit).occasion == "2025-03-15"
    ActivityFactory(unit=world.unit, date=datetime.date(2026, 1, 10), actor=world.leo)
    unit_unassign_team(actor=None, unit=world.unit, end=datetime.date(2026, 2, 1))
    unit_assign_team(actor=None, unit=world.unit, team=world.other_team, start=datetime.date(2026, 2, 1))
    assert found(Kind.NO_CONTACT, at(2026, 3, 3, 10, 0), record=world.unit) == []  # the new team: 30 days from 1 Feb
    occasion = the_one(Kind.NO_CONTACT, at(2026, 3, 4, 10, 0), record=world.unit)
    assert occasion.occasion == "2026-02-01"
    assert occasion.user_ids == ids(world.tina)
    assert occasion.team_id == world.other_team.pk


def test_the_days_setting_and_the_listing_decide_who_is_out_of_contact(world):
    ProgrammeSettings.objects.filter(pk=ProgrammeSettings.current().pk).update(remind_no_contact_days=60)
    assert found(Kind.NO_CONTACT, at(2025, 5, 14, 10, 0)) == []  # 60 days after 15 March
    assert {o.record for o in found(Kind.NO_CONTACT, at(2025, 5, 15, 10, 0))} == {world.unit, world.ningbo}
    world.ningbo.is_listed = False
    world.ningbo.save()
    assert {o.record for o in found(Kind.NO_CONTACT, at(2025, 5, 15, 10, 0))} == {world.unit}


# --- Titles -----------------------------------------------------------------------------------------------------------


def test_titles_name_no_person_and_are_written_in_the_portals_language(world, settings):
    request = submitted(world.unit, at(2026, 3, 5, 10, 0))
    with translation.override("en"):
        occasion = the_one(Kind.REQUEST_RAISED, at(2026, 3, 5, 11, 0))
    with translation.override(settings.LANGUAGE_CODE):
        assert occasion.title == the_one(Kind.REQUEST_RAISED, at(2026, 3, 5, 11, 0)).title
        kind_label = str(request.get_kind_display())
    assert kind_label in occasion.title  # the kind's label as the portal's language writes it
    for user in (world.uma, world.leo):
        assert user.full_name not in occasion.title
        assert user.username not in occasion.title


# --- Queries ----------------------------------------------------------------------------------------------------------


def _populate(world, count: int, now: datetime.datetime) -> None:
    """`count` more served units with a record for every rule, as of `now`."""
    today = timezone.localdate(now)
    for _n in range(count):
        unit = UnitFactory(division=division("330106"))
        assign(unit, world.team, start=datetime.date(2025, 3, 15))
        UserFactory(unit_contact=True, unit=unit)
        raised = RequestFactory(unit=unit)  # raised now, limits ahead
        Request.objects.filter(pk=raised.pk).update(accept_due_at=now + HOUR)  # near
        missed = RequestFactory(unit=unit)
        Request.objects.filter(pk=missed.pk).update(accept_due_at=now - HOUR)
        answered = RequestFactory(unit=unit)
        archive_services.request_reply(actor=world.leo, request=answered, text="答复。")
        archive_services.request_invite_expert(actor=world.leo, request=answered, expert=world.eve.person)
        archive_services.request_refer(
            # Today as the archive sees it: `now` runs two hours ahead and may already be tomorrow in Shanghai.
            actor=world.leo,
            request=RequestFactory(unit=unit),
            referred_on=timezone.localdate(),
            division=division("330106"),
        )
        ActivityFactory(unit=unit, date=today - 40 * DAY, actor=world.leo, experts=[world.ed.person])
        ActivityFactory(unit=unit, date=today - 2 * DAY, actor=world.leo, experts=[world.eve.person])
        first, second = plan_with_two_measures(unit)
        _measure_due_on(first, today + DAY, owner=world.cora.person)
        _measure_due_on(second, today - DAY, owner=world.cora.person)
        plan = Plan.objects.get(unit=unit)
        plan_services.plan_revise(actor=world.leo, plan=plan)
        plan.refresh_from_db()
        version = ready(plan)
        plan_services.plan_submit(actor=world.leo, version=version)
        plan_services.plan_return(actor=world.alice, version=version, comment="改。")
        unplanned = UnitFactory(division=division("330106"))
        assign(unplanned, world.team, start=datetime.date(2025, 3, 15))
        _plan_due_on(plan_services.plan_start(actor=None, unit=unplanned), today + DAY)
        late = UnitFactory(division=division("330106"))
        assign(late, world.team, start=datetime.date(2025, 3, 15))
        _plan_due_on(plan_services.plan_start(actor=None, unit=late), today - DAY)
        team = team_led_by(UserFactory(team_member=True), f"团队{unit.pk}")
        served = UnitFactory(division=division("330106"))
        assign(served, team, start=datetime.date(2025, 3, 15))
        report = TeamReport.objects.create(team=team, period="2026H1", status="submitted", figures={}, submitted_at=now)
        report_services.team_report_return(actor=world.alice, report=report, comment="改。", now=now)


def test_the_number_of_queries_does_not_grow_with_the_data(world, django_assert_max_num_queries):
    # Later than the records made now (events count up to `now`); 40 working hours put `now + 1h` within reach.
    now = timezone.now() + 2 * HOUR
    ProgrammeSettings.objects.filter(pk=ProgrammeSettings.current().pk).update(remind_request_hours=40)
    _populate(world, 3, now)
    find_occasions(now=now)  # warms the content types' cache
    cache.clear()  # each count starts from the same cache: the programme settings read from the database
    with CaptureQueriesContext(connection) as few:
        small = find_occasions(now=now)
    kinds = {o.kind for o in small}
    expected = {
        Kind.REQUEST_RAISED,
        Kind.REQUEST_DUE_SOON,
        Kind.REQUEST_MISSED,
        Kind.REQUEST_ANSWERED,
        Kind.REQUEST_REFERRED,
        Kind.EXPERT_INVITED,
        Kind.PLAN_DUE_SOON,
        Kind.PLAN_OVERDUE,
        Kind.PLAN_RETURNED,
        Kind.MEASURE_DUE_SOON,
        Kind.MEASURE_OVERDUE,
        Kind.REPORT_RETURNED,
        Kind.NO_CONTACT,
    }
    assert expected <= kinds, expected - kinds
    assert len(few.captured_queries) <= 30, len(few.captured_queries)
    _populate(world, 27, now)
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        large = find_occasions(now=now)
    assert len(large) >= 9 * len(small)
