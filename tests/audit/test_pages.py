"""The audit trail's pages: the audit administrator searches and exports the trail (and the export is itself in it),
every other role is refused; a unit's contact sees who in the programme opened their unit's records, and nothing of
another unit's."""

import csv
import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.models import Role
from audit.models import Action, AuditEvent, Result
from audit.services import record
from tests.audit.conftest import sign_in

EVERY_ROLE = list(Role)
PAGES = ["audit:list", "audit:export", "audit:unit_reads"]
WHO_MAY = {
    "audit:list": {Role.AUDIT_ADMIN},
    "audit:export": {Role.AUDIT_ADMIN},
    "audit:unit_reads": {Role.UNIT_CONTACT},
}


def rows_of(response) -> list[AuditEvent]:
    return list(response.context["page_obj"].object_list)


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # Excel reads Chinese CSV only with the byte-order mark
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("role", EVERY_ROLE)
def test_each_page_is_for_its_role_alone(client, users, name, role):
    sign_in(client, users[role])
    response = client.get(reverse(name))
    assert response.status_code == (200 if role in WHO_MAY[name] else 403)


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_is_sent_to_the_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


# --- The audit administrator's search -----------------------------------------------------------------------------


@pytest.fixture
def trail(users, unit):
    alice, tom = users[Role.BUREAU], users[Role.TEAM_MEMBER]
    return {
        "read": record(Action.READ, user=alice, obj=unit),
        "failed": record(Action.LOGIN_FAILED, username="mallory", result=Result.FAILED),
        "denied": record(Action.DENIED, user=tom, result=Result.DENIED, object_repr="plans:detail"),
    }


@pytest.fixture
def auditor(client, users):
    sign_in(client, users[Role.AUDIT_ADMIN])
    return client


def search(client, **params) -> list[AuditEvent]:
    response = client.get(reverse("audit:list"), params)
    assert response.status_code == 200
    return rows_of(response)


def test_the_list_shows_the_newest_first(auditor, trail):
    assert search(auditor)[:3] == [trail["denied"], trail["failed"], trail["read"]]


def test_the_filters(auditor, trail, users):
    assert search(auditor, action=Action.LOGIN_FAILED) == [trail["failed"]]
    assert search(auditor, result=Result.DENIED) == [trail["denied"]]
    assert search(auditor, role=Role.BUREAU) == [trail["read"]]
    assert search(auditor, user="mallory") == [trail["failed"]]
    assert search(auditor, user=users[Role.BUREAU].full_name) == [trail["read"]]
    assert search(auditor, object_type="units.unit", action=Action.READ) == [trail["read"]]
    assert search(auditor, q="plans:detail") == [trail["denied"]]


def test_the_address_filter(auditor, db):
    seen = AuditEvent.objects.create(action=Action.LOGIN_FAILED, ip="10.1.1.1")
    AuditEvent.objects.create(action=Action.LOGIN_FAILED, ip="10.1.1.2")
    assert search(auditor, ip="10.1.1.1") == [seen]
    assert search(auditor, ip="not an address") == []


def test_the_time_range_is_in_shanghai_days(auditor, db):
    shanghai_midnight = datetime.datetime(2026, 11, 2, tzinfo=ZoneInfo("Asia/Shanghai"))  # 2026-11-01 16:00 UTC
    before = AuditEvent.objects.create(action=Action.LOGIN, at=shanghai_midnight - datetime.timedelta(seconds=1))
    on_the_day = AuditEvent.objects.create(action=Action.LOGIN, at=shanghai_midnight)
    assert search(auditor, date_from="2026-11-02", date_to="2026-11-02") == [on_the_day]
    assert search(auditor, date_from="2026-11-01", date_to="2026-11-01") == [before]


def test_the_list_runs_the_same_queries_for_few_or_many(auditor, users):
    counts = []
    for count in (3, 30):
        for n in range(count - AuditEvent.objects.filter(action=Action.READ).count()):
            record(Action.READ, user=users[Role.BUREAU], object_type="plans.plan", object_id=n)
        with CaptureQueriesContext(connection) as queries:
            response = auditor.get(reverse("audit:list"), {"action": Action.READ})
        assert len(rows_of(response)) == count
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 12


# --- The export -------------------------------------------------------------------------------------------------


def test_the_export_streams_the_search_as_csv_and_is_itself_recorded(auditor, trail, users):
    response = auditor.get(reverse("audit:export"), {"action": Action.LOGIN_FAILED})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == "private, no-store"
    assert "attachment" in response["Content-Disposition"]
    header, *rows = csv_rows(response)
    assert len(header) == 13
    assert [row[1] for row in rows] == ["mallory"]
    export = AuditEvent.objects.get(action=Action.EXPORT)
    assert (export.user, export.object_type) == (users[Role.AUDIT_ADMIN], "audit.auditevent")
    assert export.detail == {"format": "csv", "search": {"action": Action.LOGIN_FAILED}}


def test_the_export_defuses_spreadsheet_formulas(auditor, db):
    record(Action.LOGIN_FAILED, username='=HYPERLINK("http://evil")', result=Result.FAILED)
    _header, row = csv_rows(auditor.get(reverse("audit:export"), {"action": Action.LOGIN_FAILED}))
    assert row[1].startswith("'=")


def test_the_export_reads_the_rows_in_chunks(auditor, users, monkeypatch):
    """Streamed: the events come from an iterator, a chunk at a time, while the response is sent."""
    from audit import exporting

    monkeypatch.setattr(exporting, "CHUNK_SIZE", 2)
    for n in range(5):
        record(Action.READ, user=users[Role.BUREAU], object_type="plans.plan", object_id=n)
    response = auditor.get(reverse("audit:export"), {"action": Action.READ})
    chunks = iter(response.streaming_content)
    assert next(chunks).decode().startswith("\ufeff")  # the header goes out before any event is read
    assert len(list(chunks)) == 5


# --- A unit contact's "who viewed our records" --------------------------------------------------------------------


@pytest.fixture
def reads(users, outsiders, unit):
    alice, olivia, uma = users[Role.BUREAU], users[Role.OFFICER], users[Role.UNIT_CONTACT]
    other_unit = outsiders[Role.UNIT_CONTACT].unit
    return {
        "bureau_read": record(Action.READ, user=alice, obj=unit),
        "officer_download": record(Action.DOWNLOAD, user=olivia, object_type="archives.attachment", unit_id=unit.pk),
        "own_read": record(Action.READ, user=uma, obj=unit),  # the contact's own reads are not news to them
        "other_units_read": record(Action.READ, user=alice, obj=other_unit),
        "change": record(Action.UPDATE, user=alice, obj=unit),  # a change is not a read
        "denied": record(Action.DENIED, user=olivia, result=Result.DENIED, unit_id=unit.pk),
    }


def test_a_contact_sees_the_programmes_reads_of_their_own_unit_only(client, users, reads):
    sign_in(client, users[Role.UNIT_CONTACT])
    response = client.get(reverse("audit:unit_reads"))
    assert rows_of(response) == [reads["officer_download"], reads["bureau_read"]]
    assert users[Role.BUREAU].full_name in response.text
    with translation.override("zh-hans"):
        assert str(Role.BUREAU.label) in response.text


def test_another_units_contact_sees_none_of_them(client, outsiders, reads):
    sign_in(client, outsiders[Role.UNIT_CONTACT])
    response = client.get(reverse("audit:unit_reads"))
    assert rows_of(response) == [reads["other_units_read"]]


def test_a_contact_sees_a_read_made_through_the_plan_page(client, users, programme, unit):
    sign_in(client, users[Role.TEAM_MEMBER])
    client.get(reverse("plans:detail", kwargs={"uid": programme["plan"].uid}))
    client.logout()
    sign_in(client, users[Role.UNIT_CONTACT])
    (read,) = rows_of(client.get(reverse("audit:unit_reads")))
    assert (read.user, read.action, read.object_type) == (users[Role.TEAM_MEMBER], Action.READ, "plans.plan")


def test_the_contacts_page_runs_the_same_queries_for_few_or_many(client, users, unit):
    sign_in(client, users[Role.UNIT_CONTACT])
    counts = []
    for count in (3, 30):
        for _n in range(count - AuditEvent.objects.filter(action=Action.READ).count()):
            record(Action.READ, user=users[Role.BUREAU], obj=unit)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("audit:unit_reads"))
        assert len(rows_of(response)) == count
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 10
