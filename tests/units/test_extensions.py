"""Units know no app above them: what teams, plans and the archive show on the unit page and in the unit list comes
through the registries of units/timeline.py, units/unit_page.py and units/unit_list.py."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from units.timeline import timeline_sources
from units.unit_list import unit_list_columns, unit_list_extensions
from units.unit_page import SLOTS, register_unit_panel

UNIT_TEMPLATES = Path(settings.BASE_DIR) / "templates" / "units"


def test_the_units_templates_name_no_page_of_the_apps_above():
    for template in UNIT_TEMPLATES.glob("*.html"):
        text = template.read_text()
        for app in ("teams", "plans", "archives", "reports"):
            assert f"'{app}:" not in text, template.name
            assert f'"{app}/' not in text, template.name


def test_the_apps_register_their_events_panels_and_columns():
    assert [source.kind for source in timeline_sources()] == [
        "listing",
        "team",
        "ip_profile",
        "plan",
        "measure",
        "activity",
        "request",
        "referral",
    ]
    assert [extension.name for extension in unit_list_extensions()] == ["teams", "plans", "reports"]
    assert [f"{column.cell.__module__}.{column.cell.__name__}" for column in unit_list_columns()] == [
        "teams.unit_list.select_cell",  # the bureau's checkboxes (a selection column, shown first)
        "teams.unit_list.team_cell",
        "plans.unit_list.plan_cell",
    ]


def test_a_panel_needs_a_slot_of_the_page():
    with pytest.raises(ImproperlyConfigured):
        register_unit_panel(slot="footer", template_name="x.html", context=lambda unit, user: {})
    assert "footer" not in SLOTS


def test_the_panels_show_by_role(client, viewers, unit, world):
    url = reverse("units:detail", kwargs={"uid": unit.uid})
    team = unit.assignments.get(end=None).team.name
    shown = {}
    for role in ("bureau", "officer", "member", "contact"):
        client.force_login(viewers[role])
        response = client.get(url)
        assert response.status_code == 200, role
        shown[role] = {
            testid
            for testid in ("unit-team", "assign-team", "unit-plan", "log-activity", "start-plan")
            if f'data-testid="{testid}"' in response.text
        }
        assert team in response.text, role  # every reader of the unit may know which team serves it
    assert shown == {
        "bureau": {"unit-team", "assign-team", "unit-plan"},
        "officer": {"unit-team", "unit-plan"},
        "member": {"unit-team", "unit-plan", "log-activity", "start-plan"},
        "contact": {"unit-team", "unit-plan"},
    }
