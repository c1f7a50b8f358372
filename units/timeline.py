"""The unit page's timeline: everything that happened to a unit, newest first, in one stream.

Units know none of the apps above them, so the stream is built from sources the apps register in their
`AppConfig.ready()` (the way the admin takes registrations): units its listing and IP profiles, teams the
assignments, plans the approvals and measures, the archive the activities, requests and referrals. Each source gives
one or more querysets of rows (date, kind, part, record) read through the user's scopes and filtered in SQL; the page
is their UNION ALL, counted and sliced in the database, and only the page's rows become events — one query per kind
on the page. So the page costs the same number of queries whatever the unit's history.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import CharField, Expression, F, IntegerField, QuerySet, Value
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from huhang.freshness import records_version
from huhang.html import format_html
from huhang.vocabulary import TaskArea
from huhang.widgets import Select
from units.models import IPProfile, ListingEvent, Unit

if TYPE_CHECKING:
    from django.utils.functional import Promise
    from django.utils.safestring import SafeString

    from accounts.models import User

TIMELINE_PER_PAGE = 30
MAX_TIMELINE_PAGE = 10_000  # a page number beyond any unit's history, so that the SQL's LIMIT stays a sane number
PAGE_PARAM = "tpage"  # not `page`: the unit page may one day carry other lists
COUNT_TIMEOUT = 600  # seconds; a change to the records makes a cached count unreachable before that
EXCERPT_CHARS = 80  # an activity's summary is cut here; one character more is fetched, so that the cut shows

# The columns of every source's rows, in this order; the UNION ALL matches them by position.
COLUMNS = ("event_date", "event_rank", "event_seq", "event_kind", "event_part", "event_record")
# Newest first; on one day, in the order of the sources, then each source's own order (newest record first).
ORDER = ("-event_date", "event_rank", "-event_seq", "-event_record")


@dataclass(frozen=True)
class TimelineEvent:
    date: datetime.date
    kind: str  # a source's kind, also a CSS class suffix
    icon: str  # a Bootstrap Icons name
    title: str
    detail: str = ""
    url: str = ""  # the record's own page, when it has one


@dataclass(frozen=True)
class TimelineRow:
    """One event before it is read: which record of which source, and which of the record's events (`part`)."""

    date: datetime.date
    kind: str
    part: str
    record: int


class TimelineSource:
    """A kind of event on the timeline. Subclasses set `kind`, `label` and `position` and give the rows and events."""

    kind: str
    label: str | Promise  # the filter's choice
    # Where the kind stands in the filter and among one day's events. Gaps leave each app room:
    # units 10 (listing) and 30 (IP profile), teams 20, plans 40–50, the archive 60–80.
    position: int

    def shown_to(self, user: User) -> bool:
        """Whether the user ever meets this kind on a unit's page (the filter offers only those)."""
        return True

    def rows(self, *, unit: Unit, user: User, area: str) -> Sequence[QuerySet]:
        """Querysets of `row_query(...)` for the unit's events that the user may read (`unit` is one they read), of
        task area `area` when given; none when nothing of this kind belongs to the area."""
        raise NotImplementedError

    def events(self, rows: Sequence[TimelineRow]) -> list[TimelineEvent]:
        """The events of the rows (all of this kind), in the rows' order: one query."""
        raise NotImplementedError

    def records(self, queryset: QuerySet, rows: Sequence[TimelineRow]) -> dict[int, Any]:
        """The rows' records from `queryset`, by id: one query, in no particular order."""
        return queryset.order_by().in_bulk({row.record for row in rows})

    def row_query(self, queryset: QuerySet, *, date: str | Expression, part: str = "", seq=None) -> QuerySet:
        """The rows of `queryset` as this source's events: `date` a date field or expression, `part` which of the
        record's events (a request's sending or its reply), `seq` the order among one day's events (the record's
        id unless given; the larger first)."""
        return timeline_rows(queryset, date=date, kind=self.kind, rank=self.position, part=part, seq=seq)


def timeline_rows(queryset: QuerySet, *, date: str | Expression, kind: str, rank: int, part: str = "", seq=None):
    """The columns every source's rows share, with the same names and types, so that the querysets combine."""
    return queryset.order_by().values(
        event_date=F(date) if isinstance(date, str) else date,  # a DateField, or TruncDate of a datetime
        event_rank=Value(rank, IntegerField()),
        event_seq=F("pk") if seq is None else seq,
        event_kind=Value(kind, CharField()),
        event_part=Value(part, CharField()),
        event_record=F("pk"),
    )


def local_date(field: str) -> TruncDate:
    """A datetime field's date in the current time zone (Asia/Shanghai), as the page shows it."""
    return TruncDate(field, tzinfo=timezone.get_current_timezone())


_sources: dict[str, TimelineSource] = {}


def register_timeline_source(source: TimelineSource) -> TimelineSource:
    """Called from an app's `AppConfig.ready()`; a kind is registered once."""
    existing = _sources.get(source.kind)
    if existing is not None and type(existing) is not type(source):
        raise ImproperlyConfigured(f"The timeline kind {source.kind!r} is registered twice.")
    _sources[source.kind] = source
    return source


def timeline_sources() -> list[TimelineSource]:
    return sorted(_sources.values(), key=lambda source: source.position)


def timeline_kinds(user: User) -> list[str]:
    """The kinds a reader may meet on the page, so the filter offers no kind that is always empty for them."""
    return [source.kind for source in timeline_sources() if source.shown_to(user)]


class TimelineFilter(forms.Form):
    """The timeline's filter, read from the unit page's GET parameters; an unknown value filters nothing."""

    # The selects render in one pass, without a template per option (huhang/widgets.py).
    kind = forms.ChoiceField(label=gettext_lazy("Kind of event"), required=False, widget=Select)
    area = forms.ChoiceField(
        label=gettext_lazy("Task area"),
        required=False,
        choices=[("", gettext_lazy("All task areas")), *TaskArea.choices],
        widget=Select,
    )

    def __init__(self, data=None, *, kinds: Iterable[str] | None = None):
        super().__init__(data)
        offered = set(kinds) if kinds is not None else set(_sources)
        self.fields["kind"].choices = [
            ("", gettext_lazy("All kinds")),
            *((source.kind, source.label) for source in timeline_sources() if source.kind in offered),
        ]

    def selection(self) -> dict[str, str]:
        self.is_valid()  # cleaned_data keeps the valid fields only
        return {name: self.cleaned_data.get(name, "") for name in ("kind", "area")}


def unit_timeline(*, unit: Unit, user: User, kind: str = "", area: str = "", page: str | int | None = None) -> Page:
    """One page of the unit's events that the user may read, newest first, of one kind and one task area when given
    (events without a task area — listing, team, IP profile, plan approval — have none, so an area filter leaves them
    out). Two queries for the page, then one per kind on it.

    The page's rows and count are kept in the cache under the reader's scope and the records version: building and
    planning the union of every source's rows cost the unit page more than running it, on every view of the unit
    (issue 14). The records the rows name are read afresh each time."""
    scope = f"{user.pk}:{user.role}:{user.division_id}:{user.unit_id}"
    key = f"{unit.pk}:{scope}:{kind}:{area}:{records_version()}"
    # The page as asked, digested: any text may come in `?tpage=`, and a cache key must stay short and plain.
    asked = hashlib.sha256(str(page or 1).encode()).hexdigest()[:16]
    page_key = f"units:timeline-page:{key}:{asked}"
    kept = cache.get(page_key)
    if kept is None:
        querysets = [
            queryset
            for source in timeline_sources()
            if source.shown_to(user) and kind in ("", source.kind)
            for queryset in source.rows(unit=unit, user=user, area=area)
        ]
        timeline = _TimelinePaginator(querysets, page, count_key=f"units:timeline-count:{key}").get_page(page)
        kept = (timeline.paginator.count, timeline.number, [_row(values) for values in timeline.object_list])
        cache.set(page_key, kept, COUNT_TIMEOUT)
    count, number, rows = kept
    timeline = Paginator(range(count), TIMELINE_PER_PAGE).page(number)  # the page's place among the count's rows
    timeline.object_list = _events(rows)
    return timeline


def timeline_items(events: Iterable[TimelineEvent]) -> list[SafeString]:
    """The `<li>` of each event of a page (templates/units/unit_detail.html's timeline), built in Python with every
    value escaped: thirty events through the template cost the unit page more than their queries."""
    items = []
    for event in events:
        title = format_html('<a href="{}">{}</a>', event.url, event.title) if event.url else event.title
        detail = format_html('<div class="small text-body-secondary">{}</div>', event.detail) if event.detail else ""
        items.append(
            format_html(
                '<li class="hh-timeline-{}" data-kind="{}"><i class="bi bi-{}" aria-hidden="true"></i>\n'
                '<span class="text-body-secondary small">{}</span>\n<div>{}</div>{}</li>',
                event.kind,
                event.kind,
                event.icon,
                event.date.strftime("%Y-%m-%d"),
                title,
                detail,
            )
        )
    return items


class _TimelinePaginator(Paginator):
    """Counts the whole union (index entries only), but reads the page from a union whose every branch is itself
    ordered and cut at the end of the requested page: each source then reads at most that many rows of the unit
    from its index, never the unit's whole history (where the database allows ORDER BY and LIMIT in a branch).

    The count is kept in the cache under `count_key`, which holds the version of the records (huhang/freshness.py:
    every write to the programme's tables, which reports/apps.py watches, bumps it) and the reader's scope: turning
    the page or coming back reads the page alone, and a count is never read after a change."""

    def __init__(self, querysets: list[QuerySet], page: str | int | None, *, count_key: str) -> None:
        self._querysets = querysets
        self._count_key = count_key
        super().__init__(self._union(querysets, upto=self._rows_upto(page)), TIMELINE_PER_PAGE)

    @staticmethod
    def _rows_upto(page: str | int | None) -> int | None:
        if not connection.features.supports_slicing_ordering_in_compound:
            return None
        try:
            number = int(page or 1)
        except (TypeError, ValueError):
            number = 1
        # A page past the last is answered with the last, which ends earlier: this bound covers it too.
        return min(max(number, 1), MAX_TIMELINE_PAGE) * TIMELINE_PER_PAGE

    @staticmethod
    def _union(querysets: list[QuerySet], *, upto: int | None) -> QuerySet | list:
        if not querysets:
            return []
        first, *others = querysets
        if not others:
            return first.order_by(*ORDER)  # one source: its own ORDER BY and the page's LIMIT
        if upto is not None:
            first, *others = (queryset.order_by(*ORDER)[:upto] for queryset in querysets)
        return first.union(*others, all=True).order_by(*ORDER)

    @cached_property
    def count(self) -> int:
        counted = cache.get(self._count_key)
        if counted is None:
            rows = self._union(self._querysets, upto=None)
            counted = rows.count() if isinstance(rows, QuerySet) else len(rows)
            cache.set(self._count_key, counted, COUNT_TIMEOUT)
        return counted


def _row(values: dict) -> TimelineRow:
    return TimelineRow(
        date=values["event_date"], kind=values["event_kind"], part=values["event_part"], record=values["event_record"]
    )


def _events(rows: list[TimelineRow]) -> list[TimelineEvent]:
    by_kind: dict[str, list[TimelineRow]] = {}
    for row in rows:
        by_kind.setdefault(row.kind, []).append(row)
    events: dict[TimelineRow, TimelineEvent] = {}
    for kind, kind_rows in by_kind.items():
        for row, event in zip(kind_rows, _sources[kind].events(kind_rows), strict=True):
            events[row] = event
    return [events[row] for row in rows]


# --- The units' own events --------------------------------------------------------------------------------------


class ListingSource(TimelineSource):
    """Selections and removals. The basis of selection and the reasons for removal are the bureau's, not the
    unit's: a unit contact does not meet them."""

    kind = "listing"
    label = gettext_lazy("Listing")
    position = 10

    def shown_to(self, user: User) -> bool:
        return user.role != Role.UNIT_CONTACT

    def rows(self, *, unit: Unit, user: User, area: str) -> list[QuerySet]:
        if area:
            return []
        return [self.row_query(ListingEvent.objects.filter(unit=unit), date="date")]

    def events(self, rows: Sequence[TimelineRow]) -> list[TimelineEvent]:
        listing = self.records(ListingEvent.objects.all(), rows)
        return [self._event(listing[row.record]) for row in rows]

    def _event(self, event: ListingEvent) -> TimelineEvent:
        selected = event.kind == ListingEvent.Kind.SELECTED
        if selected:
            title = _("Selected for the list (%(batch)s)") if event.batch else _("Selected for the list")
        else:
            title = _("Removed from the list (%(batch)s)") if event.batch else _("Removed from the list")
        return TimelineEvent(
            date=event.date,
            kind=self.kind,
            icon="flag" if selected else "x-circle",
            title=title % {"batch": event.batch} if event.batch else title,
            detail=event.reason,
        )


class IPProfileSource(TimelineSource):
    kind = "ip_profile"
    label = gettext_lazy("IP profile")
    position = 30

    def rows(self, *, unit: Unit, user: User, area: str) -> list[QuerySet]:
        if area:
            return []
        return [self.row_query(IPProfile.objects.filter(unit=unit), date="as_of")]

    def events(self, rows: Sequence[TimelineRow]) -> list[TimelineEvent]:
        profiles = self.records(IPProfile.objects.only("as_of", "invention_patents"), rows)
        return [
            TimelineEvent(
                date=profile.as_of,
                kind=self.kind,
                icon="graph-up",
                title=_("IP profile recorded: %(patents)d invention patents") % {"patents": profile.invention_patents},
            )
            for profile in (profiles[row.record] for row in rows)
        ]


register_timeline_source(ListingSource())
register_timeline_source(IPProfileSource())
