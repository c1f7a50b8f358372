"""Every read of units goes through here; each query starts from the user's scope (accounts/access.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import Http404

from huhang.masking import show_contact_details
from units.models import Division, IPProfile, Unit, UnitContact
from units.scopes import visible_units
from units.unit_list import alias_unit_list, annotate_unit_list, partial_sorts

if TYPE_CHECKING:
    import uuid
    from collections.abc import Callable, Sequence

    from accounts.models import User


def unit_list_for_user(*, user: User) -> QuerySet[Unit]:
    """The units a user may see, with what a list row shows — city, county, and what the apps above add to the list
    (units/unit_list.py: the serving team, the plan's state) — in one query: the export's rows."""
    units = alias_unit_list(visible_units(user), user=user)
    return annotate_unit_list(units.select_related("division__city"), user=user)


def unit_list_page_for_user(*, user: User) -> QuerySet[Unit]:
    """The units a user may see, for the list page to filter, sort, count and page: with the aliases the apps'
    filters and sort keys read, without the rows' annotations, which `unit_list_rows` adds to the page's units only.
    So the count and the page's ids never join what only 25 rows show."""
    return alias_unit_list(visible_units(user), user=user)


def unit_list_window(units: QuerySet[Unit]) -> Callable[[int, int], list[int]] | None:
    """How the list page reads the ids of rows `bottom` to `top` of `units` (its ids, filtered and ordered) when the
    sort's first key goes through a relation some units lack (units/unit_list.py: `partial_sorts`, the serving
    team); None for any other sort, which the queryset's slice serves.

    The units that have the relation come in the sort's order, which the relation's index serves a page at a time;
    those that lack it follow, by the tie-breakers, in either direction. A left join sorted instead would join and
    sort the whole scope for 25 rows. Past the first part, one count places the page in the second."""
    ordering = [str(key) for key in units.query.order_by]
    split = partial_sorts().get(ordering[0].lstrip("-")) if ordering else None
    if split is None:
        return None
    having, lacking = split(units)
    lacking = lacking.order_by(*ordering[1:])

    def window(bottom: int, top: int) -> list[int]:
        ids = list(having[bottom:top])
        if len(ids) == top - bottom:
            return ids
        before = bottom + len(ids) if ids else having.count()  # the rows that have the relation
        start = max(bottom - before, 0)
        return ids + list(lacking[start : start + top - bottom - len(ids)])

    return window


def unit_list_rows(*, user: User, ids: Sequence[int]) -> list[Unit]:
    """The page's units, in the order of `ids`, with what the rows show (the apps' annotations), in one query. The
    rows name their city and county from units.divisions.county_choices, so the divisions are not joined."""
    units = annotate_unit_list(visible_units(user).filter(pk__in=ids).defer("search_document"), user=user)
    by_id = {unit.pk: unit for unit in units.order_by()}
    return [by_id[pk] for pk in ids if pk in by_id]


def unit_get_for_user(*, user: User, uid: uuid.UUID | str, for_write: bool = False) -> Unit:
    """One unit: 404 when it does not exist or lies outside the user's scope; 403 to change it without the right."""
    try:
        unit = visible_units(user).select_related("division__city").get(uid=uid)
    except (Unit.DoesNotExist, ValueError) as missing:
        raise Http404 from missing
    if for_write and not user.has_perm("units.manage_units"):
        raise PermissionDenied
    return unit


def unit_detail(*, unit: Unit) -> Unit:
    """The unit page's own rows, fetched once each: contacts and IP profiles (newest first). The timeline
    (units/timeline.py) and the other apps' panels (units/unit_page.py) read their own."""
    prefetch_related_objects([unit], "contacts", Prefetch("ip_profiles", queryset=IPProfile.objects.order_by("-as_of")))
    return unit


def contacts_for_display(*, user: User, unit: Unit) -> list[UnitContact]:
    """The unit's contacts (prefetched by `unit_detail`) with `shown_phone` and `shown_email`: in full for those who
    call them (units.view_contact_details in units/rules.py), masked for everyone else."""
    in_full = user.has_perm("units.view_contact_details", unit)
    return show_contact_details(unit.contacts.all(), in_full=in_full)


def cities() -> QuerySet[Division]:
    return Division.objects.filter(level=Division.Level.CITY)


def counties() -> QuerySet[Division]:
    return Division.objects.filter(level=Division.Level.COUNTY).select_related("city")
