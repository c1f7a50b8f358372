"""`manage.py seed_scale`: the demo programme and (factor - 1) times its size again, in bulk, consistent with every
constraint and every invariant the services keep, and without changing what any demo login sees.

Built once for the module at factor 2 (150 more units: factor 1 is the demo alone), on top of the package's demo."""

import datetime
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.urls import reverse

from accounts.models import Role, User
from accounts.scopes import scoped_models, visible
from archives.models import Activity, ActivityMeasure, Request, RequestMessage, request_search_document
from archives.services import response_limits
from demo import geography
from demo.scale.base import ACTIVITIES_PER_UNIT, REQUESTS_PER_UNIT, USERNAME_PREFIX
from huhang import workdays
from huhang.crypto import PREFIX
from plans.models import Measure, Plan, PlanVersion
from reminders.models import Notification, Reminder
from reports.models import FeedbackScore, TeamReport, UnitFeedback
from teams.models import Assignment, Membership, Person, Team
from units.credit_code import validate_credit_code
from units.models import IPProfile, ListingEvent, Unit, UnitContact
from units.services import fill_search_fields

pytestmark = pytest.mark.django_db

DEMO_LOGINS = ["bureau", "officer", "leader", "member", "expert", "unit"]
FACTOR = 2


def _scope_sizes() -> dict[tuple[str, str], int]:
    sizes = {}
    for user in User.objects.filter(username__in=DEMO_LOGINS):
        for model in scoped_models():
            sizes[(user.username, model._meta.label)] = visible(user, model).count()
    return sizes


def _constraints() -> list[tuple]:
    """The database's own constraints (PostgreSQL: the build takes the foreign keys off and puts them back)."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), condeferrable, condeferred"
            " FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2"
        )
        return cursor.fetchall()


@pytest.fixture(scope="module")
def scaled(seeded, django_db_blocker):
    """Scope sizes and constraints before and after, what the command printed; rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        before, constraints = _scope_sizes(), _constraints()
        demo_units = Unit.objects.count()
        out = StringIO()
        call_command("seed_scale", factor=FACTOR, force=True, stdout=out)
        yield {
            "before": before,
            "after": _scope_sizes(),
            "printed": out.getvalue(),
            "demo_units": demo_units,
            "constraints": (constraints, _constraints()),
        }
        transaction.set_rollback(True)


def _scale_units():
    """The scale data's units: those whose contact's login is a scale login."""
    return Unit.objects.filter(contact_users__username__startswith=USERNAME_PREFIX)


def _scale_teams():
    return Team.objects.filter(memberships__person__user__username__startswith=USERNAME_PREFIX).distinct()


def test_counts_grow_in_proportion_to_the_factor(scaled):
    demo_units = scaled["demo_units"]
    assert Unit.objects.count() == demo_units * FACTOR
    assert Team.objects.count() == 40 * FACTOR
    assert Person.objects.count() == 60 * FACTOR
    new_units = demo_units * (FACTOR - 1)
    activities = Activity.objects.filter(unit__in=_scale_units()).count()
    assert 0.75 * ACTIVITIES_PER_UNIT * new_units <= activities <= 1.25 * ACTIVITIES_PER_UNIT * new_units
    requests = Request.objects.filter(unit__in=_scale_units()).count()
    assert 0.7 * REQUESTS_PER_UNIT * new_units <= requests <= 1.3 * REQUESTS_PER_UNIT * new_units
    assert RequestMessage.objects.filter(request__unit__in=_scale_units()).count() > requests
    assert (
        Measure.objects.filter(version__plan__unit__in=_scale_units()).count()
        >= 8 * Plan.objects.filter(unit__in=_scale_units()).count()
    )
    assert TeamReport.objects.filter(team__in=_scale_teams()).exists()
    assert UnitFeedback.objects.filter(unit__in=_scale_units()).exists()
    assert FeedbackScore.objects.filter(feedback__unit__in=_scale_units()).exists()
    assert Reminder.objects.filter(team__in=_scale_teams()).exists()
    assert "archives.Activity" in scaled["printed"]


def test_no_demo_login_sees_more_or_less_than_before_but_the_bureau_sees_everything(scaled):
    def sizes(which: str) -> dict:
        return {key: size for key, size in scaled[which].items() if key[0] != "bureau"}

    assert sizes("after") == sizes("before")
    for label in ["units.Unit", "teams.Team", "plans.Plan", "archives.Activity", "archives.Request"]:
        assert scaled["after"][("bureau", label)] == apps.get_model(label).objects.count(), label
    officer = User.objects.get(username="officer")
    assert not _scale_units().filter(division__city=officer.division).exists()
    assert not _scale_units().filter(division__city_id=geography.HANGZHOU).exists()


def test_the_databases_constraints_are_all_back_as_they_were(scaled):
    before, after = scaled["constraints"]
    assert after == before


def test_units_keep_the_services_invariants(scaled):
    units = list(_scale_units())
    for unit in units:
        validate_credit_code(unit.credit_code)
        stored = (unit.name_initials, unit.search_document)
        fill_search_fields([unit])
        assert stored == (unit.name_initials, unit.search_document), unit.name
    latest = {}
    for unit_id, kind in ListingEvent.objects.filter(unit__in=units).order_by("date", "pk").values_list("unit", "kind"):
        latest[unit_id] = kind
    assert all((latest[u.pk] == ListingEvent.Kind.SELECTED) == u.is_listed for u in units)
    assert len({u.name for u in units}) == len(units)
    assert UnitContact.objects.filter(unit__in=units, is_primary=True).count() == len(units)
    assert IPProfile.objects.filter(unit__in=units).count() == 2 * len(units)
    # Personal data is stored encrypted, as the field writes it.
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM units_unitcontact ORDER BY id DESC LIMIT 5")
        assert all(row[0].startswith(PREFIX) for row in cursor.fetchall())
    for contact in UnitContact.objects.filter(unit__in=units)[:20]:
        contact.full_clean()


def test_every_scale_unit_has_a_contact_login_a_team_and_a_plan_unless_removed(scaled):
    for unit in _scale_units().prefetch_related("assignments"):
        login = User.objects.get(unit=unit)
        assert login.role == Role.UNIT_CONTACT
        assert login.username.startswith(USERNAME_PREFIX)
        assert not login.has_usable_password()
        open_assignments = [a for a in unit.assignments.all() if a.end is None]
        assert len(open_assignments) == (1 if unit.is_listed else 0)
        assert Plan.objects.filter(unit=unit).exists() == unit.is_listed


def test_teams_are_one_leader_and_two_core_members_who_signed(scaled):
    teams = _scale_teams().prefetch_related("memberships__person__user")
    assert len(teams) == 40 * (FACTOR - 1)
    for team in teams:
        roles = sorted(m.role for m in team.memberships.all())
        assert roles == [Membership.Role.CORE, Membership.Role.CORE, Membership.Role.LEADER]
        for membership in team.memberships.all():
            assert membership.person.confidentiality_signed_on is not None
            assert membership.person.user.role == Role.TEAM_MEMBER


def test_plans_point_at_their_own_versions_in_the_right_states(scaled):
    for plan in Plan.objects.filter(unit__in=_scale_units()).select_related("in_force", "working"):
        assert plan.in_force or plan.working
        if plan.in_force:
            assert plan.in_force.plan_id == plan.pk
            assert plan.in_force.status == PlanVersion.Status.APPROVED
        if plan.working:
            assert plan.working.plan_id == plan.pk
            assert plan.working.status in (PlanVersion.Status.DRAFT, PlanVersion.Status.SUBMITTED)
    for measure in Measure.objects.filter(carried_from__isnull=False, version__plan__unit__in=_scale_units())[:200]:
        assert measure.carried_from.version.plan_id == measure.version.plan_id
        assert measure.carried_from.version.number == measure.version.number - 1
    for measure in Measure.objects.filter(status=Measure.Status.DONE, version__plan__unit__in=_scale_units())[:200]:
        assert measure.done_on is not None


def test_activities_and_requests_follow_their_units_team_and_clocks(scaled):
    assignments = {a.unit_id: a for a in Assignment.objects.filter(unit__in=_scale_units())}
    last_day = datetime.date(2026, 11, 24)
    for activity in Activity.objects.filter(unit__in=_scale_units())[:500]:
        assignment = assignments[activity.unit_id]
        assert activity.team_id == assignment.team_id
        assert assignment.start <= activity.date <= (assignment.end or last_day)
    for advance in ActivityMeasure.objects.filter(activity__unit__in=_scale_units()).select_related(
        "measure__version__plan", "progress_note", "activity"
    )[:200]:
        assert advance.measure.version.plan.unit_id == advance.activity.unit_id
        assert advance.progress_note.measure_id == advance.measure_id
    for request in Request.objects.filter(unit__in=_scale_units())[:300]:
        assert request.team_id == assignments[request.unit_id].team_id
        assert request.received_on == workdays.received_on(request.submitted_at)
        accept_days, answer_days = response_limits(request.kind)
        assert request.accept_due_at == workdays.due_at(request.submitted_at, accept_days)
        assert request.answer_due_at == workdays.due_at(request.submitted_at, answer_days)
        assert request.search_document == request_search_document(request.title)
        if request.answered_at:
            assert request.accepted_at <= request.answered_at
        answers = [m for m in request.messages.all() if m.is_answer]
        assert len(answers) <= 1
        if request.status in (Request.Status.ANSWERED, Request.Status.CLOSED) and not request.referrals.exists():
            assert len(answers) == 1
            assert answers[0].created_at == request.answered_at


def test_the_demo_logins_bells_are_unchanged_but_the_scale_teams_have_theirs(scaled):
    leader = User.objects.get(username="leader")
    assert not Notification.objects.filter(user=leader, reminder__team__in=_scale_teams()).exists()
    assert Notification.objects.filter(user__username__startswith=USERNAME_PREFIX).exists()


def test_a_second_run_refuses_to_double_the_data(scaled):
    with pytest.raises(CommandError, match="scale data already"):
        call_command("seed_scale", factor=FACTOR, force=True)


def test_the_scale_records_pages_open_for_the_bureau_and_the_serving_team(scaled, client):
    """The rows the bulk path wrote are what the pages expect: a unit, its plan, an activity, a request and a team
    report of the scale data open for the bureau, and the unit's page for its team's leader (a scale login)."""
    unit = _scale_units().filter(is_listed=True, plan__in_force__isnull=False).order_by("pk").first()
    activity = Activity.objects.filter(unit=unit).first()
    request = Request.objects.filter(unit=unit, messages__isnull=False).first()
    report = TeamReport.objects.filter(team__in=_scale_teams(), status=TeamReport.Status.ACCEPTED).first()
    pages = [
        reverse("units:detail", kwargs={"uid": unit.uid}),
        reverse("plans:detail", kwargs={"uid": unit.plan.uid}),
        reverse("archives:activity_detail", kwargs={"uid": activity.uid}),
        reverse("archives:request_detail", kwargs={"uid": request.uid}),
        reverse("reports:team_report", kwargs={"team_id": report.team_id, "code": report.period}),
    ]
    client.force_login(User.objects.get(username="bureau"))
    for page in pages:
        assert client.get(page).status_code == 200, page
    leader = Membership.objects.get(team__assignments__unit=unit, role=Membership.Role.LEADER).person.user
    client.force_login(leader)
    assert client.get(pages[0]).status_code == 200
