"""The read scopes of the service archive and the requests (accounts/scopes.py).

City officers read their jurisdiction's requests but not the archive (the team's working record); experts read only
what they were invited to; internal notes and their files never reach the unit's side.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from accounts.models import Role
from accounts.scopes import declare, declare_all, declare_none, visible
from archives.models import Activity, Attachment, Request, RequestMessage
from units.scopes import visible_units

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


@declare(
    Request,
    Role.OFFICER,
    Role.TEAM_MEMBER,
    Role.UNIT_CONTACT,
    rule="the requests of the units the user reads",
)
def _requests_of_visible_units(user: User) -> QuerySet[Request]:
    return Request.objects.filter(unit__in=visible_units(user))


@declare(Request, Role.EXPERT, rule="the requests the expert was invited to")
def _requests_invited_to(user: User) -> QuerySet[Request]:
    return Request.objects.filter(pk__in=Request.experts.through.objects.filter(person__user=user).values("request"))


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
