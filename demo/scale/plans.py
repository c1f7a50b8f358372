"""The scale data's service plans: one per listed scale unit, in the states the demo shows (demo/plans.py's weights,
a return folded into the waiting state: a returned version must carry the text as returned, which the scale data
has no use for), each version with 8–12 measures; a revision's measures carry from the version before."""

from __future__ import annotations

import datetime

from django.db.models import OuterRef, Subquery

from demo.plans import (
    APPROVED,
    CHARACTERISTICS_ENTERPRISE,
    CHARACTERISTICS_RESEARCH,
    FIELD_TOPICS,
    MAIN_NEEDS_ENTERPRISE,
    MAIN_NEEDS_RESEARCH,
    MEASURE_TEMPLATES,
    OVERDUE_DRAFT,
    RECOMMENDATIONS,
    RETURNED,
    REVISING,
    REVISION_RETURNED,
    REVISION_SUBMITTED,
    SECOND_VERSION,
    SUBMITTED,
    WEAK_LINKS,
    WEIGHTS,
    _fresh_status,
    _items,
    _status_on,
    plan_facts,
)
from demo.scale.base import LAST_DAY, Scale, ScaleUnit, at, day_between, insert, new_uid, write
from demo.units import RESEARCH
from huhang.models import ProgrammeSettings
from plans.models import Measure, Plan, PlanEvent, PlanVersion

LAST_DUE = datetime.date(2026, 12, 31)
FOLDED = {RETURNED: SUBMITTED, REVISION_RETURNED: REVISING}
Status = PlanVersion.Status
Action = PlanEvent.Action


def build_plans(scale: Scale) -> None:
    rng = scale.rng("plans")
    settings = ProgrammeSettings.current()
    listed = [entry for entry in scale.units if entry.removed_on is None]
    plans = insert(
        Plan,
        [
            Plan(
                uid=new_uid(rng),
                unit_id=entry.pk,
                due_on=max(
                    settings.first_plans_due, entry.selected_on + datetime.timedelta(days=settings.plan_due_days)
                ),
                created_at=at(rng, entry.selected_on + datetime.timedelta(days=12)),
                updated_at=at(rng, entry.selected_on + datetime.timedelta(days=12)),
            )
            for entry in listed
        ],
    )
    stories = [_story(rng, entry, plan) for entry, plan in zip(listed, plans, strict=True)]
    versions = insert(PlanVersion, [v for story in stories for v in story["versions"]])
    del versions  # the instances in the stories have their keys now
    # The versions point at their plan; the plan at its version in force and its working one. One UPDATE each (a
    # bulk_update of 15,000 plans builds CASE statements that take minutes); the demo's plans all have either.
    versions = PlanVersion.objects.filter(plan=OuterRef("pk"))
    Plan.objects.filter(in_force__isnull=True, working__isnull=True).update(
        in_force=Subquery(versions.filter(status=Status.APPROVED).values("pk")[:1]),
        working=Subquery(versions.filter(status__in=[Status.DRAFT, Status.SUBMITTED]).values("pk")[:1]),
    )
    _measures(scale, rng, listed, stories)
    events = [
        {
            "plan_id": story["plan"].pk,
            "version_id": version.pk,
            "action": action,
            "actor_id": scale.bureau_id if action == Action.APPROVED else actor,
            "comment": "",
            "snapshot": None,
            "created_at": moment,
            "updated_at": moment,
        }
        for story in stories
        for version, action, actor, moment in story["events"]
    ]
    write(PlanEvent, events)
    scale.report(f"  plans: {len(plans)}, versions: {sum(len(s['versions']) for s in stories)}, events: {len(events)}")


def _state(rng, entry: ScaleUnit) -> str:
    weights = WEIGHTS[(entry.selected_on.year, entry.selected_on.month)]
    state = rng.choices(list(weights), weights=list(weights.values()))[0]
    return FOLDED.get(state, state)


def _story(rng, entry: ScaleUnit, plan: Plan) -> dict:
    """The plan's versions and workflow events with their moments, by state."""
    state = _state(rng, entry)
    writer = None  # set by the caller's team: the leader's login (filled in _measures' pass)
    sections = _sections(rng, entry)
    started = entry.selected_on + datetime.timedelta(days=rng.randint(12, 20))
    submitted = started + datetime.timedelta(days=rng.randint(8, 20))
    approved = submitted + datetime.timedelta(days=rng.randint(3, 12))
    story = {"plan": plan, "state": state, "versions": [], "events": [], "in_force": None, "working": None}

    def version(number: int, status: str, day: datetime.date) -> PlanVersion:
        moment = at(rng, day)
        v = PlanVersion(
            plan=plan,
            number=number,
            status=status,
            ip_profile_id=entry.profile_id,
            revision=rng.randint(1, 6),
            created_at=moment,
            updated_at=moment,
            **sections,
        )
        story["versions"].append(v)
        return v

    def event(v: PlanVersion, action: str, day: datetime.date) -> None:
        story["events"].append((v, action, writer, at(rng, day)))

    if state == OVERDUE_DRAFT:
        v1 = version(1, Status.DRAFT, started)
        event(v1, Action.STARTED, started)
        story["working"] = v1
    elif state == SUBMITTED:
        v1 = version(1, Status.SUBMITTED, started)
        event(v1, Action.STARTED, started)
        event(v1, Action.SUBMITTED, min(submitted, LAST_DAY))
        story["working"] = v1
    else:
        revised = min(approved + datetime.timedelta(days=rng.randint(120, 300)), LAST_DAY - datetime.timedelta(30))
        revised = max(revised, approved + datetime.timedelta(days=1))
        v1_status = Status.SUPERSEDED if state == SECOND_VERSION else Status.APPROVED
        v1 = version(1, v1_status, started)
        event(v1, Action.STARTED, started)
        event(v1, Action.SUBMITTED, submitted)
        event(v1, Action.APPROVED, approved)
        story["in_force"] = v1
        story["approved"] = approved
        if state != APPROVED:
            v2_status = {SECOND_VERSION: Status.APPROVED, REVISING: Status.DRAFT, REVISION_SUBMITTED: Status.SUBMITTED}
            v2 = version(2, v2_status[state], revised)
            event(v2, Action.REVISED, revised)
            if state in (SECOND_VERSION, REVISION_SUBMITTED):
                event(v2, Action.SUBMITTED, revised + datetime.timedelta(days=rng.randint(5, 15)))
            if state == SECOND_VERSION:
                story["approved"] = revised + datetime.timedelta(days=rng.randint(16, 25))
                event(v2, Action.APPROVED, story["approved"])
                story["in_force"] = v2
            else:
                story["working"] = v2
    return story


def _sections(rng, entry: ScaleUnit) -> dict[str, str]:
    research = entry.category in RESEARCH
    topics = FIELD_TOPICS.get(entry.field, ["核心技术", "关键工艺", "主导产品"])
    facts = plan_facts(rng, noun="本单位", field=entry.field, topic=rng.choice(topics))
    characteristics = rng.choice(CHARACTERISTICS_RESEARCH if research else CHARACTERISTICS_ENTERPRISE)
    needs = MAIN_NEEDS_RESEARCH if research else MAIN_NEEDS_ENTERPRISE
    return {
        "ip_status": f"<p>{entry.name}的知识产权工作已有一定基础，{facts['topic']}方向形成了核心专利。</p>",
        "characteristics": f"<p>{characteristics.format(**facts)}</p>",
        "weak_links": _items(rng.sample(WEAK_LINKS, k=3)),
        "main_needs": _items([n.format(**facts) for n in rng.sample(needs, k=3)]),
        "recommendations": _items([r.format(**facts) for r in rng.sample(RECOMMENDATIONS, k=3)]),
    }


def _measures(scale: Scale, rng, listed: list[ScaleUnit], stories: list[dict]) -> None:
    """The measures of every version; a second version's carry from the first. The activities later advance the
    open measures of the version in force (scale.plans)."""
    first, second, owners = [], [], []  # second: (index in first, row)
    for entry, story in zip(listed, stories, strict=True):
        team = scale.teams[entry.team_index]
        story["events"] = [(v, action, team.user_ids[0], moment) for v, action, _, moment in story["events"]]
        versions = story["versions"]
        v1 = versions[0]
        written = v1.created_at.date()
        in_force = story["in_force"]
        for position in range(rng.randint(8, 12)):
            area = rng.choice(list(MEASURE_TEMPLATES))
            due_on = day_between(rng, written + datetime.timedelta(days=30), LAST_DUE)
            status = _status_on(rng, due_on) if in_force is not None else _fresh_status(rng)
            done_on = None
            if status == Measure.Status.DONE:
                done_on = min(max(due_on - datetime.timedelta(days=rng.randint(0, 20)), written), LAST_DAY)
            row = {
                "version_id": v1.pk,
                "position": position,
                "area": area,
                "content": rng.choice(MEASURE_TEMPLATES[area]).format(field=entry.field, topic=entry.field),
                "owner_id": rng.choice(team.person_ids) if rng.random() < 0.9 else None,
                "due_on": due_on,
                "status": status,
                "done_on": done_on,
                "carried_from_id": None,
                "created_at": v1.created_at,
                "updated_at": v1.created_at,
            }
            first.append(row)
            owners.append((entry.pk, in_force is v1))
            if len(versions) > 1:
                v2 = versions[1]
                copy = {**row, "version_id": v2.pk, "created_at": v2.created_at, "updated_at": v2.created_at}
                second.append((len(first) - 1, copy, in_force is v2))
    first_keys = write(Measure, first, ids=True)
    for index, copy, _ in second:
        copy["carried_from_id"] = first_keys[index]
    second_keys = write(Measure, [copy for _, copy, _ in second], ids=True)
    for entry, story in zip(listed, stories, strict=True):
        if story["in_force"] is not None:
            scale.plans[entry.pk] = {"approved": story["approved"], "measures": []}
    open_in_force = [
        (unit_pk, key)
        for key, row, (unit_pk, in_force) in zip(first_keys, first, owners, strict=True)
        if in_force and row["status"] == Measure.Status.IN_PROGRESS
    ]
    open_in_force += [
        (listed_unit, key)
        for key, (index, row, in_force) in zip(second_keys, second, strict=True)
        for listed_unit in [owners[index][0]]
        if in_force and row["status"] == Measure.Status.IN_PROGRESS
    ]
    for unit_pk, key in open_in_force:
        scale.plans[unit_pk]["measures"].append(key)
    scale.report(f"  measures: {len(first) + len(second)}")
