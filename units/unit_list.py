"""What the apps above units add to the unit list and its Excel export: registered in their `AppConfig.ready()`.

Units know none of those apps, so an app that has something to say about every unit of the list (the serving team,
the plan's state) registers an extension: annotations on the list's queryset (one query for the page, whatever its
size), filters and sort keys for `units.filters.UnitFilter`, and columns, each a header and a cell that renders one
`<td>` for `unit`. A column may be a selection: a checkbox per row, first in the row, and above the table the form
whose buttons act on the ticked units (the checkboxes name that form by their `form` attribute).

Cells are built in Python with `huhang.html.format_html`, as Django's admin builds its changelist rows: a template
included per row and column cost the list more than its SQL (issue 14), and Django's own format_html more than the
rest of the row. `unit_rows` renders the page's rows.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from huhang.html import escape, format_html
from units.divisions import city_choices, county_choices
from units.models import Unit

if TYPE_CHECKING:
    import django_filters
    from django.db.models import QuerySet
    from django.http import HttpRequest
    from django.utils.functional import Promise

    from accounts.models import User


class Reader(Protocol):
    """Who reads the page, as a cell may ask: `has_perm`, each permission asked once per page."""

    def has_perm(self, perm: str, obj: object = None) -> bool: ...


@dataclass(frozen=True)
class UnitListColumn:
    label: str | Promise
    # The row's <td> for `unit` (escaped with huhang.html.format_html); `reader` for a cell that depends on permissions.
    cell: Callable[[Unit, Reader], SafeString]
    sort_key: str = ""  # the `o` parameter that sorts by the column (a key of the extension's `sort_fields`)
    permission: str = ""  # shown only to readers with this permission; "" for every reader
    # Makes the column a selection, shown before the unit's name; this template renders, above the table, the form
    # and buttons that act on the units ticked in the column's cells.
    actions_template_name: str = ""

    @property
    def is_selection(self) -> bool:
        return bool(self.actions_template_name)


def _no_annotations(units: QuerySet[Unit], user: User) -> QuerySet[Unit]:
    return units


def _no_filters(request: HttpRequest | None) -> dict[str, django_filters.Filter]:
    return {}


@dataclass(frozen=True)
class UnitListExtension:
    name: str  # the registering app's label, so that registering again replaces rather than doubles
    # What each row of a page needs from the app, as annotations (subqueries, joins) of the rows' queryset. The list
    # page annotates only its 25 rows (units.selectors.unit_list_rows), the export every row it writes.
    annotate: Callable[[QuerySet[Unit], User], QuerySet[Unit]] = _no_annotations
    # What the app's filters and sort keys read on every unit of the scope, as aliases (`FilteredRelation`): a join
    # only in the queries whose filter or order uses it, never in the count.
    alias: Callable[[QuerySet[Unit], User], QuerySet[Unit]] = _no_annotations
    # Filters by name, new instances for each filter set; none for a reader who may not use them. A filter's
    # `method` is a callable (queryset, name, value), as the filter set has no method of that name.
    filters: Callable[[HttpRequest | None], dict[str, django_filters.Filter]] = _no_filters
    sort_fields: Sequence[tuple[str, str]] = ()  # (field or annotation, `o` key), as OrderingFilter takes them
    # Sort fields through a relation a unit may lack (the serving team), each with the split of a queryset into the
    # units that have it and those that lack it. The list reads the first in the sort's order, which the relation's
    # index serves (25 rows, not the scope joined and sorted), then the others after them in either direction.
    partial_sorts: Mapping[str, Callable[[QuerySet[Unit]], tuple[QuerySet[Unit], QuerySet[Unit]]]] = field(
        default_factory=dict
    )
    columns: Sequence[UnitListColumn] = field(default_factory=tuple)


_extensions: dict[str, UnitListExtension] = {}


def register_unit_list_extension(extension: UnitListExtension) -> None:
    """Called from an app's `AppConfig.ready()`; extensions add their columns in the order they were registered."""
    _extensions[extension.name] = extension


def unit_list_extensions() -> list[UnitListExtension]:
    return list(_extensions.values())


def unit_list_columns(user: User | None = None) -> list[UnitListColumn]:
    """The registered columns; with a user, those the user may see (once per page, not once per row)."""
    columns = [column for extension in _extensions.values() for column in extension.columns]
    if user is None:
        return columns
    return [column for column in columns if not column.permission or user.has_perm(column.permission)]


def partial_sorts() -> dict[str, Callable[[QuerySet[Unit]], tuple[QuerySet[Unit], QuerySet[Unit]]]]:
    """The registered `partial_sorts`, by sort field."""
    return {name: split for extension in _extensions.values() for name, split in extension.partial_sorts.items()}


def annotate_unit_list(units: QuerySet[Unit], *, user: User) -> QuerySet[Unit]:
    for extension in _extensions.values():
        units = extension.annotate(units, user)
    return units


def alias_unit_list(units: QuerySet[Unit], *, user: User) -> QuerySet[Unit]:
    for extension in _extensions.values():
        units = extension.alias(units, user)
    return units


@functools.lru_cache(maxsize=64)
def _url_around(viewname: str, kwarg: str, marker: str, prefix: str, language: str | None) -> tuple[str, str]:
    return tuple(reverse(viewname, kwargs={kwarg: marker}).rsplit(marker, 1))


def row_url(viewname: str, **sentinel: object) -> Callable[[object], str]:
    """A URL whose one argument changes per row, reversed once (per script prefix and language) rather than once a
    row: `row_url("teams:detail", pk=987654321)(team_id)`. The sentinel is a value of the URL's converter that no
    record has."""
    ((kwarg, marker),) = sentinel.items()
    before, after = _url_around(viewname, kwarg, str(marker), get_script_prefix(), get_language())
    return lambda value: f"{before}{value}{after}"


def unit_rows(units: Iterable[Unit], *, columns: Sequence[UnitListColumn], reader: Reader) -> list[SafeString]:
    """The `<tr>` of each unit: the selection columns, the units' own cells, the other columns, the listing status.
    `columns` are those the reader may see (`unit_list_columns(user)`). Built in Python (every value escaped), as
    Django's admin builds its changelist rows, with huhang.html's escaping and the labels translated once for the
    page: this is the list's hot loop, and Django's format_html cost more per row than its SQL."""
    detail_url = row_url("units:detail", uid="00000000-0000-0000-0000-000000000000")
    selections = [column.cell for column in columns if column.is_selection]
    others = [column.cell for column in columns if not column.is_selection]
    categories = {value: escape(label) for value, label in Unit.Category.choices}
    status = {
        True: format_html('<td><span class="badge text-bg-success">{}</span></td>', _("On the list")),
        False: format_html('<td><span class="badge text-bg-secondary">{}</span></td>', _("Removed")),
    }
    # "city county" by code, and a city's name for a unit filed under its city: read and escaped once per process,
    # never a query per row.
    places = _escaped_labels(city_choices() + county_choices())
    rows = []
    for unit in units:
        place = places.get(unit.division_id) or escape(unit.division_id)
        category = categories.get(unit.category) or escape(unit.category)
        cells = [
            *(cell(unit, reader) for cell in selections),
            f'<td><a href="{escape(detail_url(unit.uid))}">{escape(unit.name)}</a></td>'
            f'<td class="font-monospace small">{escape(unit.credit_code)}</td><td>{category}</td><td>{place}</td>',
            *(cell(unit, reader) for cell in others),
            status[unit.is_listed],
        ]
        rows.append(SafeString(f"<tr>{''.join(cells)}</tr>"))  # nosec B703 # every cell escaped above
    return rows


@functools.lru_cache(maxsize=2)
def _escaped_labels(choices: tuple[tuple[str, str], ...]) -> dict[str, str]:
    return {value: escape(label) for value, label in choices}
