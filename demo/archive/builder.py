"""The demo programme's service archive and requests: the teams' work from spring 2025 to 24 November 2026.

Every listed unit has a record of visits, consultations, briefings, trainings, routine contacts and matchmaking by
its serving team (sometimes with invited experts, some advancing measures of the plan in force), and ~500 requests of
every kind in every state: waiting to be accepted (some past the limit), accepted, in progress, answered, referred to
another department (some with its reply recorded), closed with ratings, a few reopened; about one in ten answered
late. The `unit` login's unit and the `leader`'s team have a few of each, and the `expert` login is invited to some.

Everything is written through archives/services.py, so the records obey the workflow and its clocks. Where a service
stamps the real "now" (created_at, closed_at, a reopening's message, the history rows), the stamp is moved afterwards
with bulk updates to the moment the step happened; the constraints still hold. No attachment files are written: the
media directory stays clean.

Built whole or not at all: an activity or a request has no natural key (two visits on the same day are two records)
and a request is a history rather than a row that could be compared with its demo twin, so a rerun cannot tell which
records are already there. Any activity or request in the database therefore means the archive was built (or holds
real records, to which a demo must never add): build_archive then does nothing.
"""

from __future__ import annotations

import datetime
import itertools
import random
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import models

from accounts.models import Role, User
from archives.models import Activity, ActivityMeasure, Referral, Request, RequestKind, RequestMessage
from archives.services import (
    Advance,
    activity_create,
    referral_reply_record,
    request_accept,
    request_close,
    request_invite_expert,
    request_refer,
    request_reopen,
    request_reply,
    request_submit,
    response_limits,
)
from demo import plans as plans_demo
from demo.archive.phrases import (
    ADVANCE_WEIGHTS,
    AGENCIES,
    AREA_CODES,
    ASKS,
    BANKS,
    EXPERT_CHANCE,
    EXPERT_KINDS,
    EXPERT_NOTES,
    FIRST_OUTCOME,
    FIRST_VISIT,
    FOLLOW_UPS,
    GOOD_COMMENTS,
    IP_TOPICS,
    KIND_SHARE,
    KIND_WEIGHTS,
    LOW_COMMENTS,
    NOTES,
    POSITIONS,
    PROGRESS,
    PROGRESS_DONE,
    QUICK,
    REANSWERS,
    REFER_CHANCE,
    REFER_NOTE,
    REFERRALS,
    REOPEN_REASONS,
    SECOND_ANSWERS,
    SUMMARIES,
    UNIT_FOLLOW_UPS,
    Ask,
)
from demo.teams import DEMO_EXPERT
from demo.units import person_name
from huhang import workdays
from plans.models import Measure, Plan, PlanEvent, ProgressNote
from teams.models import Assignment, Membership, Person
from units.models import Unit, UnitContact

TZ = ZoneInfo("Asia/Shanghai")
LAST_DAY = datetime.date(2026, 11, 24)  # the day before the demo's "today" (2026-11-25)
CUTOFF = datetime.datetime(2026, 11, 25, tzinfo=TZ)  # nothing happens after yesterday
REQUESTS = 500  # each costs ~4 service calls (~40 ms): about 20 s of seed_demo
# Days between two activities for a unit (~500 in all since the first teams started in April 2025); the leader's
# team is busier.
MEAN_GAP = 265
SHOWCASE_GAP = 45

Kind = Activity.Kind


# A request's final state, as the demo intends it before the cutoff cuts a recent one short.
SUBMITTED, ACCEPTED, IN_PROGRESS, ANSWERED, CLOSED, REOPENED = (
    "submitted",
    "accepted",
    "in_progress",
    "answered",
    "closed",
    "reopened",
)
PENDING, REPLIED = "pending", "replied"  # a referral without / with the department's reply


@dataclass
class Served:
    """A listed unit with everything the builder needs about it."""

    unit: Unit
    since: datetime.date  # the serving team's assignment
    people: list[Person]  # the team, leader first
    contact_user: User
    contacts: list[UnitContact]
    topics: list[str]
    showcase: bool  # served by the demo logins' team
    asked: set[str] = field(default_factory=set)  # the unit does not ask the same twice while others are left
    measures: list[Measure] = field(default_factory=list)
    approved_on: datetime.date | None = None


@dataclass
class Story:
    """One request's life: the steps the services will be called with, in order."""

    served: Served
    kind: str
    ask: Ask
    raiser: User
    submitted_at: datetime.datetime
    steps: list[tuple[str, datetime.datetime, object]] = field(default_factory=list)


@dataclass
class Stamps:
    """The moments the steps happened, written over the services' "now" at the end in bulk; and the measures'
    statuses as the activities leave them."""

    activities: dict[int, datetime.datetime] = field(default_factory=dict)
    requests: dict[int, list[datetime.datetime]] = field(default_factory=dict)
    closed: dict[int, datetime.datetime] = field(default_factory=dict)
    messages: dict[int, datetime.datetime] = field(default_factory=dict)
    referrals: dict[int, list[datetime.datetime]] = field(default_factory=dict)
    measure_status: dict[int, str] = field(default_factory=dict)


def build_archive(*, rng: random.Random, units: list[Unit], people: list[Person]) -> None:
    """Builds the archive and the requests once; does nothing when any activity or request exists (see above)."""
    if Activity.objects.exists() or Request.objects.exists():
        return
    served = _served(units)
    if not served:
        return
    pool = [p for p in people if p.confidentiality_signed_on and p.is_active]
    demo_expert = next((p for p in pool if p.name == DEMO_EXPERT), None)
    stamps = Stamps()
    for day, unit_served, spec in sorted(_activity_specs(rng, served, pool, demo_expert), key=lambda s: s[0]):
        _record(unit_served, day, spec, stamps)
    for story in sorted(_stories(rng, served, pool, demo_expert), key=lambda s: s.submitted_at):
        _play(story, stamps)
    _apply(stamps)


# --- Who is who ------------------------------------------------------------------------------------------------


def _served(units: list[Unit]) -> list[Served]:
    """The listed units with their team (people with logins), contact login, topics and plan in force."""
    listed = list(
        Unit.objects.filter(pk__in=[u.pk for u in units], is_listed=True)
        .select_related("division__city")
        .prefetch_related("contacts")
    )
    order = {u.pk: index for index, u in enumerate(units)}
    listed.sort(key=lambda u: order[u.pk])
    assignments = {
        a.unit_id: a for a in Assignment.objects.filter(unit__in=listed, end__isnull=True).select_related("team")
    }
    seats = defaultdict(list)
    for membership in Membership.objects.select_related("person__user").order_by("team", "pk"):
        seats[membership.team_id].append(membership)
    users = _team_users(seats)
    contact_users = _contact_users(listed)
    showcase_team = assignments[listed[0].pk].team_id if listed and listed[0].pk in assignments else None
    served = []
    for unit in listed:
        assignment = assignments.get(unit.pk)
        if assignment is None:
            continue
        members = sorted(seats[assignment.team_id], key=lambda m: m.role != Membership.Role.LEADER)
        people = [users[m.person_id] for m in members]
        served.append(
            Served(
                unit=unit,
                since=assignment.start,
                people=people,
                contact_user=contact_users[unit.pk],
                contacts=list(unit.contacts.all()),
                topics=plans_demo.FIELD_TOPICS.get(unit.technical_field, plans_demo.DEFAULT_TOPICS),
                showcase=assignment.team_id == showcase_team,
            )
        )
    _plans_in_force(served)
    return served


def _team_users(seats: dict[int, list[Membership]]) -> dict[int, Person]:
    """Every seated person gets a login (unusable password) to record and answer with; the demo logins stay."""
    people = {}
    for membership in itertools.chain.from_iterable(seats.values()):
        person = membership.person
        if person.user_id is None:
            username = person.email.split("@")[0] if person.email else f"person-{person.pk}"
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, full_name=person.name, role=Role.TEAM_MEMBER, email=person.email)
                user.set_unusable_password()
                user.save()
            person.user = user
            person.save(update_fields=["user", "updated_at"])
        people[person.pk] = person
    return people


def _contact_users(listed: list[Unit]) -> dict[int, User]:
    """A login per unit for its primary contact (unusable password), unless the unit already has one (`unit`)."""
    existing = {}
    for user in User.objects.filter(role=Role.UNIT_CONTACT, unit__in=listed).order_by("username"):
        existing.setdefault(user.unit_id, user)
    for unit in listed:
        if unit.pk in existing:
            continue
        contact = next((c for c in unit.contacts.all() if c.is_primary), None)
        user = User(
            username=f"unit-{unit.credit_code}",
            full_name=contact.name if contact else "",
            email=contact.email if contact else "",
            role=Role.UNIT_CONTACT,
            unit=unit,
        )
        user.set_unusable_password()
        user.save()
        existing[unit.pk] = user
    return existing


def _plans_in_force(served: list[Served]) -> None:
    """The measures an activity may advance: those of the plan in force, from the day it was approved."""
    plans = {p.unit_id: p for p in Plan.objects.filter(unit__in=[s.unit for s in served], in_force__isnull=False)}
    approvals = dict(
        PlanEvent.objects.filter(
            action=PlanEvent.Action.APPROVED, version_id__in=[p.in_force_id for p in plans.values()]
        )
        .order_by("created_at")
        .values_list("version_id", "created_at")
    )
    measures = defaultdict(list)
    for measure in Measure.objects.filter(version_id__in=approvals).order_by("version", "pk"):
        measures[measure.version_id].append(measure)
    for s in served:
        plan = plans.get(s.unit.pk)
        if plan and plan.in_force_id in approvals:
            s.approved_on = approvals[plan.in_force_id].astimezone(TZ).date()
            s.measures = measures[plan.in_force_id]


# --- Time ------------------------------------------------------------------------------------------------------


def _at(rng: random.Random, day: datetime.date, first_hour: int = 9, last_hour: int = 17) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(rng.randint(first_hour, last_hour), rng.randint(0, 59)), TZ)


def _workday(rng: random.Random, day: datetime.date, chance: float = 0.93) -> datetime.date:
    """Most work happens on working days (official calendar, 调休 included); a little spills into weekends."""
    if rng.random() < chance and not workdays.is_working_day(day):
        day = workdays.next_working_day(day)
    return day


def _later(rng: random.Random, moment: datetime.datetime, low_minutes: int, high_minutes: int) -> datetime.datetime:
    return moment + datetime.timedelta(minutes=rng.randint(low_minutes, high_minutes))


# --- Activities ------------------------------------------------------------------------------------------------


def _activity_specs(rng, served: list[Served], pool: list[Person], demo_expert: Person | None):
    """(day, unit, spec) for every activity: all draws happen here, so the writing does not depend on order."""
    kinds, weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
    for s in served:
        gap = SHOWCASE_GAP if s.showcase else MEAN_GAP
        day = s.since + datetime.timedelta(days=rng.randint(5, 40))
        first = True
        while True:
            day = _workday(rng, day)
            if day > LAST_DAY:
                break
            kind = Kind.VISIT if first else rng.choices(kinds, weights=weights)[0]
            yield day, s, _activity_spec(rng, s, day, kind, first, pool, demo_expert)
            first = False
            day += datetime.timedelta(days=max(4, round(rng.expovariate(1 / gap))))


def _activity_spec(rng, s: Served, day, kind, first, pool, demo_expert) -> dict:
    facts = {
        "topic": rng.choice(s.topics),
        "ip": rng.choice(IP_TOPICS),
        "agency": rng.choice(AGENCIES),
        "bank": rng.choice(BANKS),
        "n": rng.randint(2, 9),
        "m": rng.randint(2, 12),
        "pct": rng.randint(85, 100),
    }
    summary, outcome = (FIRST_VISIT, FIRST_OUTCOME) if first else rng.choice(SUMMARIES[kind])
    leader, core = s.people[0], s.people[1:]
    if kind == Kind.ROUTINE_CONTACT:
        participants = [rng.choice(s.people)]
    elif rng.random() < 0.7:
        participants = [leader, *rng.sample(core, k=rng.randint(0, len(core)))]
    else:
        participants = rng.sample(s.people, k=rng.randint(1, len(s.people)))
    experts = []
    if rng.random() < EXPERT_CHANCE.get(kind, 0):
        candidates = [p for p in pool if p not in s.people]
        if demo_expert and s.showcase and rng.random() < 0.6:
            experts = [demo_expert]  # the `expert` login sees the work of the demo logins' team
        elif candidates:
            experts = rng.sample(candidates, k=rng.choice([1, 1, 1, 2]))
    attendees = [c for c in s.contacts if c.is_primary] if rng.random() < 0.8 or kind == Kind.ROUTINE_CONTACT else []
    others = "，".join(f"{person_name(rng)}（{rng.choice(POSITIONS)}）" for _ in range(rng.choice([0, 0, 1, 2, 3])))
    if kind == Kind.ROUTINE_CONTACT:
        others = ""  # a call or a message with the unit's contact
    advances = []
    count = rng.choices((0, 1, 2), weights=ADVANCE_WEIGHTS[kind])[0]
    # Progress is recorded on the plan in force, and not after the plans' own demo "today".
    if count and s.measures and s.approved_on and s.approved_on < day <= plans_demo.DEMO_TODAY:
        for measure in rng.sample(s.measures, k=min(count, len(s.measures))):
            advances.append((measure, rng.choice(PROGRESS), rng.random()))
    return {
        "kind": kind,
        "summary": summary.format(**facts),
        "outcome": outcome.format(**facts),
        "follow_ups": "" if kind == Kind.ROUTINE_CONTACT else rng.choice(FOLLOW_UPS).format(**facts),
        "participants": participants,
        "experts": experts,
        "attendees": attendees if kind != Kind.TRAINING or rng.random() < 0.5 else [],
        "others": others[:200],
        "advances": advances,
        "recorded_at": _at(rng, day, 16, 21),
    }


def _record(s: Served, day: datetime.date, spec: dict, stamps: Stamps) -> None:
    """Writes one activity. A measure it advances starts (not started → in progress) or, near its due day,
    may be done; a done or cancelled measure is not advanced again."""
    advances = []
    for measure, note, draw in spec["advances"]:
        status = stamps.measure_status.setdefault(measure.pk, measure.status)
        if status in (Measure.Status.DONE, Measure.Status.CANCELLED):
            continue
        new = None
        if status == Measure.Status.NOT_STARTED:
            new = Measure.Status.IN_PROGRESS
        elif measure.due_on and measure.due_on <= day + datetime.timedelta(days=30) and draw < 0.5:
            new, note = Measure.Status.DONE, PROGRESS_DONE
        if new:
            stamps.measure_status[measure.pk] = new
        advances.append(Advance(measure=measure, note=note, status=new))
    recorder = spec["participants"][0].user
    activity = activity_create(
        actor=recorder,
        unit=s.unit,
        date=day,
        kind=spec["kind"],
        summary=spec["summary"],
        outcome=spec["outcome"],
        follow_ups=spec["follow_ups"],
        team_participants=spec["participants"],
        experts=spec["experts"],
        unit_attendees=spec["attendees"],
        other_attendees=spec["others"],
        advances=advances,
    )
    stamps.activities[activity.pk] = min(spec["recorded_at"], CUTOFF - datetime.timedelta(minutes=1))


# --- Requests --------------------------------------------------------------------------------------------------


def _stories(rng, served: list[Served], pool: list[Person], demo_expert: Person | None) -> list[Story]:
    """The demo unit's showcase, then the rest of REQUESTS over the units, more for units served longer (and for
    the demo logins' team); older ones mostly closed, recent ones still open."""
    limits = {kind: response_limits(kind) for kind in RequestKind.values}
    stories = _showcase(rng, served[0], limits, demo_expert) if served[0].showcase else []
    weights = [(LAST_DAY - s.since).days * (3 if s.showcase else 1) for s in served]
    kinds, shares = list(KIND_SHARE), list(KIND_SHARE.values())
    for _ in range(REQUESTS - len(stories)):
        s = rng.choices(served, weights=weights)[0]
        kind = rng.choices(kinds, weights=shares)[0]
        first = s.since + datetime.timedelta(days=7)
        day = first + datetime.timedelta(days=rng.randint(0, max((LAST_DAY - first).days, 0)))
        # Mostly in office hours on working days; some in the evening or at the weekend.
        submitted = _at(rng, _workday(rng, day, 1.0), 8, 16) if rng.random() < 0.85 else _at(rng, day, 18, 22)
        submitted = min(submitted, CUTOFF - datetime.timedelta(hours=1))
        age = (CUTOFF - submitted).days
        path = _path(rng, age)
        refer = None
        if path not in (SUBMITTED, ACCEPTED, IN_PROGRESS, REOPENED) and rng.random() < REFER_CHANCE.get(kind, 0.02):
            refer = rng.choices((PENDING, REPLIED, CLOSED), weights=(15, 15, 70) if age > 60 else (40, 30, 30))[0]
        expert = None
        if rng.random() < (0.25 if kind in EXPERT_KINDS else 0.06):
            candidates = [p for p in pool if p not in s.people] or pool
            expert = demo_expert if demo_expert and s.showcase and rng.random() < 0.6 else rng.choice(candidates)
        stories.append(
            _story(rng, s, kind, submitted, path, limits, refer=refer, expert=expert, late=rng.random() < 0.12)
        )
    if served[0].showcase:
        # A generator of its own: the stories above stay what they were before these two were added.
        stories += _last_week(random.Random("last-week-2026"), served[0])  # nosec B311 # seeded demo data
    return stories


def _path(rng: random.Random, age: int) -> str:
    """The state a request is meant to end in; the cutoff leaves the youngest ones earlier in their course."""
    if age <= 30:
        weights = {SUBMITTED: 6, ACCEPTED: 10, IN_PROGRESS: 18, ANSWERED: 22, CLOSED: 44}
    elif age <= 90:
        weights = {SUBMITTED: 2, ACCEPTED: 2, IN_PROGRESS: 5, ANSWERED: 18, CLOSED: 70.5, REOPENED: 2.5}
    else:
        weights = {ANSWERED: 16, CLOSED: 82, REOPENED: 2}
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _showcase(rng, s: Served, limits, demo_expert: Person | None) -> list[Story]:
    """The demo unit's requests in every state, at fixed dates, so its contact and the leader see each one."""

    def at(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime.datetime:
        return datetime.datetime(year, month, day, hour, minute, tzinfo=TZ)

    K = RequestKind
    cases = [
        (K.CONSULTATION, at(11, 24, 15, 40), SUBMITTED, {}),  # fresh: its accept limit still runs
        (K.PRE_EXAMINATION, at(11, 19, 10, 15), SUBMITTED, {}),  # past its accept limit
        (K.GUIDANCE, at(11, 23, 9, 30), ACCEPTED, {}),
        (K.PATENT_NAVIGATION, at(11, 12, 10), IN_PROGRESS, {"expert": demo_expert}),
        (K.CONSULTATION, at(10, 26, 14, 20), IN_PROGRESS, {}),  # past its answer limit
        (K.CONSULTATION, at(11, 9, 9, 45), ANSWERED, {}),  # waits for the unit's rating
        (K.OTHER_DEPARTMENT, at(11, 10, 11), ANSWERED, {"refer": PENDING}),
        (K.ENFORCEMENT, at(10, 9, 16, 5), ANSWERED, {"refer": REPLIED, "expert": demo_expert}),
        (K.OTHER_DEPARTMENT, at(6, 15, 10, 30), CLOSED, {"refer": CLOSED, "rating": 5}),
        (K.GUIDANCE, at(9, 1, 9, 20), REOPENED, {"reanswer": False}),
        (K.CONSULTATION, at(4, 10, 10, year=2025), CLOSED, {"rating": 5}),
        (K.PRE_EXAMINATION, at(7, 8, 15, year=2025), CLOSED, {"rating": 5, "expert": demo_expert}),
        (K.PRIORITY_EXAMINATION, at(11, 20, 9, 10, year=2025), CLOSED, {"rating": 4}),
        (K.COMMERCIALISATION, at(3, 16, 14), CLOSED, {"rating": 5, "on_behalf": True}),
        (K.MONITORING, at(5, 12, 10, 40), CLOSED, {"rating": 2, "late": True}),
        (K.GUIDANCE, at(8, 3, 16), CLOSED, {"rating": 3}),
    ]
    options = {"late": False, "late_accept": False, "on_behalf": False}
    return [
        _story(rng, s, kind, submitted, path, limits, **(options | extra)) for kind, submitted, path, extra in cases
    ]


def _last_week(rng, s: Served) -> list[Story]:
    """Two requests of the demo unit from the week before the demo's today, at fixed moments, so that the demo's
    finder cycle (demo/reminders.py) finds recent events for the unit's contact and the city's officer: one answered
    on Monday 23 November (the contact's bell), one referred on Tuesday 24 November to the IP department of the unit's
    county, whose officers and the city's read it (the officer's bell)."""

    def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
        return datetime.datetime(2026, 11, day, hour, minute, tzinfo=TZ)

    leader, member = s.people[0].user, s.people[-1].user
    county = s.unit.division
    city = county.city or county
    facts = {"topic": rng.choice(s.topics), "n": rng.randint(2, 9), "m": rng.randint(2, 9), "city": city.name}
    stories = []
    for kind in (RequestKind.CONSULTATION, RequestKind.ENFORCEMENT):
        ask = rng.choice([a for a in ASKS[kind] if a.title not in s.asked] or ASKS[kind])
        s.asked.add(ask.title)
        ask = ask._replace(**{f: getattr(ask, f).format(**facts) for f in Ask._fields})
        stories.append(
            Story(s, kind, ask, s.contact_user, at(19, 10, 20) if kind == RequestKind.CONSULTATION else at(20, 9, 50))
        )
    answered, referred = stories
    answered.steps = [
        ("submit", answered.submitted_at, None),
        ("accept", at(19, 15, 5), leader),
        ("answer", at(23, 16, 40), (leader, answered.ask.answer)),
    ]
    department = f"{city.name}{county.name if county.city_id else ''}知识产权部门"
    note = f"该事项涉及属地执法协作，团队已将材料转交{department}，请协助跟进办理。"
    referred.steps = [
        ("submit", referred.submitted_at, None),
        ("accept", at(20, 14, 30), member),
        ("refer_division", at(24, 10, 15), (member, county, note)),
    ]
    return stories


def _story(
    rng,
    s: Served,
    kind: str,
    submitted: datetime.datetime,
    path: str,
    limits,
    *,
    refer: str | None = None,
    expert: Person | None = None,
    late: bool = False,
    late_accept: bool | None = None,
    on_behalf: bool | None = None,
    rating: int | None = None,
    reanswer: bool | None = None,
) -> Story:
    """Plans one request's steps with their moments, within the kind's limits (or `late` past the answer limit)."""
    ask = rng.choice([a for a in ASKS[kind] if a.title not in s.asked] or ASKS[kind])
    s.asked.add(ask.title)
    city = s.unit.division.city or s.unit.division
    facts = {"topic": rng.choice(s.topics), "n": rng.randint(2, 9), "m": rng.randint(2, 9), "city": city.name}
    if on_behalf is None:
        on_behalf = rng.random() < 0.15
    raiser = s.people[0].user if on_behalf else s.contact_user
    story = Story(s, kind, ask._replace(**{f: getattr(ask, f).format(**facts) for f in Ask._fields}), raiser, submitted)
    team_weights = [3, 2, 2][: len(s.people)]

    def team() -> User:
        return rng.choices(s.people, weights=team_weights)[0].user

    accept_days, answer_days = limits[kind]
    received = workdays.received_on(submitted)
    steps = [("submit", submitted, None)]
    t = submitted
    # A quick one is answered (or referred) within the accept limit, which accepts it too: no separate step.
    quick = path in (ANSWERED, CLOSED, REOPENED) and not (late or expert) and rng.random() < QUICK.get(kind, 0.1)
    noted = False
    if path != SUBMITTED and not quick:
        late_accept = rng.random() < 0.05 if late_accept is None else late_accept
        k = rng.randint(accept_days + 1, accept_days + 2) if late_accept else rng.choices([0, accept_days], (65, 35))[0]
        t = _at(rng, workdays.add_working_days(received, k), 9, 17)
        t = t if t > submitted else _later(rng, submitted, 20, 180)
        # Starting work on it (an internal note) accepts it as well.
        noted = path == IN_PROGRESS and rng.random() < 0.5
        steps.append(("note", t, (team(), rng.choice(NOTES).format(**facts))) if noted else ("accept", t, team()))
        if expert:
            t = _later(rng, t, 10, 240)
            steps.append(("invite", t, (team(), expert)))
    if path not in (SUBMITTED, ACCEPTED):
        if quick:
            answered = _at(rng, workdays.add_working_days(received, rng.choice([0, accept_days])), 9, 17)
        elif refer:  # the department is found within a couple of working days
            answered = _at(rng, workdays.add_working_days(received, rng.randint(0, 2)), 9, 17)
        else:
            k = answer_days + rng.randint(1, 6) if late else round(rng.triangular(0, answer_days, answer_days * 0.35))
            answered = _at(rng, workdays.add_working_days(received, k), 9, 18)
        if path == IN_PROGRESS:
            answered = _later(rng, t, 24 * 60, 6 * 24 * 60)  # the notes' horizon: no answer comes
        answered = answered if answered > t else _later(rng, t, 30, 240)
        if (path == IN_PROGRESS and not noted) or (not quick and rng.random() < 0.1):
            t = _between(rng, t, answered)
            steps.append(("note", t, (team(), rng.choice(NOTES).format(**facts))))
        if expert and expert.user_id and expert.user.role == Role.EXPERT:
            t = _between(rng, t, answered)
            steps.append(("note", t, (expert.user, rng.choice(EXPERT_NOTES).format(**facts))))
    if path in (ANSWERED, CLOSED, REOPENED):
        if refer:
            department, reply = (text.format(**facts) for text in _department(rng, kind, story.ask))
            area = AREA_CODES.get(city.name, "0571") if department.startswith(city.name) else "0571"
            contact = f"{person_name(rng)}，{area}-8{rng.randint(1000000, 9999999)}"
            note = REFER_NOTE.format(department=department, contact=contact)
            steps.append(("refer", answered, (team(), department, contact, note)))
            if refer != PENDING:
                replied = _at(rng, _workday(rng, answered.date() + datetime.timedelta(days=rng.randint(5, 25)), 1.0))
                replied = max(replied, _later(rng, answered, 60, 600))
                steps.append(("dept_reply", replied, (team(), reply)))
        else:
            steps.append(("answer", answered, (team(), story.ask.answer)))
            if rng.random() < 0.05:
                asked = _at(rng, _workday(rng, answered.date() + datetime.timedelta(days=rng.randint(0, 3))), 9, 20)
                asked = max(asked, _later(rng, answered, 30, 600))
                steps.append(("unit", asked, rng.choice(UNIT_FOLLOW_UPS)))
                again = _later(rng, asked, 60, 2 * 24 * 60)
                steps.append(("answer", again, (team(), rng.choice(SECOND_ANSWERS))))
    if path in (CLOSED, REOPENED) and refer in (None, CLOSED):
        closed = _after(rng, steps[-1][1], 0, 12)
        steps.append(("close", closed, _rating(rng, late, rating)))
        if path == REOPENED:
            reopened = _after(rng, closed, 3, 30)
            steps.append(("reopen", reopened, rng.choice(REOPEN_REASONS)))
            if reanswer if reanswer is not None else rng.random() < 0.7:
                again = _after(rng, reopened, 1, 6)
                steps.append(("answer", again, (team(), rng.choice(REANSWERS))))
                if rng.random() < 0.6:
                    steps.append(("close", _after(rng, again, 1, 10), _rating(rng, False, None)))
    story.steps = list(itertools.takewhile(lambda step: step[1] < CUTOFF, steps))
    return story


def _between(rng, start: datetime.datetime, end: datetime.datetime) -> datetime.datetime:
    """A moment in office hours strictly between two moments (their middle when none fits)."""
    day = start.date() + datetime.timedelta(days=rng.randint(0, max((end.date() - start.date()).days, 0)))
    moment = _at(rng, day, 9, 18)
    return moment if start < moment < end else start + (end - start) / 2


def _after(rng, moment: datetime.datetime, low_days: int, high_days: int) -> datetime.datetime:
    day = _workday(rng, moment.date() + datetime.timedelta(days=rng.randint(low_days, high_days)))
    later = _at(rng, day, 9, 20)
    return later if later > moment else _later(rng, moment, 30, 300)


def _department(rng, kind: str, ask: Ask) -> tuple[str, str]:
    if ask.department:
        return ask.department, ask.department_reply
    return rng.choice(
        REFERRALS.get(kind, [("浙江省知识产权保护中心", "已安排专人对接，相关事项已办理完毕，结果已告知单位。")])
    )


def _rating(rng, late: bool, rating: int | None) -> tuple[int, str]:
    """Mostly 4–5; a late answer is rated lower. A rating of 1–3 always comes with a comment."""
    if rating is None:
        rating = rng.choices((1, 2, 3, 4, 5), weights=(6, 10, 24, 35, 25) if late else (2, 3, 8, 28, 59))[0]
    if rating <= 3:
        return rating, LOW_COMMENTS[0] if late else rng.choice(LOW_COMMENTS[1:])
    return rating, rng.choice(GOOD_COMMENTS) if rng.random() < 0.25 else ""


def _play(story: Story, stamps: Stamps) -> None:
    """Calls the services step by step; keeps each step's moment for the request's history."""
    contact = story.served.contact_user
    request = referral = None
    moments = []
    for op, at, data in story.steps:
        if op == "submit":
            request = request_submit(
                actor=story.raiser,
                unit=story.served.unit,
                kind=story.kind,
                title=story.ask.title,
                description=story.ask.text,
                submitted_at=at,
            )
        elif op == "accept":
            request_accept(actor=data, request=request, at=at)
        elif op == "invite":
            request_invite_expert(actor=data[0], request=request, expert=data[1])
            continue  # an invitation changes no field of the request: no history row
        elif op in ("note", "answer"):
            request_reply(actor=data[0], request=request, text=data[1], internal=op == "note", at=at)
        elif op == "unit":
            request_reply(actor=contact, request=request, text=data, at=at)
        elif op == "refer":
            actor, department, contact_at, note = data
            referral = request_refer(
                actor=actor,
                request=request,
                department=department,
                contact=contact_at,
                referred_on=at.date(),
                note=note,
                at=at,
            )
            stamps.referrals[referral.pk] = [at, at]
        elif op == "refer_division":  # to the IP department of the unit's county: its officers read it
            actor, division, note = data
            referral = request_refer(
                actor=actor, request=request, division=division, referred_on=at.date(), note=note, at=at
            )
            stamps.referrals[referral.pk] = [at, at]
        elif op == "dept_reply":
            referral_reply_record(actor=data[0], referral=referral, reply=data[1], replied_on=at.date())
            stamps.referrals[referral.pk][1] = at
        elif op == "close":
            request_close(actor=contact, request=request, rating=data[0], comment=data[1])
            stamps.closed[request.pk] = at
        elif op == "reopen":
            request_reopen(actor=contact, request=request, reason=data)
            stamps.closed.pop(request.pk, None)
            stamps.messages[RequestMessage.objects.filter(request=request).latest("pk").pk] = at
        moments.append(at)
    stamps.requests[request.pk] = moments


# --- Backdating ------------------------------------------------------------------------------------------------


def _apply(stamps: Stamps) -> None:
    """Moves the services' "now" stamps to the moments the steps happened, a few bulk updates in all."""
    batch = 400
    Activity.objects.bulk_update(
        [Activity(pk=pk, created_at=at, updated_at=at) for pk, at in stamps.activities.items()],
        ["created_at", "updated_at"],
        batch_size=batch,
    )
    # An activity's history row and the progress notes it wrote carry the moment it was recorded.
    activity_ids = list(stamps.activities)
    recorded = Activity.objects.filter(pk=models.OuterRef("id")).values("created_at")[:1]
    Activity.history.model.objects.filter(id__in=activity_ids).update(history_date=models.Subquery(recorded))
    noted = ActivityMeasure.objects.filter(progress_note=models.OuterRef("pk")).values("activity__created_at")[:1]
    ProgressNote.objects.filter(activity_advance__activity_id__in=activity_ids).update(
        created_at=models.Subquery(noted), updated_at=models.Subquery(noted)
    )
    Request.objects.filter(pk__in=list(stamps.requests)).update(created_at=models.F("submitted_at"))
    Request.objects.bulk_update(
        [Request(pk=pk, updated_at=m[-1]) for pk, m in stamps.requests.items()], ["updated_at"], batch_size=batch
    )
    Request.objects.bulk_update(
        [Request(pk=pk, closed_at=at) for pk, at in stamps.closed.items()], ["closed_at"], batch_size=batch
    )
    _history(Request, stamps.requests)
    RequestMessage.objects.bulk_update(
        [RequestMessage(pk=pk, created_at=at) for pk, at in stamps.messages.items()], ["created_at"], batch_size=batch
    )
    RequestMessage.objects.filter(request_id__in=list(stamps.requests)).update(updated_at=models.F("created_at"))
    Referral.objects.bulk_update(
        [Referral(pk=pk, created_at=m[0], updated_at=m[-1]) for pk, m in stamps.referrals.items()],
        ["created_at", "updated_at"],
        batch_size=batch,
    )


def _history(model, moments: dict[int, list[datetime.datetime]]) -> None:
    """Each save wrote one history row, in order: row n gets the moment of step n."""
    historical = model.history.model
    rows = defaultdict(list)
    for record_id, history_id in (
        historical.objects.filter(id__in=list(moments)).order_by("id", "history_id").values_list("id", "history_id")
    ):
        rows[record_id].append(history_id)
    dated = [
        historical(history_id=history_id, history_date=at)
        for record_id, history_ids in rows.items()
        for history_id, at in zip(history_ids, moments[record_id], strict=False)
    ]
    historical.objects.bulk_update(dated, ["history_date"], batch_size=400)
