"""Comparing a checked file with the list, and writing it through the unit services: every row, or none."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone

from units.importing.reading import read_file
from units.importing.result import ChangedUnit, FieldChange, ImportResult, NewUnit, Problem, UnitRow
from units.models import Unit, UnitContact
from units.services import contact_save, unit_create, unit_update

if TYPE_CHECKING:
    from accounts.models import User


class _Rejected(Exception):
    def __init__(self, problem: Problem):
        super().__init__(problem.code)
        self.problem = problem


def _existing_units(codes: Iterable[str], *, lock: bool = False) -> dict[str, Unit]:
    """The units the file names, with their county and primary contact: one fetch, whatever the file's length.

    A file has at most reading.MAX_ROWS (20,000) codes, within what SQLite (32,766 since 3.32) and PostgreSQL
    (65,535) take as the parameters of one query.
    """
    primary = Prefetch("contacts", queryset=UnitContact.objects.filter(is_primary=True), to_attr="primary_contacts")
    units = Unit.objects.filter(credit_code__in=sorted(set(codes))).prefetch_related(primary)
    if lock:
        units = units.select_for_update(of=("self",))
    return {unit.credit_code: unit for unit in units.select_related("division__city")}


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


def _described_changes(unit: Unit, row: UnitRow) -> list[FieldChange]:
    """What the row changes in the unit and its primary contact, each before → after, in the file's column order."""
    changes = []
    for name, value in _unit_changes(unit, row).items():
        if name == "division":
            changes.append(FieldChange(name, str(unit.division), str(value)))
        else:
            changes.append(FieldChange(name, getattr(unit, name), value))
    contact = _primary(unit)
    for name, value in _contact_changes(contact, row).items():
        before = getattr(contact, name) if contact is not None else ""
        changes.append(FieldChange("contact_name" if name == "name" else name, before, value))
    return changes


def _count(result: ImportResult, existing: dict[str, Unit]) -> None:
    """Counts what the import creates and changes, and lists it for the preview."""
    result.created = result.updated = result.unchanged = result.renamed = 0
    result.changed_units, result.new_units = [], []
    for row in result.rows:
        values = row.unit
        unit = existing.get(values["credit_code"])
        if unit is None:
            result.created += 1
            division = str(values["division"])
            result.new_units.append(
                NewUnit(row.row, values["credit_code"], values["name"], values["category"], division)
            )
            continue
        result.updated += 1
        changes = _described_changes(unit, row)
        if not changes:
            result.unchanged += 1
            continue
        changed = ChangedUnit(row.row, unit.credit_code, unit.name, changes)
        result.renamed += changed.renamed
        result.changed_units.append(changed)
    # A changed name is what most needs a second look (a mistyped code names another unit): those come first.
    result.changed_units.sort(key=lambda changed: not changed.renamed)


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
