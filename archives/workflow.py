"""What can be done with a request, in one table: the states each action is possible in, and the right it takes.

The thread page asks `request_actions` which forms to show; archives/services.py refuses an action the request's
state (read again under the row lock) does not allow, from the same table; the views answer 403 to a user without
the action's right. A state rule is written here once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from archives.models import Request

if TYPE_CHECKING:
    from accounts.models import User

Status = Request.Status

ACCEPT = "accept"  # stop the accept clock
ANSWER = "answer"  # post as the serving side: the first post the unit can read answers it; or an internal note
REPLY = "reply"  # post in the exchange (serving side, invited expert or the unit's contact)
INVITE_EXPERT = "invite_expert"
REFER = "refer"  # refer to another department (counts as the answer)
RECORD_REPLY = "record_reply"  # record the department's reply to a referral (the right is asked of each referral)
CLOSE = "close"  # the unit rates and closes
REOPEN = "reopen"  # the unit reopens

_OPEN = frozenset({ANSWER, REPLY, INVITE_EXPERT})

# state → what may be done in it. Once referred, a request waits for the department's reply before another referral;
# the serving side's posts meanwhile leave it referred (archives.services.request_reply).
STATE_ACTIONS: dict[str, frozenset[str]] = {
    Status.SUBMITTED: _OPEN | {ACCEPT, REFER},
    Status.ACCEPTED: _OPEN | {REFER},
    Status.IN_PROGRESS: _OPEN | {REFER},
    Status.REFERRED: _OPEN | {RECORD_REPLY},
    Status.ANSWERED: _OPEN | {REFER, CLOSE},
    Status.CLOSED: frozenset({REOPEN}),
}

# action → the object permission it takes (accounts/rules.py, archives/rules.py).
ACTION_PERMISSIONS: dict[str, str] = {
    ACCEPT: "archives.handle_request",
    ANSWER: "archives.handle_request",
    REPLY: "archives.reply_request",
    INVITE_EXPERT: "archives.handle_request",
    REFER: "archives.handle_request",
    RECORD_REPLY: "archives.reply_referral",  # object: the referral (the addressed officers, or the team)
    CLOSE: "archives.close_request",
    REOPEN: "archives.close_request",
}


def states_allowing(action: str) -> tuple[str, ...]:
    """The states in which `action` is possible, in the order of Request.Status."""
    if action not in ACTION_PERMISSIONS:
        raise KeyError(action)
    return tuple(status for status in Status.values if action in STATE_ACTIONS[status])


def permission_for(action: str) -> str:
    return ACTION_PERMISSIONS[action]


def request_actions(user: User, request: Request) -> frozenset[str]:
    """What `user` may do with `request` now: the actions its state allows for which the user has the right. Each
    right is asked once; recording a reply is possible when the user may record it for a referral still waiting
    (`referrals_to_reply`)."""
    possible = STATE_ACTIONS[request.status]
    permissions = {ACTION_PERMISSIONS[action] for action in possible if action != RECORD_REPLY}
    rights = {permission: user.has_perm(permission, request) for permission in permissions}
    if RECORD_REPLY in possible:
        rights[ACTION_PERMISSIONS[RECORD_REPLY]] = bool(referrals_to_reply(user, request))
    return frozenset(action for action in possible if rights[ACTION_PERMISSIONS[action]])


def referrals_to_reply(user: User, request: Request) -> set[int]:
    """The ids of the request's referrals still waiting for a reply that `user` may record, if its state allows."""
    if RECORD_REPLY not in STATE_ACTIONS[request.status]:
        return set()
    permission = ACTION_PERMISSIONS[RECORD_REPLY]
    return {
        referral.pk
        for referral in request.referrals.all()
        if not referral.reply and user.has_perm(permission, referral)
    }
