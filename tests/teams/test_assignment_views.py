"""Handing a unit to a team, and ending a team's service, from the bureau's pages."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from teams.models import Assignment
from tests.factories import TeamFactory, assign

pytestmark = pytest.mark.django_db


def _assign_url(unit):
    return reverse("teams:assign_unit", kwargs={"uid": unit.uid})


def test_the_form_defaults_to_today_and_offers_active_teams_only(bureau_client, unit, own_team):
    retired = TeamFactory()
    retired.is_active = False
    retired.save()
    form = bureau_client.get(_assign_url(unit)).context["form"]
    assert form["start"].value() == timezone.localdate()
    assert list(form.fields["team"].queryset) == [own_team]


def test_assign_a_team_and_go_to_the_unit_page(bureau_client, users, unit, own_team):
    response = bureau_client.post(_assign_url(unit), {"team": own_team.pk, "start": "2025-03-15"})
    assert response.status_code == 302
    assert response.url == reverse("units:detail", kwargs={"uid": unit.uid})
    assignment = Assignment.objects.get()
    assert (assignment.team, assignment.start, assignment.end) == (own_team, datetime.date(2025, 3, 15), None)
    assert assignment.assigned_by.role == "bureau"
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["success"]


def test_reassignment_ends_the_old_team_and_keeps_history(bureau_client, unit, own_team, other_team):
    assign(unit, own_team, start=datetime.date(2025, 3, 15))
    response = bureau_client.post(_assign_url(unit), {"team": other_team.pk, "start": "2026-01-01"})
    assert response.status_code == 302
    rows = list(Assignment.objects.filter(unit=unit).order_by("start").values_list("team", "end"))
    assert rows == [(own_team.pk, datetime.date(2026, 1, 1)), (other_team.pk, None)]
    page = bureau_client.get(_assign_url(unit))
    assert [a.team for a in page.context["assignments"]] == [other_team, own_team]
    assert page.context["current"].team == other_team


def test_the_same_team_is_refused_on_the_form(bureau_client, unit, own_team):
    assign(unit, own_team)
    response = bureau_client.post(_assign_url(unit), {"team": own_team.pk, "start": "2026-03-01"})
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].non_field_errors().as_data()] == ["same_team"]
    assert Assignment.objects.count() == 1


def test_a_start_before_the_current_assignment_is_refused(bureau_client, unit, own_team, other_team):
    assign(unit, own_team, start=datetime.date(2025, 3, 15))
    response = bureau_client.post(_assign_url(unit), {"team": other_team.pk, "start": "2025-01-01"})
    assert [e.code for e in response.context["form"].non_field_errors().as_data()] == ["before_current"]
    assert Assignment.objects.get().end is None


def test_end_the_assignment(bureau_client, unit, own_team):
    assign(unit, own_team)
    response = bureau_client.post(reverse("teams:unassign_unit", kwargs={"uid": unit.uid}))
    assert response.url == reverse("units:detail", kwargs={"uid": unit.uid})
    assert Assignment.objects.get().end == timezone.localdate()
    again = bureau_client.post(reverse("teams:unassign_unit", kwargs={"uid": unit.uid}))
    assert [m.level_tag for m in get_messages(again.wsgi_request)][-1] == "info"


def test_ending_from_the_team_page_returns_there_but_never_to_another_site(bureau_client, unit, own_team):
    assign(unit, own_team)
    team_page = reverse("teams:detail", kwargs={"pk": own_team.pk})
    url = reverse("teams:unassign_unit", kwargs={"uid": unit.uid})
    assert bureau_client.post(url, {"next": team_page}).url == team_page
    assign(unit, own_team, start=timezone.localdate())
    assert bureau_client.post(url, {"next": "https://evil.example.com/"}).url == reverse(
        "units:detail", kwargs={"uid": unit.uid}
    )


def test_ending_an_assignment_that_starts_later_shows_an_error(bureau_client, unit, own_team):
    assign(unit, own_team, start=timezone.localdate() + datetime.timedelta(days=10))
    response = bureau_client.post(reverse("teams:unassign_unit", kwargs={"uid": unit.uid}))
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    assert Assignment.objects.get().end is None


def test_ending_requires_post(bureau_client, unit):
    assert bureau_client.get(reverse("teams:unassign_unit", kwargs={"uid": unit.uid})).status_code == 405
