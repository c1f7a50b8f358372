"""The scale data's service archive and requests: ~50 activities and ~10 requests per scale unit over its time with
its team (the issue's 100× programme: ~750,000 activities and ~150,000 requests), with their participants, invited
experts, the measures they advanced (each with its progress note), a few attachments, and the requests' threads,
referrals and ratings, every clock consistent with huhang.workdays' rule and the models' constraints.

Built in chunks of units, so memory stays flat whatever the factor. Attachments are rows only: their files are not
written (a download of one answers "not found"); the lists and pages count and name them."""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict

from archives.models import (
    Activity,
    ActivityMeasure,
    Attachment,
    Referral,
    Request,
    RequestMessage,
    ResponseLimit,
    request_search_document,
)
from demo.archive import phrases
from demo.plans import FIELD_TOPICS
from demo.scale.base import (
    ACTIVITIES_PER_UNIT,
    LAST_DAY,
    REQUESTS_PER_UNIT,
    TZ,
    Scale,
    ScaleUnit,
    at,
    day_between,
    due_at,
    new_uid,
    received_on,
    working_day,
    write,
)
from plans.models import ProgressNote
from units.models import Division

CHUNK = 300  # units per round of inserts
WORD_SETS = 4  # sets of words per unit (topics, IP matters) its records draw on
CANDIDATE_CHANCE = 0.005  # of an activity to be among those the reports pick typical cases from
NOW = datetime.datetime(2026, 11, 25, 7, 30, tzinfo=TZ)  # demo/reminders.DEMO_NOW
ADVANCE_CHANCE = 0.2
ATTACHMENT_CHANCE = 0.06
ATTENDEE_KINDS = {Activity.Kind.VISIT, Activity.Kind.CONSULTATION, Activity.Kind.TRAINING}
CLOSED_SHARE = 0.85  # of answered requests older than two weeks, rated and closed by the unit
LATE_CHANCE = 0.08
ATTACHMENT_NAMES = [
    ("走访纪要", "pdf", "application/pdf"),
    ("会商记录", "docx", "application/msword"),
    ("现场照片", "jpg", "image/jpeg"),
]


# Subjects repeat (a few dozen asks): their documents are computed once.
_search_document = functools.cache(request_search_document)


class _Words(dict):
    def __missing__(self, key: str) -> str:
        return ""


def build_archive(scale: Scale) -> None:
    rng = scale.rng("archive")
    limits = {
        kind: (accept, answer)
        for kind, accept, answer in ResponseLimit.objects.values_list("kind", "accept_days", "answer_days")
    }
    cities = dict(Division.objects.filter(level=Division.Level.CITY).values_list("code", "name"))
    spans = [(_span(entry)[1] - _span(entry)[0]).days for entry in scale.units]
    mean_span = max(sum(spans) / max(len(spans), 1), 1)
    totals = defaultdict(int)
    for start in range(0, len(scale.units), CHUNK):
        chunk = scale.units[start : start + CHUNK]
        for name, count in _activities(scale, rng, chunk, mean_span, cities).items():
            totals[name] += count
        for name, count in _requests(scale, rng, chunk, mean_span, limits, cities).items():
            totals[name] += count
        if (start // CHUNK) % 10 == 9:
            scale.report(f"  archive: {start + len(chunk)} of {len(scale.units)} units")
    scale.report("  " + ", ".join(f"{name}: {count}" for name, count in totals.items()))


def _span(entry: ScaleUnit) -> tuple[datetime.date, datetime.date]:
    return entry.selected_on + datetime.timedelta(days=10), entry.removed_on or LAST_DAY


def _days(rng, entry: ScaleUnit, per_unit: int, mean_span: float) -> list[datetime.date]:
    first, last = _span(entry)
    count = max(1, round((last - first).days * per_unit / mean_span * rng.uniform(0.7, 1.3)))
    days = sorted(working_day(day_between(rng, first, last)) for _ in range(count))
    return [min(day, last) for day in days]


def _words(rng, entry: ScaleUnit, cities: dict[str, str]) -> _Words:
    return _Words(
        topic=rng.choice(FIELD_TOPICS.get(entry.field, ["核心技术"])),
        ip=rng.choice(phrases.IP_TOPICS),
        agency=rng.choice(phrases.AGENCIES),
        bank=rng.choice(phrases.BANKS),
        city=cities[entry.city],
        n=rng.randint(2, 9),
        m=rng.randint(2, 9),
        pct=rng.randint(10, 60),
    )


def _activities(scale: Scale, rng, chunk: list[ScaleUnit], mean_span: float, cities) -> dict[str, int]:
    activities, extras = [], []
    kinds, weights = list(phrases.KIND_WEIGHTS), list(phrases.KIND_WEIGHTS.values())
    for entry in chunk:
        team = scale.teams[entry.team_index]
        # A few sets of words per unit, not one per record: the unit's topics recur in its archive anyway.
        word_sets = [_words(rng, entry, cities) for _ in range(WORD_SETS)]
        for number, day in enumerate(_days(rng, entry, ACTIVITIES_PER_UNIT, mean_span)):
            words = rng.choice(word_sets)
            if number == 0:
                kind, summary, outcome = Activity.Kind.VISIT, phrases.FIRST_VISIT, phrases.FIRST_OUTCOME
            else:
                kind = rng.choices(kinds, weights=weights)[0]
                summary, outcome = rng.choice(phrases.SUMMARIES[kind])
            seat = rng.randrange(3)
            moment = at(rng, day)
            activities.append(
                {
                    "uid": new_uid(rng),
                    "unit_id": entry.pk,
                    "team_id": team.pk,
                    "date": day,
                    "kind": kind,
                    "summary": summary.format_map(words),
                    "outcome": outcome.format_map(words),
                    "follow_ups": rng.choice(phrases.FOLLOW_UPS).format_map(words),
                    "recorded_by_id": team.user_ids[seat],
                    "created_at": moment,
                    "updated_at": moment,
                }
            )
            extras.append((entry, team, seat, kind))
    keys = write(Activity, activities, ids=True)
    participants, experts, attendees, notes, advanced, attachments = [], [], [], [], [], []
    for key, activity, (entry, team, seat, kind) in zip(keys, activities, extras, strict=True):
        participants.append({"activity_id": key, "person_id": team.person_ids[seat]})
        if rng.random() < 0.5:
            other = team.person_ids[(seat + rng.randint(1, 2)) % 3]
            participants.append({"activity_id": key, "person_id": other})
        if rng.random() < phrases.EXPERT_CHANCE.get(kind, 0) / 2:
            expert = rng.choice(scale.experts)
            if expert not in team.person_ids:
                experts.append({"activity_id": key, "person_id": expert})
        if kind in ATTENDEE_KINDS and rng.random() < 0.7:
            attendees.append({"activity_id": key, "unitcontact_id": entry.contact_id})
        plan = scale.plans.get(entry.pk)
        if plan and plan["measures"] and activity["date"] > plan["approved"] and rng.random() < ADVANCE_CHANCE:
            notes.append(
                {
                    "measure_id": rng.choice(plan["measures"]),
                    "date": activity["date"],
                    "text": rng.choice(phrases.PROGRESS),
                    "author_id": activity["recorded_by_id"],
                    "created_at": activity["created_at"],
                    "updated_at": activity["created_at"],
                }
            )
            advanced.append(key)
        if rng.random() < ATTACHMENT_CHANCE:
            attachments.append(_attachment(rng, activity["recorded_by_id"], activity["created_at"], activity_id=key))
        if rng.random() < CANDIDATE_CHANCE:
            scale.candidates.append(
                ("activity", key, entry.pk, team.pk, kind, activity["date"], activity["created_at"])
            )
    write(Activity.team_participants.through, participants)
    write(Activity.experts.through, experts)
    write(Activity.unit_attendees.through, attendees)
    note_keys = write(ProgressNote, notes, ids=True)
    write(
        ActivityMeasure,
        [
            {"activity_id": key, "measure_id": note["measure_id"], "progress_note_id": note_key}
            for key, note, note_key in zip(advanced, notes, note_keys, strict=True)
        ],
    )
    write(Attachment, attachments)
    return {
        "activities": len(activities),
        "participants": len(participants),
        "invited experts": len(experts),
        "progress notes": len(notes),
        "activity attachments": len(attachments),
    }


def _attachment(rng, user_id: int, moment: datetime.datetime, **parent: int) -> dict:
    token = new_uid(rng).hex
    title, extension, content_type = rng.choice(ATTACHMENT_NAMES)
    return {
        "uid": new_uid(rng),
        "file": f"attachments/{token[:2]}/{token}.{extension}",
        "original_name": f"{title}.{extension}",
        "extension": extension,
        "content_type": content_type,
        "size": rng.randint(40_000, 4_000_000),
        "uploaded_by_id": user_id,
        "created_at": moment,
        "updated_at": moment,
        **parent,
    }


def _hours(value: float) -> datetime.timedelta:
    return datetime.timedelta(hours=value)


def _requests(scale: Scale, rng, chunk: list[ScaleUnit], mean_span: float, limits: dict, cities) -> dict[str, int]:
    kinds, weights = list(phrases.KIND_SHARE), list(phrases.KIND_SHARE.values())
    requests, threads = [], []
    for entry in chunk:
        team = scale.teams[entry.team_index]
        # A few sets of words per unit, not one per record: the unit's topics recur in its archive anyway.
        word_sets = [_words(rng, entry, cities) for _ in range(WORD_SETS)]
        for day in _days(rng, entry, REQUESTS_PER_UNIT, mean_span):
            kind = rng.choices(kinds, weights=weights)[0]
            ask = rng.choice(phrases.ASKS[kind])
            words = rng.choice(word_sets)
            submitted = at(rng, day, 8, 21)
            if submitted >= NOW:
                continue
            accept_days, answer_days = limits[kind]
            title = ask.title.format_map(words)[:120]
            on_behalf = rng.random() < 0.2
            request = {
                "uid": new_uid(rng),
                "unit_id": entry.pk,
                "team_id": team.pk,
                "kind": kind,
                "title": title,
                "search_document": _search_document(title),
                "description": ask.text.format_map(words),
                "on_behalf": on_behalf,
                "raised_by_id": team.user_ids[rng.randrange(3)] if on_behalf else entry.contact_user_id,
                "submitted_at": submitted,
                "received_on": received_on(submitted),
                "accept_due_at": due_at(submitted, accept_days),
                "answer_due_at": due_at(submitted, answer_days),
                "created_at": submitted,
                "updated_at": submitted,
            }
            thread = _clocks(rng, request, team, entry, ask, words, scale.experts)
            requests.append(request)
            threads.append(thread)
    keys = write(Request, requests, ids=True)
    messages, referrals, experts, attachments = [], [], [], []
    for key, request, thread in zip(keys, requests, threads, strict=True):
        for author, text, moment, internal, answer in thread["messages"]:
            messages.append(
                {
                    "request_id": key,
                    "author_id": author,
                    "text": text,
                    "is_internal": internal,
                    "is_answer": answer,
                    "created_at": moment,
                    "updated_at": moment,
                }
            )
        if thread["referral"]:
            referrals.append({"request_id": key, **thread["referral"]})
        if thread["expert"]:
            experts.append({"request_id": key, "person_id": thread["expert"]})
        if rng.random() < ATTACHMENT_CHANCE:
            attachments.append(_attachment(rng, request["raised_by_id"], request["submitted_at"], request_id=key))
        if request.get("rating") == 5 and rng.random() < CANDIDATE_CHANCE * ACTIVITIES_PER_UNIT / REQUESTS_PER_UNIT:
            day, closed = request["received_on"], request["closed_at"]
            scale.candidates.append(("request", key, request["unit_id"], request["team_id"], None, day, closed))
    write(RequestMessage, messages)
    write(Referral, referrals)
    write(Request.experts.through, experts)
    write(Attachment, attachments)
    return {
        "requests": len(requests),
        "messages": len(messages),
        "referrals": len(referrals),
        "request attachments": len(attachments),
    }


def _clocks(rng, request: dict, team, entry: ScaleUnit, ask, words, experts: list[int]) -> dict:
    """Sets the request's clocks and status as they stand at NOW; returns its thread (messages, referral, expert)."""
    thread = {"messages": [], "referral": None, "expert": None}
    submitted, kind = request["submitted_at"], request["kind"]
    late = rng.random() < LATE_CHANCE
    quick = rng.random() < phrases.QUICK.get(kind, 0.2)
    accepted = (
        request["accept_due_at"] + _hours(rng.uniform(1, 30)) if late else submitted + _hours(rng.uniform(0.3, 20))
    )
    answer_window = (request["answer_due_at"] - accepted).total_seconds() / 3600
    answered = (
        request["answer_due_at"] + _hours(rng.uniform(2, 120))
        if late
        else accepted + _hours(rng.uniform(0.5, max(answer_window, 1) * (0.3 if quick else 0.9)))
    )
    closed = answered + _hours(rng.uniform(12, 240))
    staff = team.user_ids[rng.randrange(3)]
    refer = rng.random() < phrases.REFER_CHANCE.get(kind, 0)
    request["status"] = Request.Status.SUBMITTED
    if accepted > NOW:
        return thread
    request["accepted_at"], request["accepted_by_id"] = accepted, staff
    request["status"] = rng.choice([Request.Status.ACCEPTED, Request.Status.IN_PROGRESS])
    if kind in phrases.EXPERT_KINDS and rng.random() < 0.2:
        expert = rng.choice(experts)
        if expert not in team.person_ids:
            thread["expert"] = expert
    if rng.random() < 0.3:
        note_at = accepted + (answered - accepted) / 2
        if note_at < NOW:
            thread["messages"].append((staff, rng.choice(phrases.NOTES).format_map(words), note_at, True, False))
    if answered > NOW:
        return thread
    request["answered_at"] = answered
    if refer:
        department = ask.department or "浙江省知识产权保护中心"
        replied = answered + _hours(rng.uniform(48, 400))
        reply = ask.department_reply.format_map(words) if ask.department_reply else ""
        thread["referral"] = {
            "department": department.format_map(words) or "浙江省知识产权保护中心",
            "contact": "",
            "referred_on": answered.astimezone(TZ).date(),
            "note": phrases.REFER_NOTE.format_map(_with(words, department=department, contact="办公室")),
            "referred_by_id": staff,
            "reply": reply if reply and replied < NOW else "",
            "replied_on": replied.astimezone(TZ).date() if reply and replied < NOW else None,
            "reply_recorded_by_id": staff if reply and replied < NOW else None,
            "created_at": answered,
            "updated_at": answered,
        }
        request["status"] = Request.Status.REFERRED
    else:
        thread["messages"].append((staff, ask.answer.format_map(words), answered, False, True))
        request["status"] = Request.Status.ANSWERED
        if rng.random() < 0.25:
            follow = answered + _hours(rng.uniform(2, 48))
            if follow < NOW:
                thread["messages"].append(
                    (entry.contact_user_id, rng.choice(phrases.UNIT_FOLLOW_UPS), follow, False, False)
                )
                again = follow + _hours(rng.uniform(1, 24))
                if again < NOW:
                    thread["messages"].append((staff, rng.choice(phrases.SECOND_ANSWERS), again, False, False))
    if closed < NOW and rng.random() < CLOSED_SHARE:
        request["status"] = Request.Status.CLOSED
        request["closed_at"] = closed
        request["rating"] = 3 if late else rng.choices([5, 4, 3], weights=[70, 25, 5])[0]
        request["rating_comment"] = rng.choice(phrases.LOW_COMMENTS if late else phrases.GOOD_COMMENTS)
    return thread


def _with(words: _Words, **more: str) -> _Words:
    combined = _Words(words)
    combined.update(more)
    return combined
