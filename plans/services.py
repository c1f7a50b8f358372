"""Every write to plans: the workflow draft → submitted → approved / returned, revisions, measures, progress.

Who may call what is checked by the views through accounts/rules.py; these functions check the plan's state.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from huhang.locking import locked, require_status
from huhang.models import ProgrammeSettings
from huhang.text import clean_text
from plans.deadlines import due_on_rule, plan_due_on
from plans.models import SECTIONS, Measure, Plan, PlanEvent, PlanVersion, ProgressNote
from plans.sanitising import sanitise
from plans.snapshots import version_snapshot
from teams.models import Membership, Person

if TYPE_CHECKING:
    from accounts.models import User
    from units.models import Unit

Status = PlanVersion.Status


class PlanConflict(Exception):
    """Someone saved the version since this editor loaded it. Carries what is stored now, so nothing is lost."""

    def __init__(self, current: PlanVersion):
        super().__init__("the plan version was changed by someone else")
        self.current = current


@transaction.atomic
def plan_deadlines_update(
    *, actor: User | None, first_plans_due: datetime.date, plan_due_days: int
) -> ProgrammeSettings:
    """Changes the programme's plan deadlines; plans not approved yet get their due date recomputed by the rule in
    plans/deadlines.py, approved ones keep theirs. A constant number of queries: the open plans take one UPDATE."""
    settings = ProgrammeSettings.objects.select_for_update().get(pk=ProgrammeSettings.current().pk)
    settings.first_plans_due = first_plans_due
    settings.plan_due_days = plan_due_days
    settings.full_clean()
    settings.save(update_fields=["first_plans_due", "plan_due_days", "updated_at"])
    Plan.objects.filter(in_force__isnull=True).update(due_on=due_on_rule(unit="unit", settings=settings))
    return settings


def _locked(version: PlanVersion) -> PlanVersion:
    return locked(version, "plan")


def _require(version: PlanVersion, *statuses: str) -> None:
    require_status(version, *statuses, message=_("This action is not possible while the plan is %(status)s."))


def _event(
    version: PlanVersion, action: str, actor: User | None, comment: str = "", snapshot: dict | None = None
) -> None:
    PlanEvent.objects.create(
        plan=version.plan, version=version, action=action, actor=actor, comment=comment, snapshot=snapshot
    )


@transaction.atomic
def plan_start(*, actor: User | None, unit: Unit) -> Plan:
    """Opens the unit's plan with a first draft, written against the unit's latest IP profile."""
    # The unit's row is locked so that two starts at once (a double click) give one plan and a clear refusal.
    type(unit).objects.select_for_update().filter(pk=unit.pk).first()
    if Plan.objects.filter(unit=unit).exists():
        raise ValidationError(_("This unit already has a plan."), code="exists")
    plan = Plan.objects.create(unit=unit, due_on=plan_due_on(unit=unit))
    version = PlanVersion.objects.create(plan=plan, number=1, ip_profile=unit.ip_profiles.order_by("-as_of").first())
    plan.working = version
    plan.save(update_fields=["working", "updated_at"])
    _event(version, PlanEvent.Action.STARTED, actor)
    return plan


@transaction.atomic
def plan_sections_save(*, actor: User | None, version: PlanVersion, revision: int, **sections: str) -> PlanVersion:
    """Saves the assessment sections if nobody else saved since `revision`; otherwise raises PlanConflict."""
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        raise TypeError(f"unknown sections {sorted(unknown)}")
    version = _locked(version)
    _require(version, Status.DRAFT, Status.RETURNED)
    if version.revision != revision:
        raise PlanConflict(version)
    for name, text in sections.items():
        setattr(version, name, sanitise(text))
    # The row is locked (select_for_update), so a plain increment is safe; an F() expression would also break the
    # historical record simple_history writes on save.
    version.revision += 1
    version.save(update_fields=[*sections, "revision", "updated_at"])
    return version


@transaction.atomic
def plan_submit(*, actor: User | None, version: PlanVersion) -> PlanVersion:
    version = _locked(version)
    _require(version, Status.DRAFT, Status.RETURNED)
    if not version.measures.exists():
        raise ValidationError(_("Add at least one measure before submitting the plan."), code="no_measures")
    missing = [PlanVersion._meta.get_field(name).verbose_name for name in SECTIONS if not getattr(version, name)]
    if missing:
        raise ValidationError(
            _("Fill in every section before submitting: %(sections)s is empty."),
            code="empty_sections",
            params={"sections": "、".join(str(name) for name in missing)},
        )
    version.status = Status.SUBMITTED
    version.save(update_fields=["status", "updated_at"])
    _event(version, PlanEvent.Action.SUBMITTED, actor)
    return version


@transaction.atomic
def plan_return(*, actor: User | None, version: PlanVersion, comment: str) -> PlanVersion:
    version = _locked(version)
    _require(version, Status.SUBMITTED)
    comment = clean_text(comment, keep_lines=True)
    if not comment:
        raise ValidationError({"comment": ValidationError(_("Say what the team should change."), code="required")})
    version.status = Status.RETURNED
    version.save(update_fields=["status", "updated_at"])
    # The text as returned, kept on the event: the review of the resubmission shows what the team changed since.
    _event(version, PlanEvent.Action.RETURNED, actor, comment, snapshot=version_snapshot(version))
    return version


@transaction.atomic
def plan_approve(*, actor: User | None, version: PlanVersion, comment: str = "") -> PlanVersion:
    """Puts the version in force; the version it replaces is kept as superseded."""
    version = _locked(version)
    _require(version, Status.SUBMITTED)
    plan = Plan.objects.select_for_update().get(pk=version.plan_id)
    if plan.in_force_id:
        PlanVersion.objects.filter(pk=plan.in_force_id).update(status=Status.SUPERSEDED, updated_at=timezone.now())
    version.status = Status.APPROVED
    version.save(update_fields=["status", "updated_at"])
    plan.in_force, plan.working = version, None
    plan.save(update_fields=["in_force", "working", "updated_at"])
    _event(version, PlanEvent.Action.APPROVED, actor, comment.strip())
    return version


@transaction.atomic
def plan_revise(*, actor: User | None, plan: Plan) -> PlanVersion:
    """Starts a new draft from the version in force; the approved one stays in force until the new one is."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.working_id:
        raise ValidationError(_("A new version of this plan is already being written."), code="open")
    if not plan.in_force_id:
        raise ValidationError(_("Only an approved plan can be revised."), code="not_approved")
    source = plan.in_force
    draft = PlanVersion.objects.create(
        plan=plan,
        number=source.number + 1,
        ip_profile=plan.unit.ip_profiles.order_by("-as_of").first() or source.ip_profile,
        **{name: getattr(source, name) for name in SECTIONS},
    )
    Measure.objects.bulk_create(
        Measure(
            version=draft,
            position=m.position,
            area=m.area,
            content=m.content,
            owner_id=m.owner_id,
            due_on=m.due_on,
            status=m.status,
            done_on=m.done_on,  # a measure done before the revision stays done on the day it was
            carried_from=m,
        )
        for m in source.measures.all()
    )
    plan.working = draft
    plan.save(update_fields=["working", "updated_at"])
    _event(draft, PlanEvent.Action.REVISED, actor)
    return draft


def _editable(version: PlanVersion) -> PlanVersion:
    version = _locked(version)
    _require(version, Status.DRAFT, Status.RETURNED)
    return version


@transaction.atomic
def measure_save(*, actor: User | None, version: PlanVersion, measure: Measure | None = None, **values: Any) -> Measure:
    """Adds a measure at the end of the list, or changes one, in a version still being written. A measure that
    becomes done is done on `done_on` if given (a record written after the fact), else today; one that leaves done
    loses its date."""
    version = _editable(version)
    if measure is None:
        last = version.measures.order_by("-position").values_list("position", flat=True).first()
        measure = Measure(version=version, position=(last or 0) + 1)
    elif measure.version_id != version.pk:
        raise ValidationError(_("This measure belongs to another version."), code="version")
    stored_due_on, stored_status = measure.due_on, measure.status
    for field in ("area", "owner", "due_on", "status"):
        if field in values:
            setattr(measure, field, values[field])
    if measure.status != stored_status or measure.pk is None:
        _mark_done_on(measure, values.get("done_on") or timezone.localdate())
    if "content" in values:
        measure.content = values["content"].strip()
    if measure.due_on != stored_due_on or measure.pk is None:
        # Only a date being set is checked: a measure carried into a revision keeps the date it was given then.
        _check_due_on(version, measure.due_on)
    measure.full_clean()
    measure.save()
    return measure


def _check_due_on(version: PlanVersion, due_on: datetime.date | None) -> None:
    """A measure cannot fall due before its version of the plan was started (code "before_version")."""
    started = timezone.localdate(version.created_at)
    if due_on is not None and due_on < started:
        raise ValidationError(
            {
                "due_on": ValidationError(
                    _("The due date cannot be before %(date)s, the day this version of the plan was started."),
                    code="before_version",
                    params={"date": started.isoformat()},
                )
            }
        )


@transaction.atomic
def measure_delete(*, actor: User | None, measure: Measure) -> None:
    _editable(measure.version)
    measure.delete()


@transaction.atomic
def measures_reorder(*, actor: User | None, version: PlanVersion, order: Sequence[int]) -> None:
    """Puts the version's measures in the given order of ids (all of them, each once)."""
    version = _editable(version)
    measures = {m.pk: m for m in version.measures.all()}
    if sorted(order) != sorted(measures):
        raise ValidationError(_("The list of measures has changed; reload the page."), code="stale")
    for position, pk in enumerate(order, start=1):
        measures[pk].position = position
    Measure.objects.bulk_update(measures.values(), ["position"])


@transaction.atomic
def measure_progress(
    *, actor: User, measure: Measure, date: datetime.date, text: str, status: str | None = None
) -> ProgressNote:
    """Records progress on a measure of the plan in force (also called by the archive when a visit advances it)."""
    measure = Measure.objects.select_for_update().select_related("version").get(pk=measure.pk)
    if measure.version.status != Status.APPROVED:
        raise ValidationError(_("Progress is recorded on the plan in force."), code="not_in_force")
    if date > timezone.localdate():
        message = _("The date cannot be in the future: record progress once it is made.")
        raise ValidationError({"date": ValidationError(message, code="future")})
    note = ProgressNote(measure=measure, date=date, text=text.strip(), author=actor)
    note.full_clean()
    note.save()
    if status and status != measure.status:
        measure.status = status
        _mark_done_on(measure, date)  # done on the day the progress was made, not the day it was recorded
        measure.full_clean()
        measure.save(update_fields=["status", "done_on", "updated_at"])
    return note


def _mark_done_on(measure: Measure, day: datetime.date) -> None:
    """Keeps `done_on` in step with a status that changes: `day` when the measure becomes done, cleared when it is
    reopened (or cancelled); the scorecard judges "done on time" against `due_on` with it."""
    if measure.status == Measure.Status.DONE:
        measure.done_on = day
    else:
        measure.done_on = None


def measure_owner_candidates(*, version: PlanVersion) -> QuerySet[Person]:
    """People who may own a measure of the version: the serving team's leader and core members first, then the
    pool's experts (active, with a signed confidentiality undertaking). A queryset, never a list: a form checks the
    one id it is given against it and the type-ahead reads a few matches, so the pool's size costs nothing."""
    seated = Membership.objects.filter(
        person=OuterRef("pk"),
        team__assignments__unit__plan=version.plan_id,
        team__assignments__end__isnull=True,
    )
    return (
        Person.objects.annotate(in_team=Exists(seated))
        .filter(Q(in_team=True) | Q(is_active=True, confidentiality_signed_on__isnull=False))
        .order_by("-in_team", "name", "pk")
    )
