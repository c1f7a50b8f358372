import datetime

import pytest
from django.urls import reverse

from accounts.models import Role
from huhang.models import ProgrammeSettings

URL = reverse("programme_settings")
# The form's other fields as they stand by default (tests/reports/test_programme_settings_reports.py tests them).
OTHER_FIELDS = {
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


def test_defaults_come_from_the_action_plan(db):
    settings = ProgrammeSettings.current()
    assert settings.first_plans_due == datetime.date(2025, 4, 30)
    assert settings.plan_due_days == 30
    assert ProgrammeSettings.current().pk == settings.pk


def test_bureau_changes_the_deadlines(client, users):
    client.force_login(users[Role.BUREAU])
    assert client.get(URL).status_code == 200
    response = client.post(URL, {"first_plans_due": "2025-05-15", "plan_due_days": "45", **OTHER_FIELDS})
    assert response.url == URL
    settings = ProgrammeSettings.current()
    assert (settings.first_plans_due, settings.plan_due_days) == (datetime.date(2025, 5, 15), 45)


def test_bad_input_is_refused(client, users):
    client.force_login(users[Role.BUREAU])
    response = client.post(URL, {"first_plans_due": "not a date", "plan_due_days": "-3", **OTHER_FIELDS})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"first_plans_due", "plan_due_days"}
    assert ProgrammeSettings.current().plan_due_days == 30


@pytest.mark.parametrize("role", [Role.OFFICER, Role.TEAM_MEMBER, Role.EXPERT, Role.UNIT_CONTACT])
def test_only_the_bureau_may_change_them(client, users, role):
    client.force_login(users[role])
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"first_plans_due": "2030-01-01", "plan_due_days": "1"}).status_code == 403
    assert ProgrammeSettings.current().plan_due_days == 30


def test_changing_the_deadlines_recomputes_open_plans_only(users, unit):
    from plans.services import plan_deadlines_update, plan_start
    from units.models import ListingEvent

    ListingEvent.objects.create(unit=unit, kind="selected", date=datetime.date(2025, 6, 1))
    plan = plan_start(actor=None, unit=unit)
    assert plan.due_on == datetime.date(2025, 7, 1)  # selected after the first plans: 30 days
    plan_deadlines_update(actor=users[Role.BUREAU], first_plans_due=datetime.date(2025, 4, 30), plan_due_days=10)
    plan.refresh_from_db()
    assert plan.due_on == datetime.date(2025, 6, 11)


# --- when reminders go out (reminders/finders.py) ------------------------------------------------------------------

REMINDER_FIELDS = {
    "remind_request_hours": "8",
    "remind_plan_days": "14",
    "remind_measure_days": "3",
    "remind_report_days": "10",
    "remind_no_contact_days": "45",
}


def test_the_page_groups_the_five_reminder_settings(client, users):
    client.force_login(users[Role.BUREAU])
    page = client.get(URL)
    assert [field.name for field in page.context["form"].reminder_fields] == list(REMINDER_FIELDS)
    reminders = page.text.split('data-testid="reminders"')[1].split("</fieldset>")[0]
    for name in REMINDER_FIELDS:
        assert f'name="{name}"' in reminders
    assert 'name="remind_no_contact_days" value="30" min="7" max="180"' in reminders


def test_the_bureau_saves_the_reminder_settings(client, users):
    client.force_login(users[Role.BUREAU])
    response = client.post(
        URL, {"first_plans_due": "2025-04-30", "plan_due_days": "30", **OTHER_FIELDS, **REMINDER_FIELDS}
    )
    assert response.url == URL
    settings = ProgrammeSettings.current()
    assert {name: str(getattr(settings, name)) for name in REMINDER_FIELDS} == REMINDER_FIELDS
    page = client.get(URL)
    assert {name: str(page.context["form"][name].value()) for name in REMINDER_FIELDS} == REMINDER_FIELDS


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("remind_request_hours", "0", "确保该值大于或等于1。"),
        ("remind_request_hours", "17", "确保该值小于或等于16。"),
        ("remind_plan_days", "61", "确保该值小于或等于60。"),
        ("remind_measure_days", "-1", "确保该值大于或等于1。"),
        ("remind_report_days", "31", "确保该值小于或等于30。"),
        ("remind_no_contact_days", "6", "确保该值大于或等于7。"),
        ("remind_no_contact_days", "三十", "输入整数。"),
        ("remind_plan_days", "", "这个字段是必填项。"),
    ],
)
def test_bad_reminder_settings_are_refused_in_chinese_on_their_field(client, users, field, value, message):
    client.force_login(users[Role.BUREAU])
    data = {"first_plans_due": "2025-04-30", "plan_due_days": "30", **OTHER_FIELDS, **REMINDER_FIELDS, field: value}
    response = client.post(URL, data)
    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}  # one message, naming the range's end
    assert message in response.text
    settings = ProgrammeSettings.current()
    assert (settings.remind_plan_days, settings.remind_no_contact_days) == (7, 30)  # nothing saved
