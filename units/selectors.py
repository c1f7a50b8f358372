"""Every read of units goes through here; each query starts from the user's scope (accounts/access.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404

from units.models import Division, IPProfile, ListingEvent, Unit
from units.scopes import visible_units

if TYPE_CHECKING:
    import uuid

    from accounts.models import User


def unit_list_for_user(*, user: User) -> QuerySet[Unit]:
    """The units a user may see, with what a list row shows (city, county, current team) in one query."""
    from teams.models import Assignment

    open_assignment = Assignment.objects.filter(unit=OuterRef("pk"), end__isnull=True)
    return (
        visible_units(user)
        .select_related("division__city")
        .annotate(
            team_id=Subquery(open_assignment.values("team_id")[:1]),
            team_name=Subquery(open_assignment.values("team__name")[:1]),
        )
    )


def unit_get_for_user(*, user: User, uid: uuid.UUID | str, for_write: bool = False) -> Unit:
    """One unit: 404 when it does not exist or lies outside the user's scope; 403 to change it without the right."""
    try:
        unit = unit_list_for_user(user=user).get(uid=uid)
    except (Unit.DoesNotExist, ValueError) as missing:
        raise Http404 from missing
    if for_write and not user.has_perm("units.manage_units"):
        raise PermissionDenied
    return unit


def unit_detail(*, unit: Unit, user: User) -> Unit:
    """The unit page's related rows, fetched once each. The activities and requests of the timeline come through
    the user's scopes (`timeline_activities`, `timeline_requests`): a city officer gets no activities."""
    from django.db.models.functions import Left

    from archives.models import ActivityMeasure, Referral
    from archives.scopes import visible_activities, visible_requests
    from plans.models import Measure, PlanEvent
    from teams.models import Assignment
    from units.timeline import EXCERPT_CHARS

    activities = (
        visible_activities(user)
        .only("uid", "unit_id", "date", "kind")
        .annotate(excerpt=Left("summary", EXCERPT_CHARS + 1))
        .prefetch_related(
            Prefetch(
                "advances",
                queryset=ActivityMeasure.objects.select_related("measure").only(
                    "activity_id", "measure_id", "measure__area"
                ),
            )
        )
    )
    requests = (
        visible_requests(user)
        .only("uid", "unit_id", "kind", "title", "status", "submitted_at")
        .prefetch_related(
            Prefetch(
                "referrals", queryset=Referral.objects.only("request_id", "department", "referred_on", "replied_on")
            )
        )
    )
    return (
        Unit.objects.filter(pk=unit.pk)
        .select_related("division__city", "plan__in_force", "plan__working")
        .prefetch_related(
            "contacts",
            # Only approvals reach the timeline: every role that sees the unit may know its plan in force.
            Prefetch(
                "plan__events",
                queryset=PlanEvent.objects.filter(action=PlanEvent.Action.APPROVED).select_related("version"),
            ),
            Prefetch("plan__in_force__measures", queryset=Measure.objects.exclude(due_on=None)),
            Prefetch("ip_profiles", queryset=IPProfile.objects.order_by("-as_of")),
            Prefetch("listing_events", queryset=ListingEvent.objects.select_related("recorded_by")),
            Prefetch("assignments", queryset=Assignment.objects.select_related("team").order_by("-start", "-pk")),
            Prefetch("activities", queryset=activities, to_attr="timeline_activities"),
            Prefetch("requests", queryset=requests, to_attr="timeline_requests"),
        )
        .get()
    )


def cities() -> QuerySet[Division]:
    return Division.objects.filter(level=Division.Level.CITY)


def counties() -> QuerySet[Division]:
    return Division.objects.filter(level=Division.Level.COUNTY).select_related("city")
