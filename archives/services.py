"""Every write to the service archive and the requests.

Who may call what is decided by the rules in accounts/rules.py (checked by the views); these functions check the
records' state and the rules that belong to the domain itself (only the unit's own contact rates its request).
Each runs in one transaction: an activity whose attachment or measure fails is not saved at all.

The two forms that create a record (an activity, a request) carry a one-time token: sent twice, by a double click or
a retry on a slow phone, they create one record and the second call returns it. What each state of a request allows
is archives/workflow.py's table; these functions refuse the rest with code "state".
"""

from __future__ import annotations

import contextlib
import datetime
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from archives import workflow
from archives.attachments import CheckedUpload, check_upload
from archives.models import (
    DEFAULT_ACCEPT_DAYS,
    DEFAULT_ANSWER_DAYS,
    SERVICE_KINDS,
    Activity,
    ActivityComment,
    ActivityMeasure,
    Attachment,
    Referral,
    Request,
    RequestMessage,
    ResponseLimit,
    request_search_document,
)
from archives.staging import staged_checked, staged_consumed
from huhang import workdays
from huhang.locking import locked, require_status
from plans.models import Measure, PlanVersion
from plans.services import measure_progress

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from django.db.models.fields.files import FieldFile

    from accounts.models import User
    from archives.models import StagedUpload
    from teams.models import Person, Team
    from units.models import Division, Unit, UnitContact

Status = Request.Status
M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Advance:
    """A measure of the unit's plan in force that an activity advanced, with the progress it made."""

    measure: Measure
    note: str
    status: str | None = None  # a new status for the measure, e.g. done


def _serving_team(unit: Unit) -> Team | None:
    from teams.models import Team

    return Team.objects.filter(assignments__unit=unit, assignments__end__isnull=True).first()


def _check_files(files: Iterable[UploadedFile]) -> list[CheckedUpload]:
    """Every file is checked before anything is written: one refused file refuses the whole record."""
    return [check_upload(upload) for upload in files]


@contextlib.contextmanager
def _written_files() -> Iterator[list[FieldFile]]:
    """One transaction; files stored inside it are deleted again when it fails (Django has no on-rollback hook)."""
    stored: list[FieldFile] = []
    try:
        with transaction.atomic():
            yield stored
    except BaseException:
        for file in stored:
            file.storage.delete(file.name)
        raise


def _not_in_future(field: str, day: datetime.date, message: str) -> None:
    """Refuses (code "future", on `field`) a day after today: the archive records what has happened."""
    if day > timezone.localdate():
        raise ValidationError({field: ValidationError(message, code="future")})


def _once(model: type[M], *, token: uuid.UUID | None, owner: dict[str, Any], create: Callable[[], M]) -> M:
    """`create()` once per submission token: the record `owner` already sent with `token` if there is one, else a
    new one. A token is its sender's: another user's token never finds their record (the constraint is per sender).

    Looked up before anything is read or stored. When the same token comes twice at once, both attempts pass that
    check; the second insert then fails on the unique constraint (on PostgreSQL it waits for the first to commit).
    `create` runs in its own savepoint (`_written_files`), which rolls the losing attempt back and deletes the files
    it stored, so the winner can be read and returned in the same transaction."""
    if token is None:
        return create()
    earlier = model._default_manager.filter(submission_token=token, **owner).first()
    if earlier is not None:
        return earlier
    try:
        return create()
    except IntegrityError:
        earlier = model._default_manager.filter(submission_token=token, **owner).first()
        if earlier is None:  # another constraint failed: not a second submission
            raise
        return earlier


def _attach(*, actor: User, checked: list[CheckedUpload], stored: list[FieldFile], **parent) -> list[Attachment]:
    attachments = []
    for upload in checked:
        attachment = Attachment(
            **parent,
            original_name=upload.name,
            extension=upload.extension,
            content_type=upload.content_type,
            size=upload.size,
            uploaded_by=actor,
        )
        attachment.file.save(upload.name, upload.file, save=False)
        stored.append(attachment.file)
        attachment.full_clean()
        attachment.save()
        attachments.append(attachment)
    return attachments


def attachments_add(
    *,
    actor: User,
    files: Sequence[UploadedFile],
    activity: Activity | None = None,
    request: Request | None = None,
) -> list[Attachment]:
    """Adds files to an existing activity or request; all or none."""
    checked = _check_files(files)
    with _written_files() as stored:
        return _attach(actor=actor, checked=checked, stored=stored, activity=activity, request=request)


# --- Activities ------------------------------------------------------------------------------------------------


def activity_create(
    *,
    actor: User,
    unit: Unit,
    date: datetime.date,
    kind: str,
    summary: str,
    outcome: str = "",
    follow_ups: str = "",
    team_participants: Iterable[Person] = (),
    experts: Iterable[Person] = (),
    unit_attendees: Iterable[UnitContact] = (),
    other_attendees: str = "",
    advances: Sequence[Advance] = (),
    files: Sequence[UploadedFile] = (),
    staged: Sequence[StagedUpload] = (),
    token: uuid.UUID | None = None,
) -> Activity:
    """Records an activity. Each measure it advanced gets a progress note (plans.services.measure_progress), so
    the plan shows the progress too; the measures must be on the unit's plan in force. Its files are `files` and
    the `staged` ones kept from an earlier post of the form (archives/staging.py), which are then used up. With
    the `token` of an activity `actor` already recorded, returns that activity and writes nothing."""

    def create() -> Activity:
        _check_activity_date(date)
        with staged_checked(staged, actor=actor) as kept:
            checked = [*_check_files(files), *kept]
            return _activity_create(checked)

    def _activity_create(checked: list[CheckedUpload]) -> Activity:
        with _written_files() as stored:
            activity = Activity(
                unit=unit,
                team=_serving_team(unit),
                date=date,
                kind=kind,
                summary=summary.strip(),
                outcome=outcome.strip(),
                follow_ups=follow_ups.strip(),
                other_attendees=other_attendees.strip(),
                recorded_by=actor,
                submission_token=token,
            )
            activity.full_clean(exclude=["submission_token"])  # the database judges a token sent twice: _once
            activity.save()
            attendees = list(unit_attendees)
            if any(contact.unit_id != unit.pk for contact in attendees):
                raise ValidationError(_("Attendees must be contacts of the unit."), code="attendee_unit")
            activity.team_participants.set(list(team_participants))
            activity.experts.set(_signed_experts(experts))
            activity.unit_attendees.set(attendees)
            seen: set[int] = set()
            for advance in advances:
                measure = advance.measure
                version = PlanVersion.objects.select_related("plan").get(pk=measure.version_id)
                if version.plan.unit_id != unit.pk or version.plan.in_force_id != version.pk or measure.pk in seen:
                    raise ValidationError(
                        _("Only measures of the unit's plan in force can be advanced, each once."),
                        code="measure_plan",
                    )
                seen.add(measure.pk)
                note = measure_progress(
                    actor=actor, measure=measure, date=date, text=advance.note, status=advance.status
                )
                ActivityMeasure.objects.create(activity=activity, measure=measure, progress_note=note)
            _attach(actor=actor, checked=checked, stored=stored, activity=activity)
            staged_consumed(staged)
            return activity

    return _once(Activity, token=token, owner={"recorded_by": actor}, create=create)


def _check_activity_date(date: datetime.date) -> None:
    _not_in_future("date", date, _("The date cannot be in the future: record an activity once it has taken place."))


def _signed_experts(experts: Iterable[Person]) -> list[Person]:
    experts = list(experts)
    if any(not expert.confidentiality_signed_on or not expert.is_active for expert in experts):
        raise ValidationError(
            _("Only active experts who signed the confidentiality undertaking can be invited."), code="unsigned"
        )
    return experts


@transaction.atomic
def activity_update(
    *,
    actor: User | None,
    activity: Activity,
    date: datetime.date,
    kind: str,
    summary: str,
    outcome: str = "",
    follow_ups: str = "",
    team_participants: Iterable[Person] = (),
    experts: Iterable[Person] = (),
    unit_attendees: Iterable[UnitContact] = (),
    other_attendees: str = "",
) -> Activity:
    """Corrects an activity's record; the measures it advanced stay (their progress notes are on the plan)."""
    _check_activity_date(date)
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    activity.date, activity.kind = date, kind
    activity.summary, activity.outcome, activity.follow_ups = summary.strip(), outcome.strip(), follow_ups.strip()
    activity.other_attendees = other_attendees.strip()
    activity.full_clean()
    activity.save()
    attendees = list(unit_attendees)
    if any(contact.unit_id != activity.unit_id for contact in attendees):
        raise ValidationError(_("Attendees must be contacts of the unit."), code="attendee_unit")
    activity.team_participants.set(list(team_participants))
    # Experts already on the record stay even if their undertaking lapsed since; newly added ones must be signed.
    experts = list(experts)
    already = set(activity.experts.values_list("pk", flat=True))
    _signed_experts([expert for expert in experts if expert.pk not in already])
    activity.experts.set(experts)
    activity.unit_attendees.set(attendees)
    return activity


@transaction.atomic
def activity_invite_expert(*, actor: User | None, activity: Activity, expert: Person) -> None:
    activity.experts.add(*_signed_experts([expert]))


@transaction.atomic
def activity_comment_add(*, actor: User, activity: Activity, text: str) -> ActivityComment:
    """An opinion on an activity (专家意见): by an expert invited to it, or by the serving team in answer
    (archives.comment_activity). Read by the serving side only."""
    if not actor.has_perm("archives.comment_activity", activity):
        raise PermissionDenied
    comment = ActivityComment(activity=activity, author=actor, text=text.strip())
    if not comment.text:
        raise ValidationError({"text": ValidationError(_("Write your opinion."), code="required")})
    comment.full_clean()
    comment.save()
    return comment


# --- Requests --------------------------------------------------------------------------------------------------


def response_limits(kind: str) -> tuple[int, int]:
    """(accept, answer) working days for a request kind: the bureau's setting, else the built-in default."""
    limit = ResponseLimit.objects.filter(kind=kind).values_list("accept_days", "answer_days").first()
    if limit:
        return limit
    return DEFAULT_ACCEPT_DAYS, DEFAULT_ANSWER_DAYS["service" if kind in SERVICE_KINDS else "consultation"]


def request_submit(
    *,
    actor: User,
    unit: Unit,
    kind: str,
    title: str,
    description: str,
    files: Sequence[UploadedFile] = (),
    staged: Sequence[StagedUpload] = (),
    submitted_at: datetime.datetime | None = None,
    token: uuid.UUID | None = None,
) -> Request:
    """A unit's contact raises a request, or its team logs one on the unit's behalf (`on_behalf` then). The due
    datetimes are computed now, by huhang.workdays' rule, and stored, so reminders and reports query them in SQL.
    Its files are `files` and the `staged` ones kept from an earlier post of the form, which are then used up.
    With the `token` of a request `actor` already raised, returns that request and writes nothing."""
    if actor.role not in (Role.UNIT_CONTACT, Role.TEAM_MEMBER):
        raise PermissionDenied
    if actor.role == Role.UNIT_CONTACT and actor.unit_id != unit.pk:
        raise PermissionDenied

    def create() -> Request:
        with staged_checked(staged, actor=actor) as kept:
            return _request_create([*_check_files(files), *kept])

    def _request_create(checked: list[CheckedUpload]) -> Request:
        at = submitted_at or timezone.now()
        accept_days, answer_days = response_limits(kind)
        with _written_files() as stored:
            request = Request(
                unit=unit,
                team=_serving_team(unit),
                kind=kind,
                title=title.strip(),
                search_document=request_search_document(title.strip()),
                description=description.strip(),
                raised_by=actor,
                on_behalf=actor.role == Role.TEAM_MEMBER,
                submitted_at=at,
                received_on=workdays.received_on(at),
                accept_due_at=workdays.due_at(at, accept_days),
                answer_due_at=workdays.due_at(at, answer_days),
                submission_token=token,
            )
            request.full_clean(exclude=["submission_token"])  # the database judges a token sent twice: _once
            request.save()
            _attach(actor=actor, checked=checked, stored=stored, request=request)
            staged_consumed(staged)
            return request

    return _once(Request, token=token, owner={"raised_by": actor}, create=create)


def _require(request: Request, action: str) -> None:
    """Refuses (code "state") `action` unless archives/workflow.py allows it in the state the locked row is in."""
    require_status(
        request,
        *workflow.states_allowing(action),
        message=_("This is not possible while the request is %(status)s."),
    )


def _stop_accept_clock(request: Request, actor: User | None, at: datetime.datetime) -> None:
    if request.accepted_at is None:
        request.accepted_at, request.accepted_by = at, actor
        if request.status == Status.SUBMITTED:
            request.status = Status.ACCEPTED


def _save(request: Request) -> Request:
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def request_accept(*, actor: User | None, request: Request, at: datetime.datetime | None = None) -> Request:
    """The team accepts the request: stops the accept clock."""
    request = locked(request)
    _require(request, workflow.ACCEPT)
    _stop_accept_clock(request, actor, at or timezone.now())
    return _save(request)


@transaction.atomic
def request_invite_expert(*, actor: User | None, request: Request, expert: Person) -> Request:
    request = locked(request)
    _require(request, workflow.INVITE_EXPERT)
    request.experts.add(*_signed_experts([expert]))
    return request


def request_reply(
    *,
    actor: User,
    request: Request,
    text: str,
    internal: bool = False,
    files: Sequence[UploadedFile] = (),
    staged: Sequence[StagedUpload] = (),
    at: datetime.datetime | None = None,
) -> RequestMessage:
    """A post in the request's exchange.

    From the serving side (team, invited expert, bureau): an internal note stops no clock; the first post the unit
    can see is the answer — it stops the answer clock (and the accept clock, if still running) and the request is
    answered (a referred request stays referred: it waits for the department's reply). From the unit's contact:
    never internal, stops nothing; on an answered request it asks for more, so the request is in progress again.
    Its files are `files` and the `staged` ones kept from an earlier post of the form, which are then used up.
    """
    with staged_checked(staged, actor=actor) as kept, _written_files() as stored:
        message = _request_reply(
            actor=actor,
            request=request,
            text=text,
            internal=internal,
            at=at,
            checked=[*_check_files(files), *kept],
            stored=stored,
        )
        staged_consumed(staged)
        return message


def _request_reply(*, actor, request, text, internal, at, checked, stored) -> RequestMessage:
    request = locked(request)
    _require(request, workflow.REPLY)
    at = at or timezone.now()
    from_unit = actor.role == Role.UNIT_CONTACT
    if from_unit and actor.unit_id != request.unit_id:
        raise PermissionDenied
    if from_unit and internal:
        raise ValidationError(_("A unit cannot write internal notes."), code="internal")
    message = RequestMessage(request=request, author=actor, text=text.strip(), is_internal=internal)
    if from_unit:
        if request.status == Status.ANSWERED:
            request.status = Status.IN_PROGRESS
    elif internal:
        _stop_accept_clock(request, actor, at)  # working on it is accepting it
        if request.status == Status.ACCEPTED:
            request.status = Status.IN_PROGRESS
    else:
        _stop_accept_clock(request, actor, at)
        if request.answered_at is None:
            request.answered_at = at
            message.is_answer = True
        if request.status != Status.REFERRED:  # a referral waits for its reply, which the department may still send
            request.status = Status.ANSWERED
    message.full_clean()
    message.save()
    if at != message.created_at:
        RequestMessage.objects.filter(pk=message.pk).update(created_at=at)
    _save(request)
    _attach(actor=actor, checked=checked, stored=stored, request=request, message=message)
    return message


@transaction.atomic
def request_refer(
    *,
    actor: User,
    request: Request,
    referred_on: datetime.date,
    division: Division | None = None,
    department: str = "",
    contact: str = "",
    note: str = "",
    at: datetime.datetime | None = None,
) -> Referral:
    """Refers a request outside the programme's remit to another department (反馈对接): to the IP department of
    the unit's county or city (`division`; its officers then read the request and record the reply), or to another
    department named in `department`, with the `contact` there. Dated between the request's submission and today.
    Counts as the answer: it stops the answer clock (and the accept clock)."""
    request = locked(request)
    _require(request, workflow.REFER)
    _check_addressee(request, division=division, department=department.strip(), contact=contact.strip())
    _not_in_future("referred_on", referred_on, _("The date cannot be in the future."))
    submitted_on = timezone.localdate(request.submitted_at)
    if referred_on < submitted_on:
        message = _("The referral cannot be dated before the request was submitted (%(date)s).")
        raise ValidationError(
            {"referred_on": ValidationError(message, code="date_order", params={"date": submitted_on.isoformat()})}
        )
    at = at or timezone.now()
    referral = Referral(
        request=request,
        division=division,
        department=department.strip(),
        contact=contact.strip(),
        referred_on=referred_on,
        note=note.strip(),
        referred_by=actor,
    )
    referral.full_clean()
    referral.save()
    _stop_accept_clock(request, actor, at)
    if request.answered_at is None:
        request.answered_at = at
    request.status = Status.REFERRED
    _save(request)
    return referral


def _check_addressee(request: Request, *, division: Division | None, department: str, contact: str) -> None:
    """A referral goes to the IP department of the unit's county or city, or to one other department by name."""
    from archives.selectors import referral_divisions

    if division is not None and department:
        raise ValidationError(
            _(
                "Refer the request either to an IP department of the unit's city or county or to another department by"
                " name, not to both."
            ),
            code="addressee",
        )
    if division is not None:
        if division not in referral_divisions(unit=request.unit):
            message = _("Choose the IP department of the unit's city or county.")
            raise ValidationError({"division": ValidationError(message, code="division")})
        return
    if not department:
        raise ValidationError(
            {"department": ValidationError(_("Name the department the request is referred to."), code="required")}
        )
    if not contact:
        raise ValidationError(
            {"contact": ValidationError(_("Say whom you contacted at the department."), code="required")}
        )


@transaction.atomic
def referral_reply_record(*, actor: User, referral: Referral, reply: str, replied_on: datetime.date) -> Referral:
    """Records the other department's reply; the request is then answered and the unit may close it."""
    request = locked(referral.request)
    _require(request, workflow.RECORD_REPLY)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if not reply.strip():
        raise ValidationError(_("Write the department's reply."), code="required")
    _not_in_future("replied_on", replied_on, _("The date cannot be in the future."))
    if replied_on < referral.referred_on:
        raise ValidationError(_("The reply cannot come before the referral."), code="date_order")
    referral.reply, referral.replied_on, referral.reply_recorded_by = reply.strip(), replied_on, actor
    referral.full_clean()
    referral.save()
    request.status = Status.ANSWERED
    _save(request)
    return referral


def _require_unit_contact(actor: User, request: Request) -> None:
    if not (actor.is_authenticated and actor.role == Role.UNIT_CONTACT and actor.unit_id == request.unit_id):
        raise PermissionDenied


@transaction.atomic
def request_close(*, actor: User, request: Request, rating: int, comment: str = "") -> Request:
    """The unit's contact closes an answered request with a satisfaction rating (1–5) and an optional comment."""
    _require_unit_contact(actor, request)
    request = locked(request)
    _require(request, workflow.CLOSE)
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError(_("Rate from 1 to 5."), code="rating")
    request.status, request.rating, request.rating_comment = Status.CLOSED, rating, comment.strip()
    request.closed_at = timezone.now()
    return _save(request)


@transaction.atomic
def request_reopen(*, actor: User, request: Request, reason: str) -> Request:
    """The unit's contact reopens a closed request, saying why (posted in the exchange). The rating is withdrawn
    (kept in the history); the clocks are not restarted."""
    _require_unit_contact(actor, request)
    request = locked(request)
    _require(request, workflow.REOPEN)
    if not reason.strip():
        raise ValidationError(_("Say why the request is reopened."), code="required")
    request.status, request.rating, request.rating_comment, request.closed_at = Status.IN_PROGRESS, None, "", None
    request.reopen_count += 1
    _save(request)
    RequestMessage.objects.create(request=request, author=actor, text=reason.strip())
    return request


@transaction.atomic
def response_limit_set(*, actor: User | None, kind: str, accept_days: int, answer_days: int) -> ResponseLimit:
    """The bureau changes a kind's limits; requests submitted from now on use them."""
    limit = ResponseLimit.objects.select_for_update().filter(kind=kind).first() or ResponseLimit(kind=kind)
    limit.accept_days, limit.answer_days = accept_days, answer_days
    limit.full_clean()
    limit.save()
    return limit
