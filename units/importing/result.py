"""What an import reports: its problems, each with a place in the file, and its counts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

STORED_PROBLEMS = 500  # a job keeps this many problems for its page; the rest are counted

MESSAGES = {
    "too_large": _("The file is larger than %(limit)s MB: split the list into smaller files."),
    "not_xlsx": _("This is not an Excel workbook (.xlsx): save the list as .xlsx and upload it again."),
    "old_format": _(
        "This is an old Excel file (.xls) or a workbook with a password: save it as .xlsx without a password "
        "and upload it again."
    ),
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
    "credit_code_length": _("A unified social credit code has 18 characters; %(value)s has %(length)s."),
    "credit_code_characters": _("A unified social credit code cannot contain %(characters)s."),
    "credit_code_checksum": _("The check character of %(value)s is wrong: please check the code."),
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
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems and not self.more_problems

    @property
    def problem_count(self) -> int:
        return len(self.problems) + self.more_problems

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
            "committed": self.committed,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImportResult:
        values = {key: value for key, value in data.items() if key in cls.__dataclass_fields__ and key != "problems"}
        problems = [Problem(row, column, code, params) for row, column, code, params in data.get("problems", [])]
        return cls(**values, problems=problems)
