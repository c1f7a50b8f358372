"""Every write to units: typed, keyword-only, validated, atomic (STYLE.md)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from huhang.search import bigram_document
from huhang.text import clean_text, normalise_identifier, pinyin_initials
from units.credit_code import normalise_credit_code
from units.models import Division, IPProfile, ListingEvent, Unit, UnitContact
from units.validators import normalise_phone

if TYPE_CHECKING:
    from collections.abc import Iterable

    from accounts.models import User

UNIT_FIELDS = ("name", "credit_code", "category", "division", "technical_field", "address")


def _clean_unit_values(values: dict[str, Any]) -> dict[str, Any]:
    cleaned = dict(values)
    for field in ("name", "technical_field", "address"):
        if field in cleaned:
            cleaned[field] = clean_text(cleaned[field])
    if "credit_code" in cleaned:
        cleaned["credit_code"] = normalise_credit_code(cleaned["credit_code"])
    return cleaned


SEARCH_FIELDS = ("name_initials", "search_document")


def fill_search_fields(units: Iterable[Unit]) -> None:
    """Sets, in memory, what a search reads from each unit's name (SEARCH_FIELDS): its pinyin initials and the
    bigram document (huhang/search.py). Every path that writes a name calls it: the services below, and the bulk
    paths (the import, seed_scale) before `bulk_create` or `bulk_update(units, SEARCH_FIELDS)`."""
    for unit in units:
        unit.name_initials = pinyin_initials(unit.name)
        unit.search_document = bigram_document(unit.name, unit.name_initials)


def _save_unit(unit: Unit) -> Unit:
    fill_search_fields([unit])
    unit.full_clean()
    unit.save()
    return unit


@transaction.atomic
def unit_create(
    *,
    actor: User | None,
    name: str,
    credit_code: str,
    category: str,
    division: Division,
    selected_on: datetime.date,
    batch: str = "",
    basis: str = "",
    technical_field: str = "",
    address: str = "",
) -> Unit:
    """Adds a unit to the list: the unit and its first listing event (入选)."""
    values = _clean_unit_values(
        {
            "name": name,
            "credit_code": credit_code,
            "category": category,
            "division": division,
            "technical_field": technical_field,
            "address": address,
        }
    )
    unit = _save_unit(Unit(**values, is_listed=True))
    ListingEvent.objects.create(
        unit=unit,
        kind=ListingEvent.Kind.SELECTED,
        date=selected_on,
        batch=clean_text(batch),
        reason=clean_text(basis, keep_lines=True),
        recorded_by=actor,
    )
    return unit


@transaction.atomic
def unit_update(*, actor: User | None, unit: Unit, **values: Any) -> Unit:
    """Changes a unit's details; the previous values stay in the unit's history."""
    unknown = set(values) - set(UNIT_FIELDS)
    if unknown:
        raise TypeError(f"unit_update() got unexpected fields {sorted(unknown)}")
    for field, value in _clean_unit_values(values).items():
        setattr(unit, field, value)
    return _save_unit(unit)


def _latest_listing_date(unit: Unit, kind: ListingEvent.Kind) -> datetime.date | None:
    return unit.listing_events.filter(kind=kind).aggregate(latest=Max("date"))["latest"]


@transaction.atomic
def unit_remove(*, actor: User | None, unit: Unit, date: datetime.date, reason: str) -> ListingEvent:
    """Takes a unit off the list (调出). The unit and its records stay; the removal is an event in its history."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if not unit.is_listed:
        raise ValidationError(_("This unit is not on the list."), code="not_listed")
    reason = clean_text(reason, keep_lines=True)
    errors = {}
    if not reason:
        errors["reason"] = ValidationError(_("Give the reason for removing the unit from the list."), code="required")
    selected = _latest_listing_date(unit, ListingEvent.Kind.SELECTED)
    if selected is not None and date < selected:
        errors["date"] = ValidationError(
            _("A unit cannot be removed before it was selected: it was selected on %(selected)s."),
            code="before_selection",
            params={"selected": selected.isoformat()},
        )
    if errors:
        raise ValidationError(errors)
    event = ListingEvent(unit=unit, kind=ListingEvent.Kind.REMOVED, date=date, reason=reason, recorded_by=actor)
    event.full_clean()
    event.save()
    unit.is_listed = False
    unit.save(update_fields=["is_listed", "updated_at"])
    return event


@transaction.atomic
def unit_reselect(
    *, actor: User | None, unit: Unit, date: datetime.date, batch: str = "", basis: str = ""
) -> ListingEvent:
    """Puts a removed unit back on the list (入选 again, e.g. in a later batch)."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if unit.is_listed:
        raise ValidationError(_("This unit is already on the list."), code="listed")
    removed = _latest_listing_date(unit, ListingEvent.Kind.REMOVED)
    if removed is not None and date < removed:
        raise ValidationError(
            {
                "date": ValidationError(
                    _("A unit cannot be selected again before it was removed: it was removed on %(removed)s."),
                    code="before_removal",
                    params={"removed": removed.isoformat()},
                )
            }
        )
    event = ListingEvent(
        unit=unit,
        kind=ListingEvent.Kind.SELECTED,
        date=date,
        batch=clean_text(batch),
        reason=clean_text(basis, keep_lines=True),
        recorded_by=actor,
    )
    event.full_clean()
    event.save()
    unit.is_listed = True
    unit.save(update_fields=["is_listed", "updated_at"])
    return event


@transaction.atomic
def ip_profile_record(*, actor: User | None, unit: Unit, as_of: datetime.date, **figures: Any) -> IPProfile:
    """Adds the unit's IP figures as of a date. Snapshots are never edited, so the change over time shows."""
    if as_of > timezone.localdate():
        raise ValidationError(
            {
                "as_of": ValidationError(
                    _("An IP profile records figures already known: it cannot be dated in the future."), code="future"
                )
            }
        )
    profile = IPProfile(unit=unit, as_of=as_of, recorded_by=actor, **figures)
    profile.full_clean()
    profile.save()
    return profile


@transaction.atomic
def contact_save(*, unit: Unit, contact: UnitContact | None = None, **values: Any) -> UnitContact:
    """Creates or changes a unit's contact; making one primary makes the others secondary."""
    contact = contact or UnitContact(unit=unit)
    for field in ("name", "position"):
        if field in values:
            setattr(contact, field, clean_text(values[field]))
    if "email" in values:
        contact.email = normalise_identifier(values["email"])
    if "phone" in values:
        contact.phone = normalise_phone(normalise_identifier(values["phone"]))
    if "is_primary" in values:
        contact.is_primary = bool(values["is_primary"])
    if contact.is_primary:
        unit.contacts.exclude(pk=contact.pk).filter(is_primary=True).update(is_primary=False)
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def contact_delete(*, contact: UnitContact) -> None:
    contact.delete()
