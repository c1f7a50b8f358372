"""三员分立 (MLPS 2.0 level 3): the system, security and audit administrators are separate roles; none of them reads a
business record by being an administrator; the superuser flag grants nothing; Django's admin is the system
administrator's alone and shows no business model."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import ADMIN_ROLES, ADMINISTRATION_APPS, BUSINESS_ROLES, Role, User
from accounts.scopes import declare, scoped_models, visible
from tests.factories import UserFactory, approved_plan

BUSINESS_APPS = {"units", "teams", "plans", "archives", "reports", "reminders"}


@pytest.mark.parametrize("role", sorted(ADMIN_ROLES))
def test_an_administrator_reads_no_business_record(users, unit, role):
    approved_plan(unit)  # a plan, its unit, team and measures exist
    administrator = users[role]
    administrator.is_superuser = role == Role.SYSTEM_ADMIN  # the flag changes nothing
    for model in scoped_models():
        if model._meta.app_label in ADMINISTRATION_APPS:
            continue
        rows = visible(administrator, model)
        assert rows.query.is_empty(), model._meta.label
        assert not rows.exists(), model._meta.label


def test_no_administrator_scope_can_be_declared_on_a_business_model():
    for label in ("units.Unit", "plans.Plan", "archives.Request"):
        model = apps.get_model(label)
        with pytest.raises(ImproperlyConfigured):
            declare(model, Role.AUDIT_ADMIN, rule="a leak")(lambda user, model=model: model.objects.all())


@pytest.mark.parametrize("role", sorted(ADMIN_ROLES))
def test_an_administrator_holds_no_business_permission(users, unit, role):
    plan = approved_plan(unit)
    administrator = users[role]
    administrator.is_superuser = role == Role.SYSTEM_ADMIN
    for permission in (
        "units.browse_units",
        "units.change_unit",
        "plans.write_plans",
        "plans.view_plans_overview",
        "archives.browse_requests",
        "archives.browse_activities",
        "reports.view_dashboard",
        "reports.view_province_report",
        "huhang.manage_programme",
    ):
        assert not administrator.has_perm(permission), permission
        assert not administrator.has_perm(permission, plan), permission


@pytest.mark.parametrize(
    "url_name", ["units:list", "plans:overview", "archives:request_list", "archives:activity_list", "reports:dashboard"]
)
@pytest.mark.parametrize("role", sorted(ADMIN_ROLES))
def test_the_programmes_pages_refuse_an_administrator(client, users, url_name, role):
    client.force_login(users[role])
    assert client.get(reverse(url_name)).status_code in {403, 404}


def test_the_administrators_and_business_roles_are_disjoint():
    assert set(BUSINESS_ROLES) | ADMIN_ROLES == set(Role)
    assert not set(BUSINESS_ROLES) & ADMIN_ROLES


def test_only_a_system_administrator_may_carry_the_superuser_flag(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username="boss", bureau=True, is_superuser=True)
    assert UserFactory(username="root2", system_admin=True, is_superuser=True).is_superuser


def test_createsuperuser_makes_a_system_administrator(db):
    call_command("createsuperuser", username="first", email="first@example.gov.cn", interactive=False, verbosity=0)
    first = User.objects.get(username="first")
    assert first.role == Role.SYSTEM_ADMIN
    assert first.is_superuser
    assert first.is_staff


def test_the_admin_registers_no_business_model():
    registered = {model._meta.app_label for model in admin.site._registry}
    assert not registered & BUSINESS_APPS


def test_the_system_administrators_admin_shows_the_logins_only(client, users):
    client.force_login(users[Role.SYSTEM_ADMIN])
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    shown = {model["object_name"] for app in index.context["app_list"] for model in app["models"]}
    assert shown == {"User"}
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    # Devices and lockout records are the security administrator's, on the portal's own pages.
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403


@pytest.mark.parametrize("role", sorted(ADMIN_ROLES))
def test_an_administrators_home_lists_their_pages_and_no_programme_figure(client, users, unit, role):
    approved_plan(unit)
    client.force_login(users[role])
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "administrator-home" in response.text
    assert unit.name not in response.text
    links = {page.url for page in response.context["admin_pages"]}
    assert (reverse("admin:index") in links) == (role == Role.SYSTEM_ADMIN)
    assert (reverse("accounts:login_list") in links) == (role in {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN})
