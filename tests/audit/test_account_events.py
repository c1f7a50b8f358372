"""The accounts app's events (accounts/signals.py) in the trail: second factor, sessions, credentials, roles and
lockouts — each once, naming who did it and whom it was about."""

from django.test import RequestFactory
from simple_history.models import HistoricalRecords

from accounts import services, signals
from accounts.models import Role, User
from audit.models import Action, AuditEvent, Result


def the_one(action: Action) -> AuditEvent:
    rows = list(AuditEvent.objects.filter(action=action))
    assert len(rows) == 1, [str(row) for row in rows]
    return rows[0]


def request_from(user, address: str = "10.0.0.9"):
    request = RequestFactory().post("/", REMOTE_ADDR=address)
    request.user = user
    return request


def test_a_verified_and_a_failed_second_factor(users):
    tom = users[Role.TEAM_MEMBER]
    signals.second_factor_verified.send(
        sender=User, user=tom, request=request_from(tom), device=None, recovery_code=True
    )
    signals.second_factor_failed.send(sender=User, user=tom, request=request_from(tom), throttled=False)
    rows = AuditEvent.objects.filter(action=Action.SECOND_FACTOR).order_by("pk")
    assert [(r.user, r.result, r.detail["event"]) for r in rows] == [
        (tom, Result.OK, "verified"),
        (tom, Result.FAILED, "failed"),
    ]
    assert rows[0].detail["recovery_code"] is True
    assert rows[0].ip == "10.0.0.9"


def test_a_second_factor_reset_names_the_security_administrator_and_the_user(users):
    security, tom = users[Role.SECURITY_ADMIN], users[Role.TEAM_MEMBER]
    signals.second_factor_reset.send(sender=User, user=tom, actor=security, request=request_from(security))
    event = the_one(Action.SECOND_FACTOR)
    assert (event.user, event.role, event.object_type, event.object_id) == (
        security,
        Role.SECURITY_ADMIN,
        "accounts.user",
        str(tom.pk),
    )


def test_a_password_reset_by_the_security_administrator(users):
    security, alice = users[Role.SECURITY_ADMIN], users[Role.BUREAU]
    services.user_password_reset(actor=security, user=alice, request=request_from(security))
    event = the_one(Action.PASSWORD)
    assert (event.user, event.object_id, event.detail) == (security, str(alice.pk), {"event": "reset"})


def test_an_ended_session_says_why_and_a_logout_is_not_counted_twice(users):
    tom = users[Role.TEAM_MEMBER]
    signals.session_ended.send(sender=User, user=tom, reason="superseded", request=None, login_session=None)
    signals.session_ended.send(sender=User, user=tom, reason="logout", request=None, login_session=None)
    assert the_one(Action.SESSION_ENDED).detail == {"reason": "superseded"}


def test_a_role_change_through_the_service_is_recorded_once_with_before_and_after(users, unit):
    """On a page, HistoryRequestMiddleware gives the user's history the request: the history's event has the before
    and after, and the service's signal adds no second row."""
    security, eve = users[Role.SECURITY_ADMIN], users[Role.EXPERT]
    request = request_from(security)
    HistoricalRecords.context.request = request
    try:
        services.user_change_role(actor=security, user=eve, role=Role.UNIT_CONTACT, unit=unit, request=request)
    finally:
        del HistoricalRecords.context.request
    change = the_one(Action.ROLE_CHANGE)
    assert change.user == security
    assert change.detail["changes"]["role"] == [Role.EXPERT, Role.UNIT_CONTACT]


def test_a_role_change_signalled_without_a_history_is_recorded_from_the_signal(users):
    security, eve = users[Role.SECURITY_ADMIN], users[Role.EXPERT]
    before, after = {"role": "expert"}, {"role": "team_member"}
    signals.role_changed.send(sender=User, user=eve, actor=security, request=None, before=before, after=after)
    assert the_one(Action.ROLE_CHANGE).detail == {"before": before, "after": after}


def test_a_cleared_lockout(users):
    security = users[Role.SECURITY_ADMIN]
    signals.lockout_cleared.send(sender=User, username="alice", actor=security, request=request_from(security))
    event = the_one(Action.ADMINISTRATION)
    assert (event.user, event.detail) == (security, {"event": "lockout_cleared", "username": "alice"})
