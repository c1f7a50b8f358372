"""Every read of service plans; each query starts from the user's scope (accounts/access.py).

`visible_plan_versions` decides who reads which version: the bureau and the serving team every version, the unit's
contact and the city officer only the version in force. A plan nobody may read is absent: 404, as if missing.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huhang.freshness import records_version
from plans.deadlines import due_on_rule
from plans.models import Measure, Plan, PlanEvent, PlanVersion, ProgressNote
from plans.scopes import visible_plan_versions
from plans.snapshots import is_exact, snapshot_measures, snapshot_sections
from units.scopes import visible_units
from units.selectors import unit_list_for_user

if TYPE_CHECKING:
    import uuid

    from accounts.models import User
    from units.models import Unit

Status = PlanVersion.Status

# The overview's plan state of a unit: the working version's status, "approved" when only the version in force is
# open, "not started" when the unit has no plan.
NOT_STARTED = "not_started"
STATES = [
    (NOT_STARTED, _("Not started")),
    (Status.DRAFT.value, _("Draft")),
    (Status.SUBMITTED.value, _("Submitted")),
    (Status.RETURNED.value, _("Returned")),
    (Status.APPROVED.value, _("Approved")),
]


def may_view_overview(user: User) -> bool:
    return user.has_perm("plans.view_plans_overview") or user.has_perm("plans.write_plans")


def plans_for_user(*, user: User) -> QuerySet[Plan]:
    """The plans of which the user may read at least one version."""
    return Plan.objects.filter(Exists(visible_plan_versions(user).filter(plan=OuterRef("pk"))))


def plan_get_for_user(*, user: User, uid: uuid.UUID | str, for_write: bool = False, for_review: bool = False) -> Plan:
    """One plan: 404 when missing or out of scope; 403 to write (the serving team) or review (the bureau) without
    the right. The version in force and the working version come with it."""
    try:
        plan = plans_for_user(user=user).select_related("unit__division__city", "in_force", "working").get(uid=uid)
    except (Plan.DoesNotExist, ValueError) as missing:
        raise Http404 from missing
    if for_write and not user.has_perm("plans.write_plans"):
        raise PermissionDenied
    if for_review and not user.has_perm("plans.review_plans"):
        raise PermissionDenied
    return plan


def plan_version_get_for_user(*, user: User, uid: uuid.UUID | str, number: int) -> PlanVersion:
    """One version the user may read (unit contacts and officers only the approved one); 404 otherwise."""
    try:
        return visible_plan_versions(user).select_related("plan__unit").get(plan__uid=uid, number=number)
    except (PlanVersion.DoesNotExist, ValueError) as missing:
        raise Http404 from missing


def plan_of_visible_unit(*, user: User, uid: uuid.UUID | str) -> Plan:
    """A plan of a unit in the user's scope, whatever its versions; 404 otherwise. The caller checks the role."""
    try:
        return Plan.objects.select_related("unit").get(uid=uid, unit__in=visible_units(user))
    except (Plan.DoesNotExist, ValueError) as missing:
        raise Http404 from missing


def may_read_all_versions(user: User) -> bool:
    """The bureau and the serving team read drafts, old versions and the event log; the others the plan in force."""
    return user.has_perm("plans.review_plans") or user.has_perm("plans.write_plans")


def plan_is_past_due(plan: Plan, *, today: datetime.date | None = None) -> bool:
    return plan.in_force_id is None and (today or timezone.localdate()) > plan.due_on


def _measures(*, notes: bool = True) -> Prefetch:
    """A version's measures in their order, each with its owner's name (the owner's encrypted contact details are
    not read: a decryption each) and, with `notes`, its progress notes. The orders are the measures' own: the models'
    default orderings would join the version, the plan and the unit only to sort by them."""
    measures = Measure.objects.select_related("owner").defer("owner__phone", "owner__email").order_by("position", "pk")
    if notes:
        progress = ProgressNote.objects.select_related("author").order_by("-date", "-pk")
        measures = measures.prefetch_related(Prefetch("progress_notes", queryset=progress))
    return Prefetch("measures", queryset=measures)


def _last_event(*actions: str) -> Subquery:
    events = PlanEvent.objects.filter(version=OuterRef("pk"), action__in=actions).order_by("-created_at", "-pk")
    return Subquery(events.values("created_at")[:1])


def with_workflow_dates(versions: QuerySet[PlanVersion]) -> QuerySet[PlanVersion]:
    """Versions with the dates of their workflow, from the events (a row's created_at is when it was stored, which
    for seeded or imported data is not when the plan was written): started_at, submitted_at, returned_at and
    approved_at, each the latest such event or None."""
    return versions.annotate(
        started_at=_last_event(PlanEvent.Action.STARTED, PlanEvent.Action.REVISED),
        submitted_at=_last_event(PlanEvent.Action.SUBMITTED),
        returned_at=_last_event(PlanEvent.Action.RETURNED),
        approved_at=_last_event(PlanEvent.Action.APPROVED),
    )


def version_with_measures(version: PlanVersion | None) -> PlanVersion | None:
    """A version with its workflow dates, its measures, their owners and progress notes, one query each."""
    if version is None:
        return None
    versions = PlanVersion.objects.select_related("plan", "ip_profile").prefetch_related(_measures())
    return with_workflow_dates(versions).get(pk=version.pk)


def editor_version(*, plan: Plan, version: PlanVersion) -> PlanVersion:
    """The plan's working version, read already with the plan, with its measures and their owners: one query. The
    editor shows neither progress notes nor workflow dates."""
    version.plan = plan  # read already: no query for it
    prefetch_related_objects([version], _measures(notes=False))
    return version


@dataclass
class PlanPageVersions:
    in_force: PlanVersion | None
    working: PlanVersion | None
    versions: list[PlanVersion]  # every version, newest first, for the readers of every version; else empty


def plan_page_versions(*, plan: Plan, every_version: bool) -> PlanPageVersions:
    """The plan page's versions with their workflow dates and IP profile: every version for those who read them all
    (the version in force and the working one among them), else the version in force alone; then the measures of
    the two shown in full, their owners and notes. Three queries, whatever the number of versions."""
    versions = with_workflow_dates(PlanVersion.objects.filter(plan=plan).select_related("ip_profile"))
    if not every_version:
        versions = versions.filter(pk=plan.in_force_id)
    versions = list(versions.order_by("-number"))
    for version in versions:
        version.plan = plan  # read already: no query per version
    by_pk = {version.pk: version for version in versions}
    in_force = by_pk.get(plan.in_force_id)
    working = by_pk.get(plan.working_id) if every_version else None
    prefetch_related_objects([version for version in (in_force, working) if version is not None], _measures())
    return PlanPageVersions(in_force=in_force, working=working, versions=versions if every_version else [])


def measure_get(*, version: PlanVersion | None, pk: int) -> Measure:
    """A measure of the given version (the working one for the editor, the one in force for progress), or 404."""
    if version is None:
        raise Http404
    try:
        return version.measures.select_related("owner").get(pk=pk)
    except Measure.DoesNotExist as missing:
        raise Http404 from missing


def measure_order(*, version: PlanVersion) -> list[int]:
    return list(version.measures.order_by("position", "pk").values_list("pk", flat=True))


def plan_versions(*, plan: Plan) -> list[PlanVersion]:
    return list(with_workflow_dates(plan.versions.order_by("-number")))


def plan_events(*, plan: Plan) -> list[PlanEvent]:
    """The plan's history, newest first, with what a line shows: not the versions' texts nor the snapshots."""
    events = plan.events.select_related("actor", "version").order_by("-created_at", "-pk")
    return list(
        events.only(
            "plan_id", "version__number", "created_at", "action", "comment", "actor__full_name", "actor__username"
        )
    )


def return_comments(*, version: PlanVersion) -> list[PlanEvent]:
    """The bureau's comments when it returned this version, for the editor."""
    events = version.plan.events.filter(version=version, action=PlanEvent.Action.RETURNED).exclude(comment="")
    return list(events.select_related("actor", "version"))


# ---------------------------------------------------------------------------------------------------------------
# The approval queue


def approval_queue_for_user(*, user: User) -> QuerySet[PlanVersion]:
    """Submitted versions, oldest submission first, each with its unit and city."""
    if not user.has_perm("plans.review_plans"):
        raise PermissionDenied
    submitted = PlanEvent.objects.filter(version=OuterRef("pk"), action=PlanEvent.Action.SUBMITTED).order_by(
        "-created_at"
    )
    return (
        visible_plan_versions(user)
        .filter(status=Status.SUBMITTED)
        .select_related("plan__unit__division__city", "plan__in_force")
        .annotate(submitted_at=Subquery(submitted.values("created_at")[:1]))
        .order_by("submitted_at", "pk")
    )


# ---------------------------------------------------------------------------------------------------------------
# The overview: every unit in scope with its plan's state (LEFT JOIN), and the counts


def _expected_due_on() -> Coalesce:
    """A plan's due date, or for a unit without a plan the date starting one now would give it (plans/deadlines.py)."""
    return Coalesce(F("plan__due_on"), due_on_rule(unit="pk"), output_field=DateField())


def with_plan_state(units: QuerySet[Unit], *, version_numbers: bool = True) -> QuerySet[Unit]:
    """Annotates units with their plan's state (a version status, or "not_started"), version numbers, due date and
    whether the plan is past due — in SQL, for the unit list and the plan overview alike. Without `version_numbers`
    (the unit list) the version in force is not joined: one join fewer for the planner of a hot query."""
    numbers = {}
    if version_numbers:
        numbers = {"working_number": F("plan__working__number"), "in_force_number": F("plan__in_force__number")}
    if "plan_state" in units.query.annotations:
        # Annotated already: units.selectors.unit_list_for_user adds the state (plans/unit_list.py), not the numbers.
        missing = {name: value for name, value in numbers.items() if name not in units.query.annotations}
        return units.annotate(**missing) if missing else units
    today = timezone.localdate()
    return units.annotate(
        plan_uid=F("plan__uid"),
        plan_state=Case(
            When(plan__isnull=True, then=Value(NOT_STARTED)),
            When(plan__working__isnull=True, then=Value(Status.APPROVED.value)),
            default=F("plan__working__status"),
            output_field=CharField(),
        ),
        **numbers,
        plan_due_on=_expected_due_on(),
    ).annotate(
        past_due=Case(
            When(Q(plan__in_force__isnull=True, plan_due_on__lt=today), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def plan_state_q(state: str) -> Q:
    """The units whose plan is in `state`, as `with_plan_state` states it, as a condition on the plan's joins
    rather than on the annotated CASE: the planner then reads the plans of the filtered units only, not all of them
    to compute every unit's state first."""
    if state == NOT_STARTED:
        return Q(plan__isnull=True)
    if state == Status.APPROVED:
        return Q(plan__isnull=False) & (Q(plan__working__isnull=True) | Q(plan__working__status=state))
    return Q(plan__working__status=state)


def plan_overview_for_user(*, user: User) -> QuerySet[Unit]:
    """Units on the list (and any unit that has a plan) with their plan's state, versions and due date."""
    if not may_view_overview(user):
        raise PermissionDenied
    units = unit_list_for_user(user=user).filter(Q(is_listed=True) | Q(plan__isnull=False))
    return with_plan_state(units).order_by("plan_due_on", "name")


@dataclass(frozen=True)
class CityCount:
    city: str
    total: int
    not_started: int
    in_work: int
    approved: int
    past_due: int


def rows_in_order(rows: QuerySet, ids: list[int]) -> list:
    """The rows of `ids`, in that order, with the joins and annotations of `rows`: a page of a long list, read once
    the page's ids were sorted and sliced over the whole scope by a query that needs only the joins of the order
    (and selects narrow ids rather than wide rows)."""
    found = rows.order_by().in_bulk(ids)
    return [found[pk] for pk in ids]


COUNTS_TIMEOUT = 600  # seconds; a change to the records counted makes the cached counts unreachable before that


def _overview_cache_key(name: str, user: User, *parts: str) -> str:
    """A key of what the overview caches: per user and scope, the day (past due changes at midnight) and the version
    of the records (huhang/freshness.py, bumped by every write to the tables read), so that nothing cached is read
    after a change or by another reader."""
    scope = f"{user.pk}:{user.role}:{user.division_id}:{user.unit_id}"
    return ":".join(("plans", name, scope, timezone.localdate().isoformat(), str(records_version()), *parts))


def plan_overview_ids(*, user: User, ids: QuerySet, selection: str) -> list[int]:
    """The overview's unit ids in the page order, for the filters and sort of `selection` (the query string without
    the page). Sorting the scope by the expected due date evaluates the due-date rule for every unit in it, so the
    sorted ids are cached like the counts: turning the page or coming back reads them from the cache, and a page is
    then one query for its own rows."""
    digest = hashlib.sha256(selection.encode()).hexdigest()
    key = _overview_cache_key("overview-ids", user, digest)
    found = cache.get(key)
    if found is None:
        found = list(ids)
        cache.set(key, found, COUNTS_TIMEOUT)
    return found


def plan_counts(*, user: User, units: QuerySet[Unit]) -> dict:
    """The overview's figures by state and by city: two GROUP BY queries over the user's whole scope, cached under
    the same key parts as the sorted ids (`_overview_cache_key`)."""
    key = _overview_cache_key("overview-counts", user)
    by_state, by_city = cache.get(key) or (None, None)
    if by_state is None:
        by_state, by_city = _plan_count_rows(units)
        cache.set(key, (by_state, by_city), COUNTS_TIMEOUT)
    labels = dict(STATES)
    states = [{"key": key, "label": labels[key], "count": by_state.get(key, 0)} for key, _label in STATES]
    cities = [
        CityCount(
            city=row["division__city__name"] or "—",
            total=row["total"],
            not_started=row["not_started"],
            in_work=row["total"] - row["not_started"] - row["approved"],  # started, never approved yet
            approved=row["approved"],
            past_due=row["past"],
        )
        for row in by_city
    ]
    return {"states": states, "cities": cities, "total": sum(s["count"] for s in states)}


def _plan_count_rows(units: QuerySet[Unit]) -> tuple[dict[str, int], list[dict]]:
    by_state = {row["plan_state"]: row["n"] for row in units.order_by().values("plan_state").annotate(n=Count("pk"))}
    by_city = list(
        units.order_by()
        .values("division__city__code", "division__city__name")
        .annotate(
            total=Count("pk"),
            not_started=Count("pk", filter=Q(plan__isnull=True)),
            approved=Count("pk", filter=Q(plan__in_force__isnull=False)),
            past=Count("pk", filter=Q(past_due=True)),
        )
        .order_by("division__city__code")
    )
    return by_state, by_city


# ---------------------------------------------------------------------------------------------------------------
# The review: the submitted version against the one before it


@dataclass
class Baseline:
    """What a submitted version is compared with: the version in force, or this version as the bureau returned it."""

    kind: str  # "in_force" or "returned"
    label: str
    sections: object  # anything with the section attributes
    measures: list
    exact: bool = True  # False: the text as returned was not kept (plans/snapshots.py, "current")


def _returned_baseline(version: PlanVersion, event: PlanEvent) -> Baseline:
    label = _("v%(number)s as returned on %(date)s") % {
        "number": version.number,
        "date": timezone.localdate(event.created_at).isoformat(),
    }
    snapshot = event.snapshot
    return Baseline(
        "returned", label, snapshot_sections(snapshot), snapshot_measures(snapshot), exact=is_exact(snapshot)
    )


def review_baselines(*, plan: Plan, version: PlanVersion) -> dict[str, Baseline]:
    """The baselines a reviewer may compare `version` with, the most telling first: the text the bureau last
    returned (so the reviewer sees what the team changed), then the version in force. Both are stored rows — the
    returned text is kept on the RETURNED event — never a history lookup at an instant."""
    baselines: dict[str, Baseline] = {}
    returned = (
        version.events.filter(action=PlanEvent.Action.RETURNED, snapshot__isnull=False)
        .order_by("-created_at", "-pk")
        .first()
    )
    if returned:
        baselines["returned"] = _returned_baseline(version, returned)
    if plan.in_force_id and plan.in_force_id != version.pk:
        in_force = version_with_measures(plan.in_force)
        label = _("version %(number)s in force, approved on %(date)s") % {
            "number": in_force.number,
            "date": _local_day(in_force.approved_at),
        }
        baselines["in_force"] = Baseline("in_force", label, in_force, list(in_force.measures.all()))
    return baselines


def _local_day(moment: datetime.datetime | None) -> str:
    return timezone.localdate(moment).isoformat() if moment else "—"
