"""What an import reports: its problems, each with a place in the file, and its counts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from huhang.uploads import OFFICE_REFUSAL_MESSAGES
from units.credit_code import MESSAGES as CREDIT_CODE_MESSAGES
from units.importing.columns import COLUMNS_BY_FIELD
from units.models import Unit

STORED_PROBLEMS = 500  # a job keeps this many problems for its page; the rest are counted
STORED_PREVIEW = 1_000  # and this many new units, and as many changed ones, for its preview; the rest are counted

MESSAGES = {
    "too_large": _("The file is larger than %(limit)s MB: split the list into smaller files."),
    "not_xlsx": _("This is not an Excel workbook (.xlsx): save the list as .xlsx and upload it again."),
    "old_format": _(
        "This is an old Excel file (.xls) or a workbook with a password: save it as .xlsx without a password "
        "and upload it again."
    ),
    # Macros or external links (huhang/uploads.py): the attachments' reason, word for word.
    **OFFICE_REFUSAL_MESSAGES,
    "unsafe_zip": _("The file is packed unlike any spreadsheet and was refused for safety."),
    "no_header": _("No header row was found in the first %(rows)s rows: the list needs the columns %(columns)s."),
    "missing_column": _("The column %(column)s is missing."),
    "duplicate_column": _("Two columns mean %(column)s: keep only one of them."),
    "too_many_rows": _("The sheet has more than %(limit)s rows: split the list into smaller files."),
    "no_rows": _("There are no units below the header row."),
    "required": _("This cell must be filled in."),
    "formula": _("This cell holds a formula (%(value)s): type the value itself."),
    "too_long": _("At most %(limit)s characters are allowed; this cell has %(length)s."),
    "credit_code_number": _(
        "Excel stored this code as a number and lost its last digits: format the column as text and type the "
        "code again."
    ),
    # The validator's own messages (units/credit_code.py), one per failure: credit_code_length, …_checksum.
    **{f"credit_code_{code}": message for code, message in CREDIT_CODE_MESSAGES.items()},
    "duplicate_code": _("The same credit code is already on row %(first)s."),
    "unknown_category": _("%(value)s is not a category of the programme: use one of %(choices)s."),
    "unknown_city": _("%(value)s is not a city of Zhejiang."),
    "unknown_county": _("%(value)s is not a county-level division of %(city)s."),
    "contact_required": _("Give the contact's name with the phone number or e-mail."),
    "invalid_phone": _(
        "%(value)s is not a valid phone number: use an 11-digit mobile or a landline like 0571-87654321."
    ),
    "invalid_email": _("%(value)s is not a valid e-mail address."),
    "invalid_date": _("%(value)s is not a date: write it like 2025-03-14."),
    "rejected": _("The unit could not be saved: %(detail)s"),
    "concurrent_change": _("Someone changed the same unit at the same time: upload the file again."),
    "internal_error": _("The import failed unexpectedly and nothing was written: try again later."),
}


@dataclass(slots=True)
class Problem:
    row: int | None  # as Excel numbers it; None when the problem is the file's
    column: str  # the header as the file writes it; "" when the problem is not one column's
    code: str  # a key of MESSAGES: what code and tests compare
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code]) % self.params

    def describe(self) -> str:
        """The problem as one sentence, with its place in the file."""
        if self.row is not None and self.column:
            return _("Row %(row)s, column %(column)s: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        if self.row is not None:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return self.message


@dataclass(slots=True)
class UnitRow:
    """One valid row of the file, normalised: what the services are given."""

    row: int
    unit: dict[str, Any]  # the Unit fields the file has columns for; `division` is the county
    contact: dict[str, str]  # the primary contact's fields; empty when the row names no contact
    selected_on: datetime.date | None
    batch: str


# The preview names each changed field by the column of the file it comes from.
_CHANGE_COLUMNS = {"division": "county", "name": "name", "contact_name": "contact_name"}


@dataclass(slots=True)
class FieldChange:
    """One field of an existing unit (or of its primary contact) that the import changes."""

    field: str  # a Unit field, or contact_name, phone, email
    before: str  # as stored: a category's value, a division as 杭州市 西湖区, "" for nothing
    after: str

    @property
    def column(self) -> str:
        return COLUMNS_BY_FIELD[_CHANGE_COLUMNS.get(self.field, self.field)].header

    @property
    def shown_before(self) -> str:
        return self._shown(self.before)

    @property
    def shown_after(self) -> str:
        return self._shown(self.after)

    def _shown(self, value: str) -> str:
        if self.field == "category" and value in Unit.Category.values:
            return str(Unit.Category(value).label)
        return value


@dataclass(slots=True)
class ChangedUnit:
    """An existing unit the file changes, with each change before → after."""

    row: int
    credit_code: str
    name: str  # as the list has it now
    changes: list[FieldChange]

    @property
    def renamed(self) -> bool:
        return any(change.field == "name" for change in self.changes)


@dataclass(slots=True)
class NewUnit:
    """A unit the file adds to the list."""

    row: int
    credit_code: str
    name: str
    category: str
    division: str  # 杭州市 西湖区

    @property
    def category_label(self) -> str:
        return str(Unit.Category(self.category).label)


@dataclass
class ImportResult:
    rows_read: int = 0  # non-empty rows below the header
    rows: list[UnitRow] = field(default_factory=list, repr=False)  # the valid ones (not kept in a job)
    problems: list[Problem] = field(default_factory=list)
    more_problems: int = 0  # left out of `problems` when a job stored the result
    header_row: int | None = None
    ignored_columns: list[str] = field(default_factory=list)  # headers that mean nothing to the import
    created: int = 0  # units created (by a check: that would be created)
    updated: int = 0  # existing units the file names, changed or not
    unchanged: int = 0  # of those, the ones in which nothing differs
    renamed: int = 0  # of those, the ones whose name changes
    # What the preview shows: the changed units (renamed ones first) and the new ones, each up to STORED_PREVIEW.
    changed_units: list[ChangedUnit] = field(default_factory=list)
    new_units: list[NewUnit] = field(default_factory=list)
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems and not self.more_problems

    @property
    def problem_count(self) -> int:
        return len(self.problems) + self.more_problems

    @property
    def changed(self) -> int:
        return self.updated - self.unchanged

    @property
    def more_changed_units(self) -> int:
        return max(0, self.changed - len(self.changed_units))

    @property
    def more_new_units(self) -> int:
        return max(0, self.created - len(self.new_units))

    def as_json(self) -> dict[str, Any]:
        return {
            "rows_read": self.rows_read,
            "problems": [[p.row, p.column, p.code, p.params] for p in self.problems[:STORED_PROBLEMS]],
            "more_problems": self.more_problems + max(0, len(self.problems) - STORED_PROBLEMS),
            "header_row": self.header_row,
            "ignored_columns": self.ignored_columns,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "renamed": self.renamed,
            "changed_units": [
                [u.row, u.credit_code, u.name, [[c.field, c.before, c.after] for c in u.changes]]
                for u in self.changed_units[:STORED_PREVIEW]
            ],
            "new_units": [
                [u.row, u.credit_code, u.name, u.category, u.division] for u in self.new_units[:STORED_PREVIEW]
            ],
            "committed": self.committed,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImportResult:
        lists = ("problems", "changed_units", "new_units")
        values = {key: value for key, value in data.items() if key in cls.__dataclass_fields__ and key not in lists}
        problems = [Problem(row, column, code, params) for row, column, code, params in data.get("problems", [])]
        changed_units = [
            ChangedUnit(row, code, name, [FieldChange(*change) for change in changes])
            for row, code, name, changes in data.get("changed_units", [])
        ]
        new_units = [NewUnit(*entry) for entry in data.get("new_units", [])]
        return cls(**values, problems=problems, changed_units=changed_units, new_units=new_units)
