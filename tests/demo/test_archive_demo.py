"""The demo programme's archive and requests: two years of work in every kind and state, dated 2025–2026, written
through the services, visible to the demo logins; seeding twice changes nothing."""

import datetime

import pytest
from django.db.models import Count, Exists, F, OuterRef, Q

from accounts.models import Role, User
from archives.models import Activity, ActivityMeasure, Attachment, Referral, Request, RequestKind, RequestMessage
from archives.scopes import visible_activities, visible_requests
from archives.services import request_close
from demo.archive import CUTOFF
from demo.plans import DEMO_TODAY as PLANS_TODAY
from plans.models import PlanVersion, ProgressNote
from teams.models import Assignment, Membership
from units.scopes import visible_units

pytestmark = pytest.mark.django_db

TABLES = [Activity, ActivityMeasure, ProgressNote, Request, RequestMessage, Referral, User]
Status = Request.Status
OPEN = [Status.SUBMITTED, Status.ACCEPTED, Status.IN_PROGRESS, Status.REFERRED, Status.ANSWERED]


def login(username: str) -> User:
    return User.objects.get(username=username)


def test_two_years_of_activities_of_every_kind(seeded):
    dates = list(Activity.objects.values_list("date", flat=True))
    assert len(dates) > 400
    assert min(dates) >= datetime.date(2025, 3, 1)
    assert max(dates) <= datetime.date(2026, 11, 24)
    assert {d.year for d in dates} == {2025, 2026}
    kinds = dict(Activity.objects.values_list("kind").annotate(n=Count("pk")))
    assert set(kinds) == set(Activity.Kind.values)
    assert kinds["visit"] + kinds["consultation"] > 300  # hundreds of visits and consultations
    assert kinds["visit"] == max(kinds.values())
    weekdays = [d.weekday() < 5 for d in dates]
    assert sum(weekdays) > 0.85 * len(dates)  # mostly in working weeks
    assert not Attachment.objects.exists()  # the media directory stays clean


def violations(queryset) -> list[int]:
    """The keys of the rows a query finds breaking a rule: every row is checked, and a failure names them."""
    return list(queryset.values_list("pk", flat=True))


def test_activities_name_the_serving_team_and_signed_experts(seeded):
    serving = Assignment.objects.filter(team=OuterRef("team"), unit=OuterRef("unit"), end__isnull=True)
    assert violations(Activity.objects.exclude(Exists(serving))) == []
    participant_seated = Membership.objects.filter(team=OuterRef("activity__team"), person=OuterRef("person"))
    assert violations(Activity.team_participants.through.objects.exclude(Exists(participant_seated))) == []
    recorder_seated = Membership.objects.filter(team=OuterRef("team"), person__user=OuterRef("recorded_by"))
    assert violations(Activity.objects.exclude(Exists(recorder_seated))) == []
    unsigned = Activity.experts.through.objects.filter(person__confidentiality_signed_on__isnull=True)
    assert violations(unsigned) == []
    stamps = Activity.objects.values_list("pk", "date", "created_at")
    recorded_before = [pk for pk, date, created_at in stamps if created_at.date() < date]
    assert recorded_before == []  # recorded the same evening, backdated
    assert Activity.objects.filter(experts__isnull=False).exists()
    assert Activity.objects.filter(unit_attendees__isnull=False).exists()


def test_measures_advanced_are_of_the_plan_in_force_after_its_approval(seeded):
    advances = ActivityMeasure.objects.select_related("activity", "measure__version__plan", "progress_note")
    assert advances.count() > 20
    for advance in advances:
        version = advance.measure.version
        assert version.status == PlanVersion.Status.APPROVED
        assert version.plan.in_force_id == version.pk
        approved = version.events.get(action="approved").created_at.date()
        assert approved < advance.activity.date <= PLANS_TODAY
        assert advance.progress_note.date == advance.activity.date
        assert advance.progress_note.created_at < CUTOFF


def test_about_five_hundred_requests_of_every_kind_and_state(seeded):
    assert 400 <= Request.objects.count() <= 550
    assert set(Request.objects.values_list("kind", flat=True)) == set(RequestKind.values)
    statuses = dict(Request.objects.values_list("status").annotate(n=Count("pk")))
    assert set(statuses) == set(Status.values)
    assert statuses[Status.CLOSED] > Request.objects.count() / 2  # an old programme: most are closed
    assert Request.objects.filter(reopen_count__gt=0).exists()
    assert Request.objects.filter(reopen_count__gt=0, status=Status.CLOSED).exists()
    assert Request.objects.filter(reopen_count__gt=0).exclude(status=Status.CLOSED).exists()


def test_requests_are_raised_by_the_units_contact_or_by_its_team(seeded):
    requests = Request.objects.select_related("raised_by")
    for request in requests:
        if request.on_behalf:
            assert request.raised_by.role == Role.TEAM_MEMBER
        else:
            assert request.raised_by.role == Role.UNIT_CONTACT
            assert request.raised_by.unit_id == request.unit_id
    share = requests.filter(on_behalf=True).count() / requests.count()
    assert 0.05 < share < 0.3
    created = User.objects.filter(username__startswith="unit-")
    assert created.exists()
    assert not any(user.has_usable_password() for user in created)


def test_referrals_with_and_without_the_departments_reply(seeded):
    referrals = Referral.objects.all()
    assert referrals.filter(reply="").exists()
    assert referrals.exclude(reply="").exists()
    assert (
        referrals.filter(department="省市场监管局执法稽查局").exists()
        or referrals.filter(department__endswith="科技局").exists()
    )
    assert not referrals.exclude(reply="").filter(replied_on__lt=F("referred_on")).exists()
    pending = Request.objects.filter(status=Status.REFERRED)
    assert pending.exists()
    assert not Referral.objects.filter(request__in=pending).exclude(reply="").exists()


def test_ratings_mostly_good_and_the_low_ones_explained(seeded):
    closed = Request.objects.filter(status=Status.CLOSED)
    assert set(closed.values_list("rating", flat=True)) == {1, 2, 3, 4, 5}
    assert closed.filter(rating__gte=4).count() > 0.75 * closed.count()
    assert not closed.filter(rating__lte=3, rating_comment="").exists()
    assert not Request.objects.exclude(status=Status.CLOSED).filter(
        Q(rating__isnull=False) | Q(closed_at__isnull=False)
    )


def test_timeliness_some_answered_late_some_open_ones_overdue(seeded):
    answered = Request.objects.with_timeliness().filter(answered_at__isnull=False)
    late = answered.filter(answer_met=False).count()
    assert 0.04 * answered.count() < late < 0.2 * answered.count()
    assert Request.objects.filter(status__in=OPEN).answer_overdue().exists()
    assert Request.objects.filter(status=Status.SUBMITTED).accept_overdue().exists()
    assert not Request.objects.filter(accepted_at__lt=F("submitted_at")).exists()
    assert not Request.objects.filter(answered_at__lt=F("accepted_at")).exists()
    assert not Request.objects.filter(closed_at__lt=F("answered_at")).exists()


def test_the_history_is_dated_when_it_happened(seeded):
    """Nothing carries the moment the demo was seeded: the services' "now" stamps were moved back."""
    assert not Request.objects.filter(Q(created_at__gte=CUTOFF) | Q(updated_at__gte=CUTOFF)).exists()
    assert not Request.objects.filter(closed_at__gte=CUTOFF).exists()
    assert not RequestMessage.objects.filter(created_at__gte=CUTOFF).exists()
    assert not RequestMessage.objects.filter(created_at__lt=F("request__submitted_at")).exists()
    assert not Referral.objects.filter(created_at__gte=CUTOFF).exists()
    assert not Activity.objects.filter(created_at__gte=CUTOFF).exists()
    assert not Request.history.filter(history_date__gte=CUTOFF).exists()
    assert not Activity.history.filter(history_date__gte=CUTOFF).exists()
    months = {d.strftime("%Y-%m") for d in Request.objects.values_list("submitted_at", flat=True)}
    assert len(months) >= 18


def test_the_unit_login_sees_its_requests_in_every_state_and_can_rate_one(seeded):
    contact = login("unit")
    mine = visible_requests(contact)
    assert set(mine.values_list("status", flat=True)) == set(Status.values)
    assert mine.filter(status__in=OPEN).answer_overdue().exists() or mine.accept_overdue().exists()
    waiting = mine.filter(status=Status.ANSWERED, raised_by=contact).first()
    assert waiting is not None
    request_close(actor=contact, request=waiting, rating=5)
    assert Request.objects.get(pk=waiting.pk).status == Status.CLOSED


def test_the_leaders_team_has_a_handful_in_each_state(seeded):
    leader = login("leader")
    counts = dict(visible_requests(leader).values_list("status").annotate(n=Count("pk")))
    assert set(counts) == set(Status.values)
    assert visible_activities(leader).count() > 30
    units = visible_units(leader)
    assert Activity.objects.filter(unit__in=units, recorded_by__in=[leader, login("member")]).exists()


def test_the_expert_login_is_invited_to_activities_and_requests(seeded):
    expert = login("expert")
    assert visible_activities(expert).exists()
    assert visible_requests(expert).exists()
    assert RequestMessage.objects.filter(author=expert, is_internal=True).exists()


def test_the_demo_logins_keep_their_passwords(seeded, settings):
    for username in ("bureau", "officer", "leader", "member", "expert", "unit"):
        assert login(username).has_usable_password()
