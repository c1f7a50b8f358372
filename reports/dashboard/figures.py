"""The dashboard's figures, read once each over the user's part of the programme: counted in SQL, in a number of
queries that does not grow with the programme.

Officers read no activity, team or person rows (their scopes are empty): for their jurisdiction the figures count the
activities, seats and invited experts of the units they read — figures about those units, never a record."""

from __future__ import annotations

import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

import rules
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from accounts.models import Role
from archives.models import Activity, Request, RequestKind
from archives.scopes import visible_activities, visible_requests
from plans.selectors import STATES, with_plan_state
from reports import selectors
from reports.dashboard.parts import ACTIVITY_MONTHS, month_end
from reports.figures import contacted_since
from reports.models import UnitFeedback
from reports.periods import Period
from reports.scopes import visible_typical_cases, visible_unit_feedback
from teams.models import Membership, Person, Team
from teams.scopes import visible_teams
from units.models import Division, Unit
from units.scopes import visible_units

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from accounts.models import User


def _by_choice(rows: QuerySet, field: str, choices: list[tuple[str, Any]], **counts: Count) -> list[dict[str, Any]]:
    """`rows` counted by `field` in one query: a dict per choice in the choices' order, with its key, its label and
    each of `counts` (0 where no row has the choice)."""
    found = {row[field]: row for row in rows.values(field).annotate(**counts).order_by()}
    return [
        {"key": key, "label": str(label), **{name: found.get(key, {}).get(name, 0) for name in counts}}
        for key, label in choices
    ]


class DashboardScope:
    """The user's units and the rows counted over them, each read once."""

    def __init__(self, user: User, today: datetime.date):
        self.user = user
        self.today = today
        self.units = visible_units(user)  # listed or removed: their activities and requests still count
        self.listed = selectors.listed_units_for_user(user=user)
        self.is_bureau = user.role == Role.BUREAU
        self.is_officer = user.role == Role.OFFICER
        self.conditions = self._coverage_conditions()
        self.team_names = (
            [] if self.is_bureau or self.is_officer else list(visible_teams(user).values_list("name", flat=True))
        )

    @property
    def label(self) -> str:
        if self.is_bureau:
            return _("The whole province")
        if self.is_officer:
            return self.user.division.name if self.user.division_id else ""
        return "、".join(self.team_names)

    def may(self, permission: str) -> bool:
        """Whether to link to a list: the `rules` permission alone (as the navigation asks), so that a refusal does
        not fall through to the database-backed permission backend."""
        return rules.has_perm(permission, self.user)

    def activities(self) -> QuerySet[Activity]:
        """The activities counted for the user: those they read, or for an officer (who reads none) those of the
        units of their jurisdiction — counted, never shown."""
        if self.is_officer:
            return Activity.objects.filter(unit__in=self.units)
        return visible_activities(self.user)

    def _coverage_conditions(self) -> dict[str, Q]:
        """reports.selectors.coverage_conditions, whose `guided` stage reads the activities through the user's scope:
        for an officer, whose scope holds no activity, a unit of their jurisdiction counts as serviced when any
        activity has been recorded for it."""
        conditions = selectors.coverage_conditions(user=self.user)
        if self.is_officer:
            serviced = Q(Exists(Activity.objects.filter(unit=OuterRef("pk"))))
            conditions["guided"] = conditions["served"] & conditions["approved"] & serviced
        return conditions

    @cached_property
    def _unit_groups(self) -> list[dict[str, Any]]:
        """The listed units counted by city, category and whether each stage's condition holds: one query, each
        condition evaluated once per unit. Counting every figure with its own FILTER would evaluate the conditions'
        correlated subqueries once per figure and per unit (four times for `served`), and the coverage, the cities
        and the categories were three passes over the units; coverage(), cities() and categories() add these
        groups up instead (a unit is in one city and one category, so the groups add)."""
        conditions = self.conditions
        flags = {
            "stage_served": conditions["served"],
            "stage_approved": conditions["approved"],
            "stage_guided": conditions["guided"],
            "stage_contacted": contacted_since(self.today),
        }
        return list(
            self.listed.annotate(
                city=Coalesce(F("division__city_id"), F("division_id")),
                **{
                    name: ExpressionWrapper(condition, output_field=BooleanField()) for name, condition in flags.items()
                },
            )
            .values("city", "category", *flags)
            .annotate(n=Count("pk"))
            .order_by()
        )

    def _units_where(self, **matches: Any) -> int:
        """How many listed units have each of `matches` (a field of _unit_groups and its value)."""
        return sum(row["n"] for row in self._unit_groups if all(row[name] == value for name, value in matches.items()))

    def coverage(self) -> dict[str, int]:
        """As reports.selectors.coverage_figures, and the served units with no service recorded in the last
        NO_CONTACT_DAYS days (`no_contact`, the half-year report's rule: reports.figures.contacted_since)."""
        listed = self._units_where()
        served = self._units_where(stage_served=True)
        approved = self._units_where(stage_approved=True)
        return {
            "listed": listed,
            "served": served,
            "approved": approved,
            "guided": self._units_where(stage_guided=True),
            "unserved": listed - served,
            "unapproved": listed - approved,
            "no_contact": self._units_where(stage_served=True, stage_contacted=False),
        }

    def cities(self) -> list[dict[str, Any]]:
        """The cities in code order with their listed and guided units: for the bureau all 11, for a part of the
        programme the cities where it has units (the map leaves the others blank). One query (the cities)."""
        counted = {row["city"] for row in self._unit_groups}
        return [
            {
                "code": code,
                "name": name,
                "listed": self._units_where(city=code),
                "guided": self._units_where(city=code, stage_guided=True),
            }
            for code, name in Division.objects.filter(level=Division.Level.CITY)
            .order_by("code")
            .values_list("code", "name")
            if self.is_bureau or code in counted
        ]

    def categories(self) -> list[dict[str, Any]]:
        return [
            {
                "key": key,
                "label": str(label),
                "listed": self._units_where(category=key),
                "guided": self._units_where(category=key, stage_guided=True),
            }
            for key, label in Unit.Category.choices
        ]

    def people(self) -> QuerySet[Person]:
        """The bureau: the active pool. Others: the people serving their units — the seats of the teams serving them
        and the experts invited to their activities or requests."""
        if self.is_bureau:
            return Person.objects.filter(is_active=True)
        seats = Membership.objects.filter(
            team__assignments__unit__in=self.listed, team__assignments__end__isnull=True
        ).values("person_id")
        invited = Q(pk__in=Activity.experts.through.objects.filter(activity__unit__in=self.units).values("person_id"))
        invited |= Q(pk__in=Request.experts.through.objects.filter(request__unit__in=self.units).values("person_id"))
        return Person.objects.filter(Q(pk__in=seats) | invited)

    def pool_kinds(self) -> list[dict[str, Any]]:
        return _by_choice(
            self.people(),
            "kind",
            Person.Kind.choices,
            total=Count("pk"),
            signed=Count("pk", filter=Q(confidentiality_signed_on__isnull=False)),
        )

    def team_count(self) -> int:
        """The bureau: the active teams. A team member: their teams. An officer: the teams serving units of their
        jurisdiction now (the unit page names them)."""
        if self.is_bureau:
            return Team.objects.filter(is_active=True).count()
        if self.is_officer:
            return (
                Team.objects.filter(assignments__unit__in=self.listed, assignments__end__isnull=True).distinct().count()
            )
        return len(self.team_names)

    def plan_figures(self) -> dict[str, Any]:
        """reports.selectors.plan_figures (in force, waiting for review, past due) and the listed units by their
        plan's state: the settings, then three queries."""
        planned = with_plan_state(self.listed)
        return {
            "figures": selectors.plan_figures(units=planned),
            "states": _by_choice(planned, "plan_state", STATES, count=Count("pk")),
        }

    def activity_months(self) -> list[dict[str, Any]]:
        """The last ACTIVITY_MONTHS months, oldest first, each with its activities in all and by kind: one query."""
        month = self.today.replace(day=1)
        months = [month]
        for _i in range(ACTIVITY_MONTHS - 1):
            months.insert(0, (months[0] - datetime.timedelta(days=1)).replace(day=1))
        # Grouped by day, not by DATE_TRUNC('month', date): the truncation casts every row's date to a timestamp,
        # which costs more than the count (twice the time over a year of activities at 100×); a year is at most 366
        # days × the kinds, added up by month here.
        rows = (
            self.activities()
            .filter(date__gte=months[0], date__lte=month_end(self.today))
            .values("date", "kind")
            .annotate(n=Count("*"))  # not COUNT(id): an index on (date, kind) serves the query alone
            .order_by()
        )
        counts: dict[tuple[datetime.date, str], int] = {}
        for row in rows:
            key = (row["date"].replace(day=1), row["kind"])
            counts[key] = counts.get(key, 0) + row["n"]
        return [
            {
                "month": start,
                "kinds": {kind: counts.get((start, kind), 0) for kind in Activity.Kind.values},
                "total": sum(counts.get((start, kind), 0) for kind in Activity.Kind.values),
            }
            for start in months
        ]

    def request_kinds(self, now: datetime.datetime) -> dict[str, Any]:
        """The requests of the user's units by kind: received, accepted and answered in time and the clocks judged
        so far (Request.objects.with_timeliness: stopped, or running past due), open, past due, ratings. One query;
        `total` sums the kinds."""
        # Every figure from the row's own columns and its clocks as with_timeliness judges them (as the lists do):
        # a clock judged late while still running is past due — Request.objects.accept_overdue / answer_overdue /
        # past_due, whose `pk IN (…)` subsets read the whole table (3.7 s at 100×). The requests are grouped by kind
        # and by each clock's judgement, so each judgement (a CASE) is evaluated once per request rather than once
        # per figure that counts it (ten times), and the figures are added up from the groups here.
        requests = (
            visible_requests(self.user) if self.is_bureau else visible_requests(self.user).filter(unit__in=self.units)
        )
        groups = (
            requests.with_timeliness(now=now)  # the clocks judged on the row itself, as the lists judge them
            .annotate(
                is_closed=ExpressionWrapper(Q(status=Request.Status.CLOSED), output_field=BooleanField()),
                accept_running=ExpressionWrapper(Q(accepted_at__isnull=True), output_field=BooleanField()),
                answer_running=ExpressionWrapper(Q(answered_at__isnull=True), output_field=BooleanField()),
            )
            .values("kind", "accept_met", "answer_met", "is_closed", "accept_running", "answer_running")
            .annotate(n=Count("pk"), rated=Count("pk", filter=Q(rating__isnull=False)), rating_sum=Sum("rating"))
            .order_by()
        )
        keys = (
            "received",
            "open",
            "past_due",
            "accept_overdue",
            "answer_overdue",
            "accepted_in_time",
            "accept_judged",
            "answered_in_time",
            "answer_judged",
            "rated",
            "rating_sum",
        )
        by_kind: dict[str, dict[str, int]] = {}
        for group in groups:
            n = group["n"]
            accept_overdue = group["accept_met"] is False and group["accept_running"]
            answer_overdue = group["answer_met"] is False and group["answer_running"]
            counted = {
                "received": n,
                "open": 0 if group["is_closed"] else n,
                "past_due": n if accept_overdue or answer_overdue else 0,
                "accept_overdue": n if accept_overdue else 0,
                "answer_overdue": n if answer_overdue else 0,
                "accepted_in_time": n if group["accept_met"] is True else 0,
                "accept_judged": 0 if group["accept_met"] is None else n,
                "answered_in_time": n if group["answer_met"] is True else 0,
                "answer_judged": 0 if group["answer_met"] is None else n,
                "rated": group["rated"],
                "rating_sum": group["rating_sum"] or 0,
            }
            kind = by_kind.setdefault(group["kind"], dict.fromkeys(keys, 0))
            for key, value in counted.items():
                kind[key] += value
        kinds = [
            {"key": key, "label": str(label), **by_kind.get(key, dict.fromkeys(keys, 0))}
            for key, label in RequestKind.choices
        ]
        total = {key: sum(kind[key] for kind in kinds) for key in keys}
        total["total"] = total["received"]
        return {"kinds": kinds, "total": total}

    def reports(self, period: Period) -> dict[str, Any] | None:
        """The half-year reports on `period` of the teams the user reads, as the bureau's period page counts them
        (reports.selectors.period_report_counts: the teams, the reports in each status, the late ones); None for
        an officer, as teams report to the bureau. Two queries (the settings, the counts)."""
        if self.is_officer:
            return None
        counts = selectors.period_report_counts(user=self.user, period=period, today=self.today)
        return {**counts, "due": selectors.report_due_on(period=period)}

    def feedback(self, period: Period) -> dict[str, Any]:
        """The units' feedback on `period`, in aggregate: how many units gave it and the average of every score.
        Officers (who read no feedback) get the aggregate over their jurisdiction's units. One query."""
        if self.is_officer:
            feedback = UnitFeedback.objects.filter(unit__in=self.units)
        else:
            feedback = visible_unit_feedback(self.user)
        feedback = feedback.filter(period=period.code)
        figures = feedback.aggregate(
            given=Count("pk", distinct=True), score_sum=Sum("scores__score"), scores=Count("scores")
        )
        return {
            "given": figures["given"],
            "average": (figures["score_sum"] / figures["scores"]) if figures["scores"] else None,
        }

    def typical_cases(self, period: Period) -> dict[str, int]:
        """Typical cases flagged among the user's units, for `period` and in all: one query."""
        return visible_typical_cases(self.user).aggregate(
            period=Count("pk", filter=Q(period=period.code)), total=Count("pk")
        )
