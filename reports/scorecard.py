"""The teams' scorecard (绩效评价): a score out of 100 per active team with units served in the half year, from the
weights the bureau sets in the programme settings and the figures of reports/figures.py, grouped by team (one query
per source for all teams). Each score comes with the figures under it and a link to the records, and the formula is
shown on the page (FORMULA), so a team can see why it ranks where it does."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from huhang.models import ProgrammeSettings
from reports.figures import NO_CONTACT_DAYS, figures_by_team, report_units
from reports.periods import Period
from teams.models import Assignment, Team
from teams.scopes import visible_teams

if TYPE_CHECKING:
    from accounts.models import User

FORMULA = gettext_lazy(
    "Score = 100 × Σ(weight × ratio) ÷ Σ(weights of the components with data), to one decimal. Each component is a "
    "ratio from 0 to 1:\n"
    "Plans approved on time: of the team's units served in the half year whose plan was due by its end, the share "
    "whose plan was first approved on or before its due date.\n"
    "Measures completed on time: of the measures of the plans in force due in the half year (cancelled ones left "
    "out), the share done on or before their due date.\n"
    "Contact with each unit: of the units the team serves at the end of the half year, the share with a recorded "
    "activity in the last 60 days.\n"
    "Requests answered in time: of the requests received in the half year, the share answered within their time "
    "limit (requests whose answer is not due yet are left out).\n"
    "Satisfaction: (average rating of the requests closed in the half year − 1) ÷ 4.\n"
    "The units' feedback: (average score of the units' feedback on the half year − 1) ÷ 4.\n"
    "A component without data (no plan due, no measure due, no unit served at the end, no request due, no rating, "
    "no feedback) is left out, and its weight is shared out over the others in proportion to their weights. Teams "
    "are ranked by score, then by name; equal scores share a rank."
)

COMPONENTS = [
    ("plan", gettext_lazy("Plans approved on time"), "weight_plan"),
    ("measures", gettext_lazy("Measures completed on time"), "weight_measures"),
    ("contact", gettext_lazy("Contact with each unit"), "weight_contact"),
    ("requests", gettext_lazy("Requests answered in time"), "weight_requests"),
    ("satisfaction", gettext_lazy("Satisfaction with requests"), "weight_satisfaction"),
    ("feedback", gettext_lazy("The units' feedback"), "weight_feedback"),
]


@dataclass
class Component:
    key: str
    label: str
    weight: int  # the configured weight, points out of 100
    ratio: float | None  # 0..1; None: no data in the half year (its weight goes to the others)
    points: float  # what the component adds to the score, after the weights of components without data are shared
    detail: str  # the figures under the ratio, e.g. "12 / 15 个举措按期完成"
    url: str  # the records behind it (a list filtered for the team), or "" where no list filters so


@dataclass
class ScoreRow:
    rank: int
    team: Team
    score: float  # 0–100, one decimal
    components: list[Component]
    ranked: int = 0  # how many teams were ranked: a team member sees their rank among them, not the others' rows


# A ratio as its numerator and denominator, in integers: the scores are exact until rounded once, to one decimal.
# (As Fractions, the arithmetic of 4,000 teams' scores took longer than their queries at 100×.)
Ratio = tuple[int, int]


def _one_decimal(value: float) -> float:
    return float(Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _share(part: int, whole: int) -> Ratio | None:
    return (part, whole) if whole else None


def _scaled(average: float | None) -> Ratio | None:
    """An average on 1–5 (one decimal, as the figures give it) as a ratio: 1 → 0, 5 → 1."""
    if average is None:
        return None
    numerator, denominator = Decimal(str(average)).as_integer_ratio()
    return (numerator - denominator, 4 * denominator)


def _texts() -> dict[str, str]:
    """The components' details in the reader's language, translated once per scorecard rather than once per team."""
    return {
        "of": _("%(done)s / %(total)s"),
        "plan": _("%(figures)s plans approved on time"),
        "measures": _("%(figures)s measures completed on time"),
        "contact": _("%(figures)s units contacted in the last %(days)s days"),
        "requests": _("%(figures)s requests answered in time"),
        "satisfaction": _("Average rating %(average)s from %(count)s ratings"),
        "feedback": _("Average score %(average)s from %(count)s units' feedback"),
    }


def _list_links(period: Period, as_of: datetime.date) -> dict[str, tuple[str, str]]:
    """Per component with a list, the list's address and its query after the team (`team=…&…`): reversed and
    encoded once per scorecard, where per team they were most of its time at 100× (16,000 reverse() calls)."""
    lists = {
        "plan": ("units:list", {}),
        "contact": ("archives:activity_list", {"date_from": period.start.isoformat(), "date_to": as_of.isoformat()}),
        "requests": (
            "archives:request_list",
            {"submitted_after": period.start.isoformat(), "submitted_before": period.end.isoformat()},
        ),
        "satisfaction": ("archives:request_list", {"status": "closed"}),
    }
    return {key: (reverse(name), urlencode(params)) for key, (name, params) in lists.items()}


def _ratios(figures: dict[str, Any]) -> dict[str, Ratio | None]:
    """Each component's ratio, from the team's grouped figures: all a rank needs."""
    units, measures = figures["units"], figures["measures"]["total"]
    requests, ratings, feedback = figures["requests"]["total"], figures["ratings"], figures["feedback"]
    return {
        "plan": _share(units["plans_on_time"], units["plans_due"]),
        "measures": _share(measures["done_on_time"], measures["due"]),
        "contact": _share(units["served_as_of"] - units["no_contact"], units["served_as_of"]),
        "requests": _share(requests["answered_in_time"], requests["received"] - requests["not_yet_due"]),
        "satisfaction": _scaled(ratings["average"]),
        "feedback": _scaled(feedback["average"]),
    }


def _details(team_id: int, figures: dict[str, Any], texts: dict[str, str], links: dict[str, tuple[str, str]]):
    """(detail, url) per component, for a row someone reads: the figures under each ratio and the records behind
    it; `links` empty: no urls."""
    units, measures = figures["units"], figures["measures"]["total"]
    requests, ratings, feedback = figures["requests"]["total"], figures["ratings"], figures["feedback"]
    due_requests = requests["received"] - requests["not_yet_due"]
    in_touch = units["served_as_of"] - units["no_contact"]
    of = texts["of"]

    def url(key: str) -> str:
        if key not in links:
            return ""
        path, query = links[key]
        return f"{path}?team={team_id}&{query}" if query else f"{path}?team={team_id}"

    return {
        "plan": (
            texts["plan"] % {"figures": of % {"done": units["plans_on_time"], "total": units["plans_due"]}},
            url("plan"),
        ),
        "measures": (
            texts["measures"] % {"figures": of % {"done": measures["done_on_time"], "total": measures["due"]}},
            "",
        ),
        "contact": (
            texts["contact"]
            % {"figures": of % {"done": in_touch, "total": units["served_as_of"]}, "days": NO_CONTACT_DAYS},
            url("contact"),
        ),
        "requests": (
            texts["requests"] % {"figures": of % {"done": requests["answered_in_time"], "total": due_requests}},
            url("requests"),
        ),
        "satisfaction": (
            texts["satisfaction"]
            % {"average": ratings["average"] if ratings["rated"] else "—", "count": ratings["rated"]},
            url("satisfaction"),
        ),
        "feedback": (
            texts["feedback"]
            % {"average": feedback["average"] if feedback["responses"] else "—", "count": feedback["responses"]},
            "",
        ),
    }


def _score(weights: dict[str, int], ratios: dict[str, Ratio | None]) -> float:
    """100 × Σ(weight × ratio) ÷ the weights with data: the exact sum (over a common denominator), rounded once.
    Python divides integers correctly rounded, so the float is the exact value's nearest, as from a Fraction."""
    given = {key: ratio for key, ratio in ratios.items() if ratio is not None}
    with_data = sum(weights[key] for key in given)
    if not with_data:
        return 0.0
    common = math.lcm(*(ratio[1] for ratio in given.values()))
    total = sum(100 * weights[key] * ratio[0] * (common // ratio[1]) for key, ratio in given.items())
    return _one_decimal(total / (common * with_data))


def _components(
    weights: dict[str, int], labels: dict[str, str], ratios: dict[str, Ratio | None], details: dict[str, tuple]
) -> list[Component]:
    """Each component of a row someone reads, with its points: 100 × weight × ratio ÷ the weights with data."""
    with_data = sum(weights[key] for key, ratio in ratios.items() if ratio is not None)
    components = []
    for key, ratio in ratios.items():
        points = 100 * weights[key] * ratio[0] / (ratio[1] * with_data) if ratio is not None and with_data else 0.0
        detail, url = details[key]
        components.append(
            Component(
                key=key,
                label=labels[key],
                weight=weights[key],
                ratio=None if ratio is None else round(ratio[0] / ratio[1], 4),
                points=_one_decimal(points),
                detail=detail,
                url=url,
            )
        )
    return components


def _teams_shown(user: User, period: Period, as_of: datetime.date, city_code: str | None = None) -> Q | None:
    """Which rows the user reads: the bureau every team's, a team member their teams', an officer (and the bureau
    in a city's report) those of the teams that served units of their jurisdiction (the city) in the half year;
    None for nobody."""
    if user.role == Role.BUREAU and city_code is None:
        return Q()
    if user.role == Role.TEAM_MEMBER:
        return Q(pk__in=visible_teams(user).values("pk"))
    if user.role in (Role.BUREAU, Role.OFFICER):
        served = Assignment.objects.filter(
            unit__in=report_units(user=user, city_code=city_code), start__lte=as_of
        ).filter(Q(end__isnull=True) | Q(end__gte=period.start))
        return Q(pk__in=served.values("team"))
    return None


def scorecards(
    *, user: User, period: Period, today: datetime.date | None = None, city_code: str | None = None
) -> list[ScoreRow]:
    """The scorecard of every active team with units served in `period`, ranked best first (by score, then by
    name; equal scores share a rank), as the user may read it: the ranks are those among all teams, the rows only
    the user's (reports.view_scorecards decides who calls this), and in a city's report (`city_code`, as
    report_units takes it) only those of the teams that served the city's units. A constant number of queries."""
    as_of = period.as_of(today or timezone.localdate())
    shown = _teams_shown(user, period, as_of, city_code)
    if shown is None:
        return []
    settings = ProgrammeSettings.current()
    active = Team.objects.filter(is_active=True)
    by_team = figures_by_team(teams=active, period=period, as_of=as_of)
    # Every active team at once rather than by a list of 4,000 ids, which PostgreSQL took longer to plan than to read.
    teams = active.in_bulk()
    weights = {key: getattr(settings, field) for key, _label, field in COMPONENTS}
    ratios = {team_id: _ratios(figures) for team_id, figures in by_team.items()}
    rows = [
        ScoreRow(rank=0, team=teams[team_id], score=_score(weights, team_ratios), components=[])
        for team_id, team_ratios in ratios.items()
    ]
    rows.sort(key=lambda row: (-row.score, row.team.name))
    for index, row in enumerate(rows):
        tied = index and row.score == rows[index - 1].score
        row.rank = rows[index - 1].rank if tied else index + 1
        row.ranked = len(rows)
    # Every team is scored for the ranks; the figures under a score are spelled out for the rows read only (a city's
    # report reads a fifth of the teams, a team member one or two).
    readable = set(active.filter(shown).values_list("pk", flat=True))
    rows = [row for row in rows if row.team.pk in readable]
    # The lists' team filter is offered to these readers only.
    links = _list_links(period, as_of) if user.has_perm("teams.browse_teams") else {}
    texts = _texts()
    labels = {key: str(label) for key, label, _field in COMPONENTS}
    for row in rows:
        details = _details(row.team.pk, by_team[row.team.pk], texts, links)
        row.components = _components(weights, labels, ratios[row.team.pk], details)
    return rows
