"""The trail as a CSV file, streamed: rows are read in chunks from a server-side cursor and written as they come, so
an export of a year's events holds neither the table nor the file in memory. UTF-8 with a byte-order mark, which
Excel needs to read Chinese; a cell that a spreadsheet would take for a formula is quoted as text."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.models import Role
from audit.models import Action, Result

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from audit.models import AuditEvent

CHUNK_SIZE = 2000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPE = "text/csv; charset=utf-8"


class _Echo:
    """A file-like object whose write returns the line, for csv.writer inside a generator."""

    def write(self, value: str) -> str:
        return value


def export_filename() -> str:
    return _("audit-trail-%(date)s.csv") % {"date": timezone.localdate().isoformat()}


def _header() -> list[str]:
    return [
        _("Time (Asia/Shanghai)"),
        _("Username"),
        _("Name"),
        _("Role"),
        _("IP address"),
        _("Action"),
        _("Result"),
        _("Record type"),
        _("Record id"),
        pgettext("audit", "Record"),
        _("Unit id"),
        _("Address in the portal"),
        _("Detail"),
    ]


def _text(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _row(event: AuditEvent, roles: dict[str, str], actions: dict[str, str], results: dict[str, str]) -> list[str]:
    return [
        _text(timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S")),
        _text(event.username),
        _text(event.user.full_name if event.user is not None else ""),
        _text(roles.get(event.role, event.role)),
        _text(event.ip),
        _text(actions.get(event.action, event.action)),
        _text(results.get(event.result, event.result)),
        _text(event.object_type),
        _text(event.object_id),
        _text(event.object_repr),
        _text(event.unit_id),
        _text(event.path),
        _text(event.detail_text),
    ]


def audit_csv_lines(events: QuerySet[AuditEvent]) -> Iterator[str]:
    """The CSV, a line at a time: the byte-order mark and header first, then every event of `events`. The labels are
    translated now, in the request's language: the lines are produced later, while the response is sent."""
    writer = csv.writer(_Echo())
    header = "\ufeff" + writer.writerow(_header())
    roles = {value: str(label) for value, label in Role.choices}
    actions = {value: str(label) for value, label in Action.choices}
    results = {value: str(label) for value, label in Result.choices}

    def lines() -> Iterator[str]:
        yield header
        for event in events.iterator(chunk_size=CHUNK_SIZE):
            yield writer.writerow(_row(event, roles, actions, results))

    return lines()
