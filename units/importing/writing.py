"""Comparing a checked file with the list, and writing it through the unit services: every row, or none."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone

from units.importing.reading import read_file
from units.importing.result import ImportResult, Problem, UnitRow
from units.models import Unit, UnitContact
from units.services import contact_save, unit_create, unit_update

if TYPE_CHECKING:
    from accounts.models import User


class _Rejected(Exception):
    def __init__(self, problem: Problem):
        super().__init__(problem.code)
        self.problem = problem


def _chunks(items: list[str], size: int = 500) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _existing_units(codes: Iterable[str], *, lock: bool = False) -> dict[str, Unit]:
    primary = Prefetch("contacts", queryset=UnitContact.objects.filter(is_primary=True), to_attr="primary_contacts")
    found = {}
    for chunk in _chunks(sorted(set(codes))):
        units = Unit.objects.filter(credit_code__in=chunk).prefetch_related(primary)
        if lock:
            units = units.select_for_update()
        found.update((unit.credit_code, unit) for unit in units)
    return found


def _unit_changes(unit: Unit, row: UnitRow) -> dict[str, Any]:
    changes = {}
    for name, value in row.unit.items():
        current = unit.division_id if name == "division" else getattr(unit, name)
        if current != (value.pk if name == "division" else value):
            changes[name] = value
    return changes


def _primary(unit: Unit | None) -> UnitContact | None:
    contacts = getattr(unit, "primary_contacts", None)
    return contacts[0] if contacts else None


def _contact_changes(contact: UnitContact | None, row: UnitRow) -> dict[str, str]:
    if contact is None:
        return dict(row.contact)
    return {name: value for name, value in row.contact.items() if getattr(contact, name) != value}


def _count(result: ImportResult, existing: dict[str, Unit]) -> None:
    result.created = result.updated = result.unchanged = 0
    for row in result.rows:
        unit = existing.get(row.unit["credit_code"])
        if unit is None:
            result.created += 1
            continue
        result.updated += 1
        if not _unit_changes(unit, row) and not _contact_changes(_primary(unit), row):
            result.unchanged += 1


def import_check(*, path: str | Path) -> ImportResult:
    """Reads and checks a file, writing nothing: the preview, with what the import would create and update."""
    result = read_file(path)
    if result.ok:
        _count(result, _existing_units(row.unit["credit_code"] for row in result.rows))
    return result


def import_run(
    *, actor: User | None, path: str | Path, on_progress: Callable[[int], None] | None = None
) -> ImportResult:
    """Checks the file again and writes it in one transaction: every unit, or none if any row fails.

    `on_progress(done)` is called after each row written.
    """
    result = read_file(path)
    if not result.ok:
        return result
    try:
        with transaction.atomic():
            existing = _existing_units((row.unit["credit_code"] for row in result.rows), lock=True)
            _count(result, existing)
            today = timezone.localdate()
            for done, row in enumerate(result.rows, start=1):
                _write_row(actor=actor, row=row, unit=existing.get(row.unit["credit_code"]), today=today)
                if on_progress is not None:
                    on_progress(done)
    except _Rejected as rejected:
        result.problems.append(rejected.problem)
        result.created = result.updated = result.unchanged = 0
        return result
    result.committed = True
    return result


def _write_row(*, actor: User | None, row: UnitRow, unit: Unit | None, today: datetime.date) -> None:
    try:
        if unit is None:
            unit = unit_create(actor=actor, **row.unit, selected_on=row.selected_on or today, batch=row.batch)
        else:
            changes = _unit_changes(unit, row)
            if changes:
                unit_update(actor=actor, unit=unit, **changes)
        contact = _primary(unit)
        changes = _contact_changes(contact, row)
        if changes:
            contact_save(unit=unit, contact=contact, is_primary=True, **changes)
    except ValidationError as error:
        raise _Rejected(Problem(row.row, "", "rejected", {"detail": "；".join(error.messages)})) from error
    except IntegrityError as error:
        raise _Rejected(Problem(row.row, "", "concurrent_change")) from error
