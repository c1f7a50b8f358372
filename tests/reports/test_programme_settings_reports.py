"""The programme settings page's reports part: the report due days (with the due dates they give) and the team
scorecard's weights, which must make 100; the plan deadlines still go through plans.services.plan_deadlines_update."""

import datetime

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Role
from huhang.models import ProgrammeSettings
from reports.forms import ProgrammeSettingsForm

URL = reverse("programme_settings")
DEFAULTS = {
    "first_plans_due": "2025-04-30",
    "plan_due_days": "30",
    "report_due_days": "15",
    "remind_request_hours": "4",
    "remind_plan_days": "7",
    "remind_measure_days": "7",
    "remind_report_days": "7",
    "remind_no_contact_days": "30",
    "weight_plan": "15",
    "weight_measures": "20",
    "weight_contact": "20",
    "weight_requests": "20",
    "weight_satisfaction": "10",
    "weight_feedback": "15",
}
WEIGHTS = ProgrammeSettingsForm.WEIGHT_FIELDS


def _weights(settings: ProgrammeSettings) -> list[int]:
    return [getattr(settings, name) for name in WEIGHTS]


def test_the_page_has_the_deadlines_and_the_weights_and_explains_the_due_dates(client, users):
    client.force_login(users[Role.BUREAU])
    page = client.get(URL)
    assert page.status_code == 200
    form = page.context["form"]
    assert [field.name for field in form.deadline_fields] == ["first_plans_due", "plan_due_days", "report_due_days"]
    assert [field.name for field in form.weight_fields] == WEIGHTS
    assert form.report_due_dates() == (datetime.date(2025, 7, 15), datetime.date(2026, 1, 15))
    assert 'data-testid="weights"' in page.text
    assert "7月15日" in page.text
    assert "1月15日" in page.text


def test_the_bureau_saves_the_report_days_and_the_weights(client, users):
    client.force_login(users[Role.BUREAU])
    data = DEFAULTS | {
        "report_due_days": "20",
        "weight_plan": "10",
        "weight_measures": "25",
        "weight_contact": "25",
        "weight_requests": "20",
        "weight_satisfaction": "5",
        "weight_feedback": "15",
    }
    response = client.post(URL, data)
    assert response.url == URL
    settings = ProgrammeSettings.current()
    assert settings.report_due_days == 20
    assert _weights(settings) == [10, 25, 25, 20, 5, 15]
    page = client.get(URL)
    assert page.context["form"].report_due_dates() == (datetime.date(2025, 7, 20), datetime.date(2026, 1, 20))
    assert "7月20日" in page.text


def test_the_plan_deadlines_still_recompute_the_open_plans(client, users, unit):
    from plans.services import plan_start
    from units.models import ListingEvent

    ListingEvent.objects.create(unit=unit, kind="selected", date=datetime.date(2025, 6, 1))
    plan = plan_start(actor=None, unit=unit)
    assert plan.due_on == datetime.date(2025, 7, 1)
    client.force_login(users[Role.BUREAU])
    response = client.post(URL, DEFAULTS | {"plan_due_days": "10", "report_due_days": "30"})
    assert response.url == URL
    plan.refresh_from_db()
    assert plan.due_on == datetime.date(2025, 6, 11)
    assert (ProgrammeSettings.current().plan_due_days, ProgrammeSettings.current().report_due_days) == (10, 30)


@pytest.mark.parametrize(("weight_plan", "total"), [("10", 95), ("30", 115), ("0", 85)])
def test_weights_that_do_not_make_100_are_refused_naming_their_sum(client, users, weight_plan, total):
    client.force_login(users[Role.BUREAU])
    response = client.post(URL, DEFAULTS | {"weight_plan": weight_plan, "report_due_days": "20"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {
        "__all__": [_("The weights add up to %(sum)s; they must make %(total)s.") % {"sum": total, "total": 100}]
    }
    assert 'data-testid="form-errors"' in response.text
    settings = ProgrammeSettings.current()
    assert (_weights(settings), settings.report_due_days) == ([15, 20, 20, 20, 10, 15], 15)  # nothing saved


@pytest.mark.parametrize(
    ("field", "value"), [("report_due_days", "0"), ("report_due_days", "91"), ("weight_plan", "-5")]
)
def test_out_of_range_values_are_refused_on_their_field(client, users, field, value):
    client.force_login(users[Role.BUREAU])
    response = client.post(URL, DEFAULTS | {field: value})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert ProgrammeSettings.current().report_due_days == 15


@pytest.mark.parametrize("role", [Role.OFFICER, Role.TEAM_MEMBER, Role.EXPERT, Role.UNIT_CONTACT])
def test_only_the_bureau_changes_them(client, users, role):
    client.force_login(users[role])
    assert client.get(URL).status_code == 403
    assert client.post(URL, DEFAULTS | {"report_due_days": "30"}).status_code == 403
    assert ProgrammeSettings.current().report_due_days == 15
