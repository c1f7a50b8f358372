"""Reads of the archive and the requests, always through the role scopes of accounts/access.py.

A record outside the user's scope is absent: the `*_get_for_user` accessors answer 404 for it, as for a missing one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from accounts.models import Role
from accounts.scopes import visible
from archives.models import (
    Activity,
    ActivityComment,
    ActivityMeasure,
    Attachment,
    Referral,
    Request,
    RequestMessage,
    StagedUpload,
)
from archives.scopes import (
    referrals_addressed_to,
    visible_activities,
    visible_activity_comments,
    visible_attachments,
    visible_referrals,
    visible_request_messages,
    visible_requests,
)
from units.scopes import visible_units

if TYPE_CHECKING:
    from accounts.models import User
    from plans.models import Measure
    from teams.models import Person, Team
    from units.models import Division, Unit, UnitContact


def _scope_first(user: User, rows: QuerySet) -> QuerySet:
    """`rows` (of the user's scope) narrowed, for a team member and a city officer, to their scope read first as
    ids: the units they read (and, for an officer's requests, the requests referred to their jurisdiction). The
    scope's own condition stays, so this never widens it. With the ids as constants PostgreSQL starts from their
    index entries; the scopes' nested subqueries left it walking the whole archive in date order (issue 14: 19,000
    rows read for 25 at 10×) or scanning it whole to count 200 rows."""
    if user.role not in (Role.TEAM_MEMBER, Role.OFFICER):
        return rows
    units = Q(unit_id__in=list(visible_units(user).order_by().values_list("pk", flat=True)))
    if user.role == Role.OFFICER and rows.model is Request:
        units |= Q(pk__in=list(referrals_addressed_to(user).order_by().values_list("request_id", flat=True)))
    return rows.filter(units)


# The columns a list row shows (archives/list_rows.py): the texts and search documents left behind cost their
# transfer and decoding on every row.
_ACTIVITY_LIST_COLUMNS = ("uid", "date", "kind", "unit__uid", "unit__name", "team__name")
_REQUEST_LIST_COLUMNS = (
    "uid",
    "title",
    "kind",
    "status",
    "on_behalf",
    "submitted_at",
    "accept_due_at",
    "accepted_at",
    "answer_due_at",
    "answered_at",
    "rating",
    "unit__uid",
    "unit__name",
    "team__name",
)


def activity_list_for_user(*, user: User, unit: Unit | None = None, team: Team | None = None) -> QuerySet[Activity]:
    """Activities for a list, newest first, with only the columns the list shows: the unit, team, people
    (`participants`, `invited`) and files (`files`: their ids, to count them) come in a fixed number of queries.
    The files are fetched for the page's rows only: a count in the list's query would group the whole scope
    (750,000 activities at 100×) before the page is cut."""
    activities = (
        _scope_first(user, visible_activities(user)).select_related("unit", "team").only(*_ACTIVITY_LIST_COLUMNS)
    )
    if unit is not None:
        activities = activities.filter(unit=unit)
    if team is not None:
        activities = activities.filter(team=team)
    return activities.prefetch_related(*_LIST_PREFETCHES).order_by("-date", "-pk")


def _names(relation: str, to_attr: str) -> Prefetch:
    """The people of a relation as a list of (pk, name) records: the list shows names, and a person's other
    columns (phone and e-mail are encrypted) would cost their decryption on every row."""
    from teams.models import Person

    return Prefetch(relation, Person.objects.only("pk", "name"), to_attr=to_attr)


# The list's people (`participants`, `invited`) and files (`files`: their ids, to count them), per page.
_LIST_PREFETCHES = (
    _names("team_participants", "participants"),
    _names("experts", "invited"),
    Prefetch("attachments", Attachment.objects.order_by().only("pk", "activity_id"), to_attr="files"),
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


# The pool's kinds that come in as the X of 1+2+X; service commissioners hold the teams' fixed seats.
EXPERT_KINDS = ("protection_centre", "think_tank", "ip_police", "lawyer", "service_agency")


def invitable_experts(*, unit: Unit, record: Activity | Request | None = None) -> QuerySet[Person]:
    """Experts who may be invited to an activity or a request of `unit` (the X of 1+2+X): active pool people of the
    expert kinds with a signed confidentiality undertaking, not holding a seat in the serving team, not yet invited
    to `record`. The services check the undertaking again when the invitation is written."""
    from django.utils import timezone

    from teams.models import Membership, Person

    seats = Membership.objects.filter(team__assignments__unit=unit, team__assignments__end__isnull=True)
    experts = Person.objects.filter(
        is_active=True, kind__in=EXPERT_KINDS, confidentiality_signed_on__lte=timezone.localdate()
    ).exclude(pk__in=seats.values("person_id"))
    if record is not None:
        experts = experts.exclude(pk__in=record.experts.values("pk"))
    return experts.order_by("name", "pk")


@dataclass(frozen=True)
class ActivityChoices:
    """What the activity form offers for one unit."""

    team_people: list[Person]  # the serving team's leader and core members
    contacts: list[UnitContact]  # the unit's contacts
    measures: list[Measure]  # the open measures of the unit's plan in force
    experts: QuerySet[Person]  # invitable_experts (and those already invited to the activity): thousands at 100×
    me: Person | None  # the person record of the user, to tick them as a participant


def activity_choices(*, user: User, unit: Unit, activity: Activity | None = None) -> ActivityChoices:
    """The choices of the log and edit forms. Someone already recorded on `activity` stays a choice even if they
    have since left the team or the pool."""
    from plans.models import Measure
    from teams.models import Membership, Person
    from units.models import UnitContact

    seats = (
        Membership.objects.filter(team__assignments__unit=unit, team__assignments__end__isnull=True)
        .select_related("person")
        .order_by("-role", "person__name", "pk")  # "leader" sorts after "core": descending puts the leader first
    )
    team_people = [seat.person for seat in seats]
    experts = invitable_experts(unit=unit)
    if activity is not None:
        team_people += [person for person in activity.team_participants.all() if person not in team_people]
        experts = Person.objects.filter(
            Q(pk__in=experts.order_by().values("pk")) | Q(pk__in=activity.experts.order_by().values("pk"))
        ).order_by("name", "pk")
    measures = (
        Measure.objects.filter(version__plan__unit=unit, version__plan__in_force=F("version"))
        .exclude(status__in=[Measure.Status.DONE, Measure.Status.CANCELLED])
        .order_by("position", "pk")
    )
    return ActivityChoices(
        team_people=team_people,
        contacts=list(UnitContact.objects.filter(unit=unit)),
        measures=list(measures),
        experts=experts,
        me=Person.objects.filter(user=user).first() if user.is_authenticated else None,
    )


def request_list_for_user(
    *, user: User, unit: Unit | None = None, team: Team | None = None, status: str | None = None
) -> QuerySet[Request]:
    """Requests for a list, with `accept_met`/`answer_met` (Request.objects.with_timeliness) computed in SQL, and
    only the columns the list shows."""
    requests = _scope_first(user, visible_requests(user)).select_related("unit", "team").only(*_REQUEST_LIST_COLUMNS)
    if unit is not None:
        requests = requests.filter(unit=unit)
    if team is not None:
        requests = requests.filter(team=team)
    if status:
        requests = requests.filter(status=status)
    return requests.with_timeliness()


def request_get_for_user(*, user: User, uid: uuid.UUID | str) -> Request:
    try:
        return (
            visible_requests(user)
            .with_timeliness()
            .select_related("unit__division__city", "team", "raised_by", "accepted_by")
            .prefetch_related(
                "experts",
                "attachments",
                Prefetch(
                    "referrals",
                    Referral.objects.select_related("division__city", "referred_by", "reply_recorded_by"),
                ),
            )
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


def activity_comments_for_user(*, user: User, activity: Activity) -> QuerySet[ActivityComment]:
    """The opinions on an activity, oldest first; none for the unit's side (archives/scopes.py)."""
    return (
        visible_activity_comments(user).filter(activity=activity).select_related("author").order_by("created_at", "pk")
    )


def referral_divisions(*, unit: Unit) -> list[Division]:
    """The IP departments a request of `unit` can be referred to in the portal: the unit's county's, then its
    city's (本市/县知识产权部门)."""
    county = unit.division
    return [county, county.city] if county.city_id else [county]


def officers_covering(division: Division) -> QuerySet[User]:
    """The active officers whose jurisdiction covers `division`: its own officers and, for a county, its city's."""
    from accounts.models import User

    divisions = [division.pk, division.city_id] if division.city_id else [division.pk]
    return User.objects.filter(role=Role.OFFICER, is_active=True, division_id__in=divisions)


def referrals_awaiting_reply(*, user: User) -> QuerySet[Referral]:
    """The referrals waiting for a reply that `user` records (the rule archives.reply_referral, in SQL): for an
    officer, those addressed to an IP department in their jurisdiction; for a team member, those of their units to
    a department named by hand or to a division none of whose officers has a login. Waiting: no reply yet, and the
    request still referred (archives/workflow.py allows the reply only then)."""
    waiting = visible_referrals(user).filter(reply="", request__status=Request.Status.REFERRED)
    if user.role == Role.OFFICER:
        return waiting.filter(pk__in=referrals_addressed_to(user).values("pk"))
    if user.role == Role.TEAM_MEMBER:
        from accounts.models import User

        officer = User.objects.filter(role=Role.OFFICER, is_active=True).filter(
            Q(division=OuterRef("division")) | Q(division=OuterRef("division__city"))
        )
        # The member's few units first, as ids (as _scope_first): the nested scope read every referral's request.
        own = list(visible_units(user).order_by().values_list("pk", flat=True))
        return waiting.filter(Q(division__isnull=True) | ~Exists(officer), request__unit_id__in=own)
    return waiting.none()


def referrals_awaiting_reply_for_user(*, user: User, limit: int) -> list[Referral]:
    """The first `limit` referrals waiting for the user's reply (referrals_awaiting_reply), the longest waiting
    first, each with its request, the request's unit and the addressed division. For the home pages."""
    return list(
        referrals_awaiting_reply(user=user)
        .select_related("request__unit", "division__city")
        .order_by("referred_on", "pk")[:limit]
    )


def referral_count_awaiting_reply_for_user(*, user: User) -> int:
    return referrals_awaiting_reply(user=user).count()


def staged_uploads_for_user(*, user: User, token: uuid.UUID | None) -> list[StagedUpload]:
    """The files the user chose on the form sent with `token` that came back with errors; none without a token."""
    if token is None:
        return []
    return list(visible(user, StagedUpload).filter(token=token).order_by("created_at", "pk"))


def attachment_get_for_user(*, user: User, uid: uuid.UUID | str) -> Attachment:
    """An attachment the user may read through its activity or request; 404 otherwise."""
    try:
        return visible_attachments(user).get(uid=uid)
    except (Attachment.DoesNotExist, ValueError, TypeError) as missing:
        raise Http404 from missing


def units_for_recording(*, user: User) -> QuerySet[Unit]:
    """The units a user may record an activity or log a request for: for a team member, the listed units their team
    serves; for a unit's contact, their unit."""
    if user.role not in (Role.TEAM_MEMBER, Role.UNIT_CONTACT):
        return visible_units(user).none()
    return visible_units(user).filter(is_listed=True).select_related("division").order_by("name")


# --- The home pages: figures and short lists, each one query through the scopes -------------------------------

HOME_ROWS = 10


def request_figures_for_user(*, user: User, now=None) -> dict[str, int]:
    """The requests of the user's scope counted in one query: all, open (not closed), past due (a clock still
    running after its due time, as the list's `overdue=yes`), and each clock past due on its own."""
    from django.db.models import Q
    from django.utils import timezone

    now = now or timezone.now()

    def among(subset) -> Exists:
        # Row by row, by primary key: the cost follows the user's scope, where `pk IN (subset)` read the whole table.
        return Exists(subset.filter(pk=OuterRef("pk")))

    return _scope_first(user, visible_requests(user)).aggregate(
        total=Count("pk"),
        open=Count("pk", filter=~Q(status=Request.Status.CLOSED)),
        past_due=Count("pk", filter=among(Request.objects.past_due(now=now))),
        accept_overdue=Count("pk", filter=among(Request.objects.accept_overdue(now=now))),
        answer_overdue=Count("pk", filter=among(Request.objects.answer_overdue(now=now))),
    )


def open_requests_for_user(*, user: User, limit: int = HOME_ROWS, now=None) -> list[Request]:
    """The newest open (not closed) requests of the user's scope with their unit, `accept_met`/`answer_met` and a
    `past_due` flag (a clock still running after its due time)."""
    from django.db.models import Exists, OuterRef
    from django.utils import timezone

    now = now or timezone.now()
    return list(
        visible_requests(user)
        .exclude(status=Request.Status.CLOSED)
        .with_timeliness(now=now)
        .annotate(past_due=Exists(Request.objects.past_due(now=now).filter(pk=OuterRef("pk"))))
        .select_related("unit")
        .order_by("-submitted_at", "-pk")[:limit]
    )


def recent_requests_for_user(*, user: User, limit: int = HOME_ROWS) -> list[Request]:
    """The newest requests of the user's scope, whatever their status (for an expert: those they are invited to)."""
    return list(
        visible_requests(user).with_timeliness().select_related("unit").order_by("-submitted_at", "-pk")[:limit]
    )


def recent_activities_for_user(*, user: User, limit: int = HOME_ROWS) -> list[Activity]:
    """The latest activities of the user's scope, with their unit (for an expert: those they are invited to)."""
    return list(visible_activities(user).select_related("unit").order_by("-date", "-pk")[:limit])


def activity_count_for_user(*, user: User, since, until) -> int:
    """Activities of the user's scope dated between two days, both included."""
    return visible_activities(user).filter(date__gte=since, date__lte=until).count()


# --- What waits for whom, for the home pages (reports/home.py shows the first rows and the count) ---------------

WAITING_FOR_TEAM = (Request.Status.SUBMITTED, Request.Status.ACCEPTED, Request.Status.IN_PROGRESS)


def _with_past_due(requests: QuerySet[Request], now) -> QuerySet[Request]:
    """`accept_met`/`answer_met` and a `past_due` flag (a clock still running after its due time), in SQL."""
    return requests.with_timeliness(now=now).annotate(
        past_due=Exists(Request.objects.past_due(now=now).filter(pk=OuterRef("pk")))
    )


def requests_awaiting_team_for_user(*, user: User, now=None) -> QuerySet[Request]:
    """The requests of the user's scope still waiting for the serving team: not accepted yet, or accepted and not
    answered (a reopened request is in progress again). The past-due ones first, then by the due time of the clock
    still running, each with its unit, `accept_met`/`answer_met` and `past_due`."""
    from django.db.models import Case, When
    from django.utils import timezone

    now = now or timezone.now()
    running_due = Case(When(accepted_at__isnull=True, then=F("accept_due_at")), default=F("answer_due_at"))
    return (
        _with_past_due(visible_requests(user).filter(status__in=WAITING_FOR_TEAM), now)
        .select_related("unit")
        .order_by("-past_due", running_due.asc(), "submitted_at", "pk")
    )


def past_due_requests_for_user(*, user: User, now=None) -> QuerySet[Request]:
    """The requests of the user's scope with a clock still running after its due time (the list's `overdue=yes`),
    the longest overdue first, each with its unit and team."""
    from django.db.models import Case, When
    from django.utils import timezone

    now = now or timezone.now()
    missed = Case(When(accepted_at__isnull=True, then=F("accept_due_at")), default=F("answer_due_at"))
    return (
        _with_past_due(visible_requests(user).past_due(now=now), now)
        .select_related("unit", "team")
        .order_by(missed.asc(), "submitted_at", "pk")
    )


def requests_invited_for_user(*, user: User) -> QuerySet[Request]:
    """The requests the user (an expert) was invited to, those waiting for their opinion first (not closed, and
    nothing posted by them yet: `awaiting_opinion`), then the newest first, each with its unit."""
    posted = RequestMessage.objects.filter(request=OuterRef("pk"), author=user)
    return (
        visible_requests(user)
        .annotate(awaiting_opinion=Q(~Exists(posted)) & ~Q(status=Request.Status.CLOSED))
        .select_related("unit")
        .order_by("-awaiting_opinion", "-submitted_at", "-pk")
    )


def activities_invited_for_user(*, user: User) -> QuerySet[Activity]:
    """The activities the user (an expert) was invited to, those without their opinion yet first
    (`awaiting_opinion`), then the latest first, each with its unit."""
    posted = ActivityComment.objects.filter(activity=OuterRef("pk"), author=user)
    return (
        visible_activities(user)
        .annotate(awaiting_opinion=~Exists(posted))
        .select_related("unit")
        .order_by("-awaiting_opinion", "-date", "-pk")
    )
