"""Comparing a checked file with the list, and writing it: every row, or none.

A list of 15,000 units is written in seconds, a batch of rows at a time, each batch in a few inserts (huhang/bulk.py:
COPY on PostgreSQL): the units, their listing events and primary contacts, their history rows (the fields and the
user simple-history's save writes) and the audit trail's events for those history rows
(`audit.changes.record_bulk_history`, what the history signal records for a save). Each row becomes the objects the
unit services would save: values normalised by the reading with the services' own functions (huhang/text.py), the
derived search fields filled by the services' `fill_search_fields`, every field the import sets checked by the
models' validators in Python. What the database would check row by row is checked for the whole file at once
instead: the credit codes within the file (reading) and against the list (one query), the county against the
divisions (one query), one primary contact per unit by construction (an existing one is updated, a unit without one
gets one).
"""

from __future__ import annotations

import contextlib
import datetime
import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.changes import record_bulk_history
from huhang.bulk import built, bulk_insert, bulk_update
from huhang.crypto import encrypted_fields, seal, unseal
from units.importing.reading import read_file
from units.importing.result import ChangedUnit, FieldChange, ImportResult, NewUnit, Problem, UnitRow
from units.models import ListingEvent, Unit, UnitContact
from units.services import SEARCH_FIELDS, fill_search_fields

if TYPE_CHECKING:
    from accounts.models import User

BATCH_ROWS = 1_000  # rows built, checked and written at a time: memory stays bounded, progress moves per batch
# The fields the import sets, which the models' validators check; the others keep their defaults, and the listing
# event's values (a date, a batch of at most 64 characters) are the reading's own checks.
UNIT_CHECKED = ("name", "credit_code", "category", "technical_field", "address", *SEARCH_FIELDS)
CONTACT_CHECKED = ("name", "phone", "email")


class _RolledBack(Exception):
    """A row failed its models' validators after earlier batches were written: the transaction is undone."""


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
    """Reads and checks a file, writing nothing: the preview, with what the import would create and update, and
    every row the models' validators would refuse."""
    result = read_file(path)
    if result.ok:
        existing = _existing_units(row.unit["credit_code"] for row in result.rows)
        _count(result, existing)
        for _batch in _batches(result, existing, actor=None):
            pass  # each batch built and checked, never written
        _forget_counts_if_refused(result)
    return result


def import_run(
    *, actor: User | None, path: str | Path, on_progress: Callable[[int], None] | None = None
) -> ImportResult:
    """Checks the file again and writes it in one transaction: every unit, or none if any row fails.

    `on_progress(done)` is called after each batch of rows written.
    """
    result = read_file(path)
    if not result.ok:
        return result
    try:
        with transaction.atomic():
            existing = _existing_units((row.unit["credit_code"] for row in result.rows), lock=True)
            _count(result, existing)
            for batch in _batches(result, existing, actor=actor):
                if not result.problems:  # after a refused row, the rest is only checked, to report every problem
                    batch.write()
                    if on_progress is not None:
                        on_progress(batch.done)
            if result.problems:
                raise _RolledBack
    except _RolledBack:
        _forget_counts_if_refused(result)
        return result
    except IntegrityError:  # a unit added or changed by someone else since the lock, or between check and lock
        result.problems.append(Problem(None, "", "concurrent_change"))
        _forget_counts_if_refused(result)
        return result
    result.committed = True
    return result


def _forget_counts_if_refused(result: ImportResult) -> None:
    if result.problems:
        result.created = result.updated = result.unchanged = 0


def _batches(result: ImportResult, existing: dict[str, Unit], *, actor: User | None) -> Iterator[_Batch]:
    """The file's valid rows as batches of objects to write, built and checked; problems go to `result`."""
    now, today = timezone.now(), timezone.localdate()
    for start in range(0, len(result.rows), BATCH_ROWS):
        batch = _Batch(actor=actor, now=now, today=today, done=min(start + BATCH_ROWS, len(result.rows)))
        for row in result.rows[start : start + BATCH_ROWS]:
            try:
                batch.add(row, existing.get(row.unit["credit_code"]))
            except ValidationError as error:
                result.problems.append(Problem(row.row, "", "rejected", {"detail": "；".join(error.messages)}))
        yield batch


def _validate(instance: Model, checked: tuple[str, ...]) -> None:
    """The field validators of the `checked` fields, in Python; uniqueness and constraints are the file's checks.

    A refusal names each field refused, in the reader's words (电子邮箱: at most 254 characters …)."""
    try:
        instance.full_clean(
            exclude=_unchecked(type(instance), checked), validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        messages = error.message_dict.items()
        raise ValidationError(
            [_labelled(instance, name, text) for name, texts in messages for text in texts]
        ) from error


def _labelled(instance: Model, name: str, message: str) -> str:
    if name == NON_FIELD_ERRORS:
        return message
    return _("%(field)s: %(message)s") % {"field": instance._meta.get_field(name).verbose_name, "message": message}


@functools.cache
def _unchecked(model: type[Model], checked: tuple[str, ...]) -> list[str]:
    return [f.name for f in model._meta.fields if f.name not in checked]


@contextlib.contextmanager
def _sealed(instances: list[Model]) -> Iterator[None]:
    """Each instance's personal data encrypted once for both its row and its history row (huhang/crypto.py's
    Sealed), and clear again afterwards, so that no ciphertext outlives the write that shares it."""
    fields = [field.attname for field in encrypted_fields(type(instances[0]))] if instances else []
    for instance in instances:
        for name in fields:
            setattr(instance, name, seal(getattr(instance, name)))
    try:
        yield
    finally:
        for instance in instances:
            for name in fields:
                setattr(instance, name, unseal(getattr(instance, name)))


def _snapshot(instance: Model) -> Model:
    """An unsaved history row of the instance as it is now: what its next history row is compared with."""
    history_model = type(instance).history.model
    return history_model(**{f.attname: getattr(instance, f.attname) for f in history_model.tracked_fields})


@dataclass
class _Batch:
    """Up to BATCH_ROWS rows as the objects the unit services would save, written in a few inserts."""

    actor: User | None
    now: datetime.datetime
    today: datetime.date
    done: int  # rows of the file up to the end of this batch, for the progress
    new_units: list[Unit] = field(default_factory=list)
    events: list[ListingEvent] = field(default_factory=list)
    new_contacts: list[UnitContact] = field(default_factory=list)
    changed_units: list[tuple[Unit, Model]] = field(default_factory=list)  # with their snapshot before the change
    changed_contacts: list[tuple[UnitContact, Model]] = field(default_factory=list)
    unit_fields: set[str] = field(default_factory=set)  # the fields the changed units change
    contact_fields: set[str] = field(default_factory=set)

    def add(self, row: UnitRow, unit: Unit | None) -> None:
        """The row's objects, as `unit_create`, `unit_update` and `contact_save` build them; ValidationError if a
        validator refuses a value."""
        if unit is None:
            unit = built(Unit, {**row.unit, "is_listed": True})
            fill_search_fields([unit])
            _validate(unit, UNIT_CHECKED)
            event = built(
                ListingEvent,
                {
                    "unit": unit,
                    "kind": ListingEvent.Kind.SELECTED,
                    "date": row.selected_on or self.today,
                    "batch": row.batch,
                    "recorded_by": self.actor,
                },
            )
            self.new_units.append(unit)
            self.events.append(event)
        else:
            changes = _unit_changes(unit, row)
            if changes:
                before = _snapshot(unit)
                for name, value in changes.items():
                    setattr(unit, name, value)
                fill_search_fields([unit])
                unit.updated_at = self.now
                _validate(unit, UNIT_CHECKED)
                self.changed_units.append((unit, before))
                self.unit_fields.update(changes)
        contact = _primary(unit)
        changes = _contact_changes(contact, row)
        if not changes:
            return
        if contact is None:
            contact = built(UnitContact, {"unit": unit, "is_primary": True, **changes})
            _validate(contact, CONTACT_CHECKED)
            self.new_contacts.append(contact)
        else:
            before = _snapshot(contact)
            for name, value in changes.items():
                setattr(contact, name, value)
            contact.updated_at = self.now
            _validate(contact, CONTACT_CHECKED)
            self.changed_contacts.append((contact, before))
            self.contact_fields.update(changes)

    def write(self) -> None:
        changed_units = [unit for unit, _before in self.changed_units]
        changed_contacts = [contact for contact, _before in self.changed_contacts]
        with _sealed([*self.new_contacts, *changed_contacts]):
            self._write(changed_units, changed_contacts)

    def _write(self, changed_units: list[Unit], changed_contacts: list[UnitContact]) -> None:
        bulk_insert(self.new_units)
        bulk_insert(self.events)
        bulk_insert(self.new_contacts)  # after their units, whose keys they take
        if changed_units:
            fields = sorted({*self.unit_fields, *SEARCH_FIELDS, "updated_at"})
            bulk_update(changed_units, fields)
        if changed_contacts:
            fields = sorted({*self.contact_fields, "updated_at"})
            bulk_update(changed_contacts, fields)
        changes = [
            *self._history(self.new_units, "+"),
            *self._history(changed_units, "~", before=[before for _unit, before in self.changed_units]),
            *self._history(self.new_contacts, "+"),
            *self._history(changed_contacts, "~", before=[before for _contact, before in self.changed_contacts]),
        ]
        record_bulk_history(changes)

    def _history(self, instances: list[Model], history_type: str, *, before: list[Model] | None = None) -> list:
        """Writes each instance's history row as its save would; returns (instance, history row, snapshot before)."""
        if not instances:
            return []
        history_model = type(instances[0]).history.model
        tracked = [f.attname for f in history_model.tracked_fields]
        rows = [
            built(
                history_model,
                {
                    "history_date": self.now,
                    "history_user": self.actor,
                    "history_change_reason": None,
                    "history_type": history_type,
                    **{name: getattr(instance, name) for name in tracked},
                },
            )
            for instance in instances
        ]
        bulk_insert(rows)
        return list(zip(instances, rows, before or [None] * len(instances), strict=True))
