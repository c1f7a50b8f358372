"""The read scopes of the service archive and the requests (accounts/scopes.py).

City officers read their jurisdiction's requests, and the requests referred to their city's or county's IP
department, but not the archive (the team's working record); experts read only what they were invited to; internal
notes, the opinions on activities and their files never reach the unit's side.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from accounts.models import BUSINESS_ROLES, Role
from accounts.scopes import declare, declare_all, declare_none, visible
from archives.models import (
    Activity,
    ActivityComment,
    Attachment,
    Referral,
    Request,
    RequestMessage,
    StagedUpload,
)
from units.scopes import jurisdiction_q, visible_units

if TYPE_CHECKING:
    from accounts.models import User


def visible_activities(user: User) -> QuerySet[Activity]:
    return visible(user, Activity)


def visible_requests(user: User) -> QuerySet[Request]:
    return visible(user, Request)


def visible_request_messages(user: User) -> QuerySet[RequestMessage]:
    return visible(user, RequestMessage)


def visible_attachments(user: User) -> QuerySet[Attachment]:
    return visible(user, Attachment)


def visible_referrals(user: User) -> QuerySet[Referral]:
    return visible(user, Referral)


def visible_activity_comments(user: User) -> QuerySet[ActivityComment]:
    return visible(user, ActivityComment)


def referrals_addressed_to(user: User) -> QuerySet[Referral]:
    """The referrals to an IP department whose division lies in the officer's jurisdiction: a city officer's
    city and its counties, a county officer's county. None for anyone else."""
    if not (user.is_authenticated and user.role == Role.OFFICER and user.division_id):
        return Referral.objects.none()
    return Referral.objects.filter(jurisdiction_q(user.division))


SERVING_SIDE = (Role.BUREAU, Role.TEAM_MEMBER, Role.EXPERT)
UNIT_SIDE = (Role.OFFICER, Role.UNIT_CONTACT)


def sees_internal_notes(user: User) -> bool:
    """Internal notes are for the serving side (bureau, team, invited experts): never the unit, nor an officer."""
    return bool(user.is_authenticated and user.role in SERVING_SIDE)


# --- Activities ---------------------------------------------------------------------------------------------------

declare_all(Activity, Role.BUREAU, rule="every activity")


@declare(Activity, Role.TEAM_MEMBER, Role.UNIT_CONTACT, rule="the activities of the units the user reads")
def _activities_of_visible_units(user: User) -> QuerySet[Activity]:
    return Activity.objects.filter(unit__in=visible_units(user))


@declare(Activity, Role.EXPERT, rule="the activities the expert was invited to")
def _activities_invited_to(user: User) -> QuerySet[Activity]:
    return Activity.objects.filter(pk__in=Activity.experts.through.objects.filter(person__user=user).values("activity"))


declare_none(Activity, Role.OFFICER, rule="none: the archive is the team's working record")

# --- Requests -----------------------------------------------------------------------------------------------------

declare_all(Request, Role.BUREAU, rule="every request")


@declare(Request, Role.TEAM_MEMBER, Role.UNIT_CONTACT, rule="the requests of the units the user reads")
def _requests_of_visible_units(user: User) -> QuerySet[Request]:
    return Request.objects.filter(unit__in=visible_units(user))


@declare(
    Request,
    Role.OFFICER,
    rule="the requests of the units in the officer's jurisdiction, and those referred to an IP department in it",
)
def _requests_in_jurisdiction_or_referred(user: User) -> QuerySet[Request]:
    referred = referrals_addressed_to(user).values("request")
    return Request.objects.filter(Q(unit__in=visible_units(user)) | Q(pk__in=referred))


@declare(Request, Role.EXPERT, rule="the requests the expert was invited to")
def _requests_invited_to(user: User) -> QuerySet[Request]:
    return Request.objects.filter(pk__in=Request.experts.through.objects.filter(person__user=user).values("request"))


# --- Referrals, opinions on activities ---------------------------------------------------------------------------

declare_all(Referral, Role.BUREAU, rule="every referral")


@declare(
    Referral,
    Role.OFFICER,
    Role.TEAM_MEMBER,
    Role.EXPERT,
    Role.UNIT_CONTACT,
    rule="the referrals of the requests the user reads",
)
def _referrals_of_visible_requests(user: User) -> QuerySet[Referral]:
    return Referral.objects.filter(request__in=visible_requests(user))


@declare(ActivityComment, *SERVING_SIDE, rule="the opinions on the activities the user reads")
def _opinions_on_visible_activities(user: User) -> QuerySet[ActivityComment]:
    return ActivityComment.objects.filter(activity__in=visible_activities(user))


declare_none(ActivityComment, *UNIT_SIDE, rule="none: opinions on activities are for the serving side")


@declare(StagedUpload, *BUSINESS_ROLES, rule="the user's own files kept from a form sent back with errors")
def _own_staged_uploads(user: User) -> QuerySet[StagedUpload]:
    return StagedUpload.objects.filter(uploaded_by=user)


# --- Posts and files ----------------------------------------------------------------------------------------------


@declare(RequestMessage, *SERVING_SIDE, rule="every post of the requests the user reads, internal notes included")
def _all_posts(user: User) -> QuerySet[RequestMessage]:
    return RequestMessage.objects.filter(request__in=visible_requests(user))


@declare(RequestMessage, *UNIT_SIDE, rule="the posts of the requests the user reads, without internal notes")
def _posts_without_notes(user: User) -> QuerySet[RequestMessage]:
    return RequestMessage.objects.filter(request__in=visible_requests(user), is_internal=False)


def _files_of_visible_records(user: User) -> QuerySet[Attachment]:
    return Attachment.objects.filter(Q(activity__in=visible_activities(user)) | Q(request__in=visible_requests(user)))


declare(Attachment, *SERVING_SIDE, rule="the files of the activities and requests the user reads")(
    _files_of_visible_records
)


@declare(
    Attachment, *UNIT_SIDE, rule="the files of the activities and requests the user reads, except internal notes' files"
)
def _files_without_notes(user: User) -> QuerySet[Attachment]:
    return _files_of_visible_records(user).exclude(message__is_internal=True)
