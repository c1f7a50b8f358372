"""The rows of the personnel and team lists, built in Python.

As units/unit_list.py does for the unit list (and Django's admin for its changelist): a page's rows are its hot loop,
and in a template each cell's lookups, each choice's label (`get_…_display` translates every label of the field per
call) and each URL cost more than the page's SQL. Here each row is one `format_html` with every value escaped, the
labels translated once per page and the detail URL reversed once. Pieces built by `format_html` are safe
already, so joining them keeps them safe.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from huhang.html import format_html
from huhang.vocabulary import TaskArea
from teams.models import Person
from units.unit_list import row_url

if TYPE_CHECKING:
    from collections.abc import Iterable

    from teams.models import Team

_NO_PK = 987654321  # a primary key no record has: the row URL's placeholder


def _active_cell() -> dict[bool, SafeString]:
    return {
        True: format_html(
            '<td><i class="bi bi-check-circle text-success" aria-hidden="true"></i>'
            '<span class="visually-hidden">{}</span></td>',
            _("Yes"),
        ),
        False: format_html('<td><span class="text-body-secondary">{}</span></td>', _("No")),
    }


def person_rows(people: Iterable[Person]) -> list[SafeString]:
    """The `<tr>` of each person of a list page (templates/teams/person_list.html's columns), with the expertise
    prefetched and the login name and team count annotated by teams.selectors.person_list_for_user."""
    detail_url = row_url("teams:person_detail", pk=_NO_PK)
    kinds = {value: str(label) for value, label in Person.Kind.choices}
    areas = {
        value: format_html('<span class="badge text-bg-light border me-1">{}</span>', label)
        for value, label in TaskArea.choices
    }
    no_expertise = format_html('<span class="text-body-secondary">{}</span>', "—")
    active = _active_cell()
    rows = []
    for person in people:
        expertise = [areas.get(item.area) or format_html("{}", item.area) for item in person.expertise.all()]
        signed = person.confidentiality_signed_on
        rows.append(
            format_html(
                '<tr data-testid="person-row-{}">'
                '<td><a href="{}">{}</a></td>'
                "<td>{}</td>"
                "<td>{}</td>"
                "<td>{}</td>"
                "<td>{}</td>"
                "<td>{}</td>"
                '<td class="text-end">{}</td>'
                "{}</tr>",
                person.pk,
                detail_url(person.pk),
                person.name,
                kinds.get(person.kind, person.kind),
                person.organisation,
                SafeString("".join(expertise)) if expertise else no_expertise,  # nosec B703 # each escaped above
                signed.isoformat() if signed else "—",
                person.login_name or "—",
                person.team_count,
                active[bool(person.is_active)],
            )
        )
    return rows


def team_rows(teams: Iterable[Team]) -> list[SafeString]:
    """The `<tr>` of each team of a list page (templates/teams/team_list.html's columns), with the leader's name and
    the units served annotated and the core seats prefetched by teams.selectors.team_list_for_user."""
    detail_url = row_url("teams:detail", pk=_NO_PK)
    active = _active_cell()
    rows = []
    for team in teams:
        core = "、".join(seat.person.name for seat in team.core_seats) or "—"
        rows.append(
            format_html(
                '<tr data-testid="team-row-{}">'
                '<td><a href="{}">{}</a></td>'
                "<td>{}</td>"
                "<td>{}</td>"
                '<td class="text-end" data-testid="units-served">{}</td>'
                "{}</tr>",
                team.pk,
                detail_url(team.pk),
                team.name,
                team.leader_name or "—",
                core,
                team.units_served,
                active[bool(team.is_active)],
            )
        )
    return rows
