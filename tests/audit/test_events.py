"""What the audit trail records (issue 13, item 4): each kind of event once, with its time, user, role, client address,
record, action and result — and never a password, a token or a full phone number."""

import datetime
import hashlib
import json

import pytest
from django.urls import reverse

from accounts.models import Role
from archives.models import Attachment
from audit.models import Action, AuditEvent, Result
from tests.archives.conftest import PDF, upload
from tests.audit.conftest import sign_in
from tests.factories import ActivityFactory, UnitContactFactory, UserFactory

PASSWORD = "correct-horse-battery"  # UserFactory's


def events(action: Action):
    return AuditEvent.objects.filter(action=action)


def the_one(action: Action) -> AuditEvent:
    rows = list(events(action))
    assert len(rows) == 1, [str(row) for row in rows]
    return rows[0]


def everything_stored() -> str:
    """Every column of every event, as one text to search for what must never be there."""
    return json.dumps(list(AuditEvent.objects.values()), default=str, ensure_ascii=False)


# --- Sign-in -----------------------------------------------------------------------------------------------------


def test_a_login_is_recorded_with_the_user_role_and_address(client, users):
    contact = users[Role.UNIT_CONTACT]  # the second factor is optional for a contact
    client.post(reverse("accounts:login"), {"username": "uma", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3")
    event = the_one(Action.LOGIN)
    assert (event.user, event.username, event.role, event.ip) == (contact, "uma", Role.UNIT_CONTACT, "10.1.2.3")
    assert event.result == Result.OK


def test_a_failed_login_keeps_the_username_as_typed_and_never_the_password(client, users):
    client.post(reverse("accounts:login"), {"username": "ALICE", "password": "Wrong-Secret-987"})
    event = the_one(Action.LOGIN_FAILED)
    assert (event.user, event.username, event.result) == (None, "ALICE", Result.FAILED)
    assert "Wrong-Secret-987" not in everything_stored()


def test_a_failed_login_of_an_unknown_username_is_recorded_alike(client, db):
    client.post(reverse("accounts:login"), {"username": "nobody", "password": "Wrong-Secret-987"})
    assert the_one(Action.LOGIN_FAILED).username == "nobody"


def test_the_fifth_failure_records_one_lockout(client, users):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "alice", "password": "wrong-password"})
    assert events(Action.LOGIN_FAILED).count() == 5
    lockout = the_one(Action.LOCKOUT)
    assert (lockout.username, lockout.result) == ("alice", Result.DENIED)


def test_a_logout_is_recorded(client, users):
    sign_in(client, users[Role.UNIT_CONTACT])
    client.post(reverse("accounts:logout"))
    assert the_one(Action.LOGOUT).user == users[Role.UNIT_CONTACT]


# --- Denied access -----------------------------------------------------------------------------------------------


def test_another_teams_probe_of_a_plan_is_a_denial_that_survives_the_rollback(client, programme):
    tina = programme["tina"]  # leads the Ningbo team, not the one serving `unit`
    sign_in(client, tina)
    plan = programme["plan"]
    response = client.get(reverse("plans:detail", kwargs={"uid": plan.uid}))
    assert response.status_code == 404
    event = the_one(Action.DENIED)
    assert (event.user, event.role, event.result) == (tina, Role.TEAM_MEMBER, Result.DENIED)
    assert event.object_id == str(plan.uid)
    assert event.object_repr == "plans:detail"
    assert event.detail["status"] == 404
    assert not events(Action.READ).exists()  # no read is recorded for a record not shown


def test_a_refused_role_page_is_a_denial(client, users):
    sign_in(client, users[Role.BUREAU])
    assert client.get(reverse("audit:list")).status_code == 403
    assert the_one(Action.DENIED).detail["status"] == 403


def test_a_404_that_names_no_record_is_not_a_denial(client, users):
    sign_in(client, users[Role.BUREAU])
    assert client.get("/no-such-page/").status_code == 404
    assert not events(Action.DENIED).exists()


# --- Changes, with before and after ------------------------------------------------------------------------------


def test_a_contacts_creation_and_change_are_recorded_with_phone_and_email_masked(db, unit):
    contact = UnitContactFactory(unit=unit, phone="13812345678", email="zhang.san@example.com")
    created = events(Action.CREATE).get(object_type="units.unitcontact")
    assert (created.object_type, created.object_id, created.unit_id) == ("units.unitcontact", str(contact.pk), unit.pk)
    assert created.detail["operation"] == "create"
    assert created.detail["changes"]["phone"] == [None, "138****5678"]
    assert created.detail["changes"]["email"] == [None, "z****@example.com"]

    contact.phone = "13987654321"
    contact.save()
    changed = the_one(Action.UPDATE)
    assert changed.detail["changes"] == {"phone": ["138****5678", "139****4321"]}
    stored = everything_stored()
    for personal in ("13812345678", "13987654321", "zhang.san"):
        assert personal not in stored


def test_a_save_that_changes_nothing_is_not_an_update(db, unit):
    contact = UnitContactFactory(unit=unit)
    contact.save()
    assert not events(Action.UPDATE).exists()


def test_a_deletion_keeps_what_was_deleted(db, unit):
    contact = UnitContactFactory(unit=unit, name="王五")
    pk = contact.pk
    contact.delete()
    deleted = the_one(Action.DELETE)
    assert (deleted.object_id, deleted.detail["changes"]["name"]) == (str(pk), ["王五", None])


def test_a_change_made_through_a_page_names_its_user_and_address(client, users, unit):
    """The history's user comes from the request (HistoryRequestMiddleware), the address from the same request."""
    bureau = users[Role.BUREAU]
    sign_in(client, bureau)
    url = reverse("units:contact_create", kwargs={"uid": unit.uid})
    client.post(url, {"name": "李四", "position": "主任", "phone": "13800001111", "email": ""}, REMOTE_ADDR="10.9.8.7")
    created = events(Action.CREATE).get(object_type="units.unitcontact")
    assert (created.user, created.role, created.ip) == (bureau, Role.BUREAU, "10.9.8.7")
    assert created.detail["changes"]["phone"] == [None, "138****1111"]


def test_a_role_change_is_recorded_as_such_and_no_password_goes_in(db, unit):
    user = UserFactory(username="zed", bureau=True)
    created = events(Action.CREATE).get(object_type="accounts.user")
    assert "password" not in created.detail["changes"]
    user.role, user.unit = Role.UNIT_CONTACT, unit
    user.save()
    change = the_one(Action.ROLE_CHANGE)
    assert change.detail["changes"]["role"] == [Role.BUREAU, Role.UNIT_CONTACT]
    assert change.detail["changes"]["unit"] == [None, unit.pk]
    user.set_password("A-New-Password-2026")
    user.save()
    assert "password" not in everything_stored().replace('"password_changed_at"', "")


def test_a_team_membership_change_is_a_scope_change(programme):
    team = programme["team"]
    memberships = AuditEvent.objects.filter(object_type="teams.membership")
    assert memberships.exists()
    assert set(memberships.values_list("action", flat=True)) == {Action.ROLE_CHANGE}
    assert team.memberships.count() == 3


# --- Reads, downloads, exports -----------------------------------------------------------------------------------


def test_a_plan_read_is_recorded_with_its_unit(client, users, programme, unit):
    bureau = users[Role.BUREAU]
    sign_in(client, bureau)
    plan = programme["plan"]
    assert client.get(reverse("plans:detail", kwargs={"uid": plan.uid})).status_code == 200
    read = the_one(Action.READ)
    assert (read.user, read.role, read.object_type, read.object_id) == (bureau, Role.BUREAU, "plans.plan", str(plan.pk))
    assert (read.unit_id, read.ip, read.path) == (unit.pk, "127.0.0.1", f"/plans/{plan.uid}/")


def test_an_attachment_download_is_recorded_with_its_unit(client, users, programme, unit):
    member = users[Role.TEAM_MEMBER]
    activity = ActivityFactory(actor=member, unit=unit, files=[upload("纪要.pdf", PDF)])
    attachment: Attachment = activity.attachments.get()
    sign_in(client, users[Role.BUREAU])
    response = client.get(reverse("archives:attachment_download", kwargs={"uid": attachment.uid}))
    assert response.status_code == 200
    download = the_one(Action.DOWNLOAD)
    assert (download.object_type, download.object_id) == ("archives.attachment", str(attachment.pk))
    assert download.unit_id == unit.pk


def test_an_export_is_recorded(client, users, programme):
    sign_in(client, users[Role.BUREAU])
    assert client.get(reverse("reports:dashboard_xlsx")).status_code == 200
    export = the_one(Action.EXPORT)
    assert (export.object_type, export.detail) == ("reports.dashboard", {"format": "xlsx"})


def test_a_request_read_is_recorded_with_its_unit(client, users, programme, unit):
    from tests.factories import RequestFactory

    request_ = RequestFactory(unit=unit, actor=users[Role.UNIT_CONTACT])
    sign_in(client, users[Role.TEAM_MEMBER])
    assert client.get(reverse("archives:request_detail", kwargs={"uid": request_.uid})).status_code == 200
    read = the_one(Action.READ)
    assert (read.object_type, read.unit_id) == ("archives.request", unit.pk)


@pytest.mark.parametrize("value", ["13812345678", "138-1234-5678"])
def test_a_phone_never_reaches_the_trail_in_full(db, unit, value):
    UnitContactFactory(unit=unit, phone=value)
    assert value not in everything_stored()


def test_a_form_token_is_not_kept_in_a_records_changes(users, programme, unit):
    ActivityFactory(actor=users[Role.TEAM_MEMBER], unit=unit)
    created = events(Action.CREATE).get(object_type="archives.activity")
    assert created.detail["changes"]  # the activity's own fields are there …
    assert not [field for field in created.detail["changes"] if "token" in field]  # … its one-time token is not


@pytest.mark.parametrize("field", ["password", "must_change_password", "submission_token", "otp_secret", "api_key"])
def test_a_field_that_names_a_secret_is_never_diffed(field):
    from audit.changes import _is_secret

    assert _is_secret(field)


def test_masked_values_are_json_safe_and_short():
    from audit.changes import TEXT_LIMIT, masked

    assert masked("mobile", "13800001111") == "138****1111"
    assert masked("contact_email", "li.si@example.com") == "l****@example.com"
    # A long text keeps its length and digest, not its content (三员分立: the audit administrator reads no plan).
    digest = masked("summary", "长" * 1000)
    assert digest == {"length": 1000, "sha256": hashlib.sha256(("长" * 1000).encode()).hexdigest()}
    assert masked("name", "长" * TEXT_LIMIT) == "长" * TEXT_LIMIT
    assert masked("due_on", datetime.date(2026, 12, 31)) == "2026-12-31"
