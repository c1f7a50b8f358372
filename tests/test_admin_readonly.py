"""Django's admin changes nothing the portal's services own: the workflow records (plans, versions, measures, plan
events, progress notes, activities, requests, messages, referrals, attachments, team seats, assignments, listing
events) and everything else of the apps are shown without add, change or delete, even to a superuser, and a
"revert" to a past version is refused. The one exception is a request kind's time limits, whose change in the admin
is the same as archives.services.response_limit_set (the model's checks and constraint, nothing else)."""

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.models import Role, User
from tests.factories import PersonFactory, TeamFactory, UnitContactFactory, assign
from units import services as unit_services

APPS = {"units", "teams", "plans", "archives", "reports"}
WORKFLOW_MODELS = {
    "plans.Plan",
    "plans.PlanVersion",
    "plans.Measure",
    "plans.PlanEvent",
    "plans.ProgressNote",
    "archives.Activity",
    "archives.Request",
    "archives.RequestMessage",
    "archives.Referral",
    "archives.Attachment",
    "teams.Membership",
    "teams.Assignment",
    "units.ListingEvent",
    "reports.TeamReport",
    "reports.ReportEvent",
    "reports.TypicalCase",
    "reports.UnitFeedback",
    "reports.FeedbackScore",
}
# What the admin may still change, and why it bypasses no service rule.
EDITABLE = {"archives.ResponseLimit": {"change"}}  # = response_limit_set: full_clean and the constraint


@pytest.fixture
def superuser(users):
    bureau = users[Role.BUREAU]
    bureau.is_staff = bureau.is_superuser = True
    bureau.save()
    return bureau


def _shown_in_admin(request) -> dict[str, list]:
    """Every model of the apps the admin shows, with each admin or inline that shows it."""
    shown: dict[str, list] = {}
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in APPS:
            shown.setdefault(model._meta.label, []).append(model_admin)
        for inline_class in model_admin.inlines:
            inline = inline_class(model_admin.model, admin.site)
            if inline.model._meta.app_label in APPS:
                shown.setdefault(inline.model._meta.label, []).append(inline)
    return shown


def _rights(request, shown_by) -> set[str]:
    if isinstance(shown_by, admin.options.InlineModelAdmin):
        add = shown_by.has_add_permission(request, None)
    else:
        add = shown_by.has_add_permission(request)
    rights = {
        "add": add,
        "change": shown_by.has_change_permission(request),
        "delete": shown_by.has_delete_permission(request),
    }
    return {name for name, granted in rights.items() if granted}


def test_the_workflow_records_are_all_in_the_admin(rf, superuser):
    request = rf.get("/admin/")
    request.user = superuser
    assert set(_shown_in_admin(request)) >= WORKFLOW_MODELS


def test_a_superuser_may_not_add_change_or_delete_what_the_services_own(rf, superuser):
    request = rf.get("/admin/")
    request.user = superuser
    granted = {
        f"{label} in {type(shown_by).__name__}": rights
        for label, shown in _shown_in_admin(request).items()
        for shown_by in shown
        if (rights := _rights(request, shown_by)) - EDITABLE.get(label, set())
    }
    assert granted == {}


def test_the_admin_pages_still_show_the_records(client, superuser, unit):
    UnitContactFactory(unit=unit)
    person = PersonFactory(expertise=["protection"])
    team = TeamFactory(leader=person)
    assign(unit, team)
    client.force_login(superuser)
    for name, args in [
        ("admin:units_unit_change", [unit.pk]),
        ("admin:teams_person_change", [person.pk]),
        ("admin:teams_team_change", [team.pk]),
    ]:
        page = client.get(reverse(name, args=args))
        assert page.status_code == 200, name
        assert 'name="_save"' not in page.text, name  # shown, not editable
    assert client.post(reverse("admin:units_unit_delete", args=[unit.pk]), {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:teams_person_add")).status_code == 403


def test_a_revert_to_a_past_version_is_refused(client, superuser, unit):
    unit_services.unit_update(actor=None, unit=unit, name="西湖光电研究院")
    first = unit.history.order_by("history_date").first()
    client.force_login(superuser)
    url = reverse("admin:units_unit_simple_history", args=[unit.pk, first.history_id])
    assert client.get(url).status_code == 200  # a past version may be looked at

    assert client.post(url, {"_save": "1"}).status_code == 403

    unit.refresh_from_db()
    assert unit.name == "西湖光电研究院"


def test_the_admin_neither_adds_deletes_nor_sets_passwords_of_logins(client, superuser, users):
    client.force_login(superuser)
    expert = users[Role.EXPERT]
    assert client.get(reverse("admin:accounts_user_add")).status_code == 403
    assert client.get(reverse("admin:auth_user_password_change", args=[expert.pk])).status_code == 403
    assert client.post(reverse("admin:accounts_user_delete", args=[expert.pk]), {"post": "yes"}).status_code == 403
    page = client.get(reverse("admin:accounts_user_change", args=[expert.pk]))
    assert page.status_code == 200

    # Granting the admin itself stays possible; the role, binding and active flag are the portal's.
    client.post(
        reverse("admin:accounts_user_change", args=[expert.pk]),
        {"is_staff": "on", "is_active": "", "role": Role.BUREAU, "username": "renamed"},
    )

    expert.refresh_from_db()
    assert (expert.is_staff, expert.is_active, expert.role, expert.username) == (True, True, Role.EXPERT, "eve")
    assert User.objects.filter(pk=expert.pk).exists()
