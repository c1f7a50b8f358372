"""The dashboard and the consolidated report count the same programme: on the demo data, as of the same day, their
shared figures agree — for the bureau, an officer and a team member — and the consolidated report's parts add up
to its totals. The figures themselves are pinned against hand-built data in tests/reports/test_figures.py."""

import pytest
from django.utils import timezone

from accounts.models import User
from reports.dashboard import dashboard_for_user
from reports.figures import province_figures
from reports.periods import Period

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("username", ["bureau", "officer", "leader"])
def test_the_dashboard_and_the_running_half_years_report_agree(seeded, username):
    user = User.objects.get(username=username)
    today = timezone.localdate()
    dashboard = dashboard_for_user(user=user, today=today)
    figures = province_figures(user=user, period=Period.containing(today), today=today)

    assert dashboard.coverage["listed"] == figures["units"]["listed"]
    assert dashboard.coverage["guided"] == figures["units"]["guided"]
    assert dashboard.coverage["served"] == figures["units"]["served_as_of"]
    guidance = next(step for step in dashboard.steps if step.key == "guidance")
    no_contact = next(figure for figure in guidance.figures if figure.key == "no-contact")
    assert no_contact.value == figures["units"]["no_contact"]


def test_the_consolidated_reports_cities_and_categories_add_up_to_its_totals(seeded):
    figures = province_figures(user=User.objects.get(username="bureau"), period=Period(2026, 1))
    for breakdown in ("by_city", "by_category"):
        for key in ("listed", "served", "with_plan", "guided", "no_contact"):
            assert sum(row[key] for row in figures[breakdown]) == figures["units"][key], (breakdown, key)
        assert sum(row["activities"] for row in figures[breakdown]) == figures["activities"]["total"]
        assert sum(row["requests_received"] for row in figures[breakdown]) == figures["requests"]["total"]["received"]
