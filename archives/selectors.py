"""Reads of the archive and the requests, always through the role scopes of accounts/access.py.

A record outside the user's scope is absent: the `*_get_for_user` accessors answer 404 for it, as for a missing one.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from accounts.access import (
    visible_activities,
    visible_attachments,
    visible_request_messages,
    visible_requests,
)
from archives.models import Activity, ActivityMeasure, Attachment, Request, RequestMessage

if TYPE_CHECKING:
    from accounts.models import User
    from teams.models import Team
    from units.models import Unit


def activity_list_for_user(*, user: User, unit: Unit | None = None, team: Team | None = None) -> QuerySet[Activity]:
    """Activities for a list: the unit, team, people and the number of files come in a fixed number of queries."""
    activities = visible_activities(user).select_related("unit", "team", "recorded_by")
    if unit is not None:
        activities = activities.filter(unit=unit)
    if team is not None:
        activities = activities.filter(team=team)
    return activities.annotate(attachment_count=Count("attachments", distinct=True)).prefetch_related(
        "team_participants", "experts"
    )


def activity_get_for_user(*, user: User, uid: uuid.UUID | str) -> Activity:
    try:
        return (
            visible_activities(user)
            .select_related("unit", "team", "recorded_by")
            .prefetch_related(
                "team_participants",
                "experts",
                "unit_attendees",
                "attachments",
                Prefetch("advances", ActivityMeasure.objects.select_related("measure", "progress_note")),
            )
            .get(uid=uid)
        )
    except (Activity.DoesNotExist, ValueError, TypeError) as missing:
        raise Http404 from missing


def request_list_for_user(
    *, user: User, unit: Unit | None = None, team: Team | None = None, status: str | None = None
) -> QuerySet[Request]:
    """Requests for a list, with `accept_met`/`answer_met` (Request.objects.with_timeliness) computed in SQL."""
    requests = visible_requests(user).select_related("unit", "team", "raised_by")
    if unit is not None:
        requests = requests.filter(unit=unit)
    if team is not None:
        requests = requests.filter(team=team)
    if status:
        requests = requests.filter(status=status)
    return requests.with_timeliness().prefetch_related("experts")


def request_get_for_user(*, user: User, uid: uuid.UUID | str) -> Request:
    try:
        return (
            visible_requests(user)
            .with_timeliness()
            .select_related("unit", "team", "raised_by", "accepted_by")
            .prefetch_related("experts", "referrals")
            .get(uid=uid)
        )
    except (Request.DoesNotExist, ValueError, TypeError) as missing:
        raise Http404 from missing


def request_messages_for_user(*, user: User, request: Request) -> QuerySet[RequestMessage]:
    """The exchange as this user may read it: internal notes left out for the unit (and for officers)."""
    return (
        visible_request_messages(user)
        .filter(request=request)
        .select_related("author")
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )


def attachment_get_for_user(*, user: User, uid: uuid.UUID | str) -> Attachment:
    """An attachment the user may read through its activity or request; 404 otherwise."""
    try:
        return visible_attachments(user).get(uid=uid)
    except (Attachment.DoesNotExist, ValueError, TypeError) as missing:
        raise Http404 from missing
