"""Events remind at once (reminders/signals.py): the lower apps' real services save, and after the commit one finder
task runs with the kinds the transaction concerned; a rolled-back transaction queues nothing."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from archives import services as archive_services
from plans import services as plan_services
from reminders import selectors
from reminders.kinds import Kind
from reminders.models import Notification, Reminder
from reminders.signals import FindAfterCommit, remind_after_commit
from reports import services as report_services
from reports.models import TeamReport
from teams.models import Person
from tests.factories import (
    ActivityFactory,
    RequestFactory,
    UserFactory,
    assign,
    division,
    expert_user,
    ready,
    team_led_by,
)


@pytest.fixture
def world(db, unit):
    leo = UserFactory(username="leo", team_member=True)
    team = team_led_by(leo, "西湖团队")
    cora = UserFactory(username="cora", team_member=True)
    core = Person.objects.filter(memberships__team=team, memberships__role="core").first()
    core.user = cora
    core.save()
    assign(unit, team)
    return {
        "unit": unit,
        "team": team,
        "leo": leo,
        "cora": cora,
        "uma": UserFactory(username="uma", unit_contact=True, unit=unit),
        "alice": UserFactory(username="alice", bureau=True),
        "otto": UserFactory(username="otto", officer=True, division=division("330106")),
        "eve": expert_user("eve"),
    }


@pytest.fixture
def queued(monkeypatch) -> list[set[str]]:
    """The kinds of every finder task queued (the real task still runs, eagerly, as without a broker)."""
    from reminders.tasks import find_reminders_task

    calls: list[set[str]] = []
    delay = find_reminders_task.delay

    def spy(*, kinds):
        calls.append(set(kinds))
        return delay(kinds=kinds)

    monkeypatch.setattr(find_reminders_task, "delay", spy)
    return calls


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what the block leaves for after the commit, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_raising_a_request_puts_it_in_the_leaders_bell_right_after_the_commit(world, queued, committed):
    with committed():
        request = archive_services.request_submit(
            actor=world["uma"], unit=world["unit"], kind="consultation", title="专利布局咨询", description="请协助。"
        )
        assert not Notification.objects.exists()  # nothing before the commit
        assert queued == []
    assert queued == [{Kind.REQUEST_RAISED}]
    assert selectors.unread_count_for_user(user=world["leo"]) == 1
    assert selectors.unread_count_for_user(user=world["cora"]) == 1
    assert selectors.unread_count_for_user(user=world["uma"]) == 0
    notification = selectors.notifications_for_user(user=world["leo"]).get()
    assert notification.reminder.kind == Kind.REQUEST_RAISED
    assert notification.reminder.object_id == request.pk
    assert notification.reminder.url == reverse("archives:request_detail", kwargs={"uid": request.uid})


def test_answering_a_request_tells_the_unit_contact_at_once(world, queued, committed):
    with committed():
        request = RequestFactory(unit=world["unit"], actor=world["uma"])
    queued.clear()
    with committed():
        archive_services.request_reply(actor=world["leo"], request=request, text="答复如下。")
    assert queued == [{Kind.REQUEST_ANSWERED}]
    assert Notification.objects.filter(user=world["uma"], reminder__kind=Kind.REQUEST_ANSWERED).count() == 1
    with committed():  # another post, the answer given already: no event
        archive_services.request_reply(actor=world["leo"], request=request, text="补充说明。")
        archive_services.request_reply(actor=world["uma"], request=request, text="还有一个问题。")
    assert queued == [{Kind.REQUEST_ANSWERED}]


def test_an_accept_or_an_internal_note_is_no_answer(world, queued, committed):
    with committed():
        request = RequestFactory(unit=world["unit"], actor=world["uma"])
    queued.clear()
    with committed():
        archive_services.request_accept(actor=world["leo"], request=request)
        archive_services.request_reply(actor=world["leo"], request=request, text="内部讨论。", internal=True)
    assert queued == []


def test_a_referral_reminds_the_officers_and_counts_as_the_answer(world, queued, committed):
    with committed():
        request = RequestFactory(unit=world["unit"], actor=world["uma"])
    queued.clear()
    with committed():
        archive_services.request_refer(
            actor=world["leo"], request=request, referred_on=timezone.localdate(), division=division("330106")
        )
    assert queued == [{Kind.REQUEST_REFERRED, Kind.REQUEST_ANSWERED}]
    assert Notification.objects.filter(user=world["otto"], reminder__kind=Kind.REQUEST_REFERRED).count() == 1
    assert Notification.objects.filter(user=world["uma"], reminder__kind=Kind.REQUEST_ANSWERED).count() == 1


def test_inviting_an_expert_to_a_request_or_an_activity_reminds_the_expert(world, queued, committed):
    with committed():
        request = RequestFactory(unit=world["unit"], actor=world["uma"])
    queued.clear()
    with committed():
        archive_services.request_invite_expert(actor=world["leo"], request=request, expert=world["eve"].person)
    assert queued == [{Kind.EXPERT_INVITED}]
    assert (
        Notification.objects.filter(
            user=world["eve"], reminder__object_id=request.pk, reminder__content_type__model="request"
        ).count()
        == 1
    )
    with committed():
        activity = ActivityFactory(
            unit=world["unit"], date=timezone.localdate(), actor=world["leo"], experts=[world["eve"].person]
        )
    assert queued == [{Kind.EXPERT_INVITED}, {Kind.EXPERT_INVITED}]
    assert (
        Notification.objects.filter(
            user=world["eve"], reminder__object_id=activity.pk, reminder__content_type__model="activity"
        ).count()
        == 1
    )


def test_an_activity_saved_without_new_experts_queues_nothing(world, queued, committed):
    with committed():
        activity = ActivityFactory(
            unit=world["unit"], date=timezone.localdate(), actor=world["leo"], experts=[world["eve"].person]
        )
    queued.clear()
    with committed():
        ActivityFactory(unit=world["unit"], date=timezone.localdate(), actor=world["leo"])
        archive_services.activity_update(
            actor=world["leo"],
            activity=activity,
            date=activity.date,
            kind=activity.kind,
            summary="改写纪要。",
            experts=[world["eve"].person],
        )
    assert queued == []


def test_a_plan_returned_and_approved_remind_the_team(world, queued, committed):
    with committed():
        plan = plan_services.plan_start(actor=None, unit=world["unit"])
        version = ready(plan)
        plan_services.plan_submit(actor=world["leo"], version=version)
    assert queued == []  # a start and a submission remind nobody
    with committed():
        plan_services.plan_return(actor=world["alice"], version=version, comment="请补充。")
    assert queued == [{Kind.PLAN_RETURNED}]
    with committed():
        plan_services.plan_submit(actor=world["leo"], version=version)
        plan_services.plan_approve(actor=world["alice"], version=version)
    assert queued == [{Kind.PLAN_RETURNED}, {Kind.PLAN_APPROVED}]
    kinds = set(Notification.objects.filter(user=world["cora"]).values_list("reminder__kind", flat=True))
    assert kinds == {Kind.PLAN_RETURNED, Kind.PLAN_APPROVED}


def test_a_report_returned_reminds_the_team(world, queued, committed):
    report = TeamReport.objects.create(
        team=world["team"], period="2026H1", status="submitted", figures={}, submitted_at=timezone.now()
    )
    with committed():
        report_services.team_report_return(actor=world["alice"], report=report, comment="请补充典型案例。")
    assert queued == [{Kind.REPORT_RETURNED}]
    assert Notification.objects.filter(user=world["leo"], reminder__kind=Kind.REPORT_RETURNED).count() == 1


def test_many_events_in_one_transaction_queue_one_task_with_every_kind(world, queued, committed):
    with committed(), transaction.atomic():
        requests = [
            archive_services.request_submit(
                actor=world["uma"], unit=world["unit"], kind="consultation", title=f"咨询{n}", description="请协助。"
            )
            for n in range(10)
        ]
        archive_services.request_reply(actor=world["leo"], request=requests[0], text="答复。")
        archive_services.request_invite_expert(actor=world["leo"], request=requests[1], expert=world["eve"].person)
    assert queued == [{Kind.REQUEST_RAISED, Kind.REQUEST_ANSWERED, Kind.EXPERT_INVITED}]
    assert Reminder.objects.filter(kind=Kind.REQUEST_RAISED).count() == 10
    assert selectors.unread_count_for_user(user=world["leo"]) == 10


def _raise_and_roll_back(world) -> None:
    with transaction.atomic():
        archive_services.request_submit(
            actor=world["uma"], unit=world["unit"], kind="consultation", title="作废", description="请协助。"
        )
        raise RuntimeError("rolled back")


def test_a_rolled_back_transaction_queues_nothing(world, queued, committed):
    with committed(), pytest.raises(RuntimeError):
        _raise_and_roll_back(world)
    assert queued == []
    with committed(), transaction.atomic():
        RequestFactory(unit=world["unit"], actor=world["uma"])
    assert queued == [{Kind.REQUEST_RAISED}]
    assert Reminder.objects.filter(kind=Kind.REQUEST_RAISED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_task_is_queued_at_once(queued):
    """In autocommit (a shell, a script) there is nothing to wait for: the callback runs on the spot."""
    assert not transaction.get_connection().in_atomic_block
    remind_after_commit(Kind.PLAN_APPROVED)
    assert queued == [{Kind.PLAN_APPROVED}]


def test_the_callbacks_are_robust_so_a_broker_down_does_not_break_a_save(world):
    connection = transaction.get_connection()
    with transaction.atomic():
        remind_after_commit(Kind.REQUEST_RAISED)
        remind_after_commit(Kind.REQUEST_ANSWERED)
        ours = [entry for entry in connection.run_on_commit if isinstance(entry[1], FindAfterCommit)]
    assert [robust for _sids, _callback, robust in ours] == [True, True]
    assert ours[0][1].batch is ours[1][1].batch


def test_a_request_saved_with_an_old_submission_is_not_news(world, queued, committed):
    """The signal only says which rules to run: the finder's window decides, so a request filed with a date more
    than a week ago (an import, the demo's past) reminds nobody."""
    with committed():
        archive_services.request_submit(
            actor=world["uma"],
            unit=world["unit"],
            kind="consultation",
            title="旧需求",
            description="请协助。",
            submitted_at=timezone.now() - datetime.timedelta(days=8),
        )
    assert queued == [{Kind.REQUEST_RAISED}]
    assert not Reminder.objects.filter(kind=Kind.REQUEST_RAISED).exists()
