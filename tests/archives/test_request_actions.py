"""What can be done with a request in each state, and by whom: one table (archives/workflow.py) that the thread page
shows forms from and the services refuse by (code "state"), so the two can no longer disagree."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from archives import services, workflow
from archives.models import Referral, Request
from archives.workflow import (
    ACCEPT,
    ANSWER,
    CLOSE,
    INVITE_EXPERT,
    RECORD_REPLY,
    REFER,
    REOPEN,
    REPLY,
    request_actions,
)
from tests.factories import RequestFactory

Status = Request.Status
DAY = timezone.localdate()  # the requests are submitted today: a referral cannot be dated before

SERVING = {ANSWER, REPLY, INVITE_EXPERT}
EXPECTED = {
    "member": {
        Status.SUBMITTED: SERVING | {ACCEPT, REFER},
        Status.ACCEPTED: SERVING | {REFER},
        Status.IN_PROGRESS: SERVING | {REFER},
        Status.REFERRED: SERVING | {RECORD_REPLY},  # a referral waits for the department's reply
        Status.ANSWERED: SERVING | {REFER},
        Status.CLOSED: set(),
    },
    "contact": {
        Status.SUBMITTED: {REPLY},
        Status.ACCEPTED: {REPLY},
        Status.IN_PROGRESS: {REPLY},
        Status.REFERRED: {REPLY},
        Status.ANSWERED: {REPLY, CLOSE},
        Status.CLOSED: {REOPEN},
    },
    "expert": {**{status: {REPLY} for status in Status.values}, Status.CLOSED: set()},  # invited
    "expert_other": dict.fromkeys(Status.values, frozenset()),
    "member_other": dict.fromkeys(Status.values, frozenset()),
    "bureau": dict.fromkeys(Status.values, frozenset()),
    "officer": dict.fromkeys(Status.values, frozenset()),
}


@pytest.fixture
def req(world, viewers, unit):
    req = RequestFactory(unit=unit, actor=viewers["contact"], title="专利布局咨询")
    services.request_invite_expert(actor=None, request=req, expert=world["eve"])
    return req


def put_in(req: Request, status: str) -> Request:
    """The request in `status`, with what that status requires (a closed request is rated)."""
    closed = status == Status.CLOSED
    Request.objects.filter(pk=req.pk).update(
        status=status, rating=5 if closed else None, closed_at=timezone.now() if closed else None
    )
    req.refresh_from_db()
    return req


@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize("viewer", EXPECTED)
def test_what_each_user_may_do_in_each_state(viewers, req, viewer, status):
    Referral.objects.create(
        request=req, department="市场监管局", contact="王科长", referred_on=DAY, referred_by=viewers["member"]
    )  # a referral to a department by name waits for the reply that the team records
    req.status = status
    assert request_actions(viewers[viewer], req) == EXPECTED[viewer][status]


def test_every_state_and_action_is_in_the_table():
    assert set(workflow.STATE_ACTIONS) == set(Status.values)
    assert set().union(*workflow.STATE_ACTIONS.values()) == set(workflow.ACTION_PERMISSIONS)
    assert workflow.states_allowing(REFER) == (Status.SUBMITTED, Status.ACCEPTED, Status.IN_PROGRESS, Status.ANSWERED)
    with pytest.raises(KeyError):
        workflow.states_allowing("delete")


# --- The services refuse by the same table --------------------------------------------------------------------------


def perform(action: str, req: Request, viewers, world) -> None:
    member, contact = viewers["member"], viewers["contact"]
    if action == ACCEPT:
        services.request_accept(actor=member, request=req)
    elif action == REPLY:
        services.request_reply(actor=member, request=req, text="答复")
    elif action == INVITE_EXPERT:
        services.request_invite_expert(actor=member, request=req, expert=world["ed"])
    elif action == REFER:
        services.request_refer(actor=member, request=req, department="市场监管局", contact="王科长", referred_on=DAY)
    elif action == RECORD_REPLY:
        referral = Referral.objects.create(
            request=req, department="市场监管局", contact="王科长", referred_on=DAY, referred_by=member
        )
        services.referral_reply_record(actor=member, referral=referral, reply="已处理", replied_on=DAY)
    elif action == CLOSE:
        services.request_close(actor=contact, request=req, rating=4)
    elif action == REOPEN:
        services.request_reopen(actor=contact, request=req, reason="问题仍在")


SERVICE_ACTIONS = [ACCEPT, REPLY, INVITE_EXPERT, REFER, RECORD_REPLY, CLOSE, REOPEN]  # ANSWER is a reply


@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize("action", SERVICE_ACTIONS)
def test_the_services_refuse_exactly_what_the_state_does_not_allow(viewers, world, req, action, status):
    req = put_in(req, status)
    if action in workflow.STATE_ACTIONS[status]:
        perform(action, req, viewers, world)
    else:
        with pytest.raises(ValidationError) as refused:
            perform(action, req, viewers, world)
        assert refused.value.code == "state"


# --- The thread page shows the forms of the user's actions -------------------------------------------------------

FORMS = {
    ACCEPT: "accept",
    REPLY: "reply-form",
    INVITE_EXPERT: "invite-form",
    REFER: "refer-form",
    RECORD_REPLY: "referral-reply-form",
    CLOSE: "close-form",
    REOPEN: "reopen-form",
}


@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize("viewer", ["member", "contact", "expert"])
def test_the_thread_shows_the_forms_of_what_the_user_may_do(client, viewers, req, viewer, status):
    Referral.objects.create(
        request=req, department="市场监管局", contact="王科长", referred_on=DAY, referred_by=viewers["member"]
    )  # waiting for the department's reply, whatever the state
    req = put_in(req, status)
    client.force_login(viewers[viewer])
    content = client.get(reverse("archives:request_detail", kwargs={"uid": req.uid})).content.decode()
    shown = {action for action, testid in FORMS.items() if f'data-testid="{testid}"' in content}
    assert shown == EXPECTED[viewer][status] - {ANSWER}
