"""What the apps above units add to the unit list and its Excel export: registered in their `AppConfig.ready()`.

Units know none of those apps, so an app that has something to say about every unit of the list (the serving team,
the plan's state) registers an extension: annotations on the list's queryset (one query for the page, whatever its
size), filters and sort keys for `units.filters.UnitFilter`, and columns, each a header and a cell template that
renders one `<td>` for `unit`. A column may be a selection: a checkbox per row, first in the row, and above the table
the form whose buttons act on the ticked units (the checkboxes name that form by their `form` attribute).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import django_filters
    from django.db.models import QuerySet
    from django.http import HttpRequest
    from django.utils.functional import Promise

    from accounts.models import User
    from units.models import Unit


@dataclass(frozen=True)
class UnitListColumn:
    label: str | Promise
    template_name: str  # renders the row's <td> for `unit`
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
    # What each row needs from the app, as annotations (subqueries, joins) of the list's queryset.
    annotate: Callable[[QuerySet[Unit], User], QuerySet[Unit]] = _no_annotations
    # Filters by name, new instances for each filter set; none for a reader who may not use them. A filter's
    # `method` is a callable (queryset, name, value), as the filter set has no method of that name.
    filters: Callable[[HttpRequest | None], dict[str, django_filters.Filter]] = _no_filters
    sort_fields: Sequence[tuple[str, str]] = ()  # (field or annotation, `o` key), as OrderingFilter takes them
    columns: Sequence[UnitListColumn] = field(default_factory=tuple)


_extensions: dict[str, UnitListExtension] = {}


def register_unit_list_extension(extension: UnitListExtension) -> None:
    """Called from an app's `AppConfig.ready()`; extensions add their columns in the order they were registered."""
    _extensions[extension.name] = extension


def unit_list_extensions() -> list[UnitListExtension]:
    return list(_extensions.values())


def unit_list_columns() -> list[UnitListColumn]:
    return [column for extension in _extensions.values() for column in extension.columns]


def annotate_unit_list(units: QuerySet[Unit], *, user: User) -> QuerySet[Unit]:
    for extension in _extensions.values():
        units = extension.annotate(units, user)
    return units
