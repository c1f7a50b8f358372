"""The rows of the plan overview and of the editor's measures, built in Python.

As units/unit_list.py does for the unit list (and Django's admin for its changelist): the overview's 20 rows, each
with a status badge included per row and two URLs reversed per row, cost the page more than its SQL; so did the
editor's measures, each with three URLs, three forms and an included badge. Here each row
is one `format_html` with every value escaped, the badges made once per page in the reader's language and the URLs
reversed once. The badge is the markup of templates/plans/_status_badge.html, which the other plan pages include.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from huhang.html import format_html
from huhang.vocabulary import TaskArea
from plans.models import Measure
from plans.selectors import STATES
from units.unit_list import row_url

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from plans.models import Plan
    from units.models import Unit

_NO_UID = "00000000-0000-0000-0000-000000000000"  # a uid no record has: the row URL's placeholder
_NO_PK = 987654321  # a measure id no record has: the same for the editor's buttons
_BADGE_COLOURS = {
    "approved": " text-bg-success",
    "submitted": " text-bg-primary",
    "returned": " text-bg-warning",
    "draft": " text-bg-info",
}


def status_badges() -> dict[str, SafeString]:
    """Each plan state's badge, in the reader's language."""
    return {
        state: format_html(
            '<span class="badge hh-plan-{}{}" data-testid="plan-status" data-status="{}">{}</span>',
            state,
            _BADGE_COLOURS.get(state, " text-bg-secondary"),
            state,
            label,
        )
        for state, label in STATES
    }


def overview_rows(units: Iterable[Unit]) -> list[SafeString]:
    """The `<tr>` of each unit of an overview page (templates/plans/plan_overview.html's columns), annotated by
    plans.selectors.with_plan_state: the plan's state, uid, version numbers, due date and whether it is past due."""
    plan_url = row_url("plans:detail", uid=_NO_UID)
    unit_url = row_url("units:detail", uid=_NO_UID)
    badges = status_badges()
    past_due = format_html(' <span class="badge text-bg-danger" data-testid="past-due">{}</span>', _("Past due"))

    def version(number: int | None) -> str:
        return _("Version %(number)s") % {"number": number} if number else "—"

    rows = []
    for unit in units:
        due_on = unit.plan_due_on
        rows.append(
            format_html(
                '<tr data-testid="plan-row" data-unit="{}" data-state="{}">'
                '<td><a href="{}">{}</a></td>'
                "<td>{}</td>"
                "<td>{}</td>"
                "<td>{}</td>"
                "<td>{}</td>"
                '<td class="text-nowrap">{}{}</td></tr>',
                unit.uid,
                unit.plan_state,
                plan_url(unit.plan_uid) if unit.plan_uid else unit_url(unit.uid),
                unit.name,
                unit.division,
                badges.get(unit.plan_state, ""),
                version(unit.working_number),
                version(unit.in_force_number),
                due_on.isoformat() if due_on else "",
                past_due if unit.past_due else "",
            )
        )
    return rows


def _measure_url(viewname: str, plan: Plan) -> Callable[[int], str]:
    """A URL of one of the plan's measures, reversed once rather than once a row."""
    before, after = reverse(viewname, kwargs={"uid": plan.uid, "measure_id": _NO_PK}).split(str(_NO_PK))
    return lambda measure_id: f"{before}{measure_id}{after}"


def editor_measure_rows(measures: Sequence[Measure], *, plan: Plan, csrf_token: str) -> list[SafeString]:
    """The `<tr>` of each measure of the editor (templates/plans/_measures.html's columns): its place, area, text,
    owner, due date and status with the overdue badge (the markup of templates/plans/_measure_overdue.html), and its
    move, edit and delete buttons (htmx, or plain forms without JavaScript)."""
    move_url = _measure_url("plans:measure_move", plan)
    edit_url = _measure_url("plans:measure_edit", plan)
    delete_url = _measure_url("plans:measure_delete", plan)
    csrf = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', csrf_token)
    areas = {value: str(label) for value, label in TaskArea.choices}
    statuses = {value: str(label) for value, label in Measure.Status.choices}
    overdue = format_html(
        ' <span class="badge text-bg-danger hh-overdue" data-testid="measure-overdue">{}</span>', _("Overdue")
    )
    move_up, move_down = _("Move up"), _("Move down")
    edit, delete, confirm = _("Edit"), _("Delete"), _("Delete this measure?")
    rows = []
    last = len(measures) - 1
    for index, measure in enumerate(measures):
        move, pk = move_url(measure.pk), measure.pk
        due_on = measure.due_on
        rows.append(
            format_html(
                '<tr data-testid="measure-row" data-measure="{pk}">'
                "<td>{number}</td>"
                '<td class="text-nowrap">{area}</td>'
                '<td class="hh-measure-text" data-testid="measure-content">{content}</td>'
                "<td>{owner}</td>"
                '<td class="text-nowrap">{due_on}</td>'
                "<td>{status}{overdue}</td>"
                '<td class="text-end text-nowrap">'
                '<form method="post" action="{move}" hx-post="{move}" hx-target="#measures" hx-swap="outerHTML"'
                ' class="d-inline">{csrf}<input type="hidden" name="direction" value="up">'
                '<button type="submit" class="btn btn-sm btn-link" data-testid="measure-up"{up_disabled}>'
                '<i class="bi bi-arrow-up" aria-hidden="true"></i><span class="visually-hidden">{move_up}</span>'
                "</button></form>\n"
                '<form method="post" action="{move}" hx-post="{move}" hx-target="#measures" hx-swap="outerHTML"'
                ' class="d-inline">{csrf}<input type="hidden" name="direction" value="down">'
                '<button type="submit" class="btn btn-sm btn-link" data-testid="measure-down"{down_disabled}>'
                '<i class="bi bi-arrow-down" aria-hidden="true"></i><span class="visually-hidden">{move_down}</span>'
                "</button></form>\n"
                '<a class="btn btn-sm btn-link" href="{edit_url}" hx-get="{edit_url}" hx-target="closest tr"'
                ' hx-swap="outerHTML" data-testid="measure-edit">{edit}</a>\n'
                '<form method="post" action="{delete_url}" hx-post="{delete_url}" hx-target="#measures"'
                ' hx-swap="outerHTML" hx-confirm="{confirm}" class="d-inline">{csrf}'
                '<button type="submit" class="btn btn-sm btn-link text-danger" data-testid="measure-delete">{delete}'
                "</button></form></td></tr>",
                pk=pk,
                number=index + 1,
                area=areas.get(measure.area, measure.area),
                content=linebreaksbr(measure.content, autoescape=True),
                owner=measure.owner.name if measure.owner_id and measure.owner.name else "—",
                due_on=due_on.isoformat() if due_on else "—",
                status=statuses.get(measure.status, measure.status),
                overdue=overdue if measure.is_overdue else "",
                move=move,
                csrf=csrf,
                up_disabled=SafeString(" disabled") if index == 0 else "",
                down_disabled=SafeString(" disabled") if index == last else "",
                move_up=move_up,
                move_down=move_down,
                edit_url=edit_url(pk),
                edit=edit,
                delete_url=delete_url(pk),
                confirm=confirm,
                delete=delete,
            )
        )
    return rows
