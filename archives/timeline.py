"""The archive's events on a unit's timeline (units/timeline.py): service activities, requests, and their referrals
to other departments with the departments' replies — read through the reader's scopes (a city officer reads no
activity). Subjects and states only: no message, no note and no reply text reaches the timeline."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Left
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from archives.models import REQUEST_KIND_AREAS, Activity, ActivityMeasure, Referral, Request, RequestKind
from archives.scopes import visible_activities, visible_referrals, visible_requests
from units.timeline import (
    EXCERPT_CHARS,
    TimelineEvent,
    TimelineRow,
    TimelineSource,
    local_date,
    register_timeline_source,
)
from units.unit_list import row_url

if TYPE_CHECKING:
    from accounts.models import User
    from units.models import Unit

SENT, REPLIED = "sent", "replied"


def request_kinds_of_area(area: str) -> list[str]:
    """The request kinds that serve a task area (archives.models.REQUEST_KIND_AREAS)."""
    return [kind for kind, kind_area in REQUEST_KIND_AREAS.items() if kind_area == area]


def _request_url(request_uid) -> str:
    return reverse("archives:request_detail", kwargs={"uid": request_uid})


NO_UID = "00000000-0000-0000-0000-000000000000"  # row_url's sentinel: no record has it


def _labels(choices) -> dict[str, str]:
    """A field's labels by value, translated once for the page rather than once per event (get_FOO_display)."""
    return {value: str(label) for value, label in choices}


class ActivitySource(TimelineSource):
    """An activity belongs to the task areas of the measures it advanced."""

    kind = "activity"
    label = gettext_lazy("Service activity")
    position = 60

    def shown_to(self, user: User) -> bool:
        return user.role != Role.OFFICER  # the archive is the team's working record (archives/scopes.py)

    def rows(self, *, unit: Unit, user: User, area: str) -> list[QuerySet]:
        activities = visible_activities(user).filter(unit=unit)
        if area:
            advanced = ActivityMeasure.objects.filter(activity=OuterRef("pk"), measure__area=area)
            activities = activities.filter(Exists(advanced))
        return [self.row_query(activities, date="date")]

    def events(self, rows: Sequence[TimelineRow]) -> list[TimelineEvent]:
        activities = self.records(
            Activity.objects.only("uid", "date", "kind").annotate(excerpt=Left("summary", EXCERPT_CHARS + 1)),
            rows,
        )
        kinds = _labels(Activity.Kind.choices)
        detail_url = row_url("archives:activity_detail", uid=NO_UID)
        return [
            TimelineEvent(
                date=activity.date,
                kind=self.kind,
                icon="journal-text",
                title=kinds.get(activity.kind, activity.kind),
                detail=Truncator(activity.excerpt).chars(EXCERPT_CHARS),
                url=detail_url(activity.uid),
            )
            for activity in (activities[row.record] for row in rows)
        ]


class RequestSource(TimelineSource):
    """A request belongs to the task area its kind serves; consultations and the like to none."""

    kind = "request"
    label = gettext_lazy("Request")
    position = 70

    def rows(self, *, unit: Unit, user: User, area: str) -> list[QuerySet]:
        requests = visible_requests(user).filter(unit=unit)
        if area:
            kinds = request_kinds_of_area(area)
            if not kinds:
                return []
            requests = requests.filter(kind__in=kinds)
        return [self.row_query(requests, date=local_date("submitted_at"))]

    def events(self, rows: Sequence[TimelineRow]) -> list[TimelineEvent]:
        requests = self.records(Request.objects.only("uid", "kind", "title", "status"), rows)
        kinds, statuses = _labels(RequestKind.choices), _labels(Request.Status.choices)
        detail_url = row_url("archives:request_detail", uid=NO_UID)
        return [
            TimelineEvent(
                date=row.date,
                kind=self.kind,
                icon="chat-left-text",
                title=_("Request raised: %(subject)s") % {"subject": request.title},
                # Translators: the timeline's line under a request: its kind, then its status.
                detail=_("%(kind)s · %(status)s")
                % {
                    "kind": kinds.get(request.kind, request.kind),
                    "status": statuses.get(request.status, request.status),
                },
                url=detail_url(request.uid),
            )
            for row, request in ((row, requests[row.record]) for row in rows)
        ]


class ReferralSource(TimelineSource):
    """A request's referral to another department, and the department's reply, in the request's task area."""

    kind = "referral"
    label = gettext_lazy("Referral")
    position = 80

    def rows(self, *, unit: Unit, user: User, area: str) -> list[QuerySet]:
        referrals = visible_referrals(user).filter(request__unit=unit)
        if area:
            kinds = request_kinds_of_area(area)
            if not kinds:
                return []
            referrals = referrals.filter(request__kind__in=kinds)
        return [
            self.row_query(referrals, date="referred_on", part=SENT),
            self.row_query(referrals.exclude(replied_on=None), date="replied_on", part=REPLIED),
        ]

    def events(self, rows: Sequence[TimelineRow]) -> list[TimelineEvent]:
        referrals = self.records(
            Referral.objects.select_related("request", "division__city").only(
                "department",
                "division__name",
                "division__city__name",
                "referred_on",
                "replied_on",
                "request__uid",
                "request__title",
            ),
            rows,
        )
        return [self._event(referrals[row.record], row.part) for row in rows]

    def _event(self, referral: Referral, part: str) -> TimelineEvent:
        if part == REPLIED:
            date, icon = referral.replied_on, "reply"
            title = _("%(department)s replied to the referral") % {"department": referral.addressee}
        else:
            date, icon = referral.referred_on, "signpost-split"
            title = _("Request referred to %(department)s") % {"department": referral.addressee}
        return TimelineEvent(
            date=date,
            kind=self.kind,
            icon=icon,
            title=title,
            detail=referral.request.title,
            url=_request_url(referral.request.uid),
        )


register_timeline_source(ActivitySource())
register_timeline_source(RequestSource())
register_timeline_source(ReferralSource())
