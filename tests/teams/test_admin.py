"""The admin pages of the pool, teams and assignments render for a superuser; seats and assignments are read-only."""

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.factories import PersonFactory, TeamFactory, assign


@pytest.fixture
def admin_client(client, users):
    bureau = users[Role.BUREAU]
    bureau.is_staff = bureau.is_superuser = True
    bureau.save()
    client.force_login(bureau)
    return client


def test_admin_pages_render(admin_client, unit):
    person = PersonFactory(expertise=["protection"])
    team = TeamFactory(leader=person)
    assignment = assign(unit, team)
    for name, args in [
        ("admin:teams_person_changelist", []),
        ("admin:teams_person_change", [person.pk]),
        ("admin:teams_person_history", [person.pk]),
        ("admin:teams_team_changelist", []),
        ("admin:teams_team_change", [team.pk]),
        ("admin:teams_team_history", [team.pk]),
        ("admin:teams_assignment_changelist", []),
        ("admin:teams_assignment_change", [assignment.pk]),
    ]:
        assert admin_client.get(reverse(name, args=args)).status_code == 200, name


def test_assignments_cannot_be_added_in_the_admin(admin_client):
    assert admin_client.get(reverse("admin:teams_assignment_add")).status_code == 403
