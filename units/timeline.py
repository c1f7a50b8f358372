"""The unit page's timeline: everything that happened to a unit, newest first, in one stream.

Built from rows the unit page has already prefetched (units.selectors.unit_detail, through the user's scopes), so
it costs no query, and filtering or paging it costs none either. Later apps add their events here.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huhang.vocabulary import TaskArea
from units.models import ListingEvent, Unit

TIMELINE_PER_PAGE = 30
PAGE_PARAM = "tpage"  # not `page`: the unit page may one day carry other lists
EXCERPT_CHARS = 80  # units.selectors.unit_detail fetches one character more, so that the cut shows

# The kinds of event, in the order the filter offers them.
KINDS = [
    ("listing", gettext_lazy("Listing")),
    ("team", gettext_lazy("Service team")),
    ("ip_profile", gettext_lazy("IP profile")),
    ("plan", gettext_lazy("Plan approval")),
    ("measure", gettext_lazy("Measure due")),
    ("activity", gettext_lazy("Service activity")),
    ("request", gettext_lazy("Request")),
    ("referral", gettext_lazy("Referral")),
]


def request_kind_areas(kind: str) -> frozenset[str]:
    from archives.models import REQUEST_KIND_AREAS  # the archive builds on units, not the other way round

    area = REQUEST_KIND_AREAS.get(kind)
    return frozenset({area.value}) if area else frozenset()


@dataclass(frozen=True)
class TimelineEvent:
    date: datetime.date
    kind: str  # one of KINDS, also a CSS class suffix
    icon: str  # a Bootstrap Icons name
    title: str
    detail: str = ""
    url: str = ""  # the record's own page, when it has one
    areas: frozenset[str] = field(default_factory=frozenset)  # TaskArea values the event belongs to


class TimelineFilter(forms.Form):
    """The timeline's filter, read from the unit page's GET parameters; an unknown value filters nothing."""

    kind = forms.ChoiceField(label=gettext_lazy("Kind of event"), required=False)
    area = forms.ChoiceField(
        label=gettext_lazy("Task area"),
        required=False,
        choices=[("", gettext_lazy("All task areas")), *TaskArea.choices],
    )

    def __init__(self, data=None, *, kinds: Iterable[str] | None = None):
        super().__init__(data)
        offered = set(kinds) if kinds is not None else {key for key, _label in KINDS}
        self.fields["kind"].choices = [
            ("", gettext_lazy("All kinds")),
            *((key, label) for key, label in KINDS if key in offered),
        ]

    def selection(self) -> dict[str, str]:
        self.is_valid()  # cleaned_data keeps the valid fields only
        return {name: self.cleaned_data.get(name, "") for name in ("kind", "area")}


def timeline_kinds(*, include_listing: bool, include_activities: bool) -> list[str]:
    """The kinds a reader may meet on the page, so the filter offers no kind that is always empty for them."""
    return [
        key
        for key, _label in KINDS
        if (include_listing or key != "listing") and (include_activities or key != "activity")
    ]


def unit_timeline(*, unit: Unit, include_listing: bool = True, kind: str = "", area: str = "") -> list[TimelineEvent]:
    """The unit's events, newest first, of one kind and one task area when given (events without a task area —
    listing, team, IP profile, plan approval — have none, so an area filter leaves them out)."""
    events: list[TimelineEvent] = []
    if include_listing:
        events.extend(_listing_events(unit))
    events.extend(_team_events(unit))
    for profile in unit.ip_profiles.all():
        events.append(
            TimelineEvent(
                date=profile.as_of,
                kind="ip_profile",
                icon="graph-up",
                title=_("IP profile recorded: %(patents)d invention patents") % {"patents": profile.invention_patents},
            )
        )
    events.extend(_plan_events(unit))
    events.extend(_activity_events(unit))
    events.extend(_request_events(unit))
    if kind:
        events = [event for event in events if event.kind == kind]
    if area:
        events = [event for event in events if area in event.areas]
    return sorted(events, key=lambda e: e.date, reverse=True)


def _listing_events(unit: Unit) -> list[TimelineEvent]:
    events = []
    for event in unit.listing_events.all():
        selected = event.kind == ListingEvent.Kind.SELECTED
        events.append(
            TimelineEvent(
                date=event.date,
                kind="listing",
                icon="flag" if selected else "x-circle",
                title=(_("Selected for the list") if selected else _("Removed from the list"))
                + (f"（{event.batch}）" if event.batch else ""),
                detail=event.reason,
            )
        )
    return events


def _team_events(unit: Unit) -> list[TimelineEvent]:
    events = []
    for assignment in unit.assignments.all():
        events.append(
            TimelineEvent(
                date=assignment.start,
                kind="team",
                icon="people",
                title=_("Served by %(team)s") % {"team": assignment.team.name},
            )
        )
        if assignment.end:
            events.append(
                TimelineEvent(
                    date=assignment.end,
                    kind="team",
                    icon="people",
                    title=_("No longer served by %(team)s") % {"team": assignment.team.name},
                )
            )
    return events


def _plan_events(unit: Unit) -> list[TimelineEvent]:
    """The plan's approvals and the due dates of the measures in force (prefetched by unit_detail)."""
    plan = unit.plan if _has_plan(unit) else None
    if plan is None:
        return []
    events = [
        TimelineEvent(
            date=timezone.localtime(event.created_at).date(),
            kind="plan",
            icon="journal-check",
            title=_("Service plan version %(number)d approved") % {"number": event.version.number},
        )
        for event in plan.events.all()
    ]
    if plan.in_force is not None:
        events.extend(
            TimelineEvent(
                date=measure.due_on,
                kind="measure",
                icon="check2-square",
                title=_("Measure due: %(measure)s") % {"measure": measure.content[:60]},
                detail=measure.get_status_display(),
                areas=frozenset({measure.area}),
            )
            for measure in plan.in_force.measures.all()
            if measure.due_on
        )
    return events


def _activity_events(unit: Unit) -> list[TimelineEvent]:
    """The activities the reader may see (none for a city officer); an activity belongs to the task areas of the
    measures it advanced."""
    return [
        TimelineEvent(
            date=activity.date,
            kind="activity",
            icon="journal-text",
            title=activity.get_kind_display(),
            detail=Truncator(activity.excerpt).chars(EXCERPT_CHARS),
            url=reverse("archives:activity_detail", kwargs={"uid": activity.uid}),
            areas=frozenset(advance.measure.area for advance in activity.advances.all()),
        )
        for activity in getattr(unit, "timeline_activities", ())
    ]


def _request_events(unit: Unit) -> list[TimelineEvent]:
    """The requests the reader may see, and their referrals to other departments with the date of the reply.
    Subjects and states only: no message, no note and no reply text reaches the timeline."""
    events = []
    for request in getattr(unit, "timeline_requests", ()):
        url = reverse("archives:request_detail", kwargs={"uid": request.uid})
        areas = request_kind_areas(request.kind)
        events.append(
            TimelineEvent(
                date=timezone.localtime(request.submitted_at).date(),
                kind="request",
                icon="chat-left-text",
                title=_("Request raised: %(subject)s") % {"subject": request.title},
                detail=f"{request.get_kind_display()} · {request.get_status_display()}",
                url=url,
                areas=areas,
            )
        )
        for referral in request.referrals.all():
            events.append(
                TimelineEvent(
                    date=referral.referred_on,
                    kind="referral",
                    icon="signpost-split",
                    title=_("Request referred to %(department)s") % {"department": referral.department},
                    detail=request.title,
                    url=url,
                    areas=areas,
                )
            )
            if referral.replied_on:
                events.append(
                    TimelineEvent(
                        date=referral.replied_on,
                        kind="referral",
                        icon="reply",
                        title=_("%(department)s replied to the referral") % {"department": referral.department},
                        detail=request.title,
                        url=url,
                        areas=areas,
                    )
                )
    return events


def _has_plan(unit: Unit) -> bool:
    try:
        unit.plan  # noqa: B018 — the reverse one-to-one raises when the unit has no plan
    except ObjectDoesNotExist:
        return False
    return True
