"""The province report (全省汇总: the bureau's whole programme, an officer's jurisdiction, a team member's own part)
and the teams' scorecards (绩效评价), each for one half year.

Thin: the documents and the scores come from reports/documents.py and reports/scorecard.py, which count over the
user's scope; here only which period and which city the user asked for, and whether they may ask for it (a period
outside the programme or a city outside the user's jurisdiction is 404).
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from rules.contrib.views import permission_required

from accounts.models import Role
from audit.models import Action
from audit.services import record
from huhang.models import ProgrammeSettings
from huhang.pagination import page_of
from reports import scorecard
from reports.caching import CACHE_SECONDS, cached_for_user, cached_province_report, cached_scorecards
from reports.exporting.jobs import export_cities
from reports.periods import FIRST_PERIOD, Period, periods_between

if TYPE_CHECKING:
    import datetime

    from django.http import HttpRequest, HttpResponse

    from units.models import Division


SCORECARD_PAGE_SIZE = 50
# The long lists of the report (units out of contact, cases, the scorecard) show their first rows on the page; the
# exported xlsx and PDF hold them all.
LIST_LIMIT = 50


def latest_ended(today: datetime.date) -> Period:
    """The last half year that has ended (the one being reported on), never before the programme's first."""
    return max(FIRST_PERIOD, Period.containing(today).previous)


def period_or_404(code: str, today: datetime.date) -> Period:
    """The period of a URL: a half year of the programme, from its first to the one running today."""
    try:
        period = Period.parse(code)
    except ValueError as bad:
        raise Http404 from bad
    if not FIRST_PERIOD <= period <= Period.containing(today):
        raise Http404
    return period


def period_choices(today: datetime.date) -> list[Period]:
    """Every period of the programme, the newest first."""
    return list(reversed(periods_between(FIRST_PERIOD, Period.containing(today))))


def _city_or_404(request: HttpRequest) -> tuple[str | None, list[Division]]:
    # The same rule as the exports' (every city for the bureau, their own for a city's officer, none otherwise).
    choices = list(export_cities(request.user))
    code = request.GET.get("city") or None
    if code is not None and code not in {city.code for city in choices}:
        raise Http404
    return code, choices


def _to_period(request: HttpRequest, name: str) -> HttpResponse:
    """The page of the period chosen in the selector (`?period=`, the city kept), else of the latest ended one."""
    today = timezone.localdate()
    code = request.GET.get("period")
    period = period_or_404(code, today) if code else latest_ended(today)
    url = reverse(name, kwargs={"code": period.code})
    city = request.GET.get("city")
    return redirect(f"{url}?{urlencode({'city': city})}" if city else url)


@permission_required("reports.view_province_report", raise_exception=True)
def province_latest(request: HttpRequest) -> HttpResponse:
    return _to_period(request, "reports:province")


@permission_required("reports.view_province_report", raise_exception=True)
def province_report(request: HttpRequest, code: str) -> HttpResponse:
    today = timezone.localdate()
    period = period_or_404(code, today)
    city, choices = _city_or_404(request)
    record(Action.READ, request=request, object_type="reports.province", object_id=code, detail={"city": city or ""})
    document = cached_province_report(
        user=request.user, period=period, city_code=city, today=today, list_limit=LIST_LIMIT
    )
    context = {
        "document": document,
        "period": period,
        "periods": period_choices(today),
        "city": city,
        "cities": choices if len(choices) > 1 else [],
        "as_of": period.as_of(today),
    }
    return render(request, "reports/province/report.html", context)


@permission_required("reports.view_scorecards", raise_exception=True)
def scorecards_latest(request: HttpRequest) -> HttpResponse:
    return _to_period(request, "reports:scorecards")


@permission_required("reports.view_scorecards", raise_exception=True)
def scorecards(request: HttpRequest, code: str) -> HttpResponse:
    """The teams ranked by their score, as reports/scorecard.py gives them to the user: the bureau every team; an
    officer the teams serving units of the jurisdiction; a team member their own team's row, with its rank among
    all the ranked teams but no other team's name or figures."""
    today = timezone.localdate()
    period = period_or_404(code, today)
    context = {
        "period": period,
        "periods": period_choices(today),
        "as_of": period.as_of(today),
        "formula_lines": [line for line in str(scorecard.FORMULA).splitlines() if line.strip()],
        "weights": _weights(),
    }
    if request.user.role == Role.TEAM_MEMBER:
        context |= {"rows": cached_scorecards(user=request.user, period=period, today=today), "own_only": True}
    else:
        page, table_key = _scorecard_page(request, period, today)
        context |= {"page_obj": page, "table_key": table_key, "cache_seconds": CACHE_SECONDS}
    return render(request, "reports/scorecard/list.html", context)


def _scorecard_page(request: HttpRequest, period: Period, today: datetime.date) -> tuple[Page, str]:
    """The page of the ranking asked for and the key of its table's HTML, cached by itself: the whole ranking holds
    every team (4,000 at the national scale), which a page should not read back from the cache to show fifty."""

    def build(key: str) -> tuple[int, int, list[scorecard.ScoreRow], str]:
        rows = scorecard.scorecards(user=request.user, period=period, today=today)
        page = page_of(request, rows, size=SCORECARD_PAGE_SIZE)
        return page.number, page.paginator.count, list(page.object_list), f"{key}:html"

    number, count, rows, table_key = cached_for_user(
        "scorecards-page", period.code, request.GET.get("page"), user=request.user, build=build
    )
    page = Paginator(range(count), SCORECARD_PAGE_SIZE, allow_empty_first_page=True).page(number)
    page.object_list = rows
    return page, table_key


def _weights() -> list[tuple[str, int]]:
    """Each component's label and its weight in the programme settings, as the page explains the score."""
    settings = ProgrammeSettings.current()
    return [(label, getattr(settings, field)) for _key, label, field in scorecard.COMPONENTS]
