"""The rows of the request and activity lists, and the request's status and deadline badges, built in Python.

As units/unit_list.py does for the unit list (and Django's admin for its changelist): with a template included per
row for the status and each deadline, and a URL reversed per row, the 25 rows cost the lists more than their SQL
(issue 14). Here each row is one `format_html`, its values escaped, the labels translated once per page and the
detail URL reversed once. The badges are the same markup the thread and the home pages show
(templates/archives/_request_status.html and _deadline.html render them through archives/templatetags).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from archives.models import Activity, Request, RequestKind
from units.unit_list import row_url

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime

    from django.utils.safestring import SafeString

# A request's status as a badge colour; the other states (accepted, in progress) are the primary colour.
_STATUS_COLOURS = {
    Request.Status.CLOSED: "text-bg-secondary",
    Request.Status.ANSWERED: "text-bg-success",
    Request.Status.REFERRED: "text-bg-info",
    Request.Status.SUBMITTED: "text-bg-warning",
}
_STATUS_LABELS = dict(Request.Status.choices)
_NO_UID = "00000000-0000-0000-0000-000000000000"  # a uid no record has: the row URL's placeholder


def request_status_badge(status: str) -> SafeString:
    """The status of a request as a coloured badge (`data-status` for tests and styles)."""
    return format_html(
        '<span class="badge hh-request-{} {}" data-testid="request-status" data-status="{}">{}</span>',
        status,
        _STATUS_COLOURS.get(status, "text-bg-primary"),
        status,
        _STATUS_LABELS.get(status, status),
    )


def _short(moment: datetime | None) -> str:
    return localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


class DeadlineBadges:
    """One deadline of a request, its due time and whether it was met (Request.objects.with_timeliness): running
    (`met` None), met, late (the clock stopped after the due time) or past due (still running after it). The four
    badges are made once, in the reader's language, for every row of a page."""

    def __init__(self) -> None:
        self.running = format_html('<span class="badge text-bg-light border">{}</span>', _("Running"))
        self.met = format_html('<span class="badge text-bg-success">{}</span>', _("Met"))
        self.late = format_html('<span class="badge text-bg-warning">{}</span>', _("Late"))
        self.past_due = format_html(
            '<span class="badge text-bg-danger" data-testid="past-due">{}</span>', _("Past due")
        )

    def __call__(self, due: datetime | None, done: datetime | None, met: bool | None) -> SafeString:
        if met is None:
            state, badge = "running", self.running
        elif met:
            state, badge = "met", self.met
        else:
            state, badge = "missed", self.late if done else self.past_due
        return format_html(
            '<span class="text-nowrap" data-testid="deadline" data-met="{}">{}\n{}</span>', state, _short(due), badge
        )


def request_rows(requests: Iterable[Request]) -> list[SafeString]:
    """The `<tr>` of each request of a list page (templates/archives/request_list.html's columns)."""
    detail_url = row_url("archives:request_detail", uid=_NO_UID)
    deadline = DeadlineBadges()
    kinds = dict(RequestKind.choices)
    by_team = format_html(
        ' <span class="badge text-bg-light border" title="{}">{}</span>',
        _("Logged by the team on the unit's behalf"),
        _("By the team"),
    )
    rows = []
    for req in requests:
        team = format_html('<div class="small text-body-secondary">{}</div>', req.team.name) if req.team else ""
        rating = format_html('<span data-testid="rating">{}/5</span>', req.rating) if req.rating else "—"
        rows.append(
            format_html(
                '<tr data-testid="request-row" data-request="{}" data-status="{}">'
                '<td><a href="{}">{}</a>{}</td>'
                "<td>{}{}</td>"
                '<td class="small">{}</td>'
                "<td>{}</td>"
                '<td class="text-nowrap small">{}</td>'
                '<td class="small">{}</td>'
                '<td class="small">{}</td>'
                "<td>{}</td></tr>",
                req.uid,
                req.status,
                detail_url(req.uid),
                req.title,
                by_team if req.on_behalf else "",
                req.unit.name,
                team,
                kinds.get(req.kind, req.kind),
                request_status_badge(req.status),
                _short(req.submitted_at),
                deadline(req.accept_due_at, req.accepted_at, req.accept_met),
                deadline(req.answer_due_at, req.answered_at, req.answer_met),
                rating,
            )
        )
    return rows


def _names(people) -> str:
    return "、".join(person.name for person in people)


def activity_rows(activities: Iterable[Activity]) -> list[SafeString]:
    """The `<tr>` of each activity of a list page (templates/archives/activity_list.html's columns), with the
    people and files prefetched by archives.selectors.activity_list_for_user."""
    detail_url = row_url("archives:activity_detail", uid=_NO_UID)
    kinds = dict(Activity.Kind.choices)
    experts_label = _("Experts:")
    no_files = format_html('<span class="text-body-secondary">{}</span>', 0)
    rows = []
    for activity in activities:
        url = detail_url(activity.uid)
        participants = _names(activity.participants) or ("" if activity.invited else "—")
        invited = (
            format_html(
                '<span class="d-block text-body-secondary">{} {}</span>', experts_label, _names(activity.invited)
            )
            if activity.invited
            else ""
        )
        files = (
            format_html('<i class="bi bi-paperclip" aria-hidden="true"></i> {}', len(activity.files))
            if activity.files
            else no_files
        )
        rows.append(
            format_html(
                '<tr data-testid="activity-row" data-activity="{}">'
                '<td class="text-nowrap"><a href="{}">{}</a></td>'
                "<td>{}</td>"
                '<td class="text-nowrap"><a class="link-body-emphasis" href="{}">{}</a></td>'
                "<td>{}</td>"
                '<td class="small">{}{}</td>'
                '<td class="text-end text-nowrap" data-testid="file-count">{}</td></tr>',
                activity.uid,
                url,
                activity.date.strftime("%Y-%m-%d"),
                activity.unit.name,
                url,
                kinds.get(activity.kind, activity.kind),
                activity.team.name if activity.team else "—",
                participants,
                invited,
                files,
            )
        )
    return rows
