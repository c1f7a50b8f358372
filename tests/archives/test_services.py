"""Requests: the clocks, referral, rating and reopening; activities: participants and the measures they advance."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Role
from archives import services
from archives.models import Activity, Request, RequestKind, ResponseLimit
from archives.services import Advance
from plans.models import Measure, ProgressNote
from tests.factories import ActivityFactory, RequestFactory, UnitContactFactory, plan_with_two_measures

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
Status = Request.Status


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def local_date(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(SHANGHAI).date()


@pytest.fixture
def contact(users):
    return users[Role.UNIT_CONTACT]


@pytest.fixture
def member(users):
    return users[Role.TEAM_MEMBER]


SEPT_30 = at(2025, 9, 30, 10, 0)


def submit(contact, unit, kind="consultation", when=SEPT_30) -> Request:
    return services.request_submit(
        actor=contact, unit=unit, kind=kind, title="专利布局咨询", description="请协助。", submitted_at=when
    )


# --- Submission and due dates ------------------------------------------------------------------------------------


def test_default_limits_come_from_the_data_migration(db):
    limits = dict(ResponseLimit.objects.values_list("kind", "answer_days"))
    assert set(limits) == set(RequestKind.values)
    assert {k for k, days in limits.items() if days == 15} == {
        "patent_navigation",
        "pre_examination",
        "priority_examination",
        "monitoring",
        "enforcement",
    }
    assert set(ResponseLimit.objects.values_list("accept_days", flat=True)) == {1}


def test_response_limit_kinds_are_unique(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        ResponseLimit.objects.create(kind="consultation", accept_days=1, answer_days=5)


def test_due_datetimes_are_stored_at_submission_across_national_day(world, contact, unit):
    request = submit(contact, unit, when=at(2025, 9, 30, 10, 0))
    assert request.team == world["team"]
    assert not request.on_behalf
    assert request.received_on == datetime.date(2025, 9, 30)
    assert local_date(request.accept_due_at) == datetime.date(2025, 10, 9)
    assert local_date(request.answer_due_at) == datetime.date(2025, 10, 14)  # 9, 10, the adjusted 11, 13, 14
    service = submit(contact, unit, kind="patent_navigation", when=at(2025, 9, 30, 10, 0))
    assert local_date(service.answer_due_at) == datetime.date(2025, 10, 28)


def test_a_request_sent_after_hours_before_spring_festival_counts_from_after_the_break(world, contact, unit):
    request = submit(contact, unit, when=at(2026, 2, 14, 17, 30))  # the adjusted Saturday, after hours
    assert request.received_on == datetime.date(2026, 2, 24)
    assert local_date(request.accept_due_at) == datetime.date(2026, 2, 25)
    assert local_date(request.answer_due_at) == datetime.date(2026, 3, 2)  # 25, 26, 27, the adjusted 28, 2 Mar


def test_a_changed_limit_applies_to_requests_submitted_afterwards(world, contact, unit, users):
    before = submit(contact, unit)
    services.response_limit_set(actor=users[Role.BUREAU], kind="consultation", accept_days=2, answer_days=3)
    after = submit(contact, unit)
    assert local_date(before.accept_due_at) == datetime.date(2025, 10, 9)
    assert local_date(after.accept_due_at) == datetime.date(2025, 10, 10)
    with pytest.raises(ValidationError):
        services.response_limit_set(actor=None, kind="consultation", accept_days=0, answer_days=3)


def test_a_team_member_logs_a_request_on_the_units_behalf(world, member, unit):
    request = services.request_submit(actor=member, unit=unit, kind="guidance", title="指导", description="x")
    assert request.on_behalf
    assert request.raised_by == member


def test_a_contact_cannot_raise_a_request_for_another_unit(world, outsiders, unit):
    with pytest.raises(PermissionDenied):
        submit(outsiders[Role.UNIT_CONTACT], unit)


# --- The clocks --------------------------------------------------------------------------------------------------


def test_acceptance_stops_the_accept_clock_only(world, contact, member, unit):
    request = submit(contact, unit)
    request = services.request_accept(actor=member, request=request, at=at(2025, 10, 9, 9, 0))
    assert request.status == Status.ACCEPTED
    assert request.accepted_at == at(2025, 10, 9, 9, 0)
    assert request.answered_at is None
    row = Request.objects.with_timeliness(now=at(2025, 10, 10, 9, 0)).get(pk=request.pk)
    assert (row.accept_met, row.answer_met) == (True, None)


def test_an_internal_note_does_not_stop_the_answer_clock(world, contact, member, unit):
    request = services.request_accept(actor=member, request=submit(contact, unit), at=at(2025, 9, 30, 11, 0))
    note = services.request_reply(actor=member, request=request, text="先请专家看看。", internal=True)
    request.refresh_from_db()
    assert note.is_internal
    assert not note.is_answer
    assert request.answered_at is None
    assert request.status == Status.IN_PROGRESS
    assert Request.objects.answer_overdue(now=at(2025, 10, 15, 0, 0)).filter(pk=request.pk).exists()


def test_the_first_visible_answer_stops_the_answer_clock(world, contact, member, unit):
    request = services.request_accept(actor=member, request=submit(contact, unit), at=at(2025, 9, 30, 11, 0))
    answer = services.request_reply(actor=member, request=request, text="答复如下。", at=at(2025, 10, 15, 9, 0))
    services.request_reply(actor=member, request=request, text="补充一点。", at=at(2025, 10, 16, 9, 0))
    request.refresh_from_db()
    assert answer.is_answer
    assert request.answered_at == at(2025, 10, 15, 9, 0)
    assert request.status == Status.ANSWERED
    row = Request.objects.with_timeliness().get(pk=request.pk)
    assert (row.accept_met, row.answer_met) == (True, False)  # due by the end of 14 October


def test_answering_an_unaccepted_request_accepts_it_too(world, contact, member, unit):
    request = submit(contact, unit)
    services.request_reply(actor=member, request=request, text="答复。", at=at(2025, 9, 30, 15, 0))
    request.refresh_from_db()
    assert request.accepted_at == request.answered_at == at(2025, 9, 30, 15, 0)
    assert request.accepted_by == member


def test_the_units_own_message_stops_nothing_and_cannot_be_internal(world, contact, unit):
    request = submit(contact, unit)
    services.request_reply(actor=contact, request=request, text="补充材料。")
    request.refresh_from_db()
    assert (request.accepted_at, request.answered_at, request.status) == (None, None, Status.SUBMITTED)
    with pytest.raises(ValidationError):
        services.request_reply(actor=contact, request=request, text="x", internal=True)


def test_a_running_clock_past_its_due_time_is_not_met(world, contact, unit):
    request = submit(contact, unit)
    row = Request.objects.with_timeliness(now=at(2025, 10, 10, 9, 0)).get(pk=request.pk)
    assert (row.accept_met, row.answer_met) == (False, None)
    assert Request.objects.accept_overdue(now=at(2025, 10, 10, 9, 0)).filter(pk=request.pk).exists()


# --- Referral ----------------------------------------------------------------------------------------------------


def test_a_referral_counts_as_the_answer_and_the_departments_reply_is_recorded(world, contact, member, unit):
    request = submit(contact, unit, kind="other_department")
    referral = services.request_refer(
        actor=member,
        request=request,
        department="杭州市市场监督管理局",
        contact="张科长 0571-12345678",
        referred_on=datetime.date(2025, 10, 9),
        at=at(2025, 10, 9, 10, 0),
    )
    request.refresh_from_db()
    assert request.status == Status.REFERRED
    assert request.accepted_at == request.answered_at == at(2025, 10, 9, 10, 0)
    row = Request.objects.with_timeliness().get(pk=request.pk)
    assert (row.accept_met, row.answer_met) == (True, True)
    with pytest.raises(ValidationError):  # the unit rates once there is an answer from the department
        services.request_close(actor=contact, request=request, rating=5)
    with pytest.raises(ValidationError):
        services.referral_reply_record(
            actor=member, referral=referral, reply="已办结。", replied_on=datetime.date(2025, 10, 1)
        )
    services.referral_reply_record(
        actor=member, referral=referral, reply="已办结。", replied_on=datetime.date(2025, 10, 20)
    )
    request.refresh_from_db()
    assert request.status == Status.ANSWERED
    assert request.answered_at == at(2025, 10, 9, 10, 0)  # the clock stopped at the referral
    referral.refresh_from_db()
    assert (referral.reply, referral.reply_recorded_by) == ("已办结。", member)


# --- Rating, closing, reopening ----------------------------------------------------------------------------------


@pytest.fixture
def answered(world, contact, member, unit):
    request = submit(contact, unit)
    services.request_reply(actor=member, request=request, text="答复。")
    request.refresh_from_db()
    return request


@pytest.mark.parametrize("rating", [1, 5])
def test_the_unit_contact_closes_an_answered_request_with_a_rating(answered, contact, rating):
    request = services.request_close(actor=contact, request=answered, rating=rating, comment="很及时")
    assert (request.status, request.rating, request.rating_comment) == (Status.CLOSED, rating, "很及时")
    assert request.closed_at is not None


@pytest.mark.parametrize("rating", [0, 6, -1, "5", 4.5])
def test_a_rating_outside_1_to_5_is_refused(answered, contact, rating):
    with pytest.raises(ValidationError):
        services.request_close(actor=contact, request=answered, rating=rating)
    answered.refresh_from_db()
    assert answered.status == Status.ANSWERED


def test_the_database_refuses_a_rating_outside_1_to_5(answered):
    with pytest.raises(IntegrityError), transaction.atomic():
        Request.objects.filter(pk=answered.pk).update(status="closed", rating=6, closed_at=answered.submitted_at)


@pytest.mark.parametrize("who", ["member", "bureau", "expert", "officer", "contact_other"])
def test_only_the_units_own_contact_rates(answered, viewers, who):
    with pytest.raises(PermissionDenied):
        services.request_close(actor=viewers[who], request=answered, rating=5)


def test_a_second_contact_of_the_same_unit_may_rate(answered, unit):
    from tests.factories import UserFactory

    colleague = UserFactory(username="uwe", unit_contact=True, unit=unit)
    assert services.request_close(actor=colleague, request=answered, rating=4).rating == 4


def test_an_unanswered_request_cannot_be_rated(world, contact, member, unit):
    request = services.request_accept(actor=member, request=submit(contact, unit))
    with pytest.raises(ValidationError):
        services.request_close(actor=contact, request=request, rating=5)


def test_the_unit_reopens_a_closed_request_and_the_rating_is_withdrawn(answered, contact, member):
    services.request_close(actor=contact, request=answered, rating=2, comment="没解决")
    request = services.request_reopen(actor=contact, request=answered, reason="问题仍未解决。")
    assert (request.status, request.rating, request.closed_at, request.reopen_count) == (
        Status.IN_PROGRESS,
        None,
        None,
        1,
    )
    assert request.messages.last().text == "问题仍未解决。"
    assert request.history.filter(rating=2).exists()  # the withdrawn rating stays in the history
    assert request.answered_at == answered.answered_at  # the clocks do not restart
    services.request_reply(actor=member, request=request, text="再次答复。")
    assert services.request_close(actor=contact, request=request, rating=5).rating == 5


def test_only_a_closed_request_can_be_reopened_and_only_by_its_unit(answered, contact, viewers):
    with pytest.raises(ValidationError):
        services.request_reopen(actor=contact, request=answered, reason="x")
    services.request_close(actor=contact, request=answered, rating=3)
    with pytest.raises(PermissionDenied):
        services.request_reopen(actor=viewers["member"], request=answered, reason="x")
    with pytest.raises(ValidationError):
        services.request_reopen(actor=contact, request=answered, reason="  ")


def test_only_signed_experts_can_be_invited(world, contact, unit):
    request = submit(contact, unit)
    services.request_invite_expert(actor=None, request=request, expert=world["eve"])
    assert list(request.experts.all()) == [world["eve"]]
    world["ed"].confidentiality_signed_on = None
    world["ed"].save()
    with pytest.raises(ValidationError):
        services.request_invite_expert(actor=None, request=request, expert=world["ed"])


# --- Activities --------------------------------------------------------------------------------------------------


def test_an_activity_advancing_two_measures_writes_a_progress_note_on_each(world, member, unit):
    first, second = plan_with_two_measures(unit)
    contact = UnitContactFactory(unit=unit)
    activity = services.activity_create(
        actor=member,
        unit=unit,
        date=datetime.date(2026, 9, 15),
        kind=Activity.Kind.VISIT,
        summary="上门走访，宣讲专利法。",
        outcome="形成维权工作方案。",
        team_participants=[world["leader"]],
        experts=[world["eve"]],
        unit_attendees=[contact],
        advances=[Advance(first, "完成专利法宣讲。", status=Measure.Status.DONE), Advance(second, "梳理维权流程。")],
    )
    assert activity.team == world["team"]
    assert list(activity.experts.all()) == [world["eve"]]
    notes = ProgressNote.objects.filter(measure__in=[first, second]).order_by("measure__position")
    assert [(n.measure, n.text, n.date, n.author) for n in notes] == [
        (first, "完成专利法宣讲。", datetime.date(2026, 9, 15), member),
        (second, "梳理维权流程。", datetime.date(2026, 9, 15), member),
    ]
    assert {a.progress_note for a in activity.advances.all()} == set(notes)
    first.refresh_from_db()
    assert first.status == Measure.Status.DONE
    assert activity.history.count() == 1


def test_a_measure_of_another_units_plan_is_refused_and_nothing_is_saved(world, member, unit):
    (foreign, *_rest) = plan_with_two_measures(world["ningbo"])
    with pytest.raises(ValidationError):
        services.activity_create(
            actor=member,
            unit=unit,
            date=datetime.date(2026, 9, 15),
            kind="visit",
            summary="走访。",
            advances=[Advance(foreign, "进展")],
        )
    assert not Activity.objects.exists()
    assert not ProgressNote.objects.exists()


def test_attendees_must_belong_to_the_unit(world, member, unit):
    with pytest.raises(ValidationError):
        ActivityFactory(actor=member, unit=unit, unit_attendees=[UnitContactFactory(unit=world["ningbo"])])
    assert not Activity.objects.exists()


def test_an_activity_can_be_corrected_and_keeps_its_history(world, member, unit):
    activity = ActivityFactory(actor=member, unit=unit)
    services.activity_update(
        actor=member, activity=activity, date=datetime.date(2026, 9, 16), kind="training", summary="培训。"
    )
    activity.refresh_from_db()
    assert (activity.kind, activity.date) == ("training", datetime.date(2026, 9, 16))
    assert activity.history.count() == 2


def test_requests_keep_their_history(answered):
    assert answered.history.count() >= 2


def test_request_factory_submits_through_the_service(world, unit, contact):
    request = RequestFactory(unit=unit)
    assert request.raised_by == contact
    assert request.accept_due_at is not None


def test_a_correction_keeps_an_expert_whose_undertaking_lapsed_but_adds_only_signed_ones(world, member, unit):
    eve, ed = world["eve"], world["ed"]
    activity = ActivityFactory(actor=member, unit=unit, experts=[eve])
    eve.confidentiality_signed_on = None
    eve.save()
    services.activity_update(
        actor=member, activity=activity, date=activity.date, kind="visit", summary="更正。", experts=[eve]
    )
    assert list(activity.experts.all()) == [eve]
    ed.confidentiality_signed_on = None
    ed.save()
    with pytest.raises(ValidationError):
        services.activity_update(
            actor=member, activity=activity, date=activity.date, kind="visit", summary="更正。", experts=[eve, ed]
        )
    assert list(activity.experts.all()) == [eve]
